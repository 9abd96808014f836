"""Statements are values: what a plan is made of, and the files that carry it.

A Statement knows its stage, the object it is about, what it does, its SQL, its hazards and what
must run before it. A Plan is the ordered list plus the facts of the two sides, the target's
fingerprint (a stale plan is refused by apply) and what was deliberately left out.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable, Iterator

from workbench.errors import WorkbenchError
from workbench.planner.hazards import MEANING, Action, Hazard

PLAN_FORMAT = "drift-workbench/plan"
PLAN_VERSION = 1

class Stage(StrEnum):
    """The stages of a migration, in the order they run (each is one file, `<value>.sql`)."""
    PREREQUISITES = "stage00_prerequisites"
    SEQUENCES = "stage01_sequences"
    TABLES = "stage02_tables"
    COLUMNS = "stage03_columns"
    FUNCTIONS = "stage04_functions"
    VIEWS = "stage05_views"
    TRIGGERS = "stage06_triggers"
    INDEXES = "stage07_indexes"
    CONSTRAINTS = "stage08_constraints"
    FINISHING = "stage09_finishing"
    DROPS = "stage10_drops"


STAGE_INDEX: dict[str, int] = {stage: i for i, stage in enumerate(Stage)}      # position in the migration
DESCRIPTIONS: dict[Stage, str] = {
    Stage.PREREQUISITES: "schemas, extensions, collations, foreign data wrappers, servers and user mappings, types (enums, domains, composites, ranges)",
    Stage.SEQUENCES: "new sequences (OWNED BY comes in stage 09)",
    Stage.TABLES: "new tables with their columns; no foreign keys",
    Stage.COLUMNS: "added columns, type changes (USING), nullability, defaults, identity, generated",
    Stage.FUNCTIONS: "functions and procedures (check_function_bodies off), casts",
    Stage.VIEWS: "views and materialized views, in dependency order",
    Stage.TRIGGERS: "triggers and rules",
    Stage.INDEXES: "indexes, extended statistics",
    Stage.CONSTRAINTS: "PRIMARY KEY / UNIQUE (reusing matching indexes), CHECK, EXCLUDE, then FOREIGN KEY",
    Stage.FINISHING: "defaults calling new functions, sequence OWNED BY, RLS and policies, comments, grants",
    Stage.DROPS: "drops of target-only objects, dependents first (only with --allow-drops)",
}
# (file stem, what it holds), in the order of the migration.
STAGES: list[tuple[str, str]] = [(stage.value, DESCRIPTIONS[stage]) for stage in Stage]
STAGE_NAMES = [name for name, _ in STAGES]

HAZARDS = {hazard.value: meaning for hazard, meaning in MEANING.items()}
ACTIONS = tuple(action.value for action in Action)


@dataclass(frozen=True)
class Statement:
    """One statement of a plan. Frozen: once the planner has added it, nothing changes it."""
    stage: Stage
    kind: str
    identity: dict[str, str]
    action: Action
    sql: str
    hazards: tuple[Hazard, ...] = ()
    transactional: bool = True
    depends_on: tuple[str, ...] = ()
    note: str = ""
    # set by the planner: unique id, and the transactional form used by a rehearsal
    id: str = ""
    rehearsal_sql: str | None = None
    # in plan.json: sha256 of the statement as its stage file holds it (apply runs only statements
    # whose hash plan.json holds, or edits accepted with --accept-edits); "" until the plan is written
    sha256: str = ""

    def __post_init__(self) -> None:
        # values read from plan.json (strings and lists) become the enums and tuples; the planner
        # passes them already (the checks are by type: this runs for every statement of a plan)
        if type(self.stage) is not Stage:
            stage = Stage._value2member_map_.get(self.stage)
            if stage is None:
                raise ValueError(f"unknown stage {self.stage}")
            object.__setattr__(self, "stage", stage)
        if type(self.action) is not Action:
            action = Action._value2member_map_.get(self.action)
            if action is None:
                raise ValueError(f"unknown action {self.action}")
            object.__setattr__(self, "action", action)
        if type(self.hazards) is not tuple or not all(type(h) is Hazard for h in self.hazards):
            unknown = {str(h) for h in self.hazards} - set(HAZARDS)
            if unknown:
                raise ValueError(f"unknown hazards {unknown}")
            object.__setattr__(self, "hazards", tuple(Hazard(h) for h in self.hazards))
        if type(self.depends_on) is not tuple:
            object.__setattr__(self, "depends_on", tuple(self.depends_on))


@dataclass
class Plan:
    statements: list[Statement]
    source: dict[str, Any]
    target: dict[str, Any]
    target_fingerprint: str
    options: dict[str, Any]
    skipped: list[dict[str, Any]] = field(default_factory=list)
    traps: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = ""
    # the renames planned as ALTER ... RENAME (workbench/renames.py Rename.to_dict)
    renames: list[dict[str, Any]] = field(default_factory=list)
    # the steps that can delete rows, with their table's rows on the target (workbench/rows.py plan_rows)
    rows: dict[str, Any] = field(default_factory=dict)
    # a rollback plan (DIR/rollback/, workbench/rollback.py): the forward plan it undoes
    rollback_of: dict[str, Any] = field(default_factory=dict)
    # a forward plan's way back, when DIR/rollback/ is written (workbench/rollback.py way_back)
    rollback: dict[str, Any] = field(default_factory=dict)

    def by_stage(self) -> dict[str, list[Statement]]:
        stages: dict[str, list[Statement]] = {name: [] for name in STAGE_NAMES}
        for statement in self.statements:
            stages[statement.stage].append(statement)
        return stages

    def to_dict(self, stage_hashes: dict[str, str] | None = None) -> dict[str, Any]:
        header = self.header(stage_hashes)
        tail = {key: header.pop(key) for key in ("skipped", "traps", "renames", "rows", "rollback_of", "rollback")}
        return {**header, "statements": list(self.statement_entries()), **tail}

    def header(self, stage_hashes: dict[str, str] | None = None) -> dict[str, Any]:
        """plan.json without its statements (to_dict's order otherwise)."""
        stages = self.by_stage()
        return {
            "format": PLAN_FORMAT, "version": PLAN_VERSION, "created_at": self.created_at,
            "source": self.source, "target": self.target, "target_fingerprint": self.target_fingerprint,
            "options": self.options,
            "stages": [{"name": name, "file": f"{name}.sql", "description": description,
                        "statements": len(stages[name]),
                        "transactional": all(s.transactional for s in stages[name]),
                        "sha256": (stage_hashes or {}).get(name)}
                       for name, description in STAGES],
            "skipped": self.skipped, "traps": self.traps, "renames": self.renames,
            "rows": self.rows, "rollback_of": self.rollback_of, "rollback": self.rollback,
        }

    def statement_entries(self, hashes: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
        """plan.json's statements, one dict at a time (flat fields: no deep asdict), each with its
        sha256 from `hashes` when given: the plan folder's writer encodes them as they come, and
        150,000 of them at once (scale 100) were a tenth of a plan's memory."""
        if hashes is None:
            for s in self.statements:
                yield {**vars(s), "hazards": list(s.hazards), "depends_on": list(s.depends_on)}
            return
        for s, sha256 in zip(self.statements, hashes, strict=True):
            yield {**vars(s), "hazards": list(s.hazards), "depends_on": list(s.depends_on), "sha256": sha256}

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "plan") -> "Plan":
        """A plan from plan.json, its shape checked: errors are `ORIGIN: what is wrong`."""
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            raise WorkbenchError(f"{origin}: not a drift-workbench plan (its format is not {PLAN_FORMAT})")
        if data.get("version") != PLAN_VERSION:
            raise WorkbenchError(f"{origin}: plan format version {data.get('version')}, expected {PLAN_VERSION}")
        if not isinstance(data.get("statements"), list):
            raise WorkbenchError(f"{origin}: no list of statements")
        for number, entry in enumerate(data["statements"], 1):
            _check_statement(entry, f"{origin}: statement {number}")
        for name in ("source", "target", "options"):
            if not isinstance(data.get(name), dict):
                raise WorkbenchError(f"{origin}: {name} must be an object")
        if not isinstance(data.get("target_fingerprint"), str):
            raise WorkbenchError(f"{origin}: target_fingerprint must be text")
        try:
            statements = [Statement(**s) for s in data["statements"]]
            return cls(statements, data["source"], data["target"], data["target_fingerprint"], data["options"],
                       data.get("skipped", []), data.get("traps", []), data.get("created_at", ""),
                       data.get("renames", []), data.get("rows", {}),
                       data.get("rollback_of", {}), data.get("rollback", {}))
        except (KeyError, TypeError, ValueError) as error:
            raise WorkbenchError(f"{origin}: corrupt ({type(error).__name__}: {error})") from None


# the fields of a plan.json statement that apply and the report read, and their JSON types
_STATEMENT_TYPES: dict[str, tuple[type, ...]] = {
    "stage": (str,), "kind": (str,), "identity": (dict,), "action": (str,), "sql": (str,), "hazards": (list,),
    "transactional": (bool,), "depends_on": (list,), "note": (str,), "id": (str,), "rehearsal_sql": (str, type(None)),
    "sha256": (str,)}
_TYPE_WORDS = {str: "text", dict: "an object", list: "a list", bool: "true or false"}


def _check_statement(entry: object, where: str) -> None:
    if not isinstance(entry, dict):
        raise WorkbenchError(f"{where} is not an object")
    for name, types in _STATEMENT_TYPES.items():
        if name in entry and not isinstance(entry[name], types):
            raise WorkbenchError(f"{where}: {name} must be {' or '.join(_TYPE_WORDS.get(t, 'null') for t in types)}")
    if not all(isinstance(h, str) for h in entry.get("hazards", [])):
        raise WorkbenchError(f"{where}: hazards must be a list of names")


def read_plan(plan_dir: str | Path) -> tuple[Plan, dict[str, Any]]:
    """plan.json of a plan directory: the Plan and the raw dict (stage file hashes included)."""
    from workbench import jsonfile

    path = Path(plan_dir) / "plan.json"
    text = jsonfile.read_text(path, "plan", f"{path} does not exist (make one with `workbench plan SOURCE TARGET --out DIR`)")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise WorkbenchError(f"{path}: not a plan: not JSON ({error})") from None
    return Plan.from_dict(data, origin=str(path)), data


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
