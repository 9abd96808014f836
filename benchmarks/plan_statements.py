#!/usr/bin/env python3
"""The planner's output as a set, saved and compared (a check for refactorings, not a test).

A refactoring of the planner must keep what it plans: the same set of statements for the same
drift. This script captures the seedscale pair once (legacy.sql and current.sql through scratch
databases, saved as snapshot files so later runs need no server), plans it in both directions
under several option sets, and writes every statement as (stage, kind, identity, action, sql,
transactional, hazards). `--compare FILE` prints what differs from a saved run, with hazard-only
changes listed apart from the rest (a hazard may be fixed on purpose; a statement may not change).

Usage:  .venv/bin/python benchmarks/plan_statements.py --scale 10 --work DIR --save FILE
        .venv/bin/python benchmarks/plan_statements.py --scale 10 --work DIR --compare FILE
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench.compare import compare  # noqa: E402
from workbench.planner import PlanOptions, plan  # noqa: E402
from workbench.snapshot import Snapshot  # noqa: E402

OPTION_SETS = {
    "default": PlanOptions(),
    "drops": PlanOptions(allow_drops=True),
    "everything": PlanOptions(allow_drops=True, concurrently=True, not_valid=True, with_privileges=True),
}


def snapshots(scale: int, work: Path) -> dict[str, Snapshot]:
    """legacy and current at a scale, captured once and kept as snapshot files under work."""
    files = {side: work / f"scale{scale}_{side}.json" for side in ("legacy", "current")}
    if not all(path.exists() for path in files.values()):
        from workbench.sides import open_pair

        scenario = work / f"seedscale{scale}"
        subprocess.run([sys.executable, "-m", "workbench.scenarios.seedscale", "--scale", str(scale),
                        "--out", str(scenario)], check=True, capture_output=True)
        legacy, current = open_pair(str(scenario / "legacy.sql"), str(scenario / "current.sql"))
        legacy.save(files["legacy"])
        current.save(files["current"])
    return {side: Snapshot.load(path) for side, path in files.items()}


def statements(sides: dict[str, Snapshot]) -> dict[str, list[list]]:
    """(run name) -> sorted statements, each [stage, kind, identity, action, sql, transactional, hazards]."""
    out = {}
    for direction, (source, target) in {"legacy_to_current": ("legacy", "current"),
                                        "current_to_legacy": ("current", "legacy")}.items():
        drift = compare(sides[source], sides[target])
        for name, options in OPTION_SETS.items():
            rows = [[str(s.stage), s.kind, json.dumps(s.identity, default=str), str(s.action), s.sql,
                     s.transactional, sorted(str(h) for h in s.hazards)] for s in plan(drift, options).statements]
            out[f"{direction}/{name}"] = sorted(rows)
    return out


def differences(before: dict[str, list[list]], after: dict[str, list[list]]) -> list[str]:
    lines = []
    for run in sorted(set(before) | set(after)):
        old = {tuple(r[:6]): r[6] for r in before.get(run, [])}
        new = {tuple(r[:6]): r[6] for r in after.get(run, [])}
        gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        hazards = sorted(key for key in set(old) & set(new) if old[key] != new[key])
        lines.append(f"{run}: {len(old)} -> {len(new)} statements; {len(gone)} gone, {len(added)} new, "
                     f"{len(hazards)} with other hazards")
        lines += [f"  - {key[0]} {key[1]} {key[3]} {key[2]}: {key[4][:160]!r}" for key in gone]
        lines += [f"  + {key[0]} {key[1]} {key[3]} {key[2]}: {key[4][:160]!r}" for key in added]
        changed: dict[tuple, int] = {}
        for key in hazards:
            what = (key[1], key[3], tuple(old[key]), tuple(new[key]))
            changed[what] = changed.get(what, 0) + 1
        lines += [f"  ~ {kind} {action}: {list(was)} -> {list(now)} ({n} statements)"
                  for (kind, action, was, now), n in sorted(changed.items())]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--work", type=Path, required=True, help="folder for the scenario and snapshot files")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    found = statements(snapshots(args.scale, args.work))
    if args.save:
        args.save.write_text(json.dumps(found))
        print(f"saved {sum(len(v) for v in found.values())} statements of {len(found)} runs to {args.save}")
    if args.compare:
        lines = differences(json.loads(args.compare.read_text()), found)
        print("\n".join(lines))
        return 1 if any(line.startswith(("  -", "  +")) for line in lines) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
