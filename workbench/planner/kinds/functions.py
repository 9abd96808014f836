"""Functions, procedures and aggregates (stage 04, check_function_bodies off). CREATE OR REPLACE
where PostgreSQL allows it; a changed kind, result type or parameter name needs DROP and CREATE,
and takes the views and triggers that use the function along."""
from __future__ import annotations

from typing import Iterable

from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, Identity, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

FUNCTIONS = Stage.FUNCTIONS


def function_signature(identity: tuple) -> str:
    schema, name, arguments = identity
    return f"{qualified(schema, name)}({arguments})"


def _replaceable(source: dict, target: dict) -> bool:
    """CREATE OR REPLACE keeps the function (and what depends on it) when its kind and result type
    stay, and its parameters keep their modes, types and names (a target parameter without a name
    may get one) and lose no default; anything else needs DROP and CREATE (PostgreSQL refuses:
    'cannot change routine kind', 'cannot change name of input parameter', 'cannot remove
    parameter defaults from existing function')."""
    if source["function_kind"] != target["function_kind"] or source["returns"] != target["returns"]:
        return False
    if source["signature"] == target["signature"]:
        return True
    wanted, present = _parameters(source["definition"]), _parameters(target["definition"])
    if wanted is None or present is None or len(wanted) != len(present):
        return False
    for (name, mode, data_type, _), (old_name, old_mode, old_type, _) in zip(wanted, present):
        if mode != old_mode or data_type != old_type or (old_name and name != old_name):
            return False
    return sum(d for *_, d in wanted) >= sum(d for *_, d in present)


def _parameters(definition: str | None) -> list[tuple[str, str, str, bool]] | None:
    """(name, mode, type, has a default) of each parameter of a CREATE FUNCTION / PROCEDURE, read
    from its parse tree (None when it does not parse as one)."""
    from pglast import parse_sql
    from pglast.parser import ParseError
    from pglast.stream import RawStream

    try:
        statement = parse_sql(definition or "")[0].stmt
    except (ParseError, IndexError):
        return None
    parameters = getattr(statement, "parameters", None)
    if type(statement).__name__ != "CreateFunctionStmt":
        return None
    return [(p.name or "", "i" if p.mode in ("i", "d") else str(p.mode), str(RawStream()(p.argType)),
             p.defexpr is not None) for p in parameters or ()]


@builds
class Functions(Builder):
    kind = "functions"

    def create(self, ctx: Context, row: dict) -> None:
        identity = (row["schema"], row["name"], row["arguments"])
        if row.get("internal"):
            return                                   # a range constructor: made by CREATE TYPE
        if not row.get("definition"):
            ctx.skip("functions", identity, f"this {row['function_kind']} (ordered-set, moving-aggregate or window) "
                                            "is not planned: create it by hand")
            return
        depends = []
        if ("functions", identity) in ctx.predropped:
            depends.append(ctx.add(FUNCTIONS, "functions", identity, "drop",
                                   self.drop_sql(identity, ctx.target("functions", identity)),
                                   facts=[Fact.REBUILT], step="recreate", note="its signature or result type changes"))
        ctx.add(FUNCTIONS, "functions", identity, "create", row["definition"], depends_on=depends)

    def depends_on(self, ctx: Context, row: dict) -> Iterable[Key]:
        """An aggregate needs its state, final and combine functions (CREATE AGGREGATE checks them)."""
        if row["function_kind"] != "aggregate" or not row.get("aggregate"):
            return ()
        return [("functions", identity) for identity in ctx.function_names_in(row["aggregate"])]

    def alter(self, ctx: Context, source: dict, target: dict, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"], source["arguments"])
        if ("functions", identity) in ctx.recreated or source.get("internal"):
            return
        if source["function_kind"] == "aggregate":            # no CREATE OR REPLACE AGGREGATE before PG 16
            drop = ctx.add(FUNCTIONS, "functions", identity, "drop", self.drop_sql(identity, target),
                           facts=[Fact.REBUILT], step="recreate")
            ctx.add(FUNCTIONS, "functions", identity, "create", source["definition"], depends_on=[drop])
            return
        ctx.add(FUNCTIONS, "functions", identity, "replace", source["definition"])

    def drop(self, ctx: Context, row: dict) -> None:
        identity = (row["schema"], row["name"], row["arguments"])
        if not row.get("internal"):
            ctx.add(Stage.DROPS, "functions", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: dict | None, *, if_exists: bool = True) -> str:
        word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get((row or {}).get("function_kind", ""), "FUNCTION")
        return f"DROP {word} IF EXISTS {function_signature(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {function_signature(identity)}

    def recreations(self, ctx: Context) -> None:
        """Changed functions that CREATE OR REPLACE cannot change are dropped and created; the views
        and triggers of the target that use them go and come back with them."""
        for identity, source, target in ctx.objects("functions", "changed"):
            if source.get("internal") or _replaceable(source, target):
                continue
            ctx.recreate("functions", identity, before_stage=FUNCTIONS)
            for kind in ("views", "materialized_views"):
                for view, row in ctx.target_rows.get(kind, {}).items():
                    if ["functions", *identity] in json_list(row.get("depends_on_functions")):
                        ctx.recreate(kind, view, before_stage=FUNCTIONS)
            for trigger, row in ctx.target_rows.get("triggers", {}).items():
                if (row["function_schema"], row["function_name"], row["function_arguments"]) == identity:
                    ctx.recreate("triggers", trigger, before_stage=FUNCTIONS)
