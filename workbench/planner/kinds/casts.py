"""Casts (stage 04, with the functions they call): CREATE CAST (source AS target) WITH FUNCTION,
WITHOUT FUNCTION or WITH INOUT, AS ASSIGNMENT / AS IMPLICIT. PostgreSQL has no ALTER CAST, so a
changed cast is dropped and created again; DROP CAST in stage 10. A cast waits for its function
and for the user types it converts (depends_on), and is dropped before them."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

KIND = "casts"
_CONTEXT = {"explicit": "", "assignment": " AS ASSIGNMENT", "implicit": " AS IMPLICIT"}


def create_cast_sql(row: Row) -> str:
    head = f"CREATE CAST ({row['source_type']} AS {row['target_type']})"
    if row["method"] == "function":
        how = (f" WITH FUNCTION {qualified(row['function_schema'], row['function_name'])}"
               f"({row['function_arguments']})")
    elif row["method"] == "inout":
        how = " WITH INOUT"
    else:
        how = " WITHOUT FUNCTION"
    return head + how + _CONTEXT[row["context"]]


@builds
class Casts(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}   # a cast holds no data

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FUNCTIONS, KIND, (row["source_type"], row["target_type"]), "create", create_cast_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["source_type"], source["target_type"])
        drop = ctx.add(Stage.FUNCTIONS, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note=f"its {', '.join(differences)} changes (there is no ALTER CAST)")
        ctx.add(Stage.FUNCTIONS, KIND, identity, "create", create_cast_sql(source), depends_on=[drop])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = []
        if row.get("function_name") is not None:
            found.append(("functions", (row["function_schema"], row["function_name"], row["function_arguments"])))
        types = ctx.names_of("types")
        for name in (row["source_type"], row["target_type"]):
            found += [("types", identity) for identity in types.get(name.removesuffix("[]"), ())]
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["source_type"], row["target_type"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP CAST {'IF EXISTS ' if if_exists else ''}({identity[0]} AS {identity[1]})"

    def names(self, identity: Identity) -> set[str]:
        return {f"({identity[0]} AS {identity[1]})"}
