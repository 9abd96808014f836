"""The package's public API: one call per step, usable again after any submodule was imported."""
from __future__ import annotations

import workbench
import workbench.apply  # noqa: F401  (binds workbench.apply: the API must not be shadowed)
import workbench.compare  # noqa: F401
import workbench.report  # noqa: F401
import workbench.snapshot  # noqa: F401
import workbench.verify  # noqa: F401


def test_snapshot_diff_plan_apply_verify(make_db, tmp_path):
    source = make_db("CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL)")
    target = make_db("CREATE TABLE t (id int PRIMARY KEY)")
    drift = workbench.diff(source, target)
    assert drift.summary.loc["columns", "only_in_source"] == 1
    assert workbench.diff(workbench.take_snapshot(source), target).summary.equals(drift.summary)
    plan = workbench.plan(drift)
    workbench.write_plan_dir(plan, tmp_path, drift)
    assert workbench.apply_plan(tmp_path, target, rehearse=True).exit_code == 0
    assert workbench.diff(source, target).has_drift            # a rehearsal changes nothing
    assert workbench.apply_plan(tmp_path, target).exit_code == 0
    result = workbench.verify_target(source, target)
    assert result.exit_code == 0 and not workbench.diff(source, target).has_drift
    snapshot_file = workbench.take_snapshot(source).save(tmp_path / "s.json")
    assert workbench.load_snapshot(snapshot_file).fingerprint == workbench.take_snapshot(source).fingerprint
