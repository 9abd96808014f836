#!/usr/bin/env python3
"""Benchmark of SQL sides and the snapshot store (a script, not a test).

For each scale (default 1, 10) it loads the seedscale pair (benchmarks/scenarios.py: generated,
loaded, ANALYZEd) and measures on one embedded PostgreSQL (workbench.sandbox):

  sql side     open_side(legacy.sql, shadow=server): scan, scratch database, psql load, capture,
               drop (median of --repeat), next to the capture of the same schema loaded as a
               database (open_side(dsn)): what loading costs over reading
  lazy         `workbench diff legacy.sql LEGACY_DSN` as a whole process, with no --shadow: an
               embedded server started for the load and stopped (once per scale)
  store        add --captures captures to a store (two schemas taking turns: every capture is a
               change), the store's size on disk, and history() over it (median of --repeat)

Prints a table and writes benchmarks/results/bench_sides.json.

Usage:  .venv/bin/python benchmarks/bench_sides.py [--scales 1,10] [--repeat 3] [--captures 20] (at most 28)
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scenarios import load  # noqa: E402
from workbench import sandbox  # noqa: E402
from workbench.sides import open_side  # noqa: E402
from workbench.store import Store, history  # noqa: E402


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure(server: sandbox.Server, scale: int, work: Path, repeat: int, captures: int) -> dict:
    pair = load(server, scale, work)                      # work/scale<N>/: the scenario's files
    dsns = {"legacy": pair.legacy, "current": pair.current}
    legacy_sql = work / f"scale{scale}" / "legacy.sql"
    sql_s, sql_snapshot = timed(lambda: open_side(str(legacy_sql), shadow=server), repeat)
    db_s, db_snapshot = timed(lambda: open_side(dsns["legacy"]), repeat)
    assert sql_snapshot.fingerprint == db_snapshot.fingerprint, "the SQL side differs from its database"

    started = time.perf_counter()
    lazy = subprocess.run([sys.executable, "-m", "workbench.cli", "diff", str(legacy_sql), dsns["legacy"]],
                          capture_output=True, text=True)
    lazy_s = time.perf_counter() - started
    assert lazy.returncode == 0, lazy.stderr

    store = Store(work / f"store{scale}", create=True)
    pair = [db_snapshot, open_side(dsns["current"])]
    started = time.perf_counter()
    for index in range(captures):              # one capture a day, the two schemas taking turns
        day = f"2025-01-{1 + index:02d}T00:00:00+00:00"
        store.add(dataclasses.replace(pair[index % 2], captured_at=day), f"capture {index}")
    add_s = (time.perf_counter() - started) / captures
    history_s, result = timed(lambda: history(store.path), repeat)
    assert len(result.steps) == captures - 1
    return {"scale": scale, "objects": int(sum(db_snapshot.counts.values())),
            "sql_bytes": legacy_sql.stat().st_size, "sql_side_s": round(sql_s, 3), "database_side_s": round(db_s, 3),
            "lazy_cli_diff_s": round(lazy_s, 3), "captures": captures, "store_add_s": round(add_s, 3),
            "store_bytes": size_of(store.path), "snapshot_json_bytes": len(json.dumps(db_snapshot.to_dict(), default=str)),
            "history_s": round(history_s, 3), "history_steps": len(result.steps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--captures", type=int, default=20)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-sides-") as tmp, sandbox.start() as server:
        for scale in [int(s) for s in args.scales.split(",")]:
            rows.append(measure(server, scale, Path(tmp), args.repeat, args.captures))
    print(f"{'scale':>5} {'objects':>8} {'SQL side s':>10} {'database s':>10} {'lazy CLI s':>10} "
          f"{'add s':>6} {'store KB':>9} {'snapshot KB':>11} {'history s':>9} {'steps':>5}")
    for row in rows:
        print(f"{row['scale']:>5} {row['objects']:>8} {row['sql_side_s']:>10} {row['database_side_s']:>10} "
              f"{row['lazy_cli_diff_s']:>10} {row['store_add_s']:>6} {row['store_bytes'] // 1024:>9} "
              f"{row['snapshot_json_bytes'] // 1024:>11} {row['history_s']:>9} {row['history_steps']:>5}")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_sides.json").write_text(json.dumps(rows, indent=1) + "\n")
    print(f"wrote {out / 'bench_sides.json'}")


if __name__ == "__main__":
    main()
