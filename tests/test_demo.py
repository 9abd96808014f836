"""`workbench demo` (what `make demo` runs) end to end, standalone: its own embedded PostgreSQL,
the demo pair, the report pipeline with --apply into reports/demo/ of the current folder, and a
one-screen summary."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest

from workbench.demo import write_scenario

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    cwd = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "workbench.cli", "demo"], cwd=cwd, capture_output=True,
                            text=True, timeout=600)
    return {"cwd": cwd, "result": result, "seconds": time.perf_counter() - started,
            "expected": json.loads((write_scenario(cwd / "scenario") / "expected.json").read_text())}


def test_demo_writes_the_applied_report_under_reports_demo(demo):
    result, out = demo["result"], demo["cwd"] / "reports" / "demo"
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"report: {out / 'report.html'}" in result.stdout
    html = (out / "report.html").read_text()
    assert "<title>Demo: legacy \u2192 current (seedscale scale 1)</title>" in html
    assert "100% parity (" in html and "What failed" not in html
    assert json.loads((out / "plan" / "apply_log.json").read_text())["status"] == "applied"
    assert json.loads((out / "verify.json").read_text())["ok"] is True


def test_demo_summary_fits_one_screen(demo):
    stdout = demo["result"].stdout
    lines = stdout.splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines if not line.startswith("report: ")) <= 120
    counts = demo["expected"]["counts"]
    for kind in ("tables", "views", "functions", "triggers", "indexes", "constraints", "sequences"):
        row = next(line for line in lines if line.split()[:1] == [kind])
        numbers = [int(n) for n in row.split()[1:]]
        assert numbers[:3] == [counts["legacy"][kind], counts["current_before"][kind], counts["current_after"][kind]]
    resolved = "    resolved: applied without error, identical to the source after apply"
    first = lines.index("2 traps, 2 objects (every one in the report and in plan.json):")
    assert lines[first + 1:first + 5] == [       # in plan order
        "  constraint_over_retyped_column: 1 (constraints public.profiles.profiles_role_not_banned)", resolved,
        "  unique_constraint_over_existing_index: 1 (constraints public.wishlist_items.unique_wishlist_item)", resolved]
    assert re.search(r"^verified: 100% parity \(", stdout, re.M)
    assert re.search(r"^took \d+\.\d s$", stdout, re.M)
    # progress on stderr, one line per step
    steps = [line.split("] ", 1)[1] for line in demo["result"].stderr.splitlines()]
    assert steps[0] == "starting embedded PostgreSQL 18" and steps[-1] == "done"
    assert "applying stage08_constraints (9/11, 157 statements)" in steps and "rendering report.html" in steps
