"""Drift Workbench: snapshot -> compare -> plan -> apply -> verify -> report, for PostgreSQL schemas.

    import workbench
    legacy = workbench.take_snapshot("postgresql://db1/app")    # or a snapshot file
    current = workbench.take_snapshot("postgresql://db2/app")
    drift = workbench.diff(legacy, current)        # drift.summary, drift["columns"], drift.parity
    plan = workbench.plan(drift)                   # ordered statements, traps, skipped
    workbench.write_plan_dir(plan, "out/", drift)  # stage files, plan.json, comparison files
    workbench.apply_plan("out/", "postgresql://db2/app", rehearse=True)
    workbench.verify_target("postgresql://db1/app", "postgresql://db2/app").parity

The functions are named apart from the modules (workbench.snapshot, .compare, .apply, .verify,
.report): importing a submodule binds its name on the package, which would shadow a function of
the same name. Imports are lazy so that `import workbench` (and `workbench --help`) stay instant.
"""
from __future__ import annotations

__all__ = ["take_snapshot", "load_snapshot", "diff", "plan", "write_plan_dir", "apply_plan", "verify_target",
           "build_report"]
__version__ = "0.1.0"


def take_snapshot(source: str, **kwargs):
    """A Snapshot of a DSN (captured now) or of a snapshot file (loaded)."""
    from workbench.snapshot import open_side

    return open_side(source, **kwargs)


def load_snapshot(path):
    from workbench.snapshot import Snapshot

    return Snapshot.load(path)


def diff(source, target, options=None, **kwargs):
    """The Drift between two Snapshots, DSNs or snapshot files (live sides captured concurrently)."""
    from workbench.compare import compare
    from workbench.snapshot import open_pair

    if isinstance(source, str) and isinstance(target, str):
        source, target = open_pair(source, target)
    else:
        source = take_snapshot(source) if isinstance(source, str) else source
        target = take_snapshot(target) if isinstance(target, str) else target
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


def verify_target(source, target, options=None):
    """Residual drift, parity per kind and post-apply checks: a VerifyResult."""
    from workbench.verify import verify

    return verify(source, target, options)


def build_report(source, target, out_dir, **kwargs):
    """The papermill-run notebooks rendered into out_dir/report.html."""
    from workbench.report import build

    return build(source, target, out_dir, **kwargs)
