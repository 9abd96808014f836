#!/usr/bin/env python3
"""Benchmark of plan() alone on seedscale (a script, not a test): the registry's builders, the
object edges and the graph sort, without capture or compare in the figure.

The pair is captured once per scale into snapshot files under --work (see plan_statements.py),
compared once, then plan(drift) is timed: median of --repeat runs after one warm-up, for
legacy -> current with the default options and with --allow-drops. Target (issue 9): under 2 s
at scale 10. Prints one line per scale and option set; exit 1 when a target is missed.

Usage:  .venv/bin/python benchmarks/bench_plan.py --work DIR [--scales 1,10] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan_statements import snapshots  # noqa: E402

from workbench.compare import compare  # noqa: E402
from workbench.planner import PlanOptions, plan  # noqa: E402

TARGET = {10: 2.0}                      # seconds, plan() at scale 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    missed = False
    for scale in (int(s) for s in args.scales.split(",")):
        sides = snapshots(scale, args.work)
        drift = compare(sides["legacy"], sides["current"])
        for name, options in (("default", PlanOptions()), ("allow-drops", PlanOptions(allow_drops=True))):
            plan(drift, options)                                  # warm-up (imports, parser)
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                statements = len(plan(drift, options).statements)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            target = TARGET.get(scale)
            verdict = "" if target is None else (" ok" if median < target else f" MISSED (target {target} s)")
            missed |= target is not None and median >= target
            print(f"scale {scale:>3} {name:<12} {statements:>6} statements  plan {median:.3f} s "
                  f"(min {min(times):.3f}, {args.repeat} runs){verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
