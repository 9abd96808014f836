"""Access methods (stage 00): CREATE ACCESS METHOD name TYPE TABLE|INDEX HANDLER h, after its handler
function (depends_on: a handler this plan creates is made ahead of stage 04 for it), before the
tables that use it (tables.access_method, USING) and the operator classes and families of it.
PostgreSQL has no ALTER ACCESS METHOD: a changed one is dropped and created again when nothing of
the target uses it (its tables, operator classes and families would go along), skipped with the
reason otherwise. DROP ACCESS METHOD in stage 10, after what uses it."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "access_methods"


@builds
class AccessMethods(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule(), (Action.DROP, "rebuild"): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.PREREQUISITES, KIND, (row["name"],), "create", create_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        users = _users(ctx, target["name"])
        if users:
            ctx.skip(KIND, identity, f"access method {', '.join(differences)} differs and {users[0]} uses it: "
                                     "drop and create it by hand (there is no ALTER ACCESS METHOD)")
            return
        dropped = ctx.add(Stage.PREREQUISITES, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                          clause="rebuild", step="rebuild", note=f"{', '.join(differences)} changed: no ALTER ACCESS METHOD")
        ctx.add(Stage.PREREQUISITES, KIND, identity, "create", create_sql(source), depends_on=[dropped])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        functions = ctx.names_of("functions")
        return [("functions", identity)
                for identity in functions.get(qualified(row["handler_schema"], row["handler_name"]), ())]

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP ACCESS METHOD {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


def create_sql(row: Row) -> str:
    return (f"CREATE ACCESS METHOD {ident(row['name'])} TYPE {str(row['method_type']).upper()} "
            f"HANDLER {qualified(row['handler_schema'], row['handler_name'])}")


def _users(ctx: Context, name: str) -> list[str]:
    """What of the target uses the access method: its tables, operator classes and families."""
    found = [f"table {qualified(*key)}" for key, row in ctx.target_rows.get("tables", {}).items()
             if row.get("access_method") == name]
    for kind in ("operator_classes", "operator_families"):
        found += [f"{kind[:-1].replace('_', ' ')} {qualified(key[0], key[1])}"
                  for key, row in ctx.target_rows.get(kind, {}).items() if row.get("method") == name]
    return found
