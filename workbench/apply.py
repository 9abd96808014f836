"""Apply or rehearse a plan directory against a target, stage by stage, and log every statement.

Only statements plan.json holds run: each stage file is split by the PostgreSQL parser (pglast)
and compared, statement by statement, with plan.json (whose statements carry a sha256 each); a
file that holds a statement the plan does not, lacks one or changed one is refused, naming the
file, the line and the statement, unless the edits are accepted (`accept_edits`, `--accept-edits`):
then what runs is what the files say, and the log lists every accepted edit. The files' BEGIN/COMMIT
are dropped because apply owns the transactions. One transaction per stage: a
failing statement rolls its stage back; the stages before it stay applied. A rehearsal runs the
same in one transaction that is rolled back at the end, each stage in a savepoint.

The apply log is kept per target: `apply_logs/<database@host_port-id>.json` in the plan directory
(one plan applied to staging and then production keeps both logs, and two applies of one plan to
two databases at once never share a file); `apply_log.json` links to the latest one. A rehearsal
writes `rehearsal_log.json`. A log is written after every stage, on failure, on a lost connection
and on an interrupt too, with the target's fingerprint after each committed stage. A rerun on the
same target reads that target's log and skips the stages it applied, so a plan that stopped (bad
data, a lost connection, Ctrl-C, SIGKILL) continues where it stopped. Before anything runs, the
target's schema fingerprint must be the one the plan was made for, the one the previous apply left
behind, or the one recorded after its last committed stage (`force` skips the check).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import psycopg

from workbench import connect as connect_mod
from workbench import rows as rows_mod
from workbench.errors import StalePlan, WorkbenchError
from workbench.planner import stagecheck
from workbench.planner.model import STAGES, Plan, Statement, read_plan, sha256_text
from workbench.sqltree import with_flags

if TYPE_CHECKING:
    from workbench.snapshot import Snapshot

LOG_FORMAT = "drift-workbench/apply-log"
LOG_VERSION = 1
APPLY_LOG = "apply_log.json"              # a link to the latest target's log
APPLY_LOGS_DIR = "apply_logs"             # one log per target
REHEARSAL_LOG = "rehearsal_log.json"
EXIT_APPLIED, EXIT_STAGE_FAILED, EXIT_ERROR = 0, 1, 2
# statement statuses: ok, failed, rolled_back (ran, then its stage was rolled back), not_run,
# skipped (a statement a rehearsal cannot run: VACUUM, say), already_applied (by a previous apply)
# stage statuses: applied (rehearsed in a rehearsal), already_applied, failed, not_run
STAGE_DONE = ("applied", "already_applied")
# apply sets these from its options (--lock-timeout, --statement-timeout): a stage file's own
# SET of them (the planner writes `SET LOCAL lock_timeout` for psql users) is not run but logged
# under the stage's `overridden_settings`
CONTROLLED_SETTINGS = ("lock_timeout", "statement_timeout")
APPLY_TIMEOUT_KNOBS = ("--statement-timeout", "--lock-timeout")
# one apply per database at a time (session-level advisory lock, released when the session ends)
LOCK_KEY = "drift-workbench apply"
# Plans with more statements are rehearsed without reading pg_locks after each statement: a reading in
# one transaction costs about 1 ms plus 1-3 us per lock the transaction holds (pg_lock_status() lists
# them all), so a plan's readings grow with the square of its size (seedscale, 2 cores under load 3-6:
# 1,548 statements 3.6 s rehearsed with readings, 1.4 s without; 4,644: 33 s, 7 s; 15,000: 300 s, 23 s
# with the readings diffed in Python). Shadow validation measures a larger plan apart instead (each
# statement committed alone on a copy: linear, validate._prove), so this bounds the rehearsal only.
MEASURE_LOCKS_LIMIT = 5000


@dataclass
class Step:
    """One statement of a stage file, as apply runs it."""

    index: int                      # 1-based among the file's statements (BEGIN/COMMIT left out)
    sql: str
    node: Any                       # pglast parse tree of the statement
    planned: Statement | None       # the plan.json statement it is, when the file still says it


@dataclass
class StageFile:
    name: str
    path: Path
    sha256: str
    planned_sha256: str | None
    transactional: bool
    steps: list[Step]
    overridden: list[str]           # the file's SET lock_timeout / statement_timeout: apply sets them
    edits: list[stagecheck.Edit]    # how the file differs from plan.json (run only when accepted)

    @property
    def edited(self) -> bool:
        return self.planned_sha256 is not None and self.sha256 != self.planned_sha256


@dataclass
class ApplyResult:
    log: dict[str, Any]
    exit_code: int
    path: Path

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [s for s in self.log["statements"] if s["status"] == "failed"]

    def stage(self, name: str) -> dict[str, Any]:
        return next(s for s in self.log["stages"] if s["name"] == name)


# --- reading the plan directory ---------------------------------------------------------------
def split_statements(text: str, where: str) -> list[tuple[stagecheck.Piece, Any]]:
    """(statement with its line, parse tree) for each statement of a SQL text, split by the parser:
    dollar quotes, nested quotes and semicolons inside bodies are the parser's business, not ours."""
    from pglast import parse_sql
    from pglast.parser import ParseError, parse_sql_json

    try:
        found = []
        for piece in stagecheck.split(text):
            # the statement's node type from libpg_query's JSON; a Python tree (10x dearer) only
            # for the few types whose attributes apply reads
            name = _statement_type(parse_sql_json(piece.sql))
            found.append((piece, parse_sql(piece.sql)[0].stmt if name in _READ_NODES else _node_of_type(name)))
        return found
    except ParseError as error:
        raise WorkbenchError(f"{where} does not parse: {error}") from None


