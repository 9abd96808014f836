"""Text with control characters shown visibly: for comment lines of stage files (planner.quote.comment),
and for names in outputs, error messages and logs that a terminal would otherwise interpret.

A module of its own, outside the planner: every command shows names through it (present.labels),
and importing the planner package (its per-kind builders, pglast's parse trees) would cost a
`workbench diff` about a tenth of a second for this one function.
"""
from __future__ import annotations

import re
import unicodedata

# Characters escaped in comment text: C0 and C1 controls (newline and carriage return end a `--`
# comment for PostgreSQL and psql), DEL, line/paragraph separators, and format characters (bidi
# overrides, zero-width characters) that would make a reviewer read something else than is there.
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}


def _escape_char(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F or unicodedata.category(char) in ("Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
        return f"\\x{code:02x}" if code <= 0xFF else (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return char


_SAFE = re.compile(r"[ -\[\]-~]*")     # printable ASCII without backslash: nothing to escape


def visible(text: str) -> str:
    """Text with control characters escaped visibly (`\\n`, `\\r`, `\\t`, `\\xNN`, `\\uNNNN`; a
    backslash doubled so the escapes are unambiguous): for comment lines, and for names in error
    messages and logs that a terminal would otherwise interpret."""
    text = str(text)
    if _SAFE.fullmatch(text):
        return text
    return "".join(_escape_char(char) for char in text)
