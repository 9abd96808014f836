"""Edits of a statement made through its pglast parse tree, never through its text."""
from __future__ import annotations


def with_flags(sql: str, **flags: object) -> str:
    """The statement deparsed with attributes of its top node set, e.g. `replace=True` (CREATE OR
    REPLACE TRIGGER) or `concurrent=True` (CREATE INDEX CONCURRENTLY)."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    statement = parse_sql(sql)[0].stmt
    for name, value in flags.items():
        if not hasattr(statement, name):
            raise ValueError(f"{type(statement).__name__} has no {name}")
        setattr(statement, name, value)
    if statement is None:
        raise ValueError(f"not a statement: {sql}")
    return str(RawStream()(statement))
