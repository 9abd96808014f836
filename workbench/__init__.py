"""Drift Workbench: snapshot -> compare -> plan -> apply -> verify -> report, for PostgreSQL schemas.

    import workbench
    legacy = workbench.snapshot("postgresql://db1/app")
    current = workbench.snapshot("postgresql://db2/app")
    drift = workbench.compare(legacy, current)       # drift.summary, drift["columns"], ...
    plan = workbench.plan(drift)                      # ordered statements, stage files via write_plan_dir

Imports are lazy so that `import workbench` (and `workbench --help`) stay instant.
"""
from __future__ import annotations

__all__ = ["snapshot", "load_snapshot", "compare", "plan", "write_plan_dir", "apply", "verify", "report"]
__version__ = "0.1.0"


def snapshot(source: str, **kwargs):
    """A Snapshot of a DSN (captured now) or of a snapshot file (loaded)."""
    from workbench.snapshot import open_side

    return open_side(source, **kwargs)


def load_snapshot(path):
    from workbench.snapshot import Snapshot

    return Snapshot.load(path)


def compare(source, target, options=None, **kwargs):
    """Drift between two Snapshots (or DSNs / snapshot files)."""
    from workbench.compare import compare as _compare

    source = snapshot(source) if isinstance(source, str) else source
    target = snapshot(target) if isinstance(target, str) else target
    return _compare(source, target, options, **kwargs)


def plan(drift, options=None, **kwargs):
    from workbench.planner import plan as _plan

    return _plan(drift, options, **kwargs)


def write_plan_dir(plan_, out_dir, drift=None):
    from workbench.planner import write_plan_dir as _write

    return _write(plan_, out_dir, drift)


def apply(plan_dir, target_dsn, **kwargs):
    from workbench.apply import apply as _apply

    return _apply(plan_dir, target_dsn, **kwargs)


def verify(source, target, options=None):
    from workbench.verify import verify as _verify

    return _verify(source, target, options)


def report(source, target, out_dir, **kwargs):
    from workbench.report import build

    return build(source, target, out_dir, **kwargs)
