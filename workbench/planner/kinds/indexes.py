"""Indexes (stage 07). The index that backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint is made by
its constraint; an index of a partitioned table's partition comes with the parent's index."""
from __future__ import annotations

from workbench.planner.context import Context
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, Identity, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified
from workbench.sqltree import with_flags

INDEXES = Stage.INDEXES


@builds
class Indexes(Builder):
    kind = "indexes"

    def create(self, ctx: Context, row: dict) -> None:
        if not (row.get("backs_constraint") or row.get("inherited")):
            _create_index(ctx, (row["schema"], row["table"], row["name"]), row)

    def alter(self, ctx: Context, source: dict, target: dict, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if ("indexes", identity) in ctx.recreated or source.get("inherited"):
            return
        if source.get("backs_constraint") or target.get("backs_constraint"):
            return                     # the constraint builder decides (USING INDEX, or drop and add)
        drop = ctx.add(INDEXES, "indexes", identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note="its definition changes")
        _create_index(ctx, identity, source, depends_on=[drop])

    def drop(self, ctx: Context, row: dict) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if row.get("backs_constraint") or row.get("inherited") or ctx.status("tables", identity[:2]) == "only_in_target":
            return
        ctx.add(Stage.DROPS, "indexes", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: dict | None, *, if_exists: bool = True) -> str:
        return f"DROP INDEX {'IF EXISTS ' if if_exists else ''}{qualified(identity[0], identity[2])}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[2])}


def _create_index(ctx: Context, identity: Identity, row: dict, depends_on: list[str] | tuple = ()) -> None:
    sql = row["definition"]
    facts = [Fact.UNIQUE] if row.get("is_unique") else []
    existing_table = not ctx.table_is_new(identity[0], identity[1])
    if ctx.options.concurrently and existing_table and row.get("table_kind") != "partitioned":
        ctx.add(INDEXES, "indexes", identity, "create", with_flags(sql, concurrent=True), depends_on=depends_on,
                transactional=False, rehearsal_sql=sql, facts=[*facts, Fact.CONCURRENTLY])
    else:
        ctx.add(INDEXES, "indexes", identity, "create", sql, depends_on=depends_on, facts=facts)
