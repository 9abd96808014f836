"""Shadow validation: a plan proven on a copy of the target's schema before anyone touches the target.

`plan` (unless `--no-validate`) builds the target's schema in a scratch database on the shadow
server (`--shadow DSN`, else the embedded PostgreSQL 18), applies the written plan there stage by
stage with apply's own code (locks measured after every statement: workbench.locks), captures the
result and compares it with the source. The outcome goes into plan.json under `validation`:

- `converged`: every statement ran and nothing the plan is meant to fix is left;
- `failed`: a statement failed (named: stage, statement, SQLSTATE, message);
- `diverged`: every statement ran, yet objects the plan should have made equal still differ;
- `error`: the shadow could not be built or reached (said why).

How the shadow is built, most faithful first:
- a live target: `pg_dump -s` of it with the embedded pg_dump (PostgreSQL 18 dumps every server
  up to 18), run statement by statement;
- a SQL side (files, a dump): the files themselves;
- a snapshot file or store entry (no DDL at hand), or a dump that cannot be made: the planner's
  own plan from an empty database to the target snapshot.
Statements of the build that fail (an extension the shadow lacks, PostGIS on the embedded server,
and what depends on it) are kept out and listed. The shadow is then compared with the target
snapshot: whatever still differs is `left_out` (named per object), and residual drift on those
objects is not held against the plan.
"""
from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from workbench.errors import WorkbenchError
from workbench.rollback import ROLLBACK_DIR

if TYPE_CHECKING:
    import psycopg

    from workbench.compare import CompareOptions, Drift
    from workbench.planner.model import Plan
    from workbench.sandbox import ScratchDatabases
    from workbench.sides import Shadow
    from workbench.snapshot import Snapshot

VALIDATION_KEY = "validation"
STATUSES = ("converged", "failed", "diverged", "error")
MISSING = ("only_in_source", "changed")
SHOWN = 20            # objects / statements listed per list in plan.json (the counts are whole)
Progress = Callable[[str], None]


@dataclass
class Build:
    """How the shadow's copy of the target was made, and what of it could not be."""

    method: str                                   # pg_dump, sql, snapshot
    note: str = ""                                # why a less faithful method was used
    failed: list[dict[str, Any]] = field(default_factory=list)     # build statements that failed
    statements: int = 0