def _planned_text(statement: Statement, plan_path: Path) -> str:
    """A plan.json statement as its stage file must hold it; its recorded sha256 must match."""
    from pglast.parser import ParseError

    try:
        text = stagecheck.canonical(statement.sql)
    except (ParseError, ValueError) as error:
        raise WorkbenchError(f"{plan_path}: statement {statement.id or statement.identity} is not one "
                             f"SQL statement ({error})") from None
    if not statement.sha256:
        raise WorkbenchError(f"{plan_path}: statement {statement.id or statement.identity} has no sha256 "
                             f"(written by an older drift-workbench?); make the plan again")
    if stagecheck.statement_hash(text) != statement.sha256:
        raise WorkbenchError(f"{plan_path}: statement {statement.id or statement.identity} does not match its "
                             f"sha256 (plan.json was edited after planning); make the plan again")
    return text


def refuse_edits(stages: list["StageFile"]) -> None:
    """The one-line refusal of stage files that differ from plan.json: the first edit named."""
    edits = [edit for stage in stages for edit in stage.edits]
    if edits:
        more = f" ({len(edits)} differences in all)" if len(edits) > 1 else ""
        raise WorkbenchError(f"{edits[0].describe()}{more}; review the stage files, then pass --accept-edits "
                             f"to run them as they are, or make the plan again")


# statement types whose attributes apply reads (CONCURRENTLY, SET name, BEGIN/COMMIT kind)
def _statement_type(tree_json: str) -> str:
    """The node type of the first statement in libpg_query's JSON: the first key of its "stmt"
    object (`{"version":...,"stmts":[{"stmt":{"IndexStmt":{...`), read without decoding the tree."""
    start = tree_json.index('"stmt":{"') + len('"stmt":{"')
    return tree_json[start:tree_json.index('"', start)]


_READ_NODES = {"IndexStmt", "DropStmt", "ReindexStmt", "VariableSetStmt", "TransactionStmt"}
_NODE_TYPES: dict[str, type] = {}


def _node_of_type(name: str) -> Any:
    """A stand-in node of another statement type: only its type name is ever read."""
    if name not in _NODE_TYPES:
        _NODE_TYPES[name] = type(name, (), {"__slots__": ()})
    return _NODE_TYPES[name]()


def needs_autocommit(node: Any) -> bool:
    """Statements PostgreSQL refuses to run inside a transaction block."""
    name = type(node).__name__
    if name in ("IndexStmt", "DropStmt"):
        return bool(getattr(node, "concurrent", False))
    if name == "ReindexStmt":
        return any(p.defname == "concurrently" for p in (node.params or ()))
    return name in ("VacuumStmt", "CreatedbStmt", "DropdbStmt", "AlterSystemStmt", "CreateTableSpaceStmt",
                    "DropTableSpaceStmt")


def rehearsal_form(step: Step) -> str | None:
    """The statement as a rehearsal runs it inside its transaction: the planner's `rehearsal_sql`,
    else CONCURRENTLY taken out through the parse tree; None when it has no transactional form."""
    if step.planned is not None and step.planned.rehearsal_sql:
        return step.planned.rehearsal_sql
    if not needs_autocommit(step.node):
        return step.sql
    name = type(step.node).__name__
    if name in ("IndexStmt", "DropStmt"):
        return with_flags(step.sql, concurrent=False)
    if name == "ReindexStmt":
        return with_flags(step.sql, params=tuple(p for p in step.node.params if p.defname != "concurrently") or None)
    return None


def _controlled_setting(node: Any) -> str | None:
    name = getattr(node, "name", None) if type(node).__name__ == "VariableSetStmt" else None
    return name if name in CONTROLLED_SETTINGS else None


def _transaction_kind(node: Any) -> str | None:
    if type(node).__name__ != "TransactionStmt":
        return None
    return str(node.kind.name).removeprefix("TRANS_STMT_")


def load_stages(plan_dir: Path, plan: Plan, raw: dict[str, Any], accept_edits: bool = False) -> list[StageFile]:
    """Every stage file, split and matched to plan.json, before anything touches the database.
    A file that differs from plan.json is refused (WorkbenchError) unless `accept_edits`."""
    by_stage = plan.by_stage()
    recorded = {entry.get("name"): entry for entry in raw.get("stages", [])}
    stages = []
    for name, _ in STAGES:
        path = plan_dir / f"{name}.sql"
        text = stagecheck.read_stage_file(path)
        # the planned statements of this stage, keyed by their text as the parser splits it
        planned = [(statement, _planned_text(statement, plan_dir / "plan.json")) for statement in by_stage[name]]
        pool: dict[str, list[Statement]] = {}
        for statement, planned_text in planned:
            pool.setdefault(planned_text, []).append(statement)
        found = split_statements(text, f"stage file {path}")
        head, tail = stagecheck.frame(name, by_stage[name])
        edits = stagecheck.compare(path, [piece for piece, _ in found],
                                   [(statement.id, planned_text) for statement, planned_text in planned], head, tail)
        steps: list[Step] = []
        overridden: list[str] = []
        for line_piece, node in found:
            piece = line_piece.sql
            kind = _transaction_kind(node)
            if kind in ("BEGIN", "START", "COMMIT"):
                continue                      # apply runs the stage in its own transaction
            if kind is not None:
                raise WorkbenchError(f"stage file {path} holds {piece!r}: apply manages transactions itself, "
                                     f"remove it")
            if _controlled_setting(node):
                overridden.append(piece)
                continue
            matches = pool.get(piece)
            steps.append(Step(len(steps) + 1, piece, node, matches.pop(0) if matches else None))
        planned_transactional = all(s.transactional for s in by_stage[name])
        stages.append(StageFile(name, path, sha256_text(text), recorded.get(name, {}).get("sha256"),
                                planned_transactional and not any(needs_autocommit(s.node) for s in steps),
                                steps, overridden, edits))
    if not accept_edits:
        refuse_edits(stages)
    return stages


