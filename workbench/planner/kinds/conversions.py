"""Conversions (stage 04, after their function): CREATE [DEFAULT] CONVERSION ... FOR 'source' TO
'target' FROM function. ALTER CONVERSION only renames or changes the owner: a changed conversion is
dropped and created again. DROP CONVERSION in stage 10, before its function."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import literal, qualified

KIND = "conversions"


def create_conversion_sql(row: Row) -> str:
    default = "DEFAULT " if row.get("is_default") else ""
    return (f"CREATE {default}CONVERSION {qualified(row['schema'], row['name'])} FOR {literal(row['source_encoding'])} "
            f"TO {literal(row['target_encoding'])} FROM {qualified(row['function_schema'], row['function_name'])}")


@builds
class Conversions(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FUNCTIONS, KIND, (row["schema"], row["name"]), "create", create_conversion_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        drop = ctx.add(Stage.FUNCTIONS, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note=f"its {', '.join(differences)} changes (no ALTER CONVERSION for it)")
        ctx.add(Stage.FUNCTIONS, KIND, identity, "create", create_conversion_sql(source), depends_on=[drop])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        name = qualified(row["function_schema"], row["function_name"])
        return [("functions", identity) for identity in ctx.names_of("functions").get(name, ())]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP CONVERSION {'IF EXISTS ' if if_exists else ''}{qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(*identity)}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"CONVERSION {qualified(*identity)}"
