"""Verify: the proof after an apply. A fresh comparison of source and target (the residual drift and
parity per kind) and post-apply checks on the live target: invalid indexes, NOT VALID constraints,
views that fail `SELECT * ... LIMIT 0`, disabled triggers.

Passing means nothing of the source is missing or different in the target and no check failed.
Objects only in the target do not count against parity (an add-only migration keeps them); they
are reported. A check finding that the source has the same way (a trigger disabled in both, say)
is reported but does not fail verification: the target matches the source there.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench import connect as connect_mod
from workbench.compare import CompareOptions, Drift, compare
from workbench.errors import WorkbenchError
from workbench.planner.model import Plan, Statement
from workbench.snapshot import Snapshot

if TYPE_CHECKING:
    from workbench.sides import Shadow

VERIFY_FORMAT = "drift-workbench/verify"
VERIFY_VERSION = 1
CHECKS_DIR = Path(__file__).with_name("checks")
CHECK_COLUMNS = ["check", "object", "detail", "failed"]
MISSING_STATUSES = ("only_in_source", "changed")

# check -> (query file, source kind, source column, source value that means "the same in the source", detail)
_CATALOG_CHECKS = {
    "invalid index": ("invalid_indexes", "indexes", "is_valid", False,
                      "INVALID: not used by queries, still maintained on writes (a failed CONCURRENTLY build?)"),
    "not valid constraint": ("not_valid_constraints", "constraints", "validated", False,
                             "NOT VALID: existing rows were never checked (VALIDATE CONSTRAINT)"),
    "disabled trigger": ("disabled_triggers", "triggers", "enabled", "disabled", "DISABLED: does not fire"),
}


def check_sql(name: str) -> str:
    return (CHECKS_DIR / f"{name}.sql").read_text()


@dataclass
class VerifyResult:
    drift: Drift
    checks: pd.DataFrame            # check, object, detail, failed
    checks_note: str | None = None  # why the checks did not run (a snapshot file as target)
    # option-gated kinds the plan left alone (privileges without --with-privileges): kind -> their
    # residual differences, kept out of parity and of the verdict, and said so (kinds.not_planned_note)
    not_planned: dict[str, int] = field(default_factory=dict)
    # rows before -> after of the tables the apply altered (its log's `rows`, workbench/rows.py), when known
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def parity(self) -> pd.DataFrame:
        parity = self.drift.parity
        return parity[~parity.index.isin(list(self.not_planned))]

    @property
    def residual(self) -> list[dict[str, Any]]:
        """Source objects the target lacks or has differently (of the kinds the plan planned)."""
        return [o for o in self.drift.objects(MISSING_STATUSES) if o["kind"] not in self.not_planned]

    @property
    def notes(self) -> list[str]:
        """'N privilege differences not planned (--with-privileges)', one per option-gated kind."""
        from workbench.kinds import not_planned_note

        return [not_planned_note(kind, count) for kind, count in self.not_planned.items()]

    @property
    def extra_in_target(self) -> list[dict[str, Any]]:
        return self.drift.objects(("only_in_target",))

    @property
    def failed_checks(self) -> pd.DataFrame:
        return self.checks[self.checks["failed"]]

    @property
    def ok(self) -> bool:
        return not self.residual and self.failed_checks.empty

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self) -> dict[str, Any]:
        def side(snap: Snapshot) -> dict[str, Any]:
            return {k: v for k, v in snap.facts().items() if k != "counts"}

        return {
            "format": VERIFY_FORMAT, "version": VERIFY_VERSION, "ok": self.ok, "exit_code": self.exit_code,
            "source": side(self.drift.source), "target": side(self.drift.target),
            "parity": {kind: {k: (float(v) if k == "parity_pct" else int(v)) for k, v in row.items()}
                       for kind, row in self.parity.to_dict(orient="index").items()},
            "residual": self.residual, "extra_in_target": self.extra_in_target,
            "checks": [{k: (bool(v) if k == "failed" else v) for k, v in row.items()}
                       for row in self.checks.to_dict(orient="records")],
            "checks_note": self.checks_note, "not_planned": dict(self.not_planned), "notes": self.notes,
            "not_compared": self.drift.not_compared,
            "rows": self.rows, "rows_lost": [entry["table"] for entry in self.rows if entry.get("lost")],
        }


def verify(source: str, target: str, options: CompareOptions | None = None, shadow: "Shadow" = None,
           plan_options: object | None = None, rows: list[dict[str, Any]] | None = None) -> VerifyResult:
    """Compare fresh snapshots of source and target (any sides, see workbench.sides) and, when the
    target is a live database, run the post-apply checks on it. plan_options (PlanOptions or
    plan.json's options) say which option-gated kinds were planned: the differences of the others
    are reported as not planned, not as a failure."""
    from workbench.sides import classify, open_pair

    options = options or CompareOptions()
    kinds = options.selected_kinds()
    source_snap, target_snap = open_pair(source, target, kinds, shadow=shadow)
    drift = compare(source_snap, target_snap, options)
    not_planned = drift.not_planned(plan_options)
    side = classify(target)
    if not side.is_live:
        what = {"sql": "SQL files", "store": "a store entry"}.get(side.kind, "a snapshot file")
        return VerifyResult(drift, pd.DataFrame(columns=CHECK_COLUMNS),
                            f"post-apply checks need a live target database; the target is {what}", not_planned,
                            list(rows or []))
    return VerifyResult(drift, run_checks(target, source_snap, options), None, not_planned, list(rows or []))


def _in_scope(frame: pd.DataFrame, kind: str, options: CompareOptions) -> pd.DataFrame:
    """The rows of a check that fall in the comparison's scope: the check follows its kind's
    --kind/--skip-kind, --schema/--exclude-schema and --ignore, exactly as the drift does."""
    from workbench.kinds import ignore_filter

    if kind not in options.selected_kinds():
        return frame.iloc[0:0]
    if options.schemas:
        frame = frame[frame["schema"].isin(options.schemas)]
    if options.exclude_schemas:
        frame = frame[~frame["schema"].isin(options.exclude_schemas)]
    ignored = ignore_filter(kind, list(frame.columns), options.ignore) if options.ignore else None
    if ignored is not None and len(frame):
        frame = frame[[not ignored(row) for row in frame.itertuples(index=False)]]
    return frame


def _same_in_source(source: Snapshot, kind: str, column: str, value: object, row: dict[str, Any]) -> bool:
    frame = source.frames.get(kind)
    if frame is None or not len(frame) or column not in frame.columns:
        return False
    match = frame[(frame["schema"] == row["schema"]) & (frame["table"] == row["table"])
                  & (frame["name"] == row["name"])]
    return bool(len(match)) and bool((match[column] == value).all())


def run_checks(target: str, source: Snapshot, options: CompareOptions | None = None) -> pd.DataFrame:
    """The post-apply checks on a live target, in one READ ONLY transaction."""
    import psycopg
    from psycopg import sql

    options = options or CompareOptions()
    masked = connect_mod.mask(target)
    rows: list[dict[str, Any]] = []
    with connect_mod.connect(target) as conn:
        try:
            with conn.transaction():
                conn.execute("SET TRANSACTION READ ONLY")
                for check, (query, kind, column, value, detail) in _CATALOG_CHECKS.items():
                    cursor = conn.execute(check_sql(query))
                    found = pd.DataFrame(cursor.fetchall(), columns=connect_mod.column_names(cursor))
                    for row in _in_scope(found, kind, options).to_dict(orient="records"):
                        same = _same_in_source(source, kind, column, value, row)
                        rows.append({"check": check, "object": f"{row['schema']}.{row['table']}.{row['name']}",
                                     "detail": detail + ("; the source has it the same way" if same else ""),
                                     "failed": not same})
                cursor = conn.execute(check_sql("selectable_views"))
                views = pd.DataFrame(cursor.fetchall(), columns=connect_mod.column_names(cursor))
                views = pd.concat([_in_scope(views[views["relation_kind"] == word], kind, options)
                                   for word, kind in (("view", "views"), ("materialized view", "materialized_views"))])
                for row in views.to_dict(orient="records"):
                    name = sql.Identifier(row["schema"], row["name"])
                    read = sql.SQL("SELECT * FROM {} LIMIT 0" if row["populated"] else "EXPLAIN SELECT * FROM {} LIMIT 0")
                    try:
                        with conn.transaction():     # a savepoint: one broken view does not end the check
                            conn.execute(read.format(name))
                        if not row["populated"]:
                            rows.append({"check": "unpopulated materialized view", "object": f"{row['schema']}.{row['name']}",
                                         "detail": "WITH NO DATA: reads fail until REFRESH MATERIALIZED VIEW fills it",
                                         "failed": False})
                    except psycopg.Error as error:
                        if conn.broken or conn.closed:
                            raise
                        message = connect_mod.scrub(error.diag.message_primary or str(error), target)
                        rows.append({"check": "failing view", "object": f"{row['schema']}.{row['name']}",
                                     "detail": f"{row['relation_kind']}: SELECT * LIMIT 0 fails: "
                                               f"SQLSTATE {error.sqlstate}: {message}",
                                     "failed": True})
        except psycopg.Error as error:
            raise WorkbenchError(f"post-apply checks on {masked} failed: {connect_mod.describe(error, target)}") from None
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --- the file ---------------------------------------------------------------------------------
VERIFY_FILE = "verify.json"


def write_result(result: VerifyResult, path: str | Path) -> Path:
    """verify.json: VerifyResult.to_json(), through the one JSON writer."""
    from workbench import jsonfile

    return jsonfile.write(path, result.to_json(), "residual")


def read_result(path: str | Path) -> dict[str, Any]:
    """A verify.json written by write_result (its format checked; a wrong file is named)."""
    from workbench import jsonfile

    return jsonfile.read(path, "verify result", VERIFY_FORMAT)


# --- trap outcomes --------------------------------------------------------------------------------
def _near(kind: object, identity: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """The bucket of an object among a plan's statements: its kind, schema and table."""
    schema, table = identity.get("schema"), identity.get("table")
    return str(kind), None if schema is None else str(schema), None if table is None else str(table)


_indexes: list[tuple["weakref.ref[Plan]", int, dict[tuple[str, str | None, str | None], list[Statement]]]] = []


def _statements_near(plan: Plan, kind: object, identity: dict[str, Any]) -> list[Statement]:
    """The plan's statements of one kind, schema and table, in plan order: an index made once per
    plan (a report asks for every trap's statements: one scan of the plan per trap grew with
    traps x statements)."""
    for ref, count, index in _indexes:
        if ref() is plan and count == len(plan.statements):
            break
    else:
        index = {}
        for statement in plan.statements:
            index.setdefault(_near(statement.kind, statement.identity), []).append(statement)
        _indexes[:] = [entry for entry in _indexes if entry[0]() is not None][-3:] + [
            (weakref.ref(plan), len(plan.statements), index)]
    return index.get(_near(kind, identity), [])


def trap_statements(plan: Plan, trap: dict[str, Any]) -> list[Statement]:
    """The planned statements that resolve a trap: the object's own, and for a constraint over a
    retyped column the type changes of its table's columns (stage 03)."""
    identity = trap.get("identity") or {}
    found = [s for s in _statements_near(plan, trap.get("kind"), identity) if s.identity == identity]
    if trap.get("trap") == "constraint_over_retyped_column":
        types = [s for s in _statements_near(plan, "columns", identity)
                 if s.action == "alter" and _changes_type(s.sql)]
        found = types + found
    return found


def _changes_type(sql: str) -> bool:
    """Whether an ALTER TABLE statement changes a column's type (AT_AlterColumnType), by its parse tree."""
    from pglast import parse_sql
    from pglast.enums import AlterTableType

    for raw in parse_sql(sql):
        commands = getattr(raw.stmt, "cmds", None) or ()
        if any(getattr(c, "subtype", None) == AlterTableType.AT_AlterColumnType for c in commands):
            return True
    return False


def trap_outcome(trap: dict[str, Any], statements: list[Statement], apply_log: dict[str, Any] | None = None, apply_error: str = "",
                 verify_result: dict[str, Any] | None = None) -> str:
    """Whether a trap is resolved: planned; applied (or rehearsed) without error; identical in the
    target after apply (verify_result: VerifyResult.to_json()); or what failed."""
    ids = {s.id for s in statements}
    if apply_log is None:
        if apply_error:
            return "not applied: the apply did not run (see Apply)"
        return "planned (not applied)"
    rehearsal = apply_log.get("mode") == "rehearse"
    entries = [e for e in apply_log.get("statements", []) if e.get("id") in ids]
    failed = [e for e in entries if e.get("status") == "failed"]
    if failed:
        e = failed[0]
        return (f"NOT resolved: {e['stage']} statement {e.get('index')} failed: "
                f"SQLSTATE {e.get('sqlstate') or '-'}: {e.get('message')}")
    done = ("ok",) if not rehearsal else ("ok", "rolled_back")
    if len(entries) < len(ids) or not all(e.get("status") in done + ("already_applied",) for e in entries):
        statuses = sorted({str(e.get("status")) for e in entries} | ({"missing"} if len(entries) < len(ids) else set()))
        return f"NOT resolved: its statements were not all applied ({', '.join(statuses)})"
    if rehearsal:
        return "resolved in the rehearsal: every statement ran without error (rolled back)"
    if verify_result is None:
        return "resolved: applied without error"
    residual = [r for r in verify_result.get("residual", [])
                if r.get("kind") == trap.get("kind") and r.get("identity") == trap.get("identity")]
    if residual:
        return f"NOT resolved: applied, but verify finds {trap.get('kind')} still {residual[0].get('status')}"
    return "resolved: applied without error, identical to the source after apply"


def trap_outcomes(plan: Plan, apply_log: dict[str, Any] | None = None, apply_error: str = "",
                  verify_result: dict[str, Any] | None = None) -> list[str]:
    """The outcome of every trap of a plan, in the plan's order."""
    return [trap_outcome(trap, trap_statements(plan, trap), apply_log, apply_error, verify_result)
            for trap in plan.traps]
