#!/usr/bin/env python3
"""Benchmark of shadow validation (a script, not a test).

For each scale (default 1, 10) it loads the seedscale pair on one embedded PostgreSQL
(benchmarks/scenarios.py: generated, loaded, ANALYZEd), plans (the time of `plan`
without validation), then validates the plan on the same server (workbench.validate, the work of
`workbench plan` by default) and rehearses it on the current database with locks measured:

  plan s        compare + plan + write the plan folder (what `plan --no-validate` does after reading)
  build s       pg_dump -s of current, run statement by statement into a scratch database, captured
  apply s       the plan applied on the shadow, stage by stage, pg_locks read after every statement
  compare s     the shadow captured again and compared with legacy
  validate s    all of validation (build + apply + compare + dropping the scratch database)
  rehearse s    `apply --rehearse` on current with every statement's locks measured (up to
                apply.MEASURE_LOCKS_LIMIT statements; a larger rehearsal runs without readings)
  shadow_locks  in_stage (read in the stage's transaction) or apart (a larger plan, measured on a
                copy of the shadow, each statement committed with its reading)

The verdict must be `converged` and every statement measured; the script fails otherwise.
Prints a table and writes benchmarks/results/bench_validate.json.

Usage:  .venv/bin/python benchmarks/bench_validate.py [--scales 1,10]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scenarios import load  # noqa: E402
from workbench import sandbox  # noqa: E402
from workbench.apply import apply  # noqa: E402
from workbench.compare import compare  # noqa: E402
from workbench.planner import plan, write_plan_dir  # noqa: E402
from workbench.sides import open_pair  # noqa: E402
from workbench.validate import validate  # noqa: E402


def measure(server: sandbox.Server, scale: int, work: Path) -> dict:
    pair = load(server, scale, work)                      # work/scale<N>/: the scenario's files
    dsns = {"legacy": pair.legacy, "current": pair.current}
    drift = compare(*open_pair(dsns["legacy"], dsns["current"], fingerprints=True))
    started = time.perf_counter()
    made = plan(drift)
    folder = write_plan_dir(made, work / f"plan{scale}")
    plan_s = time.perf_counter() - started
    result = validate(folder, drift.source, dsns["current"], drift.target, drift.options, shadow=server)
    assert result["status"] == "converged", result["message"]
    assert result["locks"]["measured"] >= len(made.statements), result["locks"]
    started = time.perf_counter()
    log = apply(folder, dsns["current"], rehearse=True).log
    rehearse_s = time.perf_counter() - started
    assert log["status"] == "rehearsed"
    # a rehearsal cannot commit per statement: above apply.MEASURE_LOCKS_LIMIT it runs without
    # readings (its log says so); the shadow measured every statement apart on a copy instead
    rehearse_locks = "skipped" if log.get("locks_skipped") else "measured"
    if rehearse_locks == "measured":
        assert log["locks"]["measured"] == len(log["statements"]), log["locks"]
    ms = result["ms"]
    return {"scale": scale, "statements": len(made.statements), "build_statements": result["build"]["statements"],
            "plan_s": round(plan_s, 2), "build_s": round(ms["build_ms"] / 1000, 2),
            "apply_s": round(ms["apply_ms"] / 1000, 2), "compare_s": round(ms["compare_ms"] / 1000, 2),
            "validate_s": round(ms["total_ms"] / 1000, 2), "rehearse_s": round(rehearse_s, 2),
            "lock_defects": result["locks"]["defects"], "shadow_locks": result.get("locks_measured"),
            "rehearse_locks": rehearse_locks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-validate-") as tmp, sandbox.start() as server:
        for scale in [int(s) for s in args.scales.split(",")]:
            rows.append(measure(server, scale, Path(tmp)))
    columns = ("scale", "statements", "build_statements", "plan_s", "build_s", "apply_s", "compare_s", "validate_s",
               "rehearse_s", "lock_defects", "shadow_locks", "rehearse_locks")
    print(" ".join(f"{c:>16}" for c in columns))
    for row in rows:
        print(" ".join(f"{row[c]:>16}" for c in columns))
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_validate.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(f"wrote {out / 'bench_validate.json'}")


if __name__ == "__main__":
    main()
