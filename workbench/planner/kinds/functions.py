"""Functions, procedures and aggregates (stage 04, check_function_bodies off). CREATE OR REPLACE
where PostgreSQL allows it; a changed kind, result type or parameter name needs DROP and CREATE,
and takes the views and triggers that use the function along."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

FUNCTIONS = Stage.FUNCTIONS


def function_signature(identity: Identity) -> str:
    schema, name, arguments = identity
    return f"{qualified(schema, name)}({arguments})"


def _replaceable(source: Row, target: Row) -> bool:
    """CREATE OR REPLACE keeps the function (and what depends on it) when kind, result type and
    parameter names stay; anything else needs DROP and CREATE."""
    return bool(source["function_kind"] == target["function_kind"] and source["returns"] == target["returns"]
                and source["signature"].split(" DEFAULT ")[0] == target["signature"].split(" DEFAULT ")[0])


@builds
class Functions(Builder):
    kind = "functions"

    def create(self, ctx: Context, row: Row) -> None:
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

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """An aggregate needs its state, final and combine functions (CREATE AGGREGATE checks them)."""
        if row["function_kind"] != "aggregate" or not row.get("aggregate"):
            return ()
        return [("functions", identity) for identity in ctx.function_names_in(row["aggregate"])]

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"], source["arguments"])
        if ("functions", identity) in ctx.recreated or source.get("internal"):
            return
        if source["function_kind"] == "aggregate":            # no CREATE OR REPLACE AGGREGATE before PG 16
            drop = ctx.add(FUNCTIONS, "functions", identity, "drop", self.drop_sql(identity, target),
                           facts=[Fact.REBUILT], step="recreate")
            ctx.add(FUNCTIONS, "functions", identity, "create", source["definition"], depends_on=[drop])
            return
        ctx.add(FUNCTIONS, "functions", identity, "replace", source["definition"])

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["arguments"])
        if not row.get("internal"):
            ctx.add(Stage.DROPS, "functions", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get((row or {}).get("function_kind", ""), "FUNCTION")
        return f"DROP {word} IF EXISTS {function_signature(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {function_signature(identity)}

    def owned_object(self, identity: Identity, row: Row) -> str:
        word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get(row.get("function_kind", ""), "FUNCTION")
        return f"{word} {function_signature(identity)}"

    def recreations(self, ctx: Context) -> None:
        """Changed functions that CREATE OR REPLACE cannot change are dropped and created; the views
        and triggers of the target that use them go and come back with them."""
        for identity, source, target in ctx.changed("functions"):
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
