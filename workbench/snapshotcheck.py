"""The shape of a snapshot file, checked before anything trusts it.

A snapshot file is input from outside (mailed, edited, crafted): the planner turns its values into
DDL that runs with the target's privileges. So a file must say it is a drift-workbench snapshot of
this format version, hold every kind it was captured with, each with exactly the columns its
catalog query returns (`catalog/snapshot_columns.py`, versioned with the file format), each value
of the column's type (text, integer, boolean, or a JSON list in text), identity values never empty,
and carry the fingerprint of its content. Anything else is one line `FILE: what is wrong`.

`catalog/snapshot_columns.py` is what the catalog queries return (a test compares it with a live
server); after changing a query, regenerate it:
`python -m workbench.snapshotcheck DSN > workbench/catalog/snapshot_columns.py`.
"""
from __future__ import annotations

import json
import pprint
from typing import Any

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS

# text columns that hold a JSON list (of strings, or of lists of strings): the catalog queries'
# json_agg(...)::text columns, which the planner decodes
JSON_COLUMNS = {
    "types": ("enum_labels", "checks", "attributes", "depends_on_functions"),
    "base_types": ("functions",),
    "tables": ("inherits", "foreign_options"),
    "extended_statistics": ("columns",),
    "foreign_data_wrappers": ("options",),
    "foreign_servers": ("options",),
    "user_mappings": ("options",),
    "publications": ("schemas",),
    "publication_tables": ("columns",),
    "rules": ("relations",),
    "event_triggers": ("tags",),
    "text_search_configurations": ("mappings",),
    "operator_families": ("members",),
    "operator_classes": ("members", "operators"),
    "columns": ("depends_on_functions", "foreign_options"),
    "indexes": ("depends_on_functions",),
    "constraints": ("depends_on_functions",),
    "functions": ("depends_on_types",),
    "policies": ("roles",),
    "views": ("columns", "depends_on_relations", "depends_on_functions", "depends_on_columns", "depends_on_constraints"),
    "materialized_views": ("columns", "depends_on_relations", "depends_on_functions", "depends_on_columns",
                           "depends_on_constraints"),
}
# PostgreSQL result types of the catalog queries -> the value type a snapshot file holds
_PG_TYPES = {"name": "text", "text": "text", "char": "text", "varchar": "text", "bpchar": "text",
             "int2": "int", "int4": "int", "int8": "int", "oid": "int", "bool": "bool"}
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {"text": (str,), "json": (str,), "int": (int,), "bool": (bool,)}
# a function without arguments: identity ("public", "f", ""); default privileges of every schema: in_schema ""
_MAY_BE_EMPTY = {"arguments", "in_schema"}
_TYPE_WORDS = {"text": "text", "json": "text holding a JSON list", "int": "an integer", "bool": "true or false"}


def columns_of_server(dsn: str) -> dict[str, dict[str, str]]:
    """Every kind's columns and value types as a live server's catalog queries return them."""
    from workbench import connect as connect_mod

    with connect_mod.connect(dsn) as conn:
        conn.execute("SELECT set_config('search_path', '', true)")
        names: dict[int, str] = dict(conn.execute("SELECT oid::int, typname::text FROM pg_type").fetchall())
        found: dict[str, dict[str, str]] = {}
        for kind in KINDS.values():
            cursor = conn.execute(kind.sql)
            found[kind.name] = {d.name: ("json" if d.name in JSON_COLUMNS.get(kind.name, ()) else
                                         _PG_TYPES.get(names.get(d.type_code, "?"), names.get(d.type_code, "?")))
                                for d in cursor.description or ()}
    return found


def _is_json_list(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, list) and all(
        isinstance(item, str) or (isinstance(item, list) and all(isinstance(part, str) for part in item))
        for item in value)


