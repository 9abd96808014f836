"""Cross-version normalisation of SQL text, through the pglast parser.

PostgreSQL deparses views, index definitions, CHECK clauses and defaults from its internal trees,
and the spelling of that output changes between major versions (parentheses, casts written out,
line breaks) while the meaning does not. Two texts are the same definition when pglast parses them
to the same tree, ignoring token positions. Parse-tree fingerprints are not used: libpg_query's
fingerprint deliberately ignores constants, so `DEFAULT 'web'` and `DEFAULT 'app'` would look alike.

Normalising is only done for the pairs whose raw text differs (see compare.py), so the cost is
proportional to the drift, not to the size of the schema.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

# How to make each flavour of SQL text into a statement that parses on its own.
_WRAPPERS = {
    "expression": "SELECT {}",
    "query": "{}",
    "statement": "{}",
    "constraint": "ALTER TABLE t ADD {}",
}


@lru_cache(maxsize=1)
def position_fields() -> frozenset[str]:
    """Every field of pglast's node types that holds a token position (C type ParseLoc:
    `location`, `stmt_len`, the `list_start`/`list_end` of ARRAY[...] and IN (...) since
    PostgreSQL 16, ...), read from pglast's own node descriptions so that the fields a newer
    parser adds are ignored too. Positions differ whenever the spelling does."""
    from pglast import ast

    fields: set[str] = set()
    for node in vars(ast).values():
        slots = getattr(node, "__slots__", None) if isinstance(node, type) else None
        if isinstance(slots, dict):
            fields.update(name for name, info in slots.items() if getattr(info, "c_type", None) == "ParseLoc")
    return frozenset(fields)


def _strip_positions(node: Any, positions: frozenset[str] = frozenset()) -> Any:
    positions = positions or position_fields()
    if isinstance(node, dict):
        return {key: _strip_positions(value, positions) for key, value in node.items() if key not in positions}
    if isinstance(node, list):
        return [_strip_positions(item, positions) for item in node]
    return node


def _unqualify_single_relation(node: Any, names: frozenset[str] = frozenset()) -> Any:
    """PostgreSQL 15 deparses `SELECT t.id FROM t`, 16 and later `SELECT id FROM t`: inside a
    SELECT over exactly one relation, `rel.column` and `column` name the same thing, so drop the
    qualifier when it is that relation's name or alias."""
    if isinstance(node, list):
        return [_unqualify_single_relation(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    select = node.get("SelectStmt")
    if isinstance(select, dict):
        from_clause = select.get("fromClause") or []
        if len(from_clause) == 1 and "RangeVar" in from_clause[0]:
            relation = from_clause[0]["RangeVar"]
            alias = (relation.get("alias") or {}).get("aliasname")
            names = names | {alias or relation.get("relname")}
    column = node.get("ColumnRef")
    if isinstance(column, dict) and names:
        fields = column.get("fields") or []
        if len(fields) == 2 and fields[0].get("String", {}).get("sval") in names:
            return {"ColumnRef": {**column, "fields": fields[1:]}}
    return {key: _unqualify_single_relation(value, names) for key, value in node.items()}


@lru_cache(maxsize=65536)
def canonical(text: str | None, flavour: str) -> str | None:
    """A canonical form of `text` (the JSON parse tree without positions); the text itself when it
    does not parse, so that an unparsable definition is compared verbatim rather than hidden."""
    if text is None:
        return None
    from pglast import parser

    sql = _WRAPPERS[flavour].format(text.strip().rstrip(";"))
    try:
        tree = json.loads(parser.parse_sql_json(sql))
    except Exception:          # pglast raises ParseError, and a few C-level errors, on odd input
        return text
    tree = _strip_positions(tree.get("stmts", tree))
    if flavour == "query":
        tree = _unqualify_single_relation(tree)
    return json.dumps(tree, sort_keys=True)


def preload_parser() -> None:
    """Import pglast in a background thread: a command that will compare SQL text starts this
    before it reads the catalogs, so the import (a tenth of a small diff) happens while the
    servers work instead of after."""
    import importlib
    import threading

    threading.Thread(target=importlib.import_module, args=("pglast.parser",), name="preload-pglast",
                     daemon=True).start()


def same_sql(left: str | None, right: str | None, flavour: str) -> bool:
    if left == right:
        return True
    if left is None or right is None:
        return False
    return canonical(left, flavour) == canonical(right, flavour)
