"""Order from edges: one graph of statements, sorted once (graphlib); the stages group the result.

Edges are a statement's own `depends_on` (the steps of one change, a drop before its re-create)
plus the object edges of the builders' `depends_on`: the create of an object waits for the
creates of what it needs (a view for the tables it reads, a foreign key for the keys it uses, a
type for the types it is built of, an aggregate for its functions, a partition for its parent),
and the drop of what it needs waits for its drop. An edge never points into a later stage (a
statement that needs a later one is a planner bug). Among the statements ready to run, the
earliest stage goes first, then in stage 10 the kind's drop rank (dependents first where no edge
says more), then the order the builders wrote them in. A cycle is an error naming its objects.
"""
from __future__ import annotations

import dataclasses
import heapq
from graphlib import CycleError, TopologicalSorter
from typing import Iterator

from workbench.kinds import KINDS, Identity
from workbench.planner.context import Context, label
from workbench.planner.hazards import Action
from workbench.planner.kinds import builder
from workbench.planner.model import STAGE_INDEX, Stage, Statement
from workbench.errors import PlannerBug


def object_edges(ctx: Context) -> dict[str, set[str]]:
    """statement id -> ids it must follow, from the builders' depends_on (see the module docstring)."""
    edges: dict[str, set[str]] = {}
    for (action, kind, identity), statements in ctx.by_object.items():
        row = ctx.definition_row(kind, identity) if action == Action.CREATE else ctx.target(kind, identity)
        if row is None:
            continue
        for dependency in builder(kind).depends_on(ctx, row):
            others = ctx.by_object.get((action, *dependency), ())
            if dependency == (kind, identity) or not others:
                continue
            for statement in statements:
                for other in others:
                    if action == Action.CREATE and STAGE_INDEX[other.stage] <= STAGE_INDEX[statement.stage]:
                        edges.setdefault(statement.id, set()).add(other.id)       # create after what it needs
                    elif action == Action.DROP and STAGE_INDEX[statement.stage] <= STAGE_INDEX[other.stage]:
                        edges.setdefault(other.id, set()).add(statement.id)       # what it needs goes after it
    return edges


def needs(ctx: Context, kind: str) -> Iterator[tuple[Identity, Stage]]:
    """(an object of `kind` that a planned create needs, the stage of that create), from the
    builders' depends_on: what tells the functions a domain or a generated column calls to be
    created ahead of their stage."""
    for (action, other, identity), statements in list(ctx.by_object.items()):
        row = ctx.definition_row(other, identity) if action == Action.CREATE else None
        if row is None:
            continue
        for dependency_kind, dependency in builder(other).depends_on(ctx, row):
            if dependency_kind == kind:
                for statement in statements:
                    yield dependency, statement.stage


def order_statements(statements: list[Statement], extra: dict[str, set[str]] | None = None) -> list[Statement]:
    """The statements sorted: every edge kept, stages in order (see the module docstring). The
    object edges are written into the statements' depends_on, so plan.json holds the graph."""
    extra = extra or {}
    by_id = {s.id: s for s in statements}
    graph: dict[str, set[str]] = {}
    for s in statements:
        needs = set(s.depends_on) | extra.get(s.id, set())
        for dependency in needs:
            if dependency not in by_id:
                raise PlannerBug(f"planner bug: {s.id} depends on unknown statement {dependency}", kind=s.kind)
            if STAGE_INDEX[by_id[dependency].stage] > STAGE_INDEX[s.stage]:
                raise PlannerBug(f"planner bug: {s.id} in {s.stage} depends on {dependency} in a later stage",
                                 kind=s.kind)
        graph[s.id] = needs
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = error.args[1]
        objects = " -> ".join(f"{by_id[i].action} {by_id[i].kind} {label(tuple(by_id[i].identity.values()))}"
                              for i in cycle)
        raise PlannerBug(f"planner bug: a dependency cycle between {objects}") from None
    # among the ready: the earliest stage, then (stage 10) the kind's drop rank, then the order written
    priority = {s.id: (STAGE_INDEX[s.stage], KINDS[s.kind].drop_rank if s.stage == Stage.DROPS and s.kind in KINDS else 0, i)
                for i, s in enumerate(statements)}

    ready = [(priority[i], i) for i in sorter.get_ready()]
    heapq.heapify(ready)
    ordered: list[Statement] = []
    while ready:
        _, current = heapq.heappop(ready)
        s = by_id[current]
        added = extra.get(current, set()) - set(s.depends_on)
        ordered.append(dataclasses.replace(s, depends_on=(*s.depends_on, *sorted(added))) if added else s)
        sorter.done(current)
        for follower in sorter.get_ready():
            heapq.heappush(ready, (priority[follower], follower))
    return ordered
