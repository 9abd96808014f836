"""The one place identifiers and literals become SQL text. Nothing else concatenates names.

Quoting follows PostgreSQL's quote_ident: a name stays bare only when it is lower case, plain and
not a keyword that needs quoting; everything else is double-quoted with embedded quotes doubled.
"""
from __future__ import annotations

import re

from pglast import keywords

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*")
_NEEDS_QUOTES = keywords.RESERVED_KEYWORDS | keywords.COL_NAME_KEYWORDS | keywords.TYPE_FUNC_NAME_KEYWORDS


def ident(name: str) -> str:
    if _PLAIN.fullmatch(name) and name not in _NEEDS_QUOTES:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def literal(text: str) -> str:
    """A string constant (standard_conforming_strings is on in every supported version)."""
    return "'" + str(text).replace("'", "''") + "'"


def role(name: str) -> str:
    """A role name in GRANT/POLICY position: PUBLIC is a keyword there, not a role."""
    return "PUBLIC" if name.lower() == "public" else ident(name)


def dollar_quoted(body: str) -> str:
    """A body in dollar quotes whose tag does not occur in it ($$, else $q$, $q1$, ...)."""
    tag, n = "$$", 0
    while tag in body:
        tag, n = f"$q{n or ''}$", n + 1
    return f"{tag}{body}{tag}"