def read_log(path: str | Path) -> dict[str, Any] | None:
    """An apply log file, or None when there is none (a corrupt one is an error, never ignored)."""
    from workbench import jsonfile

    path = Path(path)
    if not path.exists():
        return None
    text = jsonfile.read_text(path, "apply log")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise WorkbenchError(f"{path}: corrupt apply log ({error}); move it away to start the apply afresh") from None
    if not isinstance(data, dict) or data.get("format") != LOG_FORMAT:
        raise WorkbenchError(f"{path}: not a drift-workbench apply log; move it away to start afresh")
    for name, wanted in (("stages", list), ("statements", list), ("target", dict)):
        if not isinstance(data.get(name, [] if wanted is list else {}), wanted):
            raise WorkbenchError(f"{path}: corrupt apply log ({name} must be a {'list' if wanted is list else 'object'}); "
                                 f"move it away to start afresh")
    if not all(isinstance(entry, dict) for entry in data.get("stages", []) + data.get("statements", [])):
        raise WorkbenchError(f"{path}: corrupt apply log (stages and statements must be objects); move it away "
                             f"to start afresh")
    return data


def _write_log(log: dict[str, Any], path: Path) -> None:
    from workbench import jsonfile

    # one statement per line through json's C encoder: written after every stage, so it must be cheap
    jsonfile.write(path, log, "statements")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _label(entry: dict[str, Any]) -> str:
    if entry.get("kind"):
        identity = ".".join(str(v) for v in (entry.get("identity") or {}).values())
        return f"{entry.get('action', '')} {entry['kind']} {identity}".strip()
    return " ".join(entry["sql"].split())[:80]


# --- the fingerprint check --------------------------------------------------------------------
def _snapshot(dsn: str, plan: Plan, timeouts: "connect_mod.Timeouts | None" = None) -> "Snapshot":
    """The target's snapshot, captured with the scope the plan was made with (and apply's
    --lock-timeout / --statement-timeout: the check waits behind a lock no longer than a
    statement would)."""
    from workbench.snapshot import capture

    options = plan.options or {}
    snapshot = capture(dsn, kinds=options.get("kinds") or None, schemas=options.get("schemas") or (),
                       exclude_schemas=options.get("exclude_schemas") or (), timeouts=timeouts)
    return snapshot.filtered(ignore=options.get("ignore") or ())


def _fingerprint(dsn: str, plan: Plan, timeouts: "connect_mod.Timeouts | None" = None) -> str:
    """The target's schema fingerprint in the plan's scope (_snapshot)."""
    return _snapshot(dsn, plan, timeouts).fingerprint


def _forward_fingerprint(plan_dir: Path, plan: Plan, target: dict[str, Any]) -> str | None:
    """For a rollback plan (DIR/rollback/): the fingerprint the forward apply of DIR left on this
    target, as its log records it (None when DIR's plan was not applied there)."""
    if not plan.rollback_of:
        return None
    path = target_log_path(plan_dir.parent, target)
    try:
        log = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(log, dict) or log.get("status") != "applied":
        return None
    found = log.get("target_fingerprint_after")
    return found if isinstance(found, str) else None


def _same_target(log: dict[str, Any], target: dict[str, Any]) -> bool:
    theirs = log.get("target") or {}
    keys = ("host", "port", "database") + (("database_oid",) if theirs.get("database_oid") else ())
    return all(theirs.get(key) == target.get(key) for key in keys)


def target_log_path(plan_dir: str | Path, target: dict[str, Any]) -> Path:
    """Where the apply log of one target lives: apply_logs/<database@host_port>-<id>.json, the id a
    hash of the database's identity (host, port, name, oid: a database dropped and made again is
    another target)."""
    import re

    identity = [str(target.get(key)) for key in ("host", "port", "database", "database_oid")]
    readable = re.sub(r"[^A-Za-z0-9_.@-]+", "_", f"{target.get('database')}@{target.get('host')}_{target.get('port')}")
    return Path(plan_dir) / APPLY_LOGS_DIR / f"{readable[:80]}-{sha256_text(' '.join(identity))[:10]}.json"


def _link_latest(plan_dir: Path, log_path: Path) -> None:
    """apply_log.json -> the log being written (a copy where links are not allowed)."""
    link = plan_dir / APPLY_LOG
    temporary = plan_dir / f".{APPLY_LOG}.{os.getpid()}"
    try:
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(log_path.relative_to(plan_dir))
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
        import shutil

        shutil.copyfile(log_path, link)


def _earlier_log(plan_dir: Path, log_path: Path, target: dict[str, Any]) -> dict[str, Any] | None:
    """This target's log; an apply_log.json written before logs were kept per target is moved to
    the log of the target it names (so that it is never taken as another database's progress)."""
    legacy = plan_dir / APPLY_LOG
    if legacy.is_file() and not legacy.is_symlink():
        old = read_log(legacy) or {}
        home = log_path if _same_target(old, target) else target_log_path(plan_dir, old.get("target") or {})
        home.parent.mkdir(parents=True, exist_ok=True)
        if not home.exists():
            os.replace(legacy, home)
    return read_log(log_path)


