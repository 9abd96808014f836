"""Operator classes (stage 04, after their family, operators and functions; before the indexes
that name them): CREATE OPERATOR CLASS ... [DEFAULT] FOR TYPE t USING method FAMILY f AS its
operators, support functions and STORAGE. Nothing of a class can be altered but its name and owner,
and an index using it blocks its drop: a changed class is reported as skipped. DROP OPERATOR
CLASS in stage 10, before its family."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "operator_classes"


def class_name(identity: Identity) -> str:
    return f"{qualified(identity[0], identity[1])} USING {ident(identity[2])}"


@builds
class OperatorClasses(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["method"])
        items = [*json_list(row.get("members")), *([f"STORAGE {row['storage']}"] if row.get("storage") else [])]
        default = " DEFAULT" if row.get("is_default") else ""
        ctx.add(Stage.FUNCTIONS, KIND, identity, "create",
                f"CREATE OPERATOR CLASS {qualified(row['schema'], row['name'])}{default} FOR TYPE {row['data_type']} "
                f"USING {ident(row['method'])} FAMILY {qualified(row['family_schema'], row['family_name'])} "
                f"AS {', '.join(items)}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.skip(KIND, (source["schema"], source["name"], source["method"]),
                 f"operator class {', '.join(differences)} differs and cannot be altered (indexes using it block its "
                 "drop): drop it and create it again by hand")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = [("operator_families", (row["family_schema"], row["family_name"], row["method"]))]
        found += [("operators", tuple(operator)) for operator in json_list(row.get("operators"))]
        found += [("functions", identity) for identity in ctx.function_names_in(" ".join(json_list(row.get("members"))))]
        types = ctx.names_of("types")
        for name in (row["data_type"], row.get("storage") or ""):
            found += [("types", identity) for identity in types.get(name.removesuffix("[]"), ())]
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["method"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP OPERATOR CLASS {'IF EXISTS ' if if_exists else ''}{class_name(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {class_name(identity)}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"OPERATOR CLASS {class_name(identity)}"
