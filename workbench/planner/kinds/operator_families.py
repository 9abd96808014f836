"""Operator families (stage 04, after the operators and functions of their members): CREATE
OPERATOR FAMILY ... USING method, then ALTER OPERATOR FAMILY ... ADD for the members no operator
class holds (as pg_dump writes them). A changed member is dropped (ALTER ... DROP OPERATOR n (types))
and added again. DROP OPERATOR FAMILY in stage 10, after its operator classes (their depends_on)."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "operator_families"


def family_name(identity: Identity) -> str:
    return f"{qualified(identity[0], identity[1])} USING {ident(identity[2])}"


def _members(row: Row | None) -> dict[tuple[str, ...], str]:
    """(operator|function, number, left type, right type) -> its ADD clause."""
    return {tuple(member[:4]): member[4] for member in json_list((row or {}).get("members"))}


@builds
class OperatorFamilies(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "members"): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["method"])
        made = ctx.add(Stage.FUNCTIONS, KIND, identity, "create", f"CREATE OPERATOR FAMILY {family_name(identity)}")
        _change(ctx, identity, row, None, [made])

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        _change(ctx, (source["schema"], source["name"], source["method"]), source, target, [])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The functions and operators its members name (by name: more edges than needed are harmless)."""
        found: list[Key] = []
        text = " ".join(_members(row).values())
        found += [("functions", identity) for identity in ctx.function_names_in(text)]
        for identity in ctx.source_rows.get("operators", {}):
            if f"{ident(identity[0])}.{identity[1]}({identity[2]}, {identity[3]})" in text:
                found.append(("operators", identity))
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["method"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP OPERATOR FAMILY {'IF EXISTS ' if if_exists else ''}{family_name(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {family_name(identity)}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"OPERATOR FAMILY {family_name(identity)}"


def _change(ctx: Context, identity: Identity, source: Row, target: Row | None, depends_on: list[str]) -> None:
    wanted, present = _members(source), _members(target)
    gone = [key for key, clause in present.items() if wanted.get(key) != clause]
    new = [clause for key, clause in wanted.items() if present.get(key) != clause]
    name = family_name(identity)
    dropped = []
    if gone:
        drops = ", ".join(f"{key[0].upper()} {key[1]} ({key[2]}, {key[3]})" for key in gone)
        dropped.append(ctx.add(Stage.FUNCTIONS, KIND, identity, "alter", f"ALTER OPERATOR FAMILY {name} DROP {drops}",
                               clause="members", step="drop members", depends_on=depends_on))
    if new:
        ctx.add(Stage.FUNCTIONS, KIND, identity, "alter", f"ALTER OPERATOR FAMILY {name} ADD {', '.join(new)}",
                clause="members", step="add members", depends_on=[*depends_on, *dropped])