def _committed_fingerprint(log: dict[str, Any] | None) -> str | None:
    """The target's fingerprint after the last stage a log records as committed (None when the
    last committed stage has none recorded: then no resume without --force)."""
    found = None
    for stage in (log or {}).get("stages", []):
        if stage.get("status") in STAGE_DONE and stage.get("statements"):
            found = stage.get("fingerprint_after")
    return found


# --- running ----------------------------------------------------------------------------------
class _StageRolledBack(Exception):
    pass


class _ConnectionLost(Exception):
    def __init__(self, entry: dict[str, Any], reason: str):
        super().__init__(reason)
        self.entry = entry
        self.reason = reason


class _Runner:
    def __init__(self, conn: psycopg.Connection, dsn: str, rehearse: bool, lock_timeout_ms: int,
                 statement_timeout_ms: int, on_progress: Callable[[], None], measure_locks: bool = False,
                 apart: bool = False):
        from workbench.locks import LockMeter

        self.conn, self.dsn, self.rehearse = conn, dsn, rehearse
        # pg_locks read after each statement (rehearsals, shadow validation): workbench.locks
        self.meter = LockMeter(conn, apart=apart) if measure_locks or apart else None
        self.apart = apart                      # each statement in a transaction of its own (a scratch copy)
        self.last: "psycopg.Cursor[Any] | None" = None
        self.lock_timeout_ms, self.statement_timeout_ms = int(lock_timeout_ms), int(statement_timeout_ms)
        if apart:                               # a copy that is dropped afterwards: no WAL flush per commit
            conn.execute("SET synchronous_commit = off")
            self._set_timeouts(local=False)
        self.on_progress = on_progress          # called after each committed autocommit statement
        self.notices: list[dict[str, Any]] = []          # where server notices go (the running statement's list)
        conn.add_notice_handler(self._notice)

    def _notice(self, diag: "psycopg.errors.Diagnostic") -> None:
        self.notices.append({"severity": diag.severity, "sqlstate": diag.sqlstate,
                             "message": connect_mod.scrub(diag.message_primary or "", self.dsn)})

    def _set_timeouts(self, local: bool) -> None:
        scope = "LOCAL " if local else ""
        self.conn.execute(f"SET {scope}lock_timeout = {self.lock_timeout_ms}")
        self.conn.execute(f"SET {scope}statement_timeout = {self.statement_timeout_ms}")

    def _execute(self, sql: str, entry: dict[str, Any]) -> bool:
        """Run one statement into its log entry; False when it failed (the connection still up)."""
        self.notices = entry["notices"]
        started = time.perf_counter()
        try:
            self.last = self.conn.execute(sql)
        except psycopg.Error as error:
            entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
            entry["status"] = "failed"
            entry["sqlstate"] = error.sqlstate
            message = error.diag.message_primary or connect_mod.describe(error, self.dsn)
            entry["message"] = connect_mod.scrub(message, self.dsn)
            if self.conn.closed or self.conn.broken:
                entry["message"] = f"connection lost: {entry['message']}"
                raise _ConnectionLost(entry, entry["message"]) from None
            return False
        finally:
            self.notices = []
        entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
        entry["status"] = "ok"
        return True

    def run_stage(self, stage: StageFile, entries: list[dict[str, Any]], stage_entry: dict[str, Any]) -> bool:
        """Run a stage into its entries; True when every statement that was to run succeeded."""
        started = time.perf_counter()
        try:
            if stage.transactional or self.rehearse:
                return self._in_transaction(stage, entries, stage_entry)
            return self._autocommit(stage, entries)
        except psycopg.Error as error:            # between statements: BEGIN, SET, a closed socket
            if self.conn.closed or self.conn.broken:
                raise _ConnectionLost(stage_entry, f"connection lost: {connect_mod.describe(error, self.dsn)}") from None
            raise
        finally:
            stage_entry["ms"] = round((time.perf_counter() - started) * 1000, 1)

    def _in_transaction(self, stage: StageFile, entries: list[dict[str, Any]], stage_entry: dict[str, Any]) -> bool:
        if self.apart:
            return self._apart(stage, entries, stage_entry)
        failed = False
        try:
            with self.conn.transaction():
                self._set_timeouts(local=True)
                if self.meter is not None:
                    self.meter.begin()
                for step, entry in zip(stage.steps, entries):
                    if entry["status"] != "pending":
                        continue
                    sql = entry.get("rehearsal_sql") or step.sql
                    if not self._execute(sql, entry):
                        failed = True
                        raise _StageRolledBack
                    if self.meter is not None:
                        self._measure(entry)
        except _StageRolledBack:
            pass
        except psycopg.Error as error:           # at COMMIT: a deferred constraint, say
            if self.conn.closed or self.conn.broken:
                raise _ConnectionLost(stage_entry, f"connection lost at the end of the stage: "
                                      f"{connect_mod.describe(error, self.dsn)}") from None
            failed = True
            stage_entry["sqlstate"] = error.sqlstate
            stage_entry["message"] = connect_mod.scrub(error.diag.message_primary or str(error), self.dsn)
        if failed:
            for entry in entries:
                if entry["status"] == "ok":
                    entry["status"] = "rolled_back"
        return not failed

    def _apart(self, stage: StageFile, entries: list[dict[str, Any]], stage_entry: dict[str, Any]) -> bool:
        """Each statement of a transactional stage committed on its own, its locks read before the
        commit: the transaction holds only what that statement took, so a reading costs the same
        at the first statement of a stage as at the ten-thousandth (workbench.locks). For a scratch
        copy only (a shadow's measuring pass): the stage is not one transaction any more, so what
        only a whole stage shows (a new enum label used in the stage that adds it) is for the pass
        that runs it as one. A stage's SET LOCAL is set for the session instead."""
        from workbench.locks import judge

        assert self.meter is not None
        for step, entry in zip(stage.steps, entries):
            if entry["status"] != "pending":
                continue
            sql = entry.get("rehearsal_sql") or step.sql
            if type(step.node).__name__ == "VariableSetStmt" and step.node.is_local:
                sql = with_flags(sql, is_local=False)
            # the statement and the reading in one simple query: one implicit transaction, whose
            # locks the reading sees before it commits, in one round trip
            if not self._execute(f"{sql}\n;\n{self.meter.reading_sql()}", entry):
                return False
            cursor = self.last
            assert cursor is not None
            while cursor.nextset():
                pass                                 # past the statement's own result (rows of a setval too)
            entry["locks"] = self.meter.credit(cursor.fetchall())
            judge(entry)
        return True

    def _measure(self, entry: dict[str, Any]) -> None:
        from workbench.locks import judge

        assert self.meter is not None
        entry["locks"] = self.meter.after()
        judge(entry)

    def _autocommit(self, stage: StageFile, entries: list[dict[str, Any]]) -> bool:
        """A non-transactional stage (CREATE INDEX CONCURRENTLY): each statement commits alone."""
        from workbench.locks import NOT_MEASURED

        self._set_timeouts(local=False)
        for step, entry in zip(stage.steps, entries):
            if entry["status"] != "pending":
                continue
            if not self._execute(step.sql, entry):
                entry["hint"] = self._invalid_index_hint(step)
                return False
            if self.meter is not None:
                entry["locks"], entry["locks_note"] = None, NOT_MEASURED
            self.on_progress()
        return True

    def _invalid_index_hint(self, step: Step) -> str | None:
        """A failed CREATE INDEX CONCURRENTLY leaves an INVALID index that blocks a rerun: say so."""
        node = step.node
        if type(node).__name__ != "IndexStmt" or not node.concurrent or not node.idxname:
            return None
        from psycopg import sql

        schema = node.relation.schemaname
        name = sql.Identifier(*([schema] if schema else []), node.idxname).as_string(self.conn)
        try:
            row = self.conn.execute(
                "SELECT format('%%I.%%I', n.nspname, c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE i.indexrelid = to_regclass(%s) AND NOT i.indisvalid", (name,)).fetchone()
        except psycopg.Error:
            return None
        if row:
            return f"the failed build left the invalid index {row[0]}: DROP INDEX CONCURRENTLY {row[0]}; before a rerun"
        return None


