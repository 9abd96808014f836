"""Drift Workbench: snapshot -> compare -> plan -> apply -> verify -> report, for PostgreSQL schemas.

    import workbench
    legacy = workbench.take_snapshot("postgresql://db1/app")    # or a snapshot file
    current = workbench.take_snapshot("postgresql://db2/app")
    drift = workbench.diff(legacy, current)        # drift.summary, drift["columns"], drift.parity
    plan = workbench.plan(drift)                   # ordered statements, traps, skipped
    workbench.write_plan_dir(plan, "out/", drift)  # stage files, plan.json, comparison files
    workbench.apply_plan("out/", "postgresql://db2/app", rehearse=True)
    workbench.verify_target("postgresql://db1/app", "postgresql://db2/app").parity

A side is a DSN, a snapshot file, SQL (a .sql file, a pg_dump -s output, a folder of .sql files
applied in name order: loaded into a scratch database on `shadow`, a DSN or a running
sandbox.Server, else on an embedded PostgreSQL started for the occasion) or a store entry:

    workbench.diff("schema.sql", "postgresql://db2/app")          # does production match the repo?
    workbench.store_snapshot("postgresql://db2/app", "history/")  # one capture in a snapshot store
    workbench.history("history/").steps                           # what changed at each capture
    workbench.check("schema.sql", "postgresql://db2/app").ok      # the CI gate's verdict

The functions are named apart from the modules (workbench.snapshot, .compare, .apply, .verify,
.report): importing a submodule binds its name on the package, which would shadow a function of
the same name. Imports are lazy so that `import workbench` (and `workbench --help`) stay instant.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable, Sequence

if TYPE_CHECKING:                     # the types of the signatures; imported lazily at run time
    from pathlib import Path

    from workbench.apply import ApplyResult
    from workbench.compare import CompareOptions, Drift
    from workbench.gate import CheckResult
    from workbench.planner import Plan, PlanOptions
    from workbench.report import Report
    from workbench.sides import Shadow
    from workbench.snapshot import Snapshot
    from workbench.store import Entry, History
    from workbench.verify import VerifyResult

__all__ = ["take_snapshot", "load_snapshot", "diff", "plan", "write_plan_dir", "apply_plan", "verify_target",
           "build_report", "store_snapshot", "history", "check", "WorkbenchError", "StalePlan", "StatementFailed",
           "PlannerBug"]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """The error classes, without importing anything else at `import workbench`."""
    if name in ("WorkbenchError", "StalePlan", "StatementFailed", "PlannerBug"):
        from workbench import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


def take_snapshot(source: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
                  exclude_schemas: Iterable[str] = (), progress: Callable[[str], None] | None = None,
                  shadow: "Shadow" = None) -> "Snapshot":
    """A Snapshot of any side: a DSN (captured now), a snapshot file, SQL files (loaded into a
    scratch database on `shadow`), a store entry (`DIR@latest`)."""
    from workbench.sides import open_side

    return open_side(source, kinds, schemas, exclude_schemas, progress, shadow=shadow)


def load_snapshot(path: "str | Path") -> "Snapshot":
    from workbench.snapshot import Snapshot

    return Snapshot.load(path)


def _compare_options(options: "CompareOptions | None", schemas: Sequence[str], exclude_schemas: Sequence[str],
                     kinds: Sequence[str] | None, exclude_kinds: Sequence[str], ignore: Sequence[str],
                     ignore_extension_versions: bool) -> "CompareOptions":
    """options as given, or made from the keywords (giving both is an error: which would win?)."""
    from workbench.compare import CompareOptions
    from workbench.errors import WorkbenchError

    scoped = bool(schemas or exclude_schemas or kinds is not None or exclude_kinds or ignore
                  or not ignore_extension_versions)
    if options is not None:
        if scoped:
            raise WorkbenchError("give CompareOptions or its keywords (schemas, kinds, ...), not both")
        return options
    return CompareOptions(tuple(schemas), tuple(exclude_schemas), tuple(exclude_kinds),
                          tuple(kinds) if kinds is not None else None, ignore_extension_versions, tuple(ignore))


def diff(source: "str | Snapshot", target: "str | Snapshot", options: "CompareOptions | None" = None,
         shadow: "Shadow" = None, *, schemas: Sequence[str] = (), exclude_schemas: Sequence[str] = (),
         kinds: Sequence[str] | None = None, exclude_kinds: Sequence[str] = (), ignore: Sequence[str] = (),
         ignore_extension_versions: bool = True) -> "Drift":
    """The Drift between two sides: Snapshots or anything take_snapshot reads (live sides are
    captured concurrently; SQL sides are loaded on `shadow`, see the module docstring). The scope
    is `options` or its keywords."""
    from workbench.compare import compare
    from workbench.sides import open_pair

    scope = _compare_options(options, schemas, exclude_schemas, kinds, exclude_kinds, ignore, ignore_extension_versions)
    if isinstance(source, str) and isinstance(target, str):
        source, target = open_pair(source, target, shadow=shadow)
    else:
        source = take_snapshot(source, shadow=shadow) if isinstance(source, str) else source
        target = take_snapshot(target, shadow=shadow) if isinstance(target, str) else target
    return compare(source, target, scope)


def plan(drift: "Drift", options: "PlanOptions | None" = None, *, allow_drops: bool = False,
         concurrently: bool = False, not_valid: bool = False, with_privileges: bool = False) -> "Plan":
    """The ordered statements that turn the drift's target into its source (workbench.planner);
    the options are `options` or its keywords."""
    from workbench.errors import WorkbenchError
    from workbench.planner import PlanOptions, plan as make_plan

    if options is not None and (allow_drops or concurrently or not_valid or with_privileges):
        raise WorkbenchError("give PlanOptions or its keywords (allow_drops, ...), not both")
    return make_plan(drift, options or PlanOptions(allow_drops, concurrently, not_valid, with_privileges))


def write_plan_dir(plan_: "Plan", out_dir: "str | Path", drift: "Drift | None" = None) -> "Path":
    """The files of `workbench plan --out DIR` (stage files, plan.json, and with the drift the
    comparison files): workbench.pipeline.write_plan."""
    from workbench.pipeline import write_plan

    return write_plan(plan_, out_dir, drift)


def apply_plan(plan_dir: "str | Path", target_dsn: str, *, rehearse: bool = False, keep_going: bool = False,
               force: bool = False, lock_timeout_ms: int = 10_000, statement_timeout_ms: int = 600_000,
               progress: Callable[[str], None] | None = None, check: bool = False) -> "ApplyResult":
    """Apply (or with rehearse=True rehearse) a plan folder: an ApplyResult with the log. A target
    that changed since planning raises StalePlan; with check=True a failed statement raises
    StatementFailed (the first one, with its stage, SQLSTATE and message) instead of exit code 1."""
    from workbench.apply import apply
    from workbench.errors import StatementFailed

    result = apply(plan_dir, target_dsn, rehearse=rehearse, keep_going=keep_going, force=force,
                   lock_timeout_ms=lock_timeout_ms, statement_timeout_ms=statement_timeout_ms, progress=progress)
    if check and result.failed:
        first = result.failed[0]
        raise StatementFailed(f"{first.get('stage', '')}: {first.get('id', '')} failed: {first.get('message', '')}",
                              statement_id=first.get("id", ""), stage=first.get("stage", ""),
                              sqlstate=first.get("sqlstate") or "", server_message=first.get("message") or "")
    return result


def verify_target(source: str, target: str, options: "CompareOptions | None" = None,
                  shadow: "Shadow" = None) -> "VerifyResult":
    """Residual drift, parity per kind and post-apply checks: a VerifyResult."""
    from workbench.verify import verify

    return verify(source, target, options, shadow=shadow)


def build_report(source: str, target: str, out_dir: "str | Path", *, title: str = "", schemas: Sequence[str] = (),
                 target_after: str = "", plan_dir: str = "", mode: str | None = None,
                 plan_options: "PlanOptions | None" = None, keep_going: bool = False,
                 progress: Callable[[str], None] | None = None, options: "CompareOptions | None" = None,
                 shadow: "Shadow" = None) -> "Report":
    """The papermill-run notebooks rendered into out_dir/report.html (workbench.report.build)."""
    from workbench.report import build

    return build(source, target, out_dir, title=title, schemas=schemas, target_after=target_after,
                 plan_dir=plan_dir, mode=mode, plan_options=plan_options, keep_going=keep_going,
                 progress=progress, options=options, shadow=shadow)


def store_snapshot(source: "str | Snapshot", store_dir: "str | Path", label: str = "",
                   shadow: "Shadow" = None) -> "Entry":
    """Capture a side (or take a Snapshot) into a snapshot store, made when missing; returns the
    store Entry. An unchanged schema adds an entry that shares the stored snapshot."""
    from workbench.store import Store

    snapshot = take_snapshot(source, shadow=shadow) if isinstance(source, str) else source
    return Store(store_dir, create=True).add(snapshot, label)[0]


def history(store_dir: "str | Path", since: str | None = None, until: str | None = None) -> "History":
    """The timeline of a snapshot store: a History (entries, steps, to_json(), counts(), events())."""
    from workbench.store import history as store_history

    return store_history(store_dir, since=since, until=until)


def check(source: str, target: str, options: "CompareOptions | None" = None, shadow: "Shadow" = None, *,
          schemas: Sequence[str] = (), exclude_schemas: Sequence[str] = (), kinds: Sequence[str] | None = None,
          exclude_kinds: Sequence[str] = (), ignore: Sequence[str] = (),
          ignore_extension_versions: bool = True) -> "CheckResult":
    """The CI gate on two sides: a CheckResult (ok, exit_code, text(), github(), junit())."""
    from workbench.gate import check as run_check

    scope = _compare_options(options, schemas, exclude_schemas, kinds, exclude_kinds, ignore, ignore_extension_versions)
    return run_check(source, target, scope, shadow=shadow)
