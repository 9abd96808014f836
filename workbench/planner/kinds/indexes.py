"""Indexes (stage 07). The index that backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint is made by
its constraint; an index of a partitioned table's partition comes with the parent's index. What an
index is to its table (CLUSTER ON it, REPLICA IDENTITY USING it) is set in stage 09, once every
index and key of the plan exists; a change of storage parameters alone is ALTER INDEX SET / RESET."""
from __future__ import annotations

from typing import Iterable, Sequence

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, functions_used
from workbench.planner.hazards import Action, Fact
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import dollar_quoted, ident, literal, qualified
from workbench.sqltree import with_flags

INDEXES, FINISHING = Stage.INDEXES, Stage.FINISHING
# what an index says about its table: ALTER TABLE ... CLUSTER ON / REPLICA IDENTITY USING INDEX it
_FLAGS = {"clustered", "replica_identity"}


@builds
class Indexes(Builder):
    kind = "indexes"

    def create(self, ctx: Context, row: Row) -> None:
        if not (row.get("backs_constraint") or row.get("attached_to")):     # made by its constraint /
            _create_index(ctx, (row["schema"], row["table"], row["name"]), row)   # attached below (finish)

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if ("indexes", identity) in ctx.recreated or source.get("attached_to") or target.get("attached_to"):
            return                     # a partition's index: attached (or made again) in finish
        if ("constraints", identity) in ctx.early_drops and ctx.stage_index(ctx.early_drops[("constraints", identity)]) \
                == ctx.stage_index(INDEXES):               # its key goes first (recreations): a plain index again
            _create_index(ctx, identity, source, depends_on=[ctx.predrop_ids[("constraints", identity)]])
            return
        if source.get("backs_constraint") or target.get("backs_constraint"):
            return                     # the constraint builder decides (USING INDEX, or drop and add)
        if not set(differences) - _FLAGS:
            return                     # CLUSTER ON / REPLICA IDENTITY only: set in finish
        if not _made_again(source, target, differences):
            _alter_options(ctx, identity, source, target)
            return
        drop = ctx.add(INDEXES, "indexes", identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note="its definition changes")
        _create_index(ctx, identity, source, depends_on=[drop])

    def finish(self, ctx: Context) -> None:
        """The partitions' indexes, once the other indexes are planned (see _partition_indexes)."""
        created = {qualified(identity[0], identity[2]): creates[0].id
                   for (kind, identity), statements in ctx.about.items() if kind == "indexes"
                   for creates in ([s for s in statements if s.action == Action.CREATE],) if creates}
        _partition_indexes(ctx, created)
        _flags(ctx)

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The functions its expressions and predicate call."""
        return [("functions", function) for function in functions_used(row)]

    def recreations(self, ctx: Context) -> None:
        """A unique index that is dropped and created again (its definition changes) while foreign
        keys of the target rely on it: they are dropped before it (DROP INDEX refuses while they
        do) and added again in stage 08. An index that backs a target-only key of its name and is a
        plain index in the source (the way back of the unique_wishlist_item trap): with --allow-drops
        the key is dropped in stage 07 (taking the index along) and the index made again."""
        for identity, source, target in ctx.changed("indexes"):
            if target.get("backs_constraint") and not source.get("backs_constraint") \
                    and ctx.status("constraints", identity) == "only_in_target":
                if ctx.options.allow_drops:
                    ctx.early_drops[("constraints", identity)] = INDEXES
                else:
                    ctx.skip("indexes", identity, "backs the target-only constraint of its name, which stays: "
                                                  "plan with --allow-drops to make it a plain index again")
                continue
        for identity, source, target in ctx.changed("indexes"):
            if source.get("attached_to") or target.get("attached_to") or source.get("backs_constraint") \
                    or target.get("backs_constraint") or not target.get("is_unique") \
                    or not _made_again(source, target, ctx.differences["indexes"][identity]):
                continue
            table = qualified(identity[0], identity[1])
            for fk, row in ctx.target_rows.get("constraints", {}).items():
                if (row["constraint_type"] == "f" and row.get("references_table") == table
                        and row.get("references_index") == identity[2]):
                    ctx.recreate("constraints", fk, before_stage=INDEXES)

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if (row.get("backs_constraint") or row.get("inherited") or ctx.status("tables", identity[:2]) == "only_in_target"
                or ("indexes", identity) in ctx.early_drops):
            return
        ctx.add(Stage.DROPS, "indexes", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP INDEX {'IF EXISTS ' if if_exists else ''}{qualified(identity[0], identity[2])}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[2])}


def _made_again(source: Row, target: Row, differences: tuple[str, ...]) -> bool:
    """Whether a changed index is dropped and created again: its definition changes in more than
    its storage parameters (those are ALTER INDEX SET / RESET) or CLUSTER ON / REPLICA IDENTITY."""
    if not set(differences) - _FLAGS:
        return False
    return not (set(differences) == {"definition"}
                and _without_options(source["definition"]) == _without_options(target["definition"]))


def _create_index(ctx: Context, identity: Identity, row: Row, depends_on: Sequence[str] = ()) -> str:
    sql = row["definition"]
    facts = [Fact.UNIQUE] if row.get("is_unique") else []
    existing_table = not ctx.table_is_new(identity[0], identity[1])
    if ctx.options.concurrently and existing_table and row.get("table_kind") != "partitioned":
        return ctx.add(INDEXES, "indexes", identity, "create", with_flags(sql, concurrent=True), depends_on=depends_on,
                       transactional=False, rehearsal_sql=sql, facts=[*facts, Fact.CONCURRENTLY])
    return ctx.add(INDEXES, "indexes", identity, "create", sql, depends_on=depends_on, facts=facts)


def _partition_indexes(ctx: Context, created: dict[str, str]) -> None:
    """The indexes of partitions, as pg_dump makes them: the partition's own index, then
    ALTER INDEX parent ATTACH PARTITION child, which makes the parent (created ON ONLY) valid once
    every partition has one. A partition that joins its parent in this plan (CREATE TABLE ...
    PARTITION OF, ATTACH PARTITION) gets the index of a parent that already exists from PostgreSQL
    itself, under a name PostgreSQL chooses: that index is renamed to the source's name.
    Parents first (a sub-partitioned partition's index is a parent too); a parent index made in
    this plan takes every partition's index along (DROP INDEX of a parent drops them)."""
    rows = [(identity, row) for identity, row in ctx.source_rows.get("indexes", {}).items()
            if row.get("attached_to") and not row.get("backs_constraint")]
    depth = {qualified(identity[0], identity[2]): row["attached_to"] for identity, row in rows}

    def level(name: str) -> int:
        return 0 if name not in depth else 1 + level(depth[name])

    rows.sort(key=lambda item: (level(qualified(item[0][0], item[0][2])), item[0]))
    for identity, row in rows:
        name, parent = qualified(identity[0], identity[2]), row["attached_to"]
        status, target = ctx.status("indexes", identity), ctx.target("indexes", identity)
        if parent in created or status == "only_in_source" or ("indexes", identity) in ctx.recreated:
            if status == "only_in_source" and parent not in created and _joins_parent_in_plan(ctx, identity[:2]):
                created[name] = _rename_cloned_index(ctx, identity, parent)
                continue
            create = _create_index(ctx, identity, row)
            depends = [create] + ([created[parent]] if parent in created else [])
        elif target is not None and target.get("attached_to") != parent:
            if target.get("attached_to"):
                ctx.skip("indexes", identity, f"attached to {target['attached_to']} in the target: an index cannot be "
                                              "detached; drop it and plan again")
                continue
            create, depends = None, []
        else:
            continue
        attach = ctx.add(INDEXES, "indexes", identity, "alter", f"ALTER INDEX {parent} ATTACH PARTITION {name}",
                         clause="attach partition", step="attach", depends_on=depends)
        created[name] = create or attach


def _joins_parent_in_plan(ctx: Context, table: Identity) -> bool:
    """Whether a partition becomes one in this plan (CREATE TABLE ... PARTITION OF, or ATTACH
    PARTITION in stage 03): PostgreSQL then gives it the parent's existing indexes itself."""
    return ctx.table_is_new(*table) or "partition_of" in ctx.differences.get("tables", {}).get(table, ())


def _rename_cloned_index(ctx: Context, identity: Identity, parent: str) -> str:
    """PostgreSQL named the index it made for the partition (table_column_idx, with a number when
    taken); give it the source's name, whatever it chose. Looked up at apply time in pg_inherits."""
    name = qualified(identity[0], identity[2])
    body = (f"DECLARE made regclass; BEGIN SELECT h.inhrelid::regclass INTO made FROM pg_inherits h "
            f"JOIN pg_index x ON x.indexrelid = h.inhrelid WHERE h.inhparent = to_regclass({literal(parent)}) "
            f"AND x.indrelid = to_regclass({literal(qualified(*identity[:2]))}); "
            f"IF made IS NOT NULL AND made IS DISTINCT FROM to_regclass({literal(name)}) THEN "
            f"EXECUTE format('ALTER INDEX %s RENAME TO %I', made, {literal(identity[2])}); END IF; END")
    return ctx.add(INDEXES, "indexes", identity, "alter", f"DO {dollar_quoted(body)}", clause="rename",
                   step="name the partition's index",
                   note=f"made by PostgreSQL when the partition joined its parent (the index {parent})")


def _without_options(definition: str) -> str:
    """An index definition without its WITH (...): what is left must match for SET / RESET to do."""
    from pglast import ast, parse_sql
    from pglast.stream import RawStream

    statement = parse_sql(definition)[0].stmt
    assert isinstance(statement, ast.IndexStmt), definition       # fragments checked the definition
    statement.options = None
    return str(RawStream()(statement))


def _alter_options(ctx: Context, identity: Identity, source: Row, target: Row) -> None:
    """ALTER INDEX ... SET / RESET (no rebuild: the parameters apply to what the index writes from
    now on, and pg_dump's WITH (...) records them as they are)."""
    from workbench.planner.options import option_changes

    head = f"ALTER INDEX {qualified(identity[0], identity[2])}"
    for sql, step in option_changes(head, source.get("options"), target.get("options")):
        ctx.add(INDEXES, "indexes", identity, "alter", sql, clause="options", step=step)


def _rebuilt(ctx: Context, identity: Identity, row: Row, created: set[Identity]) -> bool:
    """Whether this plan makes the target's index anew (created again, its table or its constraint
    made again): what the target's index was flagged with is then gone."""
    if identity in created or ("indexes", identity) in ctx.recreated or _table_made(ctx, identity[:2], row):
        return True
    if row.get("backs_constraint") and row.get("constraint_name"):
        key = (identity[0], identity[1], row["constraint_name"])
        return ctx.status("constraints", key) != "identical" or ("constraints", key) in ctx.recreated
    return False


def _table_made(ctx: Context, table: Identity, row: Row) -> bool:
    """Whether the index's table (or materialized view) is made by this plan, new or again."""
    if row.get("table_kind") == "materialized view":
        return ("materialized_views", table) in ctx.recreated or ctx.target("materialized_views", table) is None
    return ctx.table_is_new(*table)


def _flags(ctx: Context) -> None:
    """CLUSTER ON and REPLICA IDENTITY USING INDEX for the source's flagged indexes the target
    lacks flagged (or that this plan builds again); SET WITHOUT CLUSTER where the source clusters
    no index of a table the target clusters on an index it keeps."""
    clustered_tables: set[Identity] = set()
    created = {key for (kind, key), statements in ctx.about.items()
               if kind == "indexes" and any(s.action == Action.CREATE for s in statements)}
    for identity, row in ctx.source_rows.get("indexes", {}).items():
        table = identity[:2]
        if row.get("clustered"):
            clustered_tables.add(table)
        target = ctx.target("indexes", identity)
        rebuilt = target is None or _rebuilt(ctx, identity, row, created)
        for flag, clause, sql in (
                ("clustered", "cluster", f"ALTER TABLE {qualified(*table)} CLUSTER ON {ident(identity[2])}"),
                ("replica_identity", "replica identity",
                 f"ALTER TABLE {qualified(*table)} REPLICA IDENTITY USING INDEX {ident(identity[2])}")):
            if row.get(flag) and (rebuilt or target is None or not target.get(flag)):
                ctx.add(FINISHING, "indexes", identity, "alter", sql, clause=clause, step=clause)
    for identity, row in ctx.target_rows.get("indexes", {}).items():
        table = identity[:2]
        if (row.get("clustered") and table not in clustered_tables and ctx.source("indexes", identity) is not None
                and not _table_made(ctx, table, row)):
            ctx.add(FINISHING, "indexes", identity, "alter", f"ALTER TABLE {qualified(*table)} SET WITHOUT CLUSTER",
                    clause="cluster", step="without cluster")
