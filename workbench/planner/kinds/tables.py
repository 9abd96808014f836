"""Tables (stage 02; their options, partitioning and inheritance in stage 03; RLS, typed tables
(OF type, once the columns match the type) and replica identity in stage 09). Foreign tables too:
CREATE FOREIGN TABLE ... SERVER ... OPTIONS (after their server), ALTER FOREIGN TABLE ... OPTIONS,
DROP FOREIGN TABLE (before their server); every other ALTER TABLE form takes them as it is.

A table whose kind, partition key or foreign server changes cannot be altered: with --allow-drops
it is dropped (its data lost) and created again with everything on it; without, it is reported as
skipped.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.expressions import needs_new_function
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import BUILDERS, Builder, builds
from workbench.planner.kinds.columns import (column_definition, column_settings, not_null_name,
                                             not_null_renames)
from workbench.planner.kinds.sequences import owned_by
from workbench.planner.model import Stage
from workbench.planner.options import alter_options_sql, option_changes, options_sql
from workbench.planner.quote import ident, qualified

TABLES, COLUMNS, FINISHING = Stage.TABLES, Stage.COLUMNS, Stage.FINISHING
# what ALTER TABLE cannot change: a table whose kind, partition key or foreign server (no ALTER
# FOREIGN TABLE ... SERVER exists) differs is dropped and created again
REBUILT_FOR = {"table_kind", "partition_key", "foreign_server"}


@builds
class Tables(Builder):
    kind = "tables"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        target = ctx.target("tables", identity)
        depends = []
        if ("tables", identity) in ctx.recreated and target is not None:
            depends.append(_drop_for_rebuild(ctx, identity, target))
        columns = ctx.columns_of_table(*identity, side="source" if ctx.source("tables", identity) else "target")
        late_defaults = [c for c in columns if not c.get("generated") and not c.get("identity")
                         and needs_new_function(ctx, c.get("default_value"))]
        late = {c["name"] for c in late_defaults}
        options = f" WITH ({row['options']})" if row.get("options") else ""
        partition_by = f" PARTITION BY {row['partition_key']}" if row.get("partition_key") else ""
        unlogged = "UNLOGGED " if row.get("persistence") == "unlogged" else ""
        head, server = f"CREATE {unlogged}TABLE", ""
        if row["table_kind"] == "foreign":   # no storage, partition key or persistence of its own: a server
            head, server = "CREATE FOREIGN TABLE", f" SERVER {ident(row['foreign_server'])}{options_sql(row.get('foreign_options'))}"
        if row.get("partition_of"):
            not_nulls = _partition_not_nulls(ctx, row, columns)
            elements = f" (\n    {', '.join(not_nulls)}\n)" if not_nulls else ""
            sql = (f"{head} {qualified(*identity)} PARTITION OF {row['partition_of']}{elements}"
                   f" {row['partition_bound']}{partition_by}{options}{server}")
        else:
            parents = json_list(row.get("inherits"))
            own = [c for c in columns if c.get("is_local", True)] if parents else columns
            body = ",\n    ".join(column_definition(ctx, c, with_default=c["name"] not in late) for c in own)
            inherits = f" INHERITS ({', '.join(parents)})" if parents else ""
            sql = f"{head} {qualified(*identity)} (\n    {body}\n){inherits}{partition_by}{options}{server}"
        # a new partition of a table that is already there takes ACCESS EXCLUSIVE on it
        existing_parent = bool(row.get("partition_of")) and not ctx.table_is_new(*split_qualified(row["partition_of"]))
        created = ctx.add(TABLES, "tables", identity, "create", sql, depends_on=depends,
                          facts=[Fact.EXISTING_PARENT] if existing_parent else [])
        for column in columns:
            column_settings(ctx, (*identity, column["name"]), column, None, TABLES, depends_on=[created])
        if row.get("of_type"):
            ctx.add(FINISHING, "tables", identity, "alter", f"ALTER TABLE {qualified(*identity)} OF {row['of_type']}",
                    clause="of type", step="of type", depends_on=[created])
        _replica_identity(ctx, identity, row, None, TABLES, depends_on=[created])
        for column in late_defaults:
            ctx.add(FINISHING, "columns", (*identity, column["name"]), "alter",
                    f"ALTER TABLE {qualified(*identity)} ALTER COLUMN {ident(column['name'])} SET DEFAULT {column['default_value']}",
                    note="default calls a function created in stage 04", clause="set default", step="default")
        _row_security(ctx, identity, row, None)

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """Its parents (the partitioned table it is a partition of, the tables it inherits from),
        what its columns need (the functions of a generated column: columns.depends_on), and a
        foreign table's server."""
        parents = [row["partition_of"]] if row.get("partition_of") else []
        parents += json_list(row.get("inherits"))
        identity = (row["schema"], row["name"])
        side = "source" if ctx.source("tables", identity) is row else "target"
        needed = [key for column in ctx.columns_of_table(*identity, side=side)
                  for key in BUILDERS["columns"].depends_on(ctx, column)]
        if row.get("foreign_server"):            # a foreign table: its server (dropped after it)
            needed.append(("foreign_servers", (row["foreign_server"],)))
        return [("tables", split_qualified(parent)) for parent in parents] + needed

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        if ("tables", identity) not in ctx.recreated:
            _alter_table(ctx, identity, source, target, set(differences))

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        if ("tables", identity) in ctx.early_drops:
            return
        if row.get("partition_of") and ctx.status("tables", split_qualified(row["partition_of"])) == "only_in_target":
            return                       # dropped with its parent
        ctx.add(Stage.DROPS, "tables", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        foreign = "FOREIGN " if row is not None and row.get("table_kind") == "foreign" else ""
        return f"DROP {foreign}TABLE {'IF EXISTS ' if if_exists else ''}{qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"{'FOREIGN TABLE' if row['table_kind'] == 'foreign' else 'TABLE'} {qualified(*identity)}"

    def recreations(self, ctx: Context) -> None:
        """Tables whose kind, partition key or foreign server changes: dropped and created again with their parts,
        partitions and the foreign keys that point at them (--allow-drops), else skipped."""
        for identity, source, target in ctx.changed("tables"):
            if not set(ctx.differences["tables"][identity]) & REBUILT_FOR:
                continue
            if not ctx.options.allow_drops:
                ctx.skip("tables", identity, "its kind, partition key or foreign server changes, which needs DROP and "
                                             "CREATE TABLE (the data is lost): plan with --allow-drops")
                continue
            ctx.recreate("tables", identity, before_stage=TABLES)
            table = qualified(*identity)
            for kind in ctx.kinds_on_tables():
                for key in ctx.source_rows.get(kind, {}):
                    if key[:2] == identity:
                        ctx.recreate(kind, key)
            for key, row in ctx.target_rows.get("tables", {}).items():
                if row.get("partition_of") == table:
                    ctx.recreate("tables", key)
            for key, row in ctx.target_rows.get("constraints", {}).items():
                if row["constraint_type"] == "f" and row.get("references_table") == table and key[:2] != identity:
                    ctx.recreate("constraints", key, before_stage=TABLES)


def _partition_not_nulls(ctx: Context, row: Row, columns: Sequence[Row]) -> list[str]:
    """A partition's NOT NULL columns that PARTITION OF would not make as the source has them: not
    null where the parent's column is not, or (PostgreSQL 18 on both sides) under a constraint name
    other than the parent's, which a partition would inherit (and could not rename)."""
    parent = {c["name"]: c for c in ctx.columns_of_table(*split_qualified(row["partition_of"]), side="source")}
    named = ctx.drift.source.server_version_num >= 180000 and ctx.target_version >= 180000
    found = []
    for column in columns:
        above = parent.get(column["name"])
        if not column.get("not_null") or above is None:
            continue
        if not above.get("not_null"):
            found.append(f"{ident(column['name'])} "
                         + (f"CONSTRAINT {ident(not_null_name(column))} " if named else "") + "NOT NULL")
        elif named and not_null_name(column) != not_null_name(above):
            found.append(f"{ident(column['name'])} CONSTRAINT {ident(not_null_name(column))} NOT NULL")
    return found


def split_qualified(text: str) -> tuple[str, str]:
    """'"my schema".tab' -> ('my schema', 'tab'), through the parser (quoted names may hold dots)."""
    from pglast import ast, parse_sql

    select = parse_sql(f"SELECT * FROM {text}")[0].stmt
    relation = select.fromClause[0] if isinstance(select, ast.SelectStmt) and select.fromClause else None
    if not isinstance(relation, ast.RangeVar) or relation.schemaname is None or relation.relname is None:
        raise ValueError(f"not a schema-qualified table name: {text}")
    return relation.schemaname, relation.relname


def _drop_for_rebuild(ctx: Context, identity: Identity, target: Row) -> str:
    """A table whose kind or partitioning changes is dropped (its data lost) and created anew."""
    depends = []
    for seq_identity, seq in ctx.target_rows["sequences"].items():
        owner = seq.get("owned_by") or ""
        if owner.startswith(qualified(*identity) + "."):
            depends.append(owned_by(ctx, seq_identity, "NONE", stage=TABLES, step="release before table rebuild"))
            source = ctx.source("sequences", seq_identity)
            if source is not None and source.get("owned_by"):
                owned_by(ctx, seq_identity, source["owned_by"], step="owned by after rebuild")
    return ctx.add(TABLES, "tables", identity, "drop", Tables().drop_sql(identity, target, if_exists=False),
                   depends_on=depends, step="rebuild",
                   note=f"{', '.join(ctx.differences['tables'].get(identity, ()))} cannot be altered in place")


def _alter_table(ctx: Context, identity: Identity, source: Row, target: Row, differs: set[str]) -> None:
    name = qualified(*identity)
    if "persistence" in differs:
        ctx.add(COLUMNS, "tables", identity, "alter",
                f"ALTER TABLE {name} SET {'UNLOGGED' if source['persistence'] == 'unlogged' else 'LOGGED'}",
                clause="persistence", step="persistence")
    if "options" in differs:
        for sql, step in option_changes(f"ALTER TABLE {name}", source.get("options"), target.get("options")):
            ctx.add(COLUMNS, "tables", identity, "alter", sql, clause="options", step=step)
    if differs & {"partition_of", "partition_bound"}:
        detach = None
        if target.get("partition_of"):
            detach = ctx.add(COLUMNS, "tables", identity, "alter",
                             f"ALTER TABLE {target['partition_of']} DETACH PARTITION {name}",
                             clause="detach partition", step="detach")
        renamed = not_null_renames(ctx, identity, [detach] if detach else [])
        if source.get("partition_of"):
            ctx.add(COLUMNS, "tables", identity, "alter",
                    f"ALTER TABLE {source['partition_of']} ATTACH PARTITION {name} {source['partition_bound']}",
                    clause="attach partition", step="attach", depends_on=renamed[-1:])
    if differs & {"inherits"}:
        parents, parents_now = json_list(source.get("inherits")), json_list(target.get("inherits"))
        for parent in parents_now:
            if parent not in parents:
                ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} NO INHERIT {parent}",
                        clause="inheritance", step=f"no inherit {parent}")
        for parent in parents:
            if parent not in parents_now:
                ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} INHERIT {parent}",
                        clause="inheritance", step=f"inherit {parent}")
    if "of_type" in differs:
        untyped = None
        if target.get("of_type"):
            untyped = ctx.add(FINISHING, "tables", identity, "alter", f"ALTER TABLE {name} NOT OF",
                              clause="of type", step="not of")
        if source.get("of_type"):
            ctx.add(FINISHING, "tables", identity, "alter", f"ALTER TABLE {name} OF {source['of_type']}",
                    clause="of type", step="of type", depends_on=[untyped] if untyped else [])
    if "replica_identity" in differs:
        _replica_identity(ctx, identity, source, target, FINISHING)
    _row_security(ctx, identity, source, target)
    change = alter_options_sql(source.get("foreign_options"), target.get("foreign_options"))
    if "foreign_options" in differs and change:
        ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER FOREIGN TABLE {name}{change}",
                clause="foreign options", step="foreign options")


