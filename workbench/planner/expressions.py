"""What an SQL expression calls: a default that calls a function this plan creates waits for it."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.planner.context import Context


def called_functions(expression: str) -> set[str]:
    """Names of the functions an SQL expression calls (through the pglast parse tree)."""
    import json

    from pglast.parser import ParseError, parse_sql_json

    try:
        tree = json.loads(parse_sql_json(f"SELECT {expression}"))
    except ParseError:              # an unparsable default is kept where it is; the parse check reports it
        return set()
    names: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            call = node.get("FuncCall")
            if call:
                names.add(call["funcname"][-1]["String"]["sval"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


def needs_new_function(ctx: "Context", expression: str | None) -> bool:
    """A default or expression that calls a function this plan creates must wait for stage 04.
    (Parsed only when one of the new functions' names occurs in its text at all.)"""
    if not expression:
        return False
    new = ctx.new_function_names()
    if not any(name in expression for name in new):
        return False
    return bool(called_functions(expression) & new)
