"""Order from edges: one graph of statements, sorted once (graphlib); the stages group the result.

Edges are a statement's own `depends_on` (the steps of one change, a drop before its re-create)
plus the object edges, from the builders' `depends_on` (the objects an object needs: a view the
relations, columns, functions and keys it reads, a foreign key the keys and the table it
references, a type the types it is built of, an aggregate its functions, a partition its parent,
a trigger its function) and from the schema an object lives in:
- what makes or changes an object (create, alter, replace) waits for what makes or changes the
  objects it needs;
- what changes or drops an object (alter, replace, drop) waits for the drops of the objects that
  need it. So a dependent dropped ahead of a change (a view over a column whose type changes, a
  trigger of a function made again, a foreign key into a table rebuilt) goes before that change,
  and is made again after it;
- a new object that takes a target-only object's name waits for that object's drop.
An edge never points into a later stage (a statement that needs a later one is a planner bug).
Among the statements ready to run, the earliest stage goes first, then in stage 10 the kind's drop
rank (dependents first where no edge says more: what the catalog rows do not tell, such as a
sequence a default uses), then the order the builders wrote them in. A cycle is an error naming
its objects.
"""
from __future__ import annotations

import dataclasses
import heapq
from graphlib import CycleError, TopologicalSorter
from typing import Iterator

from workbench.kinds import KINDS, Identity, Key, Row
from workbench.planner.context import Context, label
from workbench.planner.hazards import Action
from workbench.planner.kinds import builder
from workbench.planner.model import STAGE_INDEX, Stage, Statement
from workbench.errors import PlannerBug


def object_edges(ctx: Context) -> dict[str, set[str]]:
    """statement id -> ids it must follow, from the objects' dependencies (see the module docstring)."""
    edges: dict[str, set[str]] = {}

    def after(later: list[Statement], earlier: list[Statement]) -> None:
        for statement in later:
            for other in earlier:
                if STAGE_INDEX[other.stage] <= STAGE_INDEX[statement.stage]:
                    edges.setdefault(statement.id, set()).add(other.id)

    for key, statements in ctx.about.items():
        kind, identity = key
        made = [s for s in statements if s.action != Action.DROP]
        dropped = [s for s in statements if s.action == Action.DROP]
        for theirs in _needed(ctx, key, ctx.definition_row(kind, identity)) if made else ():
            after(made, [other for other in theirs if other.action != Action.DROP])
        for theirs in _needed(ctx, key, ctx.target(kind, identity)) if dropped else ():
            after([other for other in theirs if other.action != Action.CREATE], dropped)
    for key, gone in ctx.takes_name.items():
        after([s for s in ctx.about.get(key, ()) if s.action == Action.CREATE],
              [s for s in ctx.about.get(gone, ()) if s.action == Action.DROP])
    return edges


def _needed(ctx: Context, key: Key, row: Row | None) -> Iterator[list[Statement]]:
    """The statements about each object that `key` (with this row) needs and that the plan touches."""
    kind, identity = key
    if row is None:
        return
    needs = list(builder(kind).depends_on(ctx, row))
    if KINDS[kind].identity[0] == "schema":                 # an object in a schema needs the schema
        needs.append(("schemas", (identity[0],)))
    for dependency in needs:
        theirs = ctx.about.get(dependency)
        if theirs and dependency != key:
            yield theirs


def needs(ctx: Context, kind: str) -> Iterator[tuple[Identity, Stage]]:
    """(an object of `kind` that a planned create needs, the stage of that create), from the
    builders' depends_on: what tells the functions a domain or a generated column calls to be
    created ahead of their stage."""
    for (other, identity), statements in list(ctx.about.items()):
        creates = [s for s in statements if s.action == Action.CREATE]
        row = ctx.definition_row(other, identity) if creates else None
        if row is None:
            continue
        for dependency_kind, dependency in builder(other).depends_on(ctx, row):
            if dependency_kind == kind:
                for statement in creates:
                    yield dependency, statement.stage


def order_statements(statements: list[Statement], extra: dict[str, set[str]] | None = None) -> list[Statement]:
    """The statements sorted: every edge kept, stages in order (see the module docstring). The
    object edges are written into the statements' depends_on, so plan.json holds the graph.

    Kahn's algorithm over statement positions with a heap of the ready ones (graphlib's sorter
    costs a third of planning at scale 10 in its node bookkeeping and up-front cycle search); a
    cycle leaves statements unsorted, and graphlib then names one cycle among them."""
    extra = extra or {}
    position = {s.id: i for i, s in enumerate(statements)}
    needs: list[set[str]] = []
    for s in statements:
        wanted = set(s.depends_on) | extra.get(s.id, set())
        for dependency in wanted:
            other = position.get(dependency)
            if other is None:
                raise PlannerBug(f"planner bug: {s.id} depends on unknown statement {dependency}", kind=s.kind)
            if STAGE_INDEX[statements[other].stage] > STAGE_INDEX[s.stage]:
                raise PlannerBug(f"planner bug: {s.id} in {s.stage} depends on {dependency} in a later stage",
                                 kind=s.kind)
        needs.append(wanted)
    waiting = [len(wanted) for wanted in needs]
    followers: list[list[int]] = [[] for _ in statements]
    for i, wanted in enumerate(needs):
        for dependency in wanted:
            followers[position[dependency]].append(i)
    # among the ready: the earliest stage, then (stage 10) the kind's drop rank, then the order
    # written, as one number: ((stage * ranks) + rank) * count + position
    count, ranks = len(statements) or 1, 1 + max(kind.drop_rank for kind in KINDS.values())
    priority = [(STAGE_INDEX[s.stage] * ranks + (KINDS[s.kind].drop_rank if s.stage == Stage.DROPS and s.kind in KINDS
                                                 else 0)) * count + i for i, s in enumerate(statements)]
    ready = [priority[i] for i in range(len(statements)) if not waiting[i]]
    heapq.heapify(ready)
    ordered: list[Statement] = []
    while ready:
        current = heapq.heappop(ready) % count
        s = statements[current]
        added = extra.get(s.id, set()) - set(s.depends_on)
        ordered.append(dataclasses.replace(s, depends_on=(*s.depends_on, *sorted(added))) if added else s)
        for follower in followers[current]:
            waiting[follower] -= 1
            if not waiting[follower]:
                heapq.heappush(ready, priority[follower])
    if len(ordered) < len(statements):
        _name_a_cycle(statements, needs, waiting)
    return ordered


def _name_a_cycle(statements: list[Statement], needs: list[set[str]], waiting: list[int]) -> None:
    """The statements left unsorted hold a cycle: a PlannerBug naming the objects along one."""
    left = {s.id: s for s, count in zip(statements, waiting) if count}
    try:
        TopologicalSorter({s.id: wanted & left.keys() for s, wanted in zip(statements, needs) if s.id in left}).prepare()
    except CycleError as error:
        objects = " -> ".join(f"{left[i].action} {left[i].kind} {label(tuple(left[i].identity.values()))}"
                              for i in error.args[1])
        raise PlannerBug(f"planner bug: a dependency cycle between {objects}") from None
    raise PlannerBug("planner bug: statements left unsorted without a cycle")        # unreachable
