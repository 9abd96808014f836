"""Materialized views (stage 05): there is no CREATE OR REPLACE, so a changed one is dropped and
created again (and refilled by its CREATE); the SQL is the views module's. A change of storage
parameters alone is ALTER MATERIALIZED VIEW ... SET / RESET. Whether one holds data is compared
only with --compare-populated (a pg_dump restore makes every one WITH NO DATA): then a new one is
created as the source has it, and REFRESH MATERIALIZED VIEW [WITH NO DATA] fills or empties one
that differs in that. An owner alone is planner/owners.py's (ALTER ... OWNER TO)."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import builds
from workbench.planner.options import option_changes
from workbench.planner.kinds.views import VIEWS, ViewBuilder, create_view_sql
from workbench.planner.quote import qualified

# differences that need no rebuild: storage parameters (SET / RESET), the owner and a REFRESH
_NOT_REBUILT = {"options", "owner", "populated"}


@builds
class MaterializedViews(ViewBuilder):
    kind = "materialized_views"

    def create_sql(self, ctx: Context, identity: Identity, row: Row) -> str:
        empty = _populated_compared(ctx) and row.get("populated") is False
        return create_view_sql(self.kind, identity, row) + ("\nWITH NO DATA" if empty else "")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        if ("materialized_views", identity) in ctx.recreated:
            return                                   # created again from the source (create)
        head = f"ALTER MATERIALIZED VIEW {qualified(*identity)}"
        for sql, step in option_changes(head, source.get("options"), target.get("options")):
            ctx.add(VIEWS, "materialized_views", identity, "alter", sql, clause="options", step=step)
        if "populated" in differences:
            ctx.add(VIEWS, self.kind, identity, "alter",
                    f"REFRESH MATERIALIZED VIEW {qualified(*identity)}{'' if source['populated'] else ' WITH NO DATA'}",
                    clause="refresh")

    def recreations(self, ctx: Context) -> None:
        for identity, _, _ in ctx.changed("materialized_views"):
            if set(ctx.differences["materialized_views"][identity]) - _NOT_REBUILT:
                ctx.recreate("materialized_views", identity, before_stage=VIEWS)


def _populated_compared(ctx: Context) -> bool:
    compared = ctx.drift.comparisons.get("materialized_views")
    return compared is not None and "populated" in compared.compared
