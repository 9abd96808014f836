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
        if row.get("access_method"):
            options = f" USING {ident(row['access_method'])}{options}"
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
        what its columns need (the functions of a generated column: columns.depends_on), a
        foreign table's server, and the access method it uses."""
        parents = [row["partition_of"]] if row.get("partition_of") else []
        parents += json_list(row.get("inherits"))
        identity = (row["schema"], row["name"])
        side = "source" if ctx.source("tables", identity) is row else "target"
        needed = [key for column in ctx.columns_of_table(*identity, side=side)
                  for key in BUILDERS["columns"].depends_on(ctx, column)]
        if row.get("foreign_server"):            # a foreign table: its server (dropped after it)
            needed.append(("foreign_servers", (row["foreign_server"],)))
        if row.get("access_method"):             # USING: its access method (dropped after it)
            needed.append(("access_methods", (row["access_method"],)))
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
    if "access_method" in differs:
        ctx.add(COLUMNS, "tables", identity, "alter",
                f"ALTER TABLE {name} SET ACCESS METHOD {ident(source.get('access_method') or 'heap')}",
                clause="access method", step="access method")
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
        moved = _inherited_only_columns(ctx, identity)
        helper, steps = _columns_made_inherited(ctx, identity, moved) if moved else (None, [])
        for parent in parents:
            if parent not in parents_now:
                steps = [ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} INHERIT {parent}",
                                 clause="inheritance", step=f"inherit {parent}", depends_on=steps[-1:])]
        if helper is not None:
            done = ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} NO INHERIT {helper}",
                           clause="column inherited", step="no inherit helper", depends_on=steps[-1:])
            ctx.add(COLUMNS, "tables", identity, "alter", Tables().drop_sql(split_qualified(helper), None, if_exists=False),
                    clause="column inherited", step="drop helper", depends_on=[done])
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


# what a column made inherited-only must not have in the target (nothing of it, nothing on it): the
# column is dropped and added again, which would take these along
_ON_COLUMNS = ("indexes", "constraints", "triggers", "policies", "rules", "extended_statistics", "publication_tables")


_RELATIONS = ("tables", "views", "materialized_views", "sequences")


def _inherited_only_columns(ctx: Context, identity: Identity) -> list[str]:
    """The columns a table that starts to inherit must hold as the parent's alone (attislocal false:
    the source's CREATE TABLE ... INHERITS does not declare them) but the target declares: INHERIT
    would merge them and keep them the table's own, which pg_dump writes. Only plain ones, in a table
    nothing else is built on in the target (the way to make them inherited drops them): the others
    are reported as skipped, their declaration left as it is."""
    found, blocked = [], []
    for column in ctx.columns_of_table(identity[0], identity[1], side="source"):
        target = ctx.target("columns", (*identity, column["name"]))
        if column.get("is_local", True) or target is None or not target.get("is_local", True):
            continue
        plain = all(not row.get(field) for row in (column, target)
                    for field in ("not_null", "default_value", "identity", "generated", "collation"))
        if plain and column["data_type"] == target["data_type"]:
            found.append(column["name"])
        else:
            blocked.append(column["name"])
    built_on = [kind for kind in _ON_COLUMNS if any(key[:2] == identity for key in ctx.target_rows.get(kind, {}))]
    for kind in ("views", "materialized_views"):
        if any(list(identity) == key[:2] for row in ctx.target_rows.get(kind, {}).values()
               for key in json_list(row.get("depends_on_columns"))):
            built_on.append(kind)
    if built_on or blocked:
        reason = (f"the target has {', '.join(k.replace('_', ' ') for k in built_on)} on it" if built_on
                  else "they have a default, NOT NULL, collation or another type")
        for name in found + blocked:
            ctx.skip("columns", (*identity, name), f"it becomes inherited, but INHERIT keeps the table's own declaration "
                                                  f"of it (pg_dump writes it) and {reason}: recreate the table to drop it")
        return []
    return found


def _columns_made_inherited(ctx: Context, identity: Identity, columns: Sequence[str]) -> tuple[str, list[str]]:
    """Make the target's own columns inherited-only, keeping their values: each is renamed away and
    added again through an empty helper parent (a column ADD COLUMN makes in an inheriting table is
    the parent's alone), its values copied over, the old one dropped; the real parent's INHERIT then
    merges it, and NO INHERIT of the helper leaves it the parent's alone. The table's columns come
    after its own in physical order then (pg_dump, and every comparison here, go by name)."""
    schema, table = identity
    name = qualified(*identity)
    taken = {key[1] for side in (ctx.source_rows, ctx.target_rows) for kind in _RELATIONS
             for key in side.get(kind, {}) if key[0] == schema}
    helper_name = next(f"{table}_inherit_helper{n or ''}" for n in range(1000) if f"{table}_inherit_helper{n or ''}" not in taken)
    helper = qualified(schema, helper_name)
    steps = [ctx.add(COLUMNS, "tables", identity, "alter", f"CREATE TABLE {helper} ()", clause="column inherited",
                     step="helper", note="an empty parent that lends the columns their inherited-only declaration")]
    steps.append(ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} INHERIT {helper}",
                         clause="column inherited", step="inherit helper", depends_on=steps[-1:]))
    for column in columns:
        row = ctx.target("columns", (*identity, column))
        assert row is not None                                     # _inherited_only_columns made sure
        moved = f"{column}_before_inherit"
        old = ident(moved)
        for sql, step in ((f"ALTER TABLE {name} RENAME COLUMN {ident(column)} TO {old}", "rename"),
                          (f"ALTER TABLE {helper} ADD COLUMN {ident(column)} {row['data_type']}", "add"),
                          (f"UPDATE ONLY {name} SET {ident(column)} = {old}", "copy"),
                          (BUILDERS["columns"].drop_sql((schema, table, moved), row, if_exists=False), "drop")):
            steps.append(ctx.add(COLUMNS, "tables", identity, "alter", sql,
                                 clause="column copy" if step == "copy" else "column inherited",
                                 step=f"{column} {step}", depends_on=steps[-1:]))
    return helper, steps


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
