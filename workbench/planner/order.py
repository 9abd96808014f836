"""Order: stages in their fixed order, and inside a stage a stable topological sort of the
statements by `depends_on` (ties keep the order the generators produced). Drops in stage 10 go
dependents first: policies and triggers, foreign keys, other constraints, indexes, views,
columns, tables (which take their triggers and defaults along), functions, sequences, types,
extensions, schemas."""
from __future__ import annotations

import heapq

from workbench.errors import WorkbenchError
from workbench.planner.model import STAGE_NAMES, Statement

_DROP_ORDER = ["privileges", "comments", "policies", "triggers", "constraints", "indexes", "views",
               "materialized_views", "columns", "tables", "functions", "sequences", "types", "extensions", "schemas"]


def order_statements(statements: list[Statement]) -> list[Statement]:
    position = {s.id: i for i, s in enumerate(statements)}
    stage_of = {s.id: s.stage for s in statements}
    ordered: list[Statement] = []
    for stage in STAGE_NAMES:
        members = [s for s in statements if s.stage == stage]
        if stage == "stage10_drops":
            members.sort(key=lambda s: (_DROP_ORDER.index(s.kind), position[s.id]))
        rank = {s.id: i for i, s in enumerate(members)}
        waiting = {s.id: 0 for s in members}
        followers: dict[str, list[str]] = {}
        for s in members:
            for dependency in s.depends_on:
                if dependency not in stage_of:
                    raise WorkbenchError(f"planner bug: {s.id} depends on unknown statement {dependency}")
                if STAGE_NAMES.index(stage_of[dependency]) > STAGE_NAMES.index(stage):
                    raise WorkbenchError(f"planner bug: {s.id} in {stage} depends on {dependency} in a later stage")
                if stage_of[dependency] == stage:
                    waiting[s.id] += 1
                    followers.setdefault(dependency, []).append(s.id)
        by_id = {s.id: s for s in members}
        ready = [(rank[i], i) for i, n in waiting.items() if n == 0]
        heapq.heapify(ready)
        while ready:
            _, current = heapq.heappop(ready)
            ordered.append(by_id[current])
            for follower in followers.get(current, []):
                waiting[follower] -= 1
                if waiting[follower] == 0:
                    heapq.heappush(ready, (rank[follower], follower))
        if sum(1 for s in ordered if s.stage == stage) != len(members):
            raise WorkbenchError(f"planner bug: a dependency cycle in {stage}")
    return ordered
