"""The one place identifiers, literals and comment text become SQL text. Nothing else concatenates names.

Quoting follows PostgreSQL's quote_ident: a name stays bare only when it is lower case, plain and
not a keyword that needs quoting; everything else is double-quoted with embedded quotes doubled.
Comment lines (`-- ...` in stage files) render names through `comment`, which escapes every
character that could end the comment or hide text from a reviewer: a newline or carriage return
in a table's name must never turn the rest of the name into a statement that psql runs.
"""
from __future__ import annotations

import re

from pglast import keywords

from workbench.escapes import visible as visible  # comment lines; also planner.quote.visible for its callers

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")
_NEEDS_QUOTES = keywords.RESERVED_KEYWORDS | keywords.COL_NAME_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS


def ident(name: str) -> str:
    if _PLAIN.fullmatch(name) and name not in _NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(text: str) -> str:
    """A string constant. Text with a backslash is written as an E'' constant (backslashes doubled),
    which reads the same whatever the server's standard_conforming_strings: with it off, a plain
    '...\\' would end the constant early and let the rest of the text run as SQL."""
    text = str(text).replace("'", "''")
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\") + "'"
    return "'" + text + "'"


def comment(text: str) -> str:
    """One `-- ` comment line, its text `visible`: it never holds a line break, so nothing after
    `--` can leave the comment."""
    return "-- " + visible(text)


def role(name: str) -> str:
    """A role name in GRANT/POLICY position: PUBLIC is a keyword there, not a role."""
    return "PUBLIC" if name.lower() == "public" else ident(name)


def dollar_quoted(body: str) -> str:
    """A body in dollar quotes whose tag does not occur in it ($$, else $q$, $q1$, ...)."""
    tag, n = "$$", 0
    while tag in body:
        tag, n = f"$q{n or ''}$", n + 1
    return f"{tag}{body}{tag}"
