"""The built-in demo: the seedscale legacy/current pair in an embedded PostgreSQL, planned,
applied, verified and reported (`workbench demo`, `make demo`: reports/demo/report.html).

The scenario is the shape of the migration this tool was built for: 6 new agi_* tables, columns
added to 102 tables, 89 functions, 39 triggers, 312 indexes, 155 constraints, and both traps
(user_role_simple, unique_wishlist_item).
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench import sandbox


@dataclass(frozen=True)
class DemoPair:
    legacy_dsn: str
    current_dsn: str
    expected: dict[str, Any]
    scenario_dir: Path


def write_scenario(out_dir: Path, scale: int = 1, seed: int = 42) -> Path:
    """legacy.sql, current.sql, after.sql and expected.json of the seedscale scenario in out_dir."""
    from workbench.scenarios import seedscale

    legacy, current, expected = seedscale.generate(scale, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    tag = f"scale {scale}, seed {seed}"
    (out_dir / "legacy.sql").write_text(seedscale.render(legacy, f"legacy (source of truth), {tag}"))
    (out_dir / "current.sql").write_text(seedscale.render(current, f"current (to bring up to date), {tag}"))
    (out_dir / "after.sql").write_text(seedscale.render(seedscale.migrated(current, legacy), f"after, {tag}"))
    (out_dir / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    return out_dir


def build_pair(server: sandbox.Server, scenario_dir: Path, prefix: str = "demo") -> DemoPair:
    """Create PREFIX_legacy and PREFIX_current on the server from a scenario directory."""
    dsns = {}
    for side in ("legacy", "current"):
        name = f"{prefix}_{side}"
        server.drop_database(name)
        server.create_database(name)
        server.load(server.dsn(name), scenario_dir / f"{side}.sql")
        dsns[side] = server.dsn(name)
    expected = json.loads((scenario_dir / "expected.json").read_text())
    return DemoPair(dsns["legacy"], dsns["current"], expected, scenario_dir)


def run_demo(scale: int = 1, out: str | Path = "reports/demo") -> int:
    """Start a sandbox, build the pair, run the report pipeline with --apply into `out`, and print
    where report.html is and a one-screen summary. Returns the report's exit code (0: applied with
    100% parity)."""
    import tempfile

    import workbench.report as report_mod
    from workbench.present.text import report_summary

    started = time.perf_counter()

    def step(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.1f}s] {text}", file=sys.stderr, flush=True)

    step("starting embedded PostgreSQL 18")
    with sandbox.start() as server, tempfile.TemporaryDirectory(prefix="drift-demo-") as tmp:
        step(f"generating the demo scenario (scale {scale})")
        scenario = write_scenario(Path(tmp), scale)
        step("loading legacy and current")
        pair = build_pair(server, scenario)
        result = report_mod.build(pair.legacy_dsn, pair.current_dsn, out, mode="apply", progress=step,
                                  title=f"Demo: legacy \u2192 current (seedscale scale {scale})")
        step("done")
    version = result.drift.target.server_version if result.drift is not None else "?"
    print(f"Drift Workbench demo: legacy (source) -> current (target), seedscale scale {scale}, "
          f"PostgreSQL {version}\n")
    print(report_summary(result, drift_table=False).rsplit("\nwrote ", 1)[0])
    print(f"report: {result.html.resolve()}")
    print(f"took {time.perf_counter() - started:.1f} s")
    if result.run is not None and result.run.error:
        print(f"error: {result.run.error}", file=sys.stderr)
    return result.exit_code
