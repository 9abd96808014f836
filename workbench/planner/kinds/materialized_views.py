"""Materialized views (stage 05): there is no CREATE OR REPLACE, so a changed one is dropped and
created again (and refilled by its CREATE); the SQL is the views module's."""
from __future__ import annotations

from workbench.planner.context import Context
from workbench.planner.kinds.base import builds
from workbench.planner.kinds.views import VIEWS, ViewBuilder


@builds
class MaterializedViews(ViewBuilder):
    kind = "materialized_views"

    def recreations(self, ctx: Context) -> None:
        for identity, _, _ in ctx.changed("materialized_views"):
            ctx.recreate("materialized_views", identity, before_stage=VIEWS)
