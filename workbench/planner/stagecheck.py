"""What a stage file may hold: its frame (BEGIN, the planner's SET LOCALs, COMMIT) and the plan's
statements, byte for byte, in the plan's order. Nothing else.

The one comparison behind the invariant "every statement that runs is one plan.json holds": the
planner checks the files it writes with it (a difference there is a planner bug, never output),
and apply checks the files it reads (a difference is a reviewer's edit, refused unless accepted).
Statements are compared as the PostgreSQL parser (pglast) splits them, so comments and blank
lines are free to change, and a name that smuggles a line break into a comment shows up as an
added statement instead of running unseen.
"""
from __future__ import annotations

import difflib
from typing import Any
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from workbench.planner.hazards import Action
from workbench.planner.model import Stage, Statement
from workbench.planner.quote import visible

# session settings at the top of a stage (inside its transaction): fail fast on a lock rather than
# queue behind production traffic, and let functions reference objects created later
LOCK_TIMEOUT = "SET LOCAL lock_timeout = '10s'"
STAGE_SETTINGS: dict[str, list[str]] = {Stage.FUNCTIONS: ["SET LOCAL check_function_bodies = off"]}


@dataclass(frozen=True)
class Piece:
    """One statement of a SQL text as the parser splits it, with the line it starts on."""

    line: int
    sql: str


@dataclass(frozen=True)
class Edit:
    """A difference between a stage file and plan.json."""

    file: str
    line: int | None            # where in the file (for a statement the file lacks: the next statement's line)
    change: str                 # added | removed | changed
    sql: str                    # the file's statement (the planned one for `removed`)
    planned_id: str | None = None
    planned_sql: str | None = None

    def describe(self) -> str:
        """One line naming the file, the line and the statement."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        shown = " ".join(self.sql.split())
        shown = visible(shown if len(shown) <= 120 else shown[:117] + "...")
        what = {"added": "holds a statement plan.json does not",
                "removed": f"lacks the planned statement {self.planned_id}",
                "changed": f"changes the planned statement {self.planned_id}"}[self.change]
        return f"{where}: {what}: '{shown}'"

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def read_stage_file(path: Path) -> str:
    """A stage file's text exactly as written: bytes decoded as UTF-8, no newline translation (a
    carriage return inside a quoted name is part of the name, not a line end)."""
    from workbench import jsonfile

    return jsonfile.read_text(path, "stage file", f"stage file {path} is missing (every stage file is part of a plan)")


def statement_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def split(text: str) -> list[Piece]:
    """The statements of a SQL text, split by the parser, each with its starting line.
    Raises pglast's ParseError for a text that does not parse."""
    from pglast.parser import split as pg_split

    pieces = []
    line, position = 1, 0
    for where in pg_split(text, only_slices=True):
        line += text.count("\n", position, where.start)
        position = where.start
        pieces.append(Piece(line, text[where]))
    return pieces


def canonical(sql: str) -> str:
    """A planned statement's text as it stands in its stage file (what the parser splits out)."""
    pieces = split(sql)
    if len(pieces) != 1:
        raise ValueError(f"{len(pieces)} statements where one was expected")
    return pieces[0].sql


def frame(name: str, statements: Sequence[Statement]) -> tuple[list[str], list[str]]:
    """The statements a stage file holds before and after its planned statements. A function
    created ahead of stage 04 (a domain's CHECK or a generated column calls it) is created with
    check_function_bodies off in its stage too."""
    if not statements or not all(s.transactional for s in statements):
        return [], []
    settings = STAGE_SETTINGS.get(name, [])
    if not settings and any(s.kind == "functions" and s.action != Action.DROP for s in statements):
        settings = STAGE_SETTINGS[Stage.FUNCTIONS]
    return ["BEGIN", LOCK_TIMEOUT, *settings], ["COMMIT"]


def compare(file: str | Path, found: list[Piece], planned: list[tuple[str, str]],
            head: list[str], tail: list[str]) -> list[Edit]:
    """The edits that turn the expected file (head, the planned (id, text) pairs, tail) into what
    the file holds: nothing for an untouched file."""
    expected = [(None, text) for text in head] + list(planned) + [(None, text) for text in tail]
    want = [text for _, text in expected]
    have = [piece.sql for piece in found]
    if want == have:
        return []
    name = str(file)
    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(a=want, b=have, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = expected[a0:a1], found[b0:b1]
        paired = min(len(old), len(new)) if op == "replace" else 0
        for (planned_id, planned_sql), piece in zip(old[:paired], new[:paired]):
            edits.append(Edit(name, piece.line, "changed", piece.sql, planned_id or planned_sql, planned_sql))
        for piece in new[paired:]:
            edits.append(Edit(name, piece.line, "added", piece.sql))
        at = found[b1].line if b1 < len(found) else None      # where the statement would have been
        for planned_id, planned_sql in old[paired:]:
            edits.append(Edit(name, at, "removed", planned_sql, planned_id or planned_sql, planned_sql))
    return edits
