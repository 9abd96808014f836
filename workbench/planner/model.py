"""Statements are values: what a plan is made of, and the files that carry it.

A Statement knows its stage, the object it is about, what it does, its SQL, its hazards and what
must run before it. A Plan is the ordered list plus the facts of the two sides, the target's
fingerprint (a stale plan is refused by apply) and what was deliberately left out.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError

PLAN_FORMAT = "drift-workbench/plan"
PLAN_VERSION = 1

# (file stem, what it holds). The order of this list is the order of the migration.
STAGES: list[tuple[str, str]] = [
    ("stage00_prerequisites", "schemas, extensions, types (enums, domains, composites, ranges)"),
    ("stage01_sequences", "new sequences (OWNED BY comes in stage 09)"),
    ("stage02_tables", "new tables with their columns; no foreign keys"),
    ("stage03_columns", "added columns, type changes (USING), nullability, defaults, identity, generated"),
    ("stage04_functions", "functions and procedures (check_function_bodies off)"),
    ("stage05_views", "views and materialized views, in dependency order"),
    ("stage06_triggers", "triggers"),
    ("stage07_indexes", "indexes"),
    ("stage08_constraints", "PRIMARY KEY / UNIQUE (reusing matching indexes), CHECK, EXCLUDE, then FOREIGN KEY"),
    ("stage09_finishing", "defaults calling new functions, sequence OWNED BY, RLS and policies, comments, grants"),
    ("stage10_drops", "drops of target-only objects, dependents first (only with --allow-drops)"),
]
STAGE_NAMES = [name for name, _ in STAGES]

HAZARDS = {
    "table_rewrite": "rewrites the table (time and disk in proportion to its size)",
    "access_exclusive_lock": "takes an ACCESS EXCLUSIVE lock: blocks reads and writes while it runs",
    "data_loss": "drops or narrows data that cannot be recovered from the schema",
    "validates_rows": "scans existing rows to validate them",
    "non_transactional": "cannot run inside a transaction block",
    "may_fail_on_data": "fails if existing rows violate it (NOT NULL, CHECK, UNIQUE, FOREIGN KEY)",
}
ACTIONS = ("create", "alter", "replace", "drop")


@dataclass
class Statement:
    stage: str
    kind: str
    identity: dict
    action: str
    sql: str
    hazards: list[str] = field(default_factory=list)
    transactional: bool = True
    depends_on: list[str] = field(default_factory=list)
    note: str = ""
    # set by the planner: unique id, and the transactional form used by a rehearsal
    id: str = ""
    rehearsal_sql: str | None = None
    # in plan.json: sha256 of the statement as its stage file holds it (apply runs only statements
    # whose hash plan.json holds, or edits accepted with --accept-edits); "" until the plan is written
    sha256: str = ""

    def __post_init__(self) -> None:
        if self.stage not in STAGE_NAMES:
            raise ValueError(f"unknown stage {self.stage}")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown action {self.action}")
        unknown = set(self.hazards) - set(HAZARDS)
        if unknown:
            raise ValueError(f"unknown hazards {unknown}")


@dataclass
class Plan:
    statements: list[Statement]
    source: dict
    target: dict
    target_fingerprint: str
    options: dict
    skipped: list[dict] = field(default_factory=list)
    traps: list[dict] = field(default_factory=list)
    created_at: str = ""

    def by_stage(self) -> dict[str, list[Statement]]:
        stages: dict[str, list[Statement]] = {name: [] for name in STAGE_NAMES}
        for statement in self.statements:
            stages[statement.stage].append(statement)
        return stages

    def to_dict(self, stage_hashes: dict[str, str] | None = None) -> dict:
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
            "statements": [dict(vars(s)) for s in self.statements],     # flat fields: no deep asdict
            "skipped": self.skipped, "traps": self.traps,
        }

    @classmethod
    def from_dict(cls, data: dict, origin: str = "plan") -> "Plan":
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
                       data.get("skipped", []), data.get("traps", []), data.get("created_at", ""))
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


def read_plan(plan_dir: str | Path) -> tuple[Plan, dict]:
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
