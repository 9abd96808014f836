"""Materialized views (stage 05): there is no CREATE OR REPLACE, so a changed one is dropped and
created again (and refilled by its CREATE); the SQL is the views module's. A change of storage
parameters alone is ALTER MATERIALIZED VIEW ... SET / RESET."""
from __future__ import annotations

from workbench.kinds import Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import builds
from workbench.planner.kinds.tables import option_changes
from workbench.planner.kinds.views import VIEWS, ViewBuilder
from workbench.planner.quote import qualified


@builds
class MaterializedViews(ViewBuilder):
    kind = "materialized_views"

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        if ("materialized_views", identity) in ctx.recreated:
            return                                   # created again from the source (create)
        head = f"ALTER MATERIALIZED VIEW {qualified(*identity)}"
        for sql, step in option_changes(head, source.get("options"), target.get("options")):
            ctx.add(VIEWS, "materialized_views", identity, "alter", sql, clause="options", step=step)

    def recreations(self, ctx: Context) -> None:
        for identity, _, _ in ctx.changed("materialized_views"):
            if set(ctx.differences["materialized_views"][identity]) != {"options"}:
                ctx.recreate("materialized_views", identity, before_stage=VIEWS)