def apply(plan_dir: str | Path, target_dsn: str, *, rehearse: bool = False, keep_going: bool = False,
          force: bool = False, lock_timeout_ms: int = 10_000, statement_timeout_ms: int = 600_000,
          progress: Callable[[str], None] | None = None, accept_edits: bool = False,
          measure_locks: bool | None = None, log_file: str | Path | None = None, on_copy: bool = False,
          copy_of: dict[str, Any] | None = None, measure_apart: bool = False) -> ApplyResult:
    """Apply (or rehearse) the plan in `plan_dir` on `target_dsn`; see the module docstring.

    `measure_locks` (default: in a rehearsal) reads each statement's locks from pg_locks
    (workbench.locks). `log_file` writes the log there instead of the plan folder (a shadow
    validation: no apply_log.json link, no resume). `on_copy` rehearses on `CREATE DATABASE ...
    TEMPLATE target` instead of the target (workbench.copies), which is dropped afterwards.
    `measure_apart` (a scratch copy only, with `log_file`: validation's measuring pass of a plan
    above MEASURE_LOCKS_LIMIT) commits each statement on its own and reads its locks before,
    whatever the plan's size: the cost of a reading stays that of one statement's locks.

    Returns the log and the exit code (0 every stage applied, 1 a stage failed). Raises a one-line
    WorkbenchError (exit 2) when the target changed since planning, on a lost connection (after
    writing the log), for unreadable plans and for stage files that differ from plan.json (unless
    `accept_edits`: then they run as they are and the log's `accepted_edits` lists every edit).
    """
    if on_copy:
        from workbench.copies import rehearse_on_copy

        if not rehearse:
            raise WorkbenchError("--on-copy is for --rehearse: an apply must change the target itself")
        return rehearse_on_copy(target_dsn, lambda copy_dsn, facts: apply(
            plan_dir, copy_dsn, rehearse=True, keep_going=keep_going, force=force, lock_timeout_ms=lock_timeout_ms,
            statement_timeout_ms=statement_timeout_ms, progress=progress, accept_edits=accept_edits,
            measure_locks=measure_locks, log_file=log_file, copy_of=facts), progress)
    if measure_locks is None:
        measure_locks = rehearse
    plan_dir = Path(plan_dir)
    plan, raw = read_plan(plan_dir)
    locks_skipped = None
    if measure_apart and (rehearse or not log_file):
        raise WorkbenchError("measure_apart commits statement by statement: for a scratch copy (log_file) only")
    measure_locks = measure_locks or measure_apart
    if measure_locks and not measure_apart and len(plan.statements) > MEASURE_LOCKS_LIMIT:
        from workbench.locks import too_many_note

        measure_locks, locks_skipped = False, too_many_note(len(plan.statements), MEASURE_LOCKS_LIMIT)
    _refuse_invalid(raw, plan_dir, rehearse or bool(log_file) or force)
    plan_sha = hashlib.sha256((plan_dir / "plan.json").read_bytes()).hexdigest()
    stages = load_stages(plan_dir, plan, raw, accept_edits=accept_edits)
    masked = connect_mod.mask(target_dsn)
    say = progress or (lambda _text: None)

    timeouts = connect_mod.Timeouts(int(statement_timeout_ms), int(lock_timeout_ms), APPLY_TIMEOUT_KNOBS)
    conn = connect_mod.connect(target_dsn, read_only=False, autocommit=True, timeouts=timeouts)
    try:
        if not connect_mod.one(conn.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (LOCK_KEY,)))[0]:
            raise WorkbenchError(f"another drift-workbench apply is running on {masked}; wait for it to finish")
        version, oid = connect_mod.one(conn.execute("SELECT current_setting('server_version'), oid FROM pg_database "
                                                    "WHERE datname = current_database()"))
        target = {"dsn": masked, "host": conn.info.host, "port": conn.info.port, "database": conn.info.dbname,
                  "database_oid": int(oid), "server_version": version}
        own_log = target_log_path(plan_dir, target)
        log_path = Path(log_file) if log_file else plan_dir / REHEARSAL_LOG if rehearse else own_log

        # --- is the target the one the plan was made for? -----------------------------------
        say("checking the target's schema fingerprint")
        previous = None if log_file else _earlier_log(plan_dir, own_log, target)
        foreign = previous is not None and (previous.get("plan", {}).get("sha256") != plan_sha
                                            or not _same_target(previous, target))
        if foreign:
            previous = None                    # another plan: no progress of ours
        before_snapshot = _snapshot(target_dsn, plan, timeouts)
        before = before_snapshot.fingerprint
        resume = None
        committed = _committed_fingerprint(previous)
        if previous is not None and previous.get("target_fingerprint_after") == before:
            check, resume = "matches_previous_apply", previous
        elif before == plan.target_fingerprint:
            check = "matches_plan"
        elif _forward_fingerprint(plan_dir, plan, target) == before:
            check = "matches_forward_apply"      # a rollback on the target the forward plan was applied to
        elif previous is not None and committed == before:
            check, resume = "matches_committed_stages", previous    # stopped (SIGKILL, Ctrl-C): go on
        elif force:
            check, resume = "forced", previous
        else:
            after_previous = (previous or {}).get("target_fingerprint_after") or committed
            also = f" nor {after_previous[:12]} left by the last apply of this plan" if after_previous else ""
            if previous is not None and not after_previous:
                also = (" (the last apply of this plan stopped where it recorded no fingerprint of the target, "
                        "inside a non-transactional stage say: if nothing else changed the target, --force "
                        "continues where it stopped)")
            raise StalePlan(
                f"target {masked} changed since the plan was made: its schema fingerprint is {before[:12]}, "
                f"not {plan.target_fingerprint[:12]} of the plan{also}; make a new plan, or pass --force",
                target=masked, planned=plan.target_fingerprint, found=before)

        _refuse_missing_roles(conn, stages, masked)
        log = _new_log(plan_dir, plan, plan_sha, target, rehearse, keep_going, force, lock_timeout_ms,
                       statement_timeout_ms, check, before, resume)
        log["options"]["accept_edits"] = accept_edits
        counter = rows_mod.Counter(plan)
        if not rehearse:                       # the schema as it was, and the rows, before the first stage runs
            from workbench.rollback import keep_backup

            if not log_file:                   # a shadow's (validation) is no target's: no backup of it
                log["backup"] = keep_backup(plan_dir, own_log.stem, before_snapshot, target_dsn, plan.options)
            log["rows"] = (resume or {}).get("rows") or counter.before(conn)
            log["rows_exact_limit_bytes"] = rows_mod.EXACT_LIMIT_BYTES
        log["options"]["measure_locks"] = bool(measure_locks)
        log["options"]["measure_apart"] = measure_apart
        if locks_skipped:
            log["locks_skipped"] = locks_skipped
        if copy_of is not None:
            log["on_copy"] = copy_of
        log["accepted_edits"] = [{"stage": stage.name, **edit.to_dict()} for stage in stages for edit in stage.edits]
        if foreign and not rehearse:           # this target's log of another plan: keep it
            kept = own_log.with_name(f"{own_log.stem}.{datetime.now(timezone.utc):%Y%m%dT%H%M%S%f}.json")
            os.replace(own_log, kept)
            log["kept_earlier_log"] = str(kept.relative_to(plan_dir))
        runner = _Runner(conn, target_dsn, rehearse, lock_timeout_ms, statement_timeout_ms,
                         on_progress=lambda: _write_log(log, log_path), measure_locks=bool(measure_locks),
                         apart=measure_apart)
        plan_entries = _entries(stages, resume, rehearse)
        for stage in stages:
            log["stages"].append(plan_entries[stage.name][0])
            log["statements"].extend(plan_entries[stage.name][1])
        log_path.parent.mkdir(parents=True, exist_ok=True)
        _write_log(log, log_path)
        if not rehearse and not log_file:
            _link_latest(plan_dir, log_path)
        started = time.perf_counter()
        # after each committed stage, for a resume; a shadow's log (log_file) is never resumed
        fingerprint = (lambda: _fingerprint(target_dsn, plan, timeouts)) if not rehearse and not log_file else None
        try:
            if rehearse:
                with conn.transaction(force_rollback=True):
                    _run_stages(runner, stages, plan_entries, keep_going, say, log, log_path, rehearse)
            else:
                _run_stages(runner, stages, plan_entries, keep_going, say, log, log_path, rehearse, fingerprint)
        except _ConnectionLost as lost:
            _settle(log)
            _finish(log, target_dsn, plan, started, "connection_lost", EXIT_ERROR)
            log["error"] = _lost_message(lost, log, masked, rehearse, log_path)
            _write_log(log, log_path)
            raise WorkbenchError(log["error"]) from None
        except BaseException as error:           # interrupted, or a bug: still leave a log behind
            status = "interrupted" if isinstance(error, KeyboardInterrupt) else "error"
            log["error"] = f"{type(error).__name__}: {connect_mod.scrub(str(error), target_dsn)}"
            _settle(log)
            _finish(log, target_dsn, plan, started, status, EXIT_ERROR, capture_after=False)
            _write_log(log, log_path)
            raise
        failed = any(s["status"] == "failed" for s in log["stages"])
        if not rehearse:
            rows_mod.Counter.after(conn, log["rows"])
        if measure_locks:
            from workbench.locks import summary

            log["locks"] = summary(log["statements"])
        status = "failed" if failed else ("rehearsed" if rehearse else "applied")
        _finish(log, target_dsn, plan, started, status, EXIT_STAGE_FAILED if failed else EXIT_APPLIED)
        _write_log(log, log_path)
        return ApplyResult(log, log["exit_code"], log_path)
    finally:
        conn.close()


