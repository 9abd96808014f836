"""Transforms (stage 04, with the functions they name): CREATE TRANSFORM FOR type LANGUAGE lang
(FROM SQL WITH FUNCTION f(internal), TO SQL WITH FUNCTION g(internal)), after both functions, the
type and the language (depends_on); a changed one is CREATE OR REPLACE TRANSFORM; DROP TRANSFORM in
stage 10, before its functions."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "transforms"
_SIDES = (("from", "FROM SQL"), ("to", "TO SQL"))


def transform_sql(row: Row, *, replace: bool = False) -> str:
    parts = [f"{words} WITH FUNCTION {qualified(row[f'{side}_schema'], row[f'{side}_name'])}({row[f'{side}_arguments']})"
             for side, words in _SIDES if row.get(f"{side}_name")]
    return (f"CREATE {'OR REPLACE ' if replace else ''}TRANSFORM FOR {row['type_name']} LANGUAGE "
            f"{ident(row['language'])} ({', '.join(parts)})")


@builds
class Transforms(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.REPLACE, ""): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FUNCTIONS, KIND, (row["type_name"], row["language"]), "create", transform_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.add(Stage.FUNCTIONS, KIND, (source["type_name"], source["language"]), "replace",
                transform_sql(source, replace=True))

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = [("functions", (row[f"{side}_schema"], row[f"{side}_name"], row[f"{side}_arguments"]))
                            for side, _ in _SIDES if row.get(f"{side}_name")]
        found += [("types", identity) for identity in ctx.names_of("types").get(str(row["type_name"]), ())]
        found.append(("languages", (row["language"],)))
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["type_name"], row["language"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP TRANSFORM {'IF EXISTS ' if if_exists else ''}FOR {identity[0]} LANGUAGE {ident(identity[1])}"

    def names(self, identity: Identity) -> set[str]:
        """As comments.sql spells a transform: FOR type LANGUAGE language."""
        return {f"FOR {identity[0]} LANGUAGE {ident(identity[1])}"}
