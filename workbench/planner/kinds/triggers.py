"""Triggers (stage 06): CREATE, CREATE OR REPLACE (a constraint trigger is dropped and created),
ENABLE / DISABLE / REPLICA / ALWAYS."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified
from workbench.sqltree import with_flags

TRIGGERS = Stage.TRIGGERS


def _enable_sql(identity: Identity, enabled: str) -> str:
    schema, table, name = identity
    clause = {"disabled": "DISABLE TRIGGER", "replica": "ENABLE REPLICA TRIGGER", "always": "ENABLE ALWAYS TRIGGER",
              "enabled": "ENABLE TRIGGER"}[enabled]
    return f"ALTER TABLE {qualified(schema, table)} {clause} {ident(name)}"


@builds
class Triggers(Builder):
    kind = "triggers"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if row.get("inherited"):
            return                                     # cloned from the partitioned table's trigger
        depends = [ctx.predrop_ids[("triggers", identity)]] if ("triggers", identity) in ctx.predrop_ids else []
        step = ctx.add(TRIGGERS, "triggers", identity, "create", row["definition"], depends_on=depends)
        if row.get("enabled") and row["enabled"] != "enabled":
            ctx.add(TRIGGERS, "triggers", identity, "alter", _enable_sql(identity, row["enabled"]), clause="enable",
                    step="enable", depends_on=[step])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """Its function (created before it, dropped after it)."""
        if not row.get("function_name"):
            return ()
        return [("functions", (row["function_schema"], row["function_name"], row["function_arguments"] or ""))]

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if ("triggers", identity) in ctx.recreated or source.get("inherited"):
            return
        differs = set(differences)
        if "definition" in differs:
            if source.get("is_constraint_trigger") or target.get("is_constraint_trigger"):
                drop = ctx.add(TRIGGERS, "triggers", identity, "drop", self.drop_sql(identity, target, if_exists=False),
                               step="recreate")
                ctx.add(TRIGGERS, "triggers", identity, "create", source["definition"], depends_on=[drop])
            else:
                ctx.add(TRIGGERS, "triggers", identity, "replace", with_flags(source["definition"], replace=True))
        if "enabled" in differs or ("definition" in differs and source["enabled"] != "enabled"):
            ctx.add(TRIGGERS, "triggers", identity, "alter", _enable_sql(identity, source["enabled"]),
                    clause="enable", step="enable")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if not row.get("inherited") and ctx.status("tables", identity[:2]) != "only_in_target":
            ctx.add(Stage.DROPS, "triggers", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP TRIGGER {'IF EXISTS ' if if_exists else ''}{ident(identity[2])} ON {qualified(*identity[:2])}"

    def names(self, identity: Identity) -> set[str]:
        return {f"{qualified(identity[0], identity[1])}.{ident(identity[2])}"}
