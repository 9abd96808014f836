"""Event triggers (stage 09, created last): CREATE EVENT TRIGGER ... ON event [WHEN TAG IN (...)]
EXECUTE FUNCTION f(), then its state (DISABLE, ENABLE REPLICA / ALWAYS). ALTER EVENT TRIGGER changes
only the state: a changed event, filter or function is dropped and created again. DROP EVENT TRIGGER
in stage 10, first of all (drop rank): a target-only event trigger never sees the other drops.

An event trigger fires on the plan's own DDL, and one that rejects DDL (a guard against schema
changes) would make the plan fail. So around every stage in which one is enabled, the plan disables
it first and enables it again last, in the stage's own transaction (a stage that fails rolls the
disabling back with it): every statement of the stage waits for the DISABLE, and the ENABLE waits
for every statement (edges of the plan's graph). ALTER EVENT TRIGGER itself fires none. A new
event trigger is created after every other statement of stage 09 (its edges), so that it fires for
nothing the plan does but the comments on it."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.edges import add_edges
from workbench.planner.hazards import Action, Hazard, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import STAGE_INDEX, Stage
from workbench.planner.quote import ident, literal, qualified

KIND = "event_triggers"
_STATE = {"enabled": "ENABLE", "disabled": "DISABLE", "replica": "ENABLE REPLICA", "always": "ENABLE ALWAYS"}
_FIXED = ("event", "function", "tags")          # what ALTER EVENT TRIGGER cannot change


def create_sql(row: Row) -> str:
    tags = json_list(row.get("tags"))
    when = f" WHEN TAG IN ({', '.join(literal(t) for t in tags)})" if row.get("tags") is not None else ""
    return (f"CREATE EVENT TRIGGER {ident(row['name'])} ON {ident(row['event'])}{when} "
            f"EXECUTE FUNCTION {qualified(row['function_schema'], row['function_name'])}()")


def _state_sql(name: str, state: str) -> str:
    return f"ALTER EVENT TRIGGER {ident(name)} {_STATE[state]}"


@builds
class EventTriggers(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "enable"): _rule(), (Action.DROP, ""): _rule(),
                    (Action.ALTER, "disable during stage"): _rule(Hazard.DISABLES_EVENT_TRIGGER),
                    (Action.ALTER, "enable after stage"): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        made = ctx.add(Stage.FINISHING, KIND, (row["name"],), "create", create_sql(row))
        if row.get("enabled", "enabled") != "enabled":
            ctx.add(Stage.FINISHING, KIND, (row["name"],), "alter", _state_sql(row["name"], row["enabled"]),
                    clause="enable", step="enable", depends_on=[made])

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        if set(differences) & set(_FIXED):
            drop = ctx.add(Stage.FINISHING, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                           step="recreate", note=f"its {', '.join(d for d in differences if d in _FIXED)} changes "
                                                 "(ALTER EVENT TRIGGER changes only its state)")
            made = ctx.add(Stage.FINISHING, KIND, identity, "create", create_sql(source), depends_on=[drop])
            if source.get("enabled", "enabled") != "enabled":
                ctx.add(Stage.FINISHING, KIND, identity, "alter", _state_sql(source["name"], source["enabled"]),
                        clause="enable", step="enable", depends_on=[made])
        elif "enabled" in differences:
            ctx.add(Stage.FINISHING, KIND, identity, "alter", _state_sql(source["name"], source["enabled"]),
                    clause="enable", step="enable")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("functions", (row["function_schema"], row["function_name"], ""))]

    def finish(self, ctx: Context) -> None:
        """New event triggers after the rest of stage 09; the target's disabled around each stage."""
        _created_last(ctx)
        for stage in sorted({s.stage for s in ctx.statements}, key=STAGE_INDEX.__getitem__):
            for name, _start, end in _enabled_during(ctx, stage):
                _disabled_around(ctx, stage, name, end)

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP EVENT TRIGGER {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"EVENT TRIGGER {ident(identity[0])}"


def _created_last(ctx: Context) -> None:
    """A new event trigger's CREATE waits for every statement of stage 09 that is not about event
    triggers (comments on it wait for it, through the comments' own order)."""
    creates = [s.id for s in ctx.statements if s.kind == KIND and s.action == Action.CREATE]
    if not creates:
        return
    others = {s.id for s in ctx.statements if s.stage == Stage.FINISHING and s.kind != KIND
              and not (s.kind == "comments" and s.identity.get("object_kind") == "event trigger")}
    add_edges(ctx, {created: others for created in creates})
    comments = {s.id for s in ctx.statements if s.kind == "comments" and s.identity.get("object_kind") == "event trigger"}
    add_edges(ctx, {comment: set(creates) for comment in comments})


def _enabled_during(ctx: Context, stage: str) -> list[tuple[str, str, str]]:
    """(name, state at the stage's start, state at its end) of the event triggers that are there and
    not disabled when the stage starts: the target's until stage 09 changes them, then the source's."""
    found = []
    index = STAGE_INDEX[stage]
    for (name,), target in ctx.target_rows.get(KIND, {}).items():
        source = ctx.source(KIND, (name,))
        if index < STAGE_INDEX[Stage.FINISHING]:
            start = end = target["enabled"]
        elif index == STAGE_INDEX[Stage.FINISHING]:
            start, end = target["enabled"], (source or target)["enabled"]
        else:
            if source is None and ctx.options.allow_drops:
                continue                                  # dropped first in stage 10
            start = end = (source or target)["enabled"]
        if start != "disabled":
            found.append((name, start, end))
    if index > STAGE_INDEX[Stage.FINISHING]:
        for (name,), source in ctx.source_rows.get(KIND, {}).items():
            if ctx.target(KIND, (name,)) is None and source["enabled"] != "disabled":
                found.append((name, source["enabled"], source["enabled"]))
    return found


def _disabled_around(ctx: Context, stage: str, name: str, end: str) -> None:
    inside = [s.id for s in ctx.statements if s.stage == stage]
    disable = ctx.add(stage, KIND, (name,), "alter", _state_sql(name, "disabled"), clause="disable during stage",
                      step=f"disable during {stage}", note="the event trigger would fire on the plan's DDL")
    add_edges(ctx, {statement: {disable} for statement in inside})
    if end != "disabled":
        ctx.add(stage, KIND, (name,), "alter", _state_sql(name, end), clause="enable after stage",
                step=f"enable after {stage}", depends_on=[*inside, disable])