def check_kind(origin: str, kind: str, body: object,
               shared: dict[type, dict[Any, Any]] | None = None) -> tuple[list[str], list[Any]]:
    """One kind of a snapshot file: its (columns, rows), or a WorkbenchError naming what is wrong.

    The rows come back as tuples whose equal text and integer values are one object (as a capture
    makes them: catalog.fetch.shared_values; `shared` holds the caches, one per type, shared by
    the kinds of a file). json.loads makes a new str for every value of every row, and a schema,
    table or type name repeats in thousands of rows: a loaded file held twice the memory of the
    capture it was written from. The check works column by column on the transposed rows (one
    pass in C per column), and a JSON-list column is parsed once per distinct value."""
    from workbench.catalog.snapshot_columns import KINDS as EXPECTED

    spec = EXPECTED.get(kind)
    if spec is None:
        raise WorkbenchError(f"{origin}: unknown kind {kind!r} (known: {', '.join(KINDS)})")
    if not isinstance(body, dict) or not isinstance(body.get("columns"), list) or not isinstance(body.get("rows"), list):
        raise WorkbenchError(f"{origin}: kind {kind} must be an object with a list of columns and a list of rows")
    columns, rows = body["columns"], body["rows"]
    if not all(isinstance(c, str) for c in columns) or len(set(columns)) != len(columns):
        raise WorkbenchError(f"{origin}: kind {kind}: the columns must be distinct names")
    missing = [c for c in spec if c not in columns]
    unknown = [c for c in columns if c not in spec]
    if missing or unknown:
        parts = ([f"lacks column(s) {', '.join(missing)}"] if missing else []) + \
                ([f"has unknown column(s) {', '.join(unknown)}"] if unknown else [])
        # a file that lacks what the queries read since (and holds nothing unknown) is an old one
        hint = " (written by an older workbench: capture it again)" if missing and not unknown else ""
        raise WorkbenchError(f"{origin}: kind {kind} {' and '.join(parts)}{hint}")
    width = len(columns)
    if set(map(type, rows)) - {list} or set(map(len, rows)) - {width}:
        number = next(n for n, row in enumerate(rows, 1) if type(row) is not list or len(row) != width)
        raise WorkbenchError(f"{origin}: kind {kind} row {number} is not a list of {width} values")
    if not rows:
        return list(columns), rows
    identity = set(KINDS[kind].identity)
    caches = shared if shared is not None else {str: {}, int: {}}
    made: list[Any] = []
    for column, values in zip(columns, zip(*rows)):
        wanted = spec[column]
        allowed = _PYTHON_TYPES[wanted]
        types = set(map(type, values))
        bad_types = types - set(allowed) - ({type(None)} if column not in identity else set())
        if bad_types:
            number = next(n for n, value in enumerate(values, 1) if type(value) in bad_types)
            raise WorkbenchError(f"{origin}: kind {kind} row {number} column {column}: "
                                 f"{json.dumps(values[number - 1])[:60]} is not {_TYPE_WORDS[wanted]}")
        if column in identity and column not in _MAY_BE_EMPTY and "" in values:
            number = values.index("") + 1
            raise WorkbenchError(f"{origin}: kind {kind} row {number} column {column}: an identity value is empty")
        if wanted == "json":
            bad = [value for value in set(values) if value is not None and not _is_json_list(value)]
            if bad:
                number = next(n for n, value in enumerate(values, 1) if value in bad)
                raise WorkbenchError(f"{origin}: kind {kind} row {number} column {column}: "
                                     f"{json.dumps(values[number - 1])[:60]} is not {_TYPE_WORDS['json']}")
        cache = caches.get(allowed[0])
        made.append(values if cache is None else map(cache.setdefault, values, values))
    return list(columns), list(zip(*made))


def check_kinds_present(origin: str, kinds: dict[str, Any], captured: object) -> None:
    """Every kind the file says it was captured with is there (every kind, when it says nothing):
    a missing kind would read as `no drift` for it."""
    if captured is None:
        wanted = list(KINDS)
    elif isinstance(captured, list) and all(isinstance(k, str) and k in KINDS for k in captured):
        wanted = captured
    else:
        raise WorkbenchError(f"{origin}: captured_kinds must be a list of known kinds")
    missing = [kind for kind in wanted if kind not in kinds]
    if missing:
        raise WorkbenchError(f"{origin}: kind(s) {', '.join(missing)} missing (a snapshot holds every kind "
                             f"it was captured with)")
    extra = [kind for kind in kinds if kind not in wanted and kind in KINDS]
    if extra:
        raise WorkbenchError(f"{origin}: kind(s) {', '.join(extra)} present but not in captured_kinds")


def columns_module(dsn: str) -> str:
    """The text of catalog/snapshot_columns.py for a live server's catalog queries."""
    from workbench.snapshot import FORMAT_VERSION

    return (f'"""Generated by `python -m workbench.snapshotcheck DSN`: the columns and value types of each kind\n'
            f'in a snapshot file of format version {FORMAT_VERSION} (what the catalog queries return)."""\n\n'
            f"VERSION = {FORMAT_VERSION}\n"
            f"KINDS = {pprint.pformat(columns_of_server(dsn), indent=1, width=110, sort_dicts=False)}\n")


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m workbench.snapshotcheck DSN > workbench/catalog/snapshot_columns.py\n")
        return 2
    sys.stdout.write(columns_module(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
