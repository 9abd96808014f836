"""Procedural languages made without an extension (stage 04): CREATE [TRUSTED] LANGUAGE ... HANDLER
h [INLINE i] [VALIDATOR v], after its handler functions (depends_on); the functions written in the
language wait for it (edges added once every kind is built: the functions builder does not know
languages). A changed language is dropped and created again only by hand (its functions go with
it): skipped with the reason. DROP LANGUAGE in stage 10, after its functions."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.edges import add_edges
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "languages"
_ROLES = ("handler", "inline", "validator")


@builds
class Languages(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        parts = [f"{role.upper()} {qualified(row[f'{role}_schema'], row[f'{role}_name'])}" for role in _ROLES
                 if row.get(f"{role}_name")]
        trusted = "TRUSTED " if row.get("trusted") else ""
        ctx.add(Stage.FUNCTIONS, KIND, (row["name"],), "create",
                f"CREATE {trusted}LANGUAGE {ident(row['name'])} {' '.join(parts)}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.skip(KIND, (source["name"],), f"language {', '.join(differences)} differs: CREATE OR REPLACE LANGUAGE "
                                          "by hand (dropping it takes its functions along)")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        functions = ctx.names_of("functions")
        return [("functions", identity) for role in _ROLES if row.get(f"{role}_name")
                for identity in functions.get(qualified(row[f"{role}_schema"], row[f"{role}_name"]), ())]

    def finish(self, ctx: Context) -> None:
        """The functions created in a language this plan creates wait for it."""
        made = {s.identity["name"]: s.id for s in ctx.statements if s.kind == KIND and s.action == Action.CREATE}
        if not made:
            return
        edges: dict[str, set[str]] = {}
        for statement in ctx.statements:
            if statement.kind == "functions" and statement.action in (Action.CREATE, Action.REPLACE):
                row = ctx.definition_row("functions", tuple(statement.identity.values()))
                if row is not None and row.get("language") in made:
                    edges.setdefault(statement.id, set()).add(made[row["language"]])
        add_edges(ctx, edges)

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP LANGUAGE {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"LANGUAGE {ident(identity[0])}"
