"""Comments (stage 09): COMMENT ON ... IS; a target-only comment becomes IS NULL (stage 10)."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import literal


@builds
class Comments(Builder):
    kind = "comments"

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FINISHING, "comments", (row["object_kind"], row["object"]), "create",
                f"COMMENT ON {row['sql_target']} IS {literal(row['text'])}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["object_kind"], source["object"])
        if ("comments", identity) not in ctx.recreated:
            ctx.add(Stage.FINISHING, "comments", identity, "alter", f"COMMENT ON {source['sql_target']} IS {literal(source['text'])}")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["object_kind"], row["object"])
        if not ctx.goes_away(identity[0], identity[1]):
            ctx.add(Stage.DROPS, "comments", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        assert row is not None
        return f"COMMENT ON {row['sql_target']} IS NULL"
