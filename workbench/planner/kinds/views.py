"""Views (stage 05): CREATE, CREATE OR REPLACE when the columns stay, else DROP and CREATE (with
the views over it). The SQL of both view kinds is here; materialized_views.py builds with it."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, functions_used, json_list
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

VIEWS = Stage.VIEWS
_WORD = {"views": "VIEW", "materialized_views": "MATERIALIZED VIEW"}


def create_view_sql(kind: str, identity: Identity, row: Row, replace: bool = False) -> str:
    options = f" WITH ({row['options']})" if row.get("options") else ""
    query = row["definition"].strip().rstrip(";")
    head = "CREATE OR REPLACE VIEW" if replace else f"CREATE {_WORD[kind]}"
    return f"{head} {qualified(*identity)}{options} AS\n{query}"


def _columns_compatible(source: Row, target: Row) -> bool:
    """CREATE OR REPLACE VIEW may only add columns at the end, with names and types kept."""
    wanted, present = json_list(source.get("columns")), json_list(target.get("columns"))
    return wanted[: len(present)] == present


class ViewBuilder(Builder):
    """What views and materialized views share: create, drop, the relations they read."""

    def create(self, ctx: Context, row: Row) -> None:
        kind, identity = self.kind, (row["schema"], row["name"])
        depends = []
        if (kind, identity) in ctx.recreated and (kind, identity) not in ctx.predropped:
            # recreated in this stage: drop right before creating
            depends.append(ctx.add(VIEWS, kind, identity, "drop", self.drop_sql(identity, row), step="recreate",
                                   note="its columns change: CREATE OR REPLACE cannot do it"))
        if (kind, identity) in ctx.predrop_ids:
            depends.append(ctx.predrop_ids[(kind, identity)])
        ctx.add(VIEWS, kind, identity, "create", self.create_sql(ctx, identity, row), depends_on=depends)

    def create_sql(self, ctx: Context, identity: Identity, row: Row) -> str:
        return create_view_sql(self.kind, identity, row)

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The relations its query reads, the functions it calls, and the constraints it relies on
        (GROUP BY over a key)."""
        found: list[Key] = [(used[0], tuple(used[1:])) for used in json_list(row.get("depends_on_relations"))]
        found += [("functions", function) for function in functions_used(row)]
        return found + [("constraints", tuple(c)) for c in json_list(row.get("depends_on_constraints"))]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        if (self.kind, identity) not in ctx.early_drops:
            ctx.add(Stage.DROPS, self.kind, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP {_WORD[self.kind]} {'IF EXISTS ' if if_exists else ''}{qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"{_WORD[self.kind]} {qualified(*identity)}"


@builds
class Views(ViewBuilder):
    kind = "views"

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        if ("views", identity) not in ctx.recreated:
            ctx.add(VIEWS, "views", identity, "replace", create_view_sql("views", identity, source, replace=True))

    def recreations(self, ctx: Context) -> None:
        """Changed views whose columns CREATE OR REPLACE cannot keep are dropped and created again."""
        for identity, source, target in ctx.changed("views"):
            if not (_columns_compatible(source, target) and "options" not in ctx.differences["views"][identity]):
                ctx.recreate("views", identity, before_stage=VIEWS)
