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

from typing import Any

__all__ = ["take_snapshot", "load_snapshot", "diff", "plan", "write_plan_dir", "apply_plan", "verify_target",
           "build_report", "store_snapshot", "history", "check"]
__version__ = "0.1.0"


def take_snapshot(source: str, **kwargs):
    """A Snapshot of any side: a DSN (captured now), a snapshot file, SQL files (loaded into a
    scratch database, keyword `shadow`), a store entry (`DIR@latest`)."""
    from workbench.sides import open_side

    return open_side(source, **kwargs)


def load_snapshot(path):
    from workbench.snapshot import Snapshot

    return Snapshot.load(path)


def diff(source, target, options=None, shadow=None, **kwargs):
    """The Drift between two sides: Snapshots or anything take_snapshot reads (live sides are
    captured concurrently; SQL sides are loaded on `shadow`, see the module docstring)."""
    from workbench.compare import compare
    from workbench.sides import open_pair

    if isinstance(source, str) and isinstance(target, str):
        source, target = open_pair(source, target, shadow=shadow)
    else:
        source = take_snapshot(source, shadow=shadow) if isinstance(source, str) else source
        target = take_snapshot(target, shadow=shadow) if isinstance(target, str) else target
    return compare(source, target, options, **kwargs)


def plan(drift, options=None, **kwargs):
    """The ordered statements that turn the drift's target into its source (workbench.planner)."""
    from workbench.planner import plan as make_plan

    return make_plan(drift, options, **kwargs)


def write_plan_dir(plan_, out_dir, drift=None):
    """The files of `workbench plan --out DIR` (stage files, plan.json, and with the drift the
    comparison files): workbench.pipeline.write_plan."""
    from workbench.pipeline import write_plan

    return write_plan(plan_, out_dir, drift)


def apply_plan(plan_dir, target_dsn, **kwargs):
    """Apply (or with rehearse=True rehearse) a plan folder: an ApplyResult with the log."""
    from workbench.apply import apply

    return apply(plan_dir, target_dsn, **kwargs)


def verify_target(source, target, options=None, shadow=None):
    """Residual drift, parity per kind and post-apply checks: a VerifyResult."""
    from workbench.verify import verify

    return verify(source, target, options, shadow=shadow)


def build_report(source, target, out_dir, **kwargs):
    """The papermill-run notebooks rendered into out_dir/report.html."""
    from workbench.report import build

    return build(source, target, out_dir, **kwargs)


def store_snapshot(source, store_dir, label: str = "", shadow=None):
    """Capture a side (or take a Snapshot) into a snapshot store, made when missing; returns the
    store Entry. An unchanged schema adds an entry that shares the stored snapshot."""
    from workbench.store import Store

    snapshot = take_snapshot(source, shadow=shadow) if isinstance(source, str) else source
    return Store(store_dir, create=True).add(snapshot, label)[0]


def history(store_dir, since=None, until=None):
    """The timeline of a snapshot store: a History (entries, steps, to_json(), counts(), events())."""
    from workbench.store import history as store_history

    return store_history(store_dir, since=since, until=until)


def check(source, target, options=None, shadow=None, **kwargs):
    """The CI gate on two sides: a CheckResult (ok, exit_code, text(), github(), junit())."""
    from workbench.gate import check as run_check
    from workbench.compare import CompareOptions

    if options is None and kwargs:
        given: dict[str, Any] = {k: (tuple(v) if isinstance(v, (list, set)) else v) for k, v in kwargs.items()}
        options = CompareOptions(**given)
    return run_check(source, target, options, shadow=shadow)
