"""Edges a kind adds to statements of other kinds once they are built (its builder's `finish`):
an event trigger disabled around a stage's statements, a language that the functions written in
it wait for. The statements are frozen values: each one made to wait is replaced by a copy whose
depends_on holds more ids (the graph then orders them like any other edge)."""
from __future__ import annotations

import dataclasses
from typing import Mapping

from workbench.planner.context import Context


def add_edges(ctx: Context, edges: Mapping[str, set[str]]) -> None:
    """statement id -> ids it must also wait for (of its own stage or an earlier one)."""
    for position, statement in enumerate(ctx.statements):
        extra = edges.get(statement.id, set()) - set(statement.depends_on)
        if extra:
            ctx.statements[position] = dataclasses.replace(statement, depends_on=(*statement.depends_on, *sorted(extra)))