def _refuse_invalid(raw: dict[str, Any], plan_dir: Path, allowed: bool) -> None:
    """A plan whose shadow validation failed or did not converge (plan.json's `validation`) is not
    applied unless --force: the shadow showed what would happen. A rehearsal may still run it."""
    validation = raw.get("validation")
    if allowed or not isinstance(validation, dict) or validation.get("status") not in ("failed", "diverged"):
        return
    raise WorkbenchError(f"{plan_dir}: the plan {validation['status']} its shadow validation "
                         f"({validation.get('message', '')}); nothing was applied: fix the plan, or pass --force")


def _refuse_missing_roles(conn: psycopg.Connection, stages: list[StageFile], masked: str) -> None:
    """Before anything runs: every role the statements name (OWNER TO, GRANT ... TO, a policy's TO,
    ALTER DEFAULT PRIVILEGES FOR ROLE) must exist on the target's server. Roles belong to the whole
    server, not to a schema a plan can change: a missing one refuses the plan, rather than failing
    it in the middle of a stage."""
    from workbench import sqlfiles

    lacking = sqlfiles.missing_roles(conn, sqlfiles.roles_in(step.sql for stage in stages for step in stage.steps))
    if lacking:
        many = len(lacking) > 1
        raise WorkbenchError(f"the plan names role{'s' if many else ''} {', '.join(lacking)}, which {masked}'s server "
                             f"lacks (owners, grantees): nothing was applied; create {'them' if many else 'it'} there "
                             f"(roles belong to the whole server), or plan without --with-owners / --with-privileges")