def _key(kind: str, identity: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return kind, tuple(sorted((str(k), str(v)) for k, v in identity.items()))


def _executor(conn: "psycopg.Connection", statements: Iterable[str], build: Build) -> None:
    """Run statements one by one (autocommit); a failing one is recorded and left out."""
    import psycopg

    for sql in statements:
        build.statements += 1
        try:
            conn.execute(sql)
        except psycopg.Error as error:
            build.failed.append({"sql": " ".join(sql.split())[:300], "sqlstate": error.sqlstate,
                                 "message": error.diag.message_primary or str(error).strip()})


def _strip_meta(text: str) -> str:
    """psql meta-command lines (`\\restrict KEY` of a recent pg_dump, `\\connect`) blanked."""
    return "\n".join("" if line.lstrip().startswith("\\") else line for line in text.split("\n"))


def _statements(text: str) -> list[str]:
    from workbench.planner.stagecheck import split

    return [piece.sql for piece in split(_strip_meta(text))]


def _pg_dump(target_dsn: str) -> str:
    """`pg_dump -s` of the target with the embedded pg_dump (a WorkbenchError when it cannot)."""
    from workbench.connect import scrub
    from workbench.sandbox import binaries_dir
    from workbench.sqlfiles import _conninfo_and_env

    conninfo, env = _conninfo_and_env(target_dsn)
    try:
        result = subprocess.run([str(binaries_dir() / "pg_dump"), "-s", "-d", conninfo], capture_output=True,
                                text=True, errors="replace", env=env, stdin=subprocess.DEVNULL, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise WorkbenchError(f"pg_dump could not run: {error}") from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise WorkbenchError(scrub(lines[-1] if lines else f"pg_dump exited {result.returncode}", target_dsn))
    return result.stdout


def _roles_for(conn: "psycopg.Connection", statements: list[str], embedded: bool) -> None:
    if embedded:
        from workbench.sqlfiles import create_missing_roles, roles_in

        create_missing_roles(conn, roles_in(statements))


def _from_snapshot(conn: "psycopg.Connection", dsn: str, target: "Snapshot", options: "CompareOptions",
                   build: Build, embedded: bool) -> None:
    """The target's schema made by the planner itself: the plan from an empty database to it."""
    from workbench.compare import compare
    from workbench.planner import PlanOptions, plan
    from workbench.snapshot import capture

    empty = capture(dsn, kinds=options.selected_kinds())
    made = plan(compare(target, empty, options), PlanOptions(with_privileges=True))
    statements = ["SET check_function_bodies = off"] + [s.sql for s in made.statements]
    _roles_for(conn, statements, embedded)
    _executor(conn, statements, build)


def build_shadow(server: "ScratchDatabases", name: str, target_spec: str, target: "Snapshot",
                 options: "CompareOptions", embedded: bool) -> Build:
    """Make the target's schema in the scratch database `name` (see the module docstring)."""
    from workbench.sides import classify
    from workbench.sqlfiles import side_files

    side = classify(target_spec)
    dsn = server.dsn(name)
    with server.connect(name) as conn:
        if side.kind == "dsn":
            try:
                text = _pg_dump(target_spec)
            except WorkbenchError as error:
                build = Build("snapshot", note=f"pg_dump -s of the target failed ({error}): built from its snapshot")
                _from_snapshot(conn, dsn, target, options, build, embedded)
                return build
            build = Build("pg_dump")
            statements = _statements(text)
        elif side.kind == "sql":
            assert side.path is not None
            build = Build("sql")
            statements = [s for path in side_files(side.path) for s in _statements(path.read_text(errors="replace"))]
        else:
            build = Build("snapshot", note="the target is a snapshot (no DDL at hand): built from it by the planner")
            _from_snapshot(conn, dsn, target, options, build, embedded)
            return build
        _roles_for(conn, statements, embedded)
        _executor(conn, statements, build)
        conn.execute("SELECT pg_catalog.set_config('search_path', '', false)")
    return build


def _objects(drift: "Drift", statuses: Iterable[str]) -> list[dict[str, Any]]:
    return [{"kind": o["kind"], "identity": o["identity"], "status": o["status"],
             "differences": list(o.get("differences") or [])} for o in drift.objects(statuses)]


def validate(plan_dir: str | Path, source: "Snapshot", target_spec: str, target: "Snapshot",
             options: "CompareOptions", shadow: "Shadow" = None, progress: Progress | None = None) -> dict[str, Any]:
    """Validate the plan in plan_dir on a shadow of the target; returns the `validation` entry
    (also written into plan.json). Never raises for a plan that fails: that is the result."""
    import psycopg

    from workbench.compare import compare
    from workbench.connect import mask
    from workbench.planner.model import read_plan
    from workbench.sides import ScratchHost
    from workbench.snapshot import capture

    say = progress or (lambda _text: None)
    back: dict[str, Any] | None = None
    plan_dir = Path(plan_dir)
    plan, _ = read_plan(plan_dir)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    result: dict[str, Any] = {"status": "error", "shadow": None, "build": None, "left_out": [], "failed": [],
                              "residual": [], "locks": None, "message": ""}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round((now - since) * 1000, 1)
        return now

    with ScratchHost(shadow) as host:
        try:
            server = host.server()
            result["shadow"] = host.describe() if not isinstance(shadow, str) else mask(shadow)
            name = server.create_database()
        except WorkbenchError as error:
            result["message"] = f"no shadow: {error}"
            return _record(plan_dir, result, timings, started)
        dsn = server.dsn(name)
        try:
            mark = time.perf_counter()
            say("validating: building the target's schema on the shadow")
            build = build_shadow(server, name, target_spec, target, options, host.embedded)
            before = capture(dsn, kinds=options.selected_kinds())
            fidelity = compare(target, before, options)
            left_out = _objects(fidelity, ("only_in_source", "changed", "only_in_target"))
            result["build"] = {"method": build.method, "note": build.note, "statements": build.statements,
                               "failed_count": len(build.failed), "failed": build.failed[:SHOWN],
                               "faithful": not left_out}
            result["left_out_count"] = len(left_out)
            result["left_out"] = left_out[:SHOWN]
            mark = lap("build_ms", mark)

            say("validating: applying the plan on the shadow")
            result.update(_prove(plan_dir, plan, name, source, left_out, options, server, host.embedded, timings))
            if left_out and result["status"] != "error":
                result["message"] += (f"; {len(left_out)} object(s) of the target could not be reproduced on the "
                                      f"shadow and were left out of the proof, first {_object_label(left_out[0])}")
            back_dir = plan_dir / ROLLBACK_DIR
            if (back_dir / "plan.json").exists():
                say("validating: applying the way back (rollback/) on the shadow")
                back = _validate_back(back_dir, result, name, target, left_out, options, server, host.embedded)
        except (WorkbenchError, psycopg.Error) as error:
            result["status"], result["message"] = "error", f"validation could not run: {' '.join(str(error).split())}"
        finally:
            from workbench.sides import _drop

            _drop(server, name)
    way_back: dict[str, Any] | None = None
    if back is not None:
        _record(plan_dir / ROLLBACK_DIR, back, back.pop("timings"), back.pop("started"))
        way_back = {k: back[k] for k in ("status", "message", "residual_count", "ms") if k in back}
    return _record(plan_dir, result, timings, started, way_back)


def _prove(plan_dir: Path, plan: "Plan", name: str, wanted: "Snapshot", left_out: list[dict[str, Any]],
           options: "CompareOptions", server: "ScratchDatabases", embedded: bool,
           timings: dict[str, float]) -> dict[str, Any]:
    """Apply the plan in plan_dir on the shadow database `name` (apply's own code, locks measured),
    capture the shadow and compare it with `wanted`: what failed (named), what still differs, the
    verdict. Objects in `left_out` (the shadow could not reproduce them) and the plan's skipped
    ones are not held against it.

    Locks: read in the stage's transaction after each statement, up to apply.MEASURE_LOCKS_LIMIT
    statements (a reading there grows with what the stage holds). A larger plan runs as staged
    without readings, and its locks are measured on a copy of the shadow (CREATE DATABASE ...
    TEMPLATE) where each statement commits on its own (apply's measure_apart): linear in the plan's
    size, each statement credited with every lock it takes."""
    from workbench.apply import MEASURE_LOCKS_LIMIT, apply
    from workbench.compare import compare
    from workbench.sides import _drop
    from workbench.snapshot import capture

    dsn = server.dsn(name)
    found: dict[str, Any] = {}
    mark = time.perf_counter()
    if embedded:
        from workbench.sqlfiles import create_missing_roles, roles_in

        with server.connect() as conn:
            create_missing_roles(conn, roles_in(s.sql for s in plan.statements))
    copy = server.create_database(template=name) if len(plan.statements) > MEASURE_LOCKS_LIMIT else None
    try:
        with tempfile.TemporaryDirectory(prefix="drift-workbench-validate-") as scratch:
            log = apply(plan_dir, dsn, force=True, measure_locks=True, log_file=Path(scratch) / "shadow_log.json").log
            measured = log
            if copy is not None:
                timings["staged_apply_ms"] = round((time.perf_counter() - mark) * 1000, 1)
                measured = apply(plan_dir, server.dsn(copy), force=True, measure_apart=True,
                                 log_file=Path(scratch) / "measured_log.json").log
    finally:
        if copy is not None:
            _drop(server, copy)
    now = time.perf_counter()
    timings["apply_ms"] = round((now - mark) * 1000, 1)
    mark = now
    found["locks_measured"] = "apart" if copy is not None else "in_stage"
    found["failed"] = [{k: entry.get(k) for k in ("stage", "index", "id", "kind", "identity", "action",
                                                  "sql", "sqlstate", "message")}
                       for entry in log["statements"] if entry["status"] == "failed"]
    found["failed_stages"] = [{"name": s["name"], "sqlstate": s.get("sqlstate"), "message": s.get("message")}
                              for s in log["stages"] if s["status"] == "failed"]
    found["locks"] = measured.get("locks")
    found["statement_locks"] = {entry["id"]: {"locks": entry.get("locks"), "predicted": entry.get("predicted_lock"),
                                              "defects": entry.get("lock_defects") or []}
                                for entry in measured["statements"] if entry.get("id") and "locks" in entry}
    after = capture(dsn, kinds=options.selected_kinds())
    drift = compare(wanted, after, options)
    expected = {_key(o["kind"], o["identity"]) for o in plan.skipped if "kind" in o and "identity" in o}
    expected |= {_key(o["kind"], o["identity"]) for o in left_out}
    statuses = MISSING + (("only_in_target",) if plan.options.get("allow_drops") else ())
    unplanned = set(drift.not_planned(plan.options, statuses))
    residual = [o for o in _objects(drift, statuses)
                if o["kind"] not in unplanned and _key(o["kind"], o["identity"]) not in expected]
    found["residual_count"] = len(residual)
    found["residual"] = residual[:SHOWN]
    timings["compare_ms"] = round((time.perf_counter() - mark) * 1000, 1)
    if found["failed"] or found["failed_stages"]:
        found["status"] = "failed"
        first = found["failed"][0] if found["failed"] else None
        found["message"] = (f"{first['stage']} statement {first['index']} ({_label(first)}) failed on the "
                            f"shadow: {first['sqlstate']} {first['message']}" if first else
                            f"{found['failed_stages'][0]['name']} failed at COMMIT on the shadow: "
                            f"{found['failed_stages'][0]['message']}")
    elif residual:
        found["status"] = "diverged"
        found["message"] = (f"the plan ran on the shadow, but {len(residual)} object(s) still differ from the "
                            f"{'source' if not plan.rollback_of else 'target as it was'}, first "
                            f"{_object_label(residual[0])}")
    else:
        found["status"] = "converged"
        found["message"] = (f"the plan ran on the shadow and it then matched the "
                            f"{'source' if not plan.rollback_of else 'target as it was'}")
    found["fingerprint_check"] = log.get("fingerprint_check")
    return found


def _validate_back(back_dir: Path, forward: dict[str, Any], name: str, target: "Snapshot",
                   left_out: list[dict[str, Any]], options: "CompareOptions", server: "ScratchDatabases",
                   embedded: bool) -> dict[str, Any]:
    """The way back (rollback/) proven on the same shadow database: after the forward plan ran
    there, the shadow is the after-state the way back starts from; it is applied and the shadow
    compared with the target as it was (the before-state). Only when the forward plan ran through."""
    import psycopg

    from workbench.planner.model import read_plan

    timings: dict[str, float] = {}
    back: dict[str, Any] = {"status": "error", "shadow": forward.get("shadow"), "left_out": forward.get("left_out"),
                            "left_out_count": forward.get("left_out_count", 0), "failed": [], "residual": [],
                            "locks": None, "message": "", "timings": timings, "started": time.perf_counter(),
                            "build": {"method": "forward", "note": "the shadow after the forward plan ran on it (the "
                                      "after-state)", "faithful": forward["status"] == "converged"}}
    if forward.get("status") not in ("converged", "diverged"):
        back["message"] = ("not validated: the forward plan did not run through on the shadow, so there was no "
                           "after-state to start from")
        return back
    try:
        plan, _ = read_plan(back_dir)
        back.update(_prove(back_dir, plan, name, target, left_out, options, server, embedded, timings))
    except (WorkbenchError, psycopg.Error) as error:
        back["message"] = f"validation of the way back could not run: {' '.join(str(error).split())}"
    return back


def _label(entry: dict[str, Any]) -> str:
    identity = ".".join(str(v) for v in (entry.get("identity") or {}).values())
    return f"{entry.get('action') or ''} {entry.get('kind') or ''} {identity}".strip() or " ".join(
        str(entry.get("sql", "")).split())[:80]


def _object_label(entry: dict[str, Any]) -> str:
    identity = ".".join(str(v) for v in entry["identity"].values())
    return f"{entry['kind']} {identity} ({entry['status']})"


def _record(plan_dir: Path, result: dict[str, Any], timings: dict[str, float], started: float,
            way_back: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the result into plan.json (its own key: the rest of the file is left as it is), and
    the way back's verdict into its `rollback` entry (rollback/plan.json holds the whole of it)."""
    from workbench import jsonfile
    from workbench.planner.model import read_plan

    result["ms"] = {**timings, "total_ms": round((time.perf_counter() - started) * 1000, 1)}
    path = plan_dir / "plan.json"
    data = read_plan(plan_dir)[1]              # plan.json's one reader
    data[VALIDATION_KEY] = result
    if way_back is not None and isinstance(data.get("rollback"), dict):
        data["rollback"][VALIDATION_KEY] = way_back
    jsonfile.write(path, data, "statements")
    return result


def recorded(plan_dir: str | Path) -> dict[str, Any] | None:
    """The validation plan.json records, or None (made with --no-validate, or before validation)."""
    from workbench.planner.model import read_plan

    found = read_plan(plan_dir)[1].get(VALIDATION_KEY)
    return found if isinstance(found, dict) else None


def summary_line(result: dict[str, Any]) -> str:
    """One line for the terminal: the verdict, what it rests on, its time."""
    seconds = (result.get("ms") or {}).get("total_ms", 0) / 1000
    locks = result.get("locks") or {}
    extra = ""
    if locks.get("defects"):
        extra = f"; {locks['defects']} statement(s) took a lock stronger than their hazards predict (planner defect)"
    return f"shadow validation: {result['status']}: {result['message']}{extra} ({seconds:.1f} s)"



def way_back_line(plan_dir: str | Path) -> str | None:
    """One line for the terminal on the way back's validation (plan.json's `rollback` entry), or
    None when the plan folder has no validated way back."""
    from workbench.planner.model import read_plan

    found = read_plan(plan_dir)[0].rollback.get(VALIDATION_KEY)
    if not isinstance(found, dict):
        return None
    seconds = (found.get("ms") or {}).get("total_ms", 0) / 1000
    return f"way back ({ROLLBACK_DIR}/) on the shadow: {found['status']}: {found['message']} ({seconds:.1f} s)"
