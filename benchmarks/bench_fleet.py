#!/usr/bin/env python3
"""Benchmark of `workbench fleet` (a script, not a test): one source against 50, 100 and 200
targets, on the local thread pool and on a 2-worker Dask LocalCluster.

The fleet: seedscale scale 1's legacy database (workbench.scenarios, loaded and ANALYZEd by
benchmarks/scenarios.py) is the source and the template; the targets are copies of it made with
CREATE DATABASE ... TEMPLATE on the same embedded PostgreSQL 18, a few of them drifted in one of
three ways (every 10th lost an index, every 15th gained a column, every 25th has another table
comment; a copy drifted two ways forms a group of its own). Each (executor, targets) point runs
in a fresh process, so that its peak memory is its own:

  wall s           run_fleet's tasks (the source read once before, not counted), cluster start excluded
  per target ms    wall / targets: the cost of one more target
  objects/s        objects compared (per target the union of both sides' objects, every kind) / wall
  client MB        peak RSS of the measuring process (VmHWM)
  workers MB       peak RSS of each Dask worker process (VmHWM), summed
  groups, failed   what the fleet found (the same for every point of a count)

Prints a table and writes benchmarks/results/bench_fleet.json; the machine's load average is
printed before and after (the numbers mean little on a machine busy with other work).

Usage:  .venv/bin/python benchmarks/bench_fleet.py [--counts 50,100,200] [--executors local,dask]
                                                   [--workers 2] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

# (name, SQL, which copies: i % every == 0, from copy 1 on)
DRIFTS = (("lost_index", "DROP INDEX public.orders_created_at_idx", 10),
          ("extra_column", "ALTER TABLE public.orders ADD COLUMN bench_note text", 15),
          ("table_comment", "COMMENT ON TABLE public.orders IS 'drifted'", 25))


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(args: argparse.Namespace) -> dict:
    """One point, in this (fresh) process: run_fleet over the first N targets of the file."""
    from workbench.fleet import read_targets_file, run_fleet
    from workbench.fleet.executors import default_jobs
    from workbench.snapshot import capture

    targets = read_targets_file(args.targets)[: args.n]
    source = capture(args.source)
    jobs = args.jobs or default_jobs()
    cluster = client = None
    executor = None
    started_cluster = time.perf_counter()
    if args.executor == "dask":
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=max(1, jobs // args.workers),
                               processes=True, dashboard_address=None)
        client = Client(cluster)
        executor = client
    cluster_seconds = time.perf_counter() - started_cluster
    result = run_fleet(source, targets, jobs=jobs, executor=executor, frames=False)
    workers_mb = 0.0
    if client is not None:
        workers_mb = sum(client.run(peak_rss_mb).values())
        client.close()
        cluster.close()
    objects = sum(r.objects_compared for r in result.results)
    return {"executor": args.executor, "targets": len(targets), "jobs": jobs,
            "workers": args.workers if args.executor == "dask" else 0, "wall_s": round(result.seconds, 3),
            "per_target_ms": round(1000 * result.seconds / len(targets), 1),
            "objects": objects, "objects_per_s": round(objects / result.seconds),
            "client_mb": round(peak_rss_mb(), 1), "workers_mb": round(workers_mb, 1),
            "cluster_start_s": round(cluster_seconds, 2) if client is not None else 0.0,
            "groups": len(result.drift_groups), "identical": sum(len(g.members) for g in result.groups if g.identical),
            "failed": len(result.failed)}


def make_fleet(server, count: int, work: Path) -> tuple[str, Path]:
    """The source (seedscale scale 1 legacy) and a targets file of `count` copies, some drifted."""
    import psycopg

    from scenarios import load

    started = time.perf_counter()
    pair = load(server, 1, work)
    template = pair.legacy.rsplit("/", 1)[1]
    print(f"  seedscale scale 1 loaded in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    started = time.perf_counter()
    names = [f"fleet_{i:03d}" for i in range(count)]
    with server.connect() as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    for _, sql, every in DRIFTS:
        for i in range(every, count, every):
            with psycopg.connect(server.dsn(names[i]), autocommit=True) as conn:
                conn.execute(sql)
    print(f"  {count} copies made and drifted in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    targets = work / "targets.txt"
    targets.write_text("".join(f"{name} {server.dsn(name)}\n" for name in names))
    return pair.legacy, targets


def expected_groups(count: int) -> int:
    """Distinct drift combinations among the copies (each a group), for the check below."""
    combos = {tuple(i % every == 0 for _, _, every in DRIFTS) for i in range(1, count)}
    return len([c for c in combos if any(c)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="50,100,200")
    parser.add_argument("--executors", default="local,dask")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--executor", default="local", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--targets", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args)))
        return 0

    from workbench import sandbox

    counts = [int(c) for c in args.counts.split(",") if c.strip()]
    executors = [e for e in args.executors.split(",") if e.strip()]
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} "
          f"({os.cpu_count()} cores)", flush=True)
    rows = []
    with sandbox.start() as server, tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        source, targets = make_fleet(server, max(counts), Path(tmp))
        for executor in executors:
            for count in counts:
                command = [sys.executable, __file__, "--measure", "--executor", executor, "--source", source,
                           "--targets", str(targets), "--n", str(count), "--workers", str(args.workers),
                           "--jobs", str(args.jobs)]
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(done.stderr[-2000:], file=sys.stderr)
                    return 1
                row = json.loads(done.stdout.strip().splitlines()[-1])
                if row["failed"] or row["groups"] != expected_groups(count):
                    print(f"unexpected fleet result: {row}", file=sys.stderr)
                    return 1
                rows.append(row)
                print(f"  {executor:5s} {count:4d} targets: {row['wall_s']:7.1f} s", file=sys.stderr, flush=True)
    load_after = os.getloadavg()
    header = ("executor", "targets", "jobs", "wall s", "per target ms", "objects/s", "client MB", "workers MB",
              "groups")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        executor = "local threads" if r["executor"] == "local" else f"Dask LocalCluster, {r['workers']} workers"
        print(f"| {executor} | {r['targets']} | {r['jobs']} | {r['wall_s']:.1f} | {r['per_target_ms']:.0f} | "
              f"{r['objects_per_s']:,} | {r['client_mb']:.0f} | {r['workers_mb']:.0f} | {r['groups']} |")
    print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    out = REPO / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_fleet.json").write_text(json.dumps({
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_before": load_before, "load_after": load_after},
        "drifts": [{"name": n, "sql": s, "every": e} for n, s, e in DRIFTS], "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
