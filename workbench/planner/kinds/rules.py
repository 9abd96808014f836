"""Rules (stage 06, beside the triggers, once the tables and views they are on and write to exist):
CREATE RULE as pg_get_ruledef writes it, CREATE OR REPLACE RULE when it changes, ALTER TABLE ...
ENABLE/DISABLE RULE for its state; DROP RULE in stage 10, before the relations its actions use, and
not at all when its own relation goes (the rule goes with it). CREATE and DROP RULE take an ACCESS
EXCLUSIVE lock on a relation that is there before the migration."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, Fact, Hazard, _rule
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified
from workbench.sqltree import with_flags

KIND = "rules"
_RELATIONS = ("tables", "views", "materialized_views")
_LOCK = {Fact.EXISTING_TABLE: [Hazard.ACCESS_EXCLUSIVE_LOCK]}


def _enable_sql(identity: Identity, enabled: str) -> str:
    clause = {"disabled": "DISABLE RULE", "replica": "ENABLE REPLICA RULE", "always": "ENABLE ALWAYS RULE",
              "enabled": "ENABLE RULE"}[enabled]
    return f"ALTER TABLE {qualified(identity[0], identity[1])} {clause} {ident(identity[2])}"


def _facts(ctx: Context, identity: Identity) -> list[Fact]:
    """EXISTING_TABLE when the rule's relation is there before the migration (not new, not rebuilt)."""
    relation = identity[:2]
    there = any(ctx.target(kind, relation) is not None and (kind, relation) not in ctx.recreated for kind in _RELATIONS)
    return [Fact.EXISTING_TABLE] if there else []


@builds
class Rules(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(when=_LOCK), (Action.REPLACE, ""): _rule(when=_LOCK),
                    (Action.ALTER, "enable"): _rule(), (Action.DROP, ""): _rule(when=_LOCK)}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        made = ctx.add(Stage.TRIGGERS, KIND, identity, "create", row["definition"], facts=_facts(ctx, identity))
        if row.get("enabled") and row["enabled"] != "enabled":
            ctx.add(Stage.TRIGGERS, KIND, identity, "alter", _enable_sql(identity, row["enabled"]), clause="enable",
                    step="enable", depends_on=[made])

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if (KIND, identity) in ctx.recreated:
            return
        if "definition" in differences:
            ctx.add(Stage.TRIGGERS, KIND, identity, "replace", with_flags(source["definition"], replace=True),
                    facts=_facts(ctx, identity))
        if "enabled" in differences:
            ctx.add(Stage.TRIGGERS, KIND, identity, "alter", _enable_sql(identity, source["enabled"]),
                    clause="enable", step="enable")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        relations = [(row["schema"], row["table"]), *(tuple(pair) for pair in json_list(row.get("relations")))]
        return [(kind, relation) for relation in relations for kind in _RELATIONS]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if any(ctx.status(kind, identity[:2]) == "only_in_target" for kind in _RELATIONS):
            return
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row), facts=_facts(ctx, identity))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP RULE {'IF EXISTS ' if if_exists else ''}{ident(identity[2])} ON {qualified(identity[0], identity[1])}"

    def names(self, identity: Identity) -> set[str]:
        return {f"{qualified(identity[0], identity[1])}.{ident(identity[2])}"}