def _new_log(plan_dir: Path, plan: Plan, plan_sha: str, target: dict[str, Any], rehearse: bool, keep_going: bool,
             force: bool, lock_timeout_ms: int, statement_timeout_ms: int, check: str, before: str | None,
             resume: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "format": LOG_FORMAT, "version": LOG_VERSION, "mode": "rehearse" if rehearse else "apply",
        "status": "running", "exit_code": None, "error": None,
        "plan": {"dir": str(plan_dir), "sha256": plan_sha, "created_at": plan.created_at,
                 "target_fingerprint": plan.target_fingerprint},
        "target": target,
        "options": {"keep_going": keep_going, "force": force, "lock_timeout_ms": int(lock_timeout_ms),
                    "statement_timeout_ms": int(statement_timeout_ms)},
        "fingerprint_check": check,
        "resumed_from": ({"started_at": resume.get("started_at"), "status": resume.get("status")}
                         if resume else None),
        "target_fingerprint_before": before, "target_fingerprint_after": None,
        "rolled_back": rehearse,
        "started_at": _now(), "finished_at": None, "ms": None,
        "stages": [], "statements": [],
    }


def _entries(stages: list[StageFile], resume: dict[str, Any] | None, rehearse: bool) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The log entries of every stage and statement, before anything runs: `pending`, or already
    settled (applied by the previous apply of this plan, or a statement a rehearsal cannot run)."""
    done_before = {s["name"]: s for s in (resume or {}).get("stages", [])}
    statements_before = {(s["stage"], s["index"]): s for s in (resume or {}).get("statements", [])}
    result = {}
    for stage in stages:
        before = done_before.get(stage.name)
        unchanged = before is not None and before.get("sha256") == stage.sha256
        stage_done = before is not None and unchanged and before.get("status") in STAGE_DONE
        stage_entry = {"name": stage.name, "file": stage.path.name, "sha256": stage.sha256,
                       "planned_sha256": stage.planned_sha256, "edited": stage.edited,
                       "transactional": stage.transactional, "status": "not_run",
                       "statements": len(stage.steps), "ms": 0.0, "sqlstate": None, "message": None,
                       # the file's own timeouts: apply sets lock_timeout and statement_timeout itself
                       "overridden_settings": stage.overridden,
                       "edits": [edit.to_dict() for edit in stage.edits]}
        entries = []
        for step in stage.steps:
            planned = step.planned
            entry = {"stage": stage.name, "index": step.index, "id": planned.id if planned else None,
                     "kind": planned.kind if planned else None, "identity": planned.identity if planned else None,
                     "action": planned.action if planned else None,
                     "hazards": list(planned.hazards) if planned else [], "sql": step.sql,
                     "status": "pending", "sqlstate": None, "message": None, "ms": 0.0, "notices": []}
            earlier = statements_before.get((stage.name, step.index))
            if stage_done or (unchanged and earlier and earlier.get("status") in ("ok", "already_applied")
                              and not stage.transactional):
                entry["status"] = "already_applied"
            elif rehearse:
                form = rehearsal_form(step)
                if form is None:
                    entry["status"] = "skipped"
                    entry["message"] = "cannot run inside a transaction, so a rehearsal cannot run it"
                elif form != step.sql:
                    entry["rehearsal_sql"] = form
            entries.append(entry)
        if stage_done:
            stage_entry["status"] = "already_applied"
            stage_entry["fingerprint_after"] = before.get("fingerprint_after") if before is not None else None
        result[stage.name] = (stage_entry, entries)
    return result


def _run_stages(runner: _Runner, stages: list[StageFile], plan_entries: dict[str, Any], keep_going: bool,
                say: Callable[[str], None], log: dict[str, Any], log_path: Path, rehearse: bool,
                fingerprint: Callable[[], str] | None = None) -> None:
    """Run the stages in order. With `fingerprint`, the target's fingerprint is recorded after each
    committed stage (before the log is written), so that an apply stopped by SIGKILL or Ctrl-C
    resumes without --force: the rerun finds the target as the last committed stage left it. The
    last stage with statements is left to the final fingerprint (_finish)."""
    last = max((i for i, s in enumerate(stages) if s.steps), default=-1)
    stop = False
    for number, stage in enumerate(stages, 1):
        stage_entry, entries = plan_entries[stage.name]
        if stage_entry["status"] == "already_applied":
            continue
        if stop:
            for entry in entries:
                if entry["status"] == "pending":
                    entry["status"] = "not_run"
            continue
        say(f"{stage.name} ({number}/{len(stages)}, {len(stage.steps)} statements)")
        stage_entry["started_at"] = _now()
        try:
            ok = runner.run_stage(stage, entries, stage_entry)
        except BaseException as error:           # lost connection, interrupt, bug: the stage did not finish
            stage_entry["status"] = "failed"
            stage_entry["message"] = "connection lost" if isinstance(error, _ConnectionLost) else type(error).__name__
            _settle(log)
            raise
        _settle_stage(entries)
        stage_entry["status"] = ("rehearsed" if rehearse else "applied") if ok else "failed"
        if ok and fingerprint is not None and stage.steps and number - 1 < last:
            try:
                stage_entry["fingerprint_after"] = fingerprint()
            except WorkbenchError as error:      # recorded as unknown: a rerun then needs --force
                stage_entry["fingerprint_after"], stage_entry["fingerprint_error"] = None, str(error)
        if not ok:
            first = next((e for e in entries if e["status"] == "failed"), None)
            if first is not None:
                stage_entry["sqlstate"], stage_entry["message"] = first["sqlstate"], first["message"]
            stop = not keep_going
        if not rehearse:
            _write_log(log, log_path)


def _settle_stage(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        if entry["status"] == "pending":
            entry["status"] = "not_run"


def _settle(log: dict[str, Any]) -> None:
    """After a lost connection: what ran in the open transaction is gone, the rest did not run."""
    for entry in log["statements"]:
        if entry["status"] == "pending":
            entry["status"] = "not_run"
    for stage in log["stages"]:
        if stage["status"] == "failed" and (stage["transactional"] or log["mode"] == "rehearse"):
            for entry in log["statements"]:
                if entry["stage"] == stage["name"] and entry["status"] == "ok":
                    entry["status"] = "rolled_back"


def _finish(log: dict[str, Any], dsn: str, plan: Plan, started: float, status: str, exit_code: int,
            capture_after: bool = True) -> None:
    log["status"], log["exit_code"] = status, exit_code
    log["finished_at"] = _now()
    log["ms"] = round((time.perf_counter() - started) * 1000, 1)
    if capture_after:
        try:
            log["target_fingerprint_after"] = _fingerprint(dsn, plan, connect_mod.Timeouts(
                log["options"]["statement_timeout_ms"], log["options"]["lock_timeout_ms"], APPLY_TIMEOUT_KNOBS))
            done = [s for s in log["stages"] if s["status"] in STAGE_DONE and s["statements"]]
            if done and not done[-1].get("fingerprint_after"):
                done[-1]["fingerprint_after"] = log["target_fingerprint_after"]
        except WorkbenchError as error:       # the server is gone: the log says so, a rerun needs --force
            log["target_fingerprint_after"] = None
            log["fingerprint_after_error"] = str(error)


def _lost_message(lost: _ConnectionLost, log: dict[str, Any], masked: str, rehearse: bool, log_path: Path) -> str:
    entry = lost.entry
    stage = next(s for s in log["stages"] if s["name"] == entry.get("stage", entry.get("name")))
    where = (f"{stage['name']} statement {entry['index']} ({_label(entry)})" if "index" in entry
             else f"{stage['name']} at COMMIT")
    if rehearse:
        outcome = "the server rolled the rehearsal back, the target is unchanged"
    elif stage["transactional"]:
        outcome = "the server rolled that stage back, the stages before it stay applied"
    else:
        outcome = ("that statement did not complete (CREATE INDEX CONCURRENTLY may leave an invalid index); "
                   "the stage's earlier statements stay applied")
    return (f"connection to {masked} lost during {where}: {lost.reason.removeprefix('connection lost: ')}; "
            f"{outcome}; log {log_path}; {'rehearse again' if rehearse else 'run apply again to continue'}")
