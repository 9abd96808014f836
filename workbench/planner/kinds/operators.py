"""Operators (stage 04, after their functions and operand types): CREATE OPERATOR with its function,
operand types, commutator, negator, selectivity estimators, HASHES and MERGES. A commutator or
negator not made yet is left to PostgreSQL (it makes a shell operator that the later CREATE fills
in), so operators need no order among themselves. ALTER OPERATOR ... SET (RESTRICT, JOIN) for the
estimators; any other change is a drop and a create (there is no ALTER for the function or types).
DROP OPERATOR in stage 10, before its function and types."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, Fact, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "operators"
_ALTERABLE = {"restrict", "join"}


def operator_name(identity: Identity) -> str:
    """schema.symbol (a symbol is never quoted: the catalog check allows only operator characters)."""
    return f"{ident(identity[0])}.{identity[1]}"


def _signature(identity: Identity) -> str:
    return f"{operator_name(identity)} ({identity[2]}, {identity[3]})"


def create_operator_sql(row: Row) -> str:
    parts = [f"FUNCTION = {qualified(row['function_schema'], row['function_name'])}"]
    if row["left_type"] != "NONE":
        parts.append(f"LEFTARG = {row['left_type']}")
    parts.append(f"RIGHTARG = {row['right_type']}")
    for option in ("commutator", "negator", "restrict", "join"):
        if row.get(option):
            parts.append(f"{option.upper()} = {row[option]}")
    parts += [flag.upper() for flag in ("hashes", "merges") if row.get(flag)]
    return f"CREATE OPERATOR {operator_name((row['schema'], row['name']))} ({', '.join(parts)})"


def _identity(row: Row) -> Identity:
    return (row["schema"], row["name"], row["left_type"], row["right_type"])


@builds
class Operators(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "estimators"): _rule(),
                    (Action.DROP, ""): _rule()}          # an operator holds no data; in use, its drop fails

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FUNCTIONS, KIND, _identity(row), "create", create_operator_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = _identity(source)
        if set(differences) <= _ALTERABLE:
            settings = [f"{option.upper()} = {source.get(option) or 'NONE'}" for option in ("restrict", "join")
                        if option in differences]
            ctx.add(Stage.FUNCTIONS, KIND, identity, "alter", f"ALTER OPERATOR {_signature(identity)} SET ({', '.join(settings)})",
                    clause="estimators")
            return
        drop = ctx.add(Stage.FUNCTIONS, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       facts=[Fact.REBUILT], step="recreate",
                       note=f"its {', '.join(d for d in differences if d not in _ALTERABLE)} changes (no ALTER OPERATOR for it)")
        ctx.add(Stage.FUNCTIONS, KIND, identity, "create", create_operator_sql(source), depends_on=[drop])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = [("functions", identity) for identity in
                            ctx.names_of("functions").get(qualified(row["function_schema"], row["function_name"]), ())]
        types = ctx.names_of("types")
        for name in (row["left_type"], row["right_type"]):
            found += [("types", identity) for identity in types.get(name.removesuffix("[]"), ())]
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        identity = _identity(row)
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP OPERATOR {'IF EXISTS ' if if_exists else ''}{_signature(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {f"{operator_name(identity)}({identity[2]}, {identity[3]})"}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"OPERATOR {_signature(identity)}"