def _row_security(ctx: Context, identity: Identity, source: Row, target: Row | None) -> None:
    name = qualified(*identity)
    for flag, on, off in (("rls_enabled", "ENABLE", "DISABLE"), ("rls_forced", "FORCE", "NO FORCE")):
        wanted, present = bool(source.get(flag)), bool(target.get(flag)) if target else False
        if wanted != present:
            ctx.add(FINISHING, "tables", identity, "alter", f"ALTER TABLE {name} {on if wanted else off} ROW LEVEL SECURITY",
                    clause="row security", step=flag)




def _replica_identity(ctx: Context, identity: Identity, source: Row, target: Row | None, stage: Stage,
                      depends_on: Sequence[str] = ()) -> None:
    """REPLICA IDENTITY DEFAULT / NOTHING / FULL; USING INDEX is the index's (the indexes builder
    sets it once the index exists, in stage 09, after the constraints that make key indexes)."""
    wanted = source.get("replica_identity") or "default"
    present = (target.get("replica_identity") or "default") if target is not None else "default"
    if wanted != present and wanted != "index":
        ctx.add(stage, "tables", identity, "alter", f"ALTER TABLE {qualified(*identity)} REPLICA IDENTITY {wanted.upper()}",
                clause="replica identity", step="replica identity", depends_on=depends_on)
