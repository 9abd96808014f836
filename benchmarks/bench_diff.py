#!/usr/bin/env python3
"""Benchmark of `workbench diff` on the seedscale legacy/current pair (a script, not a test).

For each scale (default 1, 10, 30) it generates the scenario with shared/bench/seedscale.py, loads
legacy.sql and current.sql into one embedded PostgreSQL (workbench.sandbox) and measures:

  in-process   open_pair(legacy, current) (both captured concurrently, as the CLI does) +
               compare(a, b): median of --repeat runs after one warm-up, with the split per step;
               peak Python memory (tracemalloc) of one run
  plan         plan(drift) and write_plan_dir (every statement parsed): median of 3
  CLI          `workbench diff LEGACY CURRENT --format json > /dev/null` as a whole process:
               median of --cli-repeat runs after one warm-up (exit code 1 expected: there is
               drift); ru_maxrss of the child (os.wait4)
  migra        `migra --unsafe CURRENT_URL LEGACY_URL` (the SQL that turns current into legacy) on
               the same pair when migra is available, up to --no-migra-above; ratio migra / CLI
  breakdown    time per kind of one capture (per catalog query, via the progress callback) and of
               compare_kind per kind
  --help       `workbench --help` process time (median of 5)

Loaded databases are ANALYZEd before measuring (as autovacuum would soon do; --no-analyze to skip).
Prints a table and writes benchmarks/results/bench_diff.json. With --profile (or automatically
when an in-process target is missed) writes cProfile output to benchmarks/results/profile_scaleN.txt.

Usage:  .venv/bin/python benchmarks/bench_diff.py [--scales 1,10,30] [--repeat 5] [--cli-repeat 3]
                                                  [--migra CMD] [--no-migra-above 10] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workbench import sandbox  # noqa: E402
from workbench.compare import CompareOptions, compare, compare_kind  # noqa: E402
from workbench.kinds import KINDS  # noqa: E402
from workbench.planner import plan, write_plan_dir  # noqa: E402
from workbench.snapshot import capture, open_pair  # noqa: E402

# The targets (reported, never adjusted to fit).
TARGET_IN_PROCESS = {1: 0.15, 10: 0.5}      # seconds, median in-process capture x2 + compare
TARGET_MIGRA_RATIO = {10: 4.0}              # migra seconds / workbench CLI seconds, at least
TARGET_PLAN = {10: 2.0}                     # seconds, plan() at scale 10


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_child(cmd: list[str], stdout=subprocess.DEVNULL, env: dict | None = None) -> tuple[float, int, int, str]:
    """Run one process; (wall seconds, exit code, its own ru_maxrss in KiB, stderr tail).

    os.wait4 gives the rusage of that child only (RUSAGE_CHILDREN would be the maximum over every
    child this script ever waited for: psql, the scenario generator...)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip()[-500:]
    return elapsed, proc.returncode, usage.ru_maxrss, tail


def in_process_once(legacy: str, current: str) -> tuple[float, float, object]:
    """Both snapshots (captured concurrently, as the CLI does) and the comparison."""
    t0 = time.perf_counter()
    a, b = open_pair(legacy, current)
    t1 = time.perf_counter()
    drift = compare(a, b)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, drift


def plan_once(drift, out: Path) -> tuple[float, float, int]:
    """plan(drift) and write_plan_dir (every statement parsed by pglast before it is written)."""
    t0 = time.perf_counter()
    result = plan(drift)
    t1 = time.perf_counter()
    write_plan_dir(result, out, drift)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(result.statements)


def breakdown(legacy: str, current: str) -> dict:
    """Seconds per kind: one capture of each side (query + fetch + frame) and compare_kind."""
    def timed_capture(dsn: str) -> tuple[dict, object]:
        marks: list[tuple[str, float]] = []
        snap = capture(dsn, progress=lambda kind: marks.append((kind, time.perf_counter())))
        end = time.perf_counter()
        return {kind: marks[i + 1][1] - t if i + 1 < len(marks) else end - t
                for i, (kind, t) in enumerate(marks)}, snap

    cap_a, a = timed_capture(legacy)
    cap_b, b = timed_capture(current)
    options = CompareOptions()
    cmp = {}
    for kind in options.selected_kinds():
        t = time.perf_counter()
        frame = compare_kind(KINDS[kind], a.frames[kind], b.frames[kind], options.compared(KINDS[kind]))
        cmp[kind] = time.perf_counter() - t
        cmp[kind + "_rows"] = len(frame)
    return {"capture_legacy": cap_a, "capture_current": cap_b, "compare_kind": cmp}


def profile(legacy: str, current: str, path: Path, top: int = 40) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    in_process_once(legacy, current)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("=== by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write("\n=== by own time ===\n")
    stats.sort_stats("tottime").print_stats(top)
    path.write_text(out.getvalue())


def find_migra(option: str | None) -> list[str] | None:
    if option:
        return shlex.split(option)
    for candidate in (shutil.which("migra"), str(REPO / ".venv" / "bin" / "migra")):
        if candidate and Path(candidate).exists():
            return [candidate]
    return None


def sa_url(server: sandbox.Server, name: str) -> str:
    # sqlbag/schemainspect go through SQLAlchemy 2: the driver must be named
    return f"postgresql+psycopg2://{server.user}@{server.host}:{server.port}/{name}"


def bench_scale(server: sandbox.Server, scale: int, args, workdir: Path, migra: list[str] | None,
                workbench_exe: str, results_dir: Path) -> dict:
    row: dict = {"scale": scale}
    log = lambda text: print(f"  [scale {scale}] {text}", file=sys.stderr, flush=True)  # noqa: E731

    scenario = workdir / f"scale{scale}"
    t = time.perf_counter()
    subprocess.run([sys.executable, str(args.shared / "seedscale.py"), "--scale", str(scale), "--out", str(scenario)],
                   check=True, capture_output=True)
    row["generate_s"] = time.perf_counter() - t
    names = {}
    t = time.perf_counter()
    for side in ("legacy", "current"):
        name = f"bench_s{scale}_{side}"
        server.drop_database(name)
        server.create_database(name)
        server.load(server.dsn(name), scenario / f"{side}.sql")
        names[side] = name
    row["load_s"] = time.perf_counter() - t
    # A database in use has its catalogs analyzed (autovacuum does it within a minute or so of a
    # big load); right after loading, pg_class still has its initdb statistics and some catalog
    # queries get nested-loop plans that are quadratic in the number of schemas. Measure the
    # steady state, and the same state on every run.
    row["analyzed"] = not args.no_analyze
    if not args.no_analyze:
        t = time.perf_counter()
        for name in names.values():
            with server.connect(name) as conn:
                conn.execute("ANALYZE")
        row["analyze_s"] = time.perf_counter() - t
    log(f"scenario generated in {row['generate_s']:.1f}s, loaded in {row['load_s']:.1f}s"
        + (f", analyzed in {row['analyze_s']:.1f}s" if "analyze_s" in row else ", not analyzed"))
    legacy, current = server.dsn(names["legacy"]), server.dsn(names["current"])

    # (a) in-process: warm-up, then the measured runs
    *_, drift = in_process_once(legacy, current)
    row["objects_compared"] = int(sum(len(f) for f in drift.frames.values()))
    row["objects_legacy"] = int(sum(len(f) for f in drift.source.frames.values()))
    row["objects_current"] = int(sum(len(f) for f in drift.target.frames.values()))
    row["summary"] = {k: {s: int(n) for s, n in r.items()} for k, r in drift.summary.to_dict(orient="index").items()}
    row["drift_objects"] = int(drift.summary[["only_in_source", "only_in_target", "changed"]].to_numpy().sum())
    del drift
    runs = [in_process_once(legacy, current)[:2] for _ in range(args.repeat)]
    totals = [sum(r) for r in runs]
    row["in_process_runs_s"] = totals
    row["in_process_s"] = median(totals)
    row["capture_both_s"] = median([r[0] for r in runs])
    row["compare_s"] = median([r[1] for r in runs])
    # planning: plan() and writing the files, median of 3
    *_, drift = in_process_once(legacy, current)
    plans = [plan_once(drift, workdir / f"plan_scale{scale}") for _ in range(3)]
    row["plan_s"] = median([p[0] for p in plans])
    row["plan_write_s"] = median([p[1] for p in plans])
    row["plan_statements"] = plans[0][2]
    del drift
    log(f"plan median {row['plan_s']:.3f}s + write {row['plan_write_s']:.3f}s ({row['plan_statements']} statements)")
    row["s_per_1000_objects"] = row["in_process_s"] / row["objects_compared"] * 1000
    log(f"in-process median {row['in_process_s']:.3f}s ({row['objects_compared']} objects)")

    # (c) peak memory of one in-process run (tracemalloc slows it down: not timed)
    tracemalloc.start()
    in_process_once(legacy, current)
    row["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    row["breakdown"] = breakdown(legacy, current)

    # (b) the CLI as a whole process
    cli = [workbench_exe, "diff", legacy, current, "--format", "json"]
    run_child(cli)                                              # warm-up (page cache, .pyc)
    cli_runs = [run_child(cli) for _ in range(args.cli_repeat)]
    codes = sorted({c for _, c, _, _ in cli_runs})
    row["cli_runs_s"] = [s for s, _, _, _ in cli_runs]
    row["cli_s"] = median(row["cli_runs_s"])
    row["cli_exit_codes"] = codes
    row["cli_maxrss_mb"] = max(r for _, _, r, _ in cli_runs) / 1024
    if codes != [1]:
        row["cli_error"] = cli_runs[0][3]
        log(f"CLI exit codes {codes} (expected 1): {cli_runs[0][3]}")
    log(f"CLI median {row['cli_s']:.3f}s, maxrss {row['cli_maxrss_mb']:.0f} MB")

    # (d) migra on the same pair: FROM current TO legacy
    if migra and scale <= args.no_migra_above:
        cmd = [*migra, "--unsafe", sa_url(server, names["current"]), sa_url(server, names["legacy"])]
        out_path = workdir / f"migra_scale{scale}.sql"
        with out_path.open("wb") as out:                        # warm-up, keeping its output
            _, code, _, tail = run_child(cmd, stdout=out)
        row["migra_exit_code"] = code
        if code not in (0, 2):                                  # migra: 2 = differences found
            row["migra_error"] = tail
            log(f"migra failed (exit {code}): {tail}")
        else:
            text = out_path.read_text(errors="replace")
            row["migra_output_lines"] = text.count("\n")
            row["migra_statements"] = sum(1 for block in text.split(";\n") if block.strip())
            migra_runs = [run_child(cmd) for _ in range(args.migra_repeat)]
            row["migra_runs_s"] = [s for s, _, _, _ in migra_runs]
            row["migra_s"] = median(row["migra_runs_s"])
            row["migra_maxrss_mb"] = max(r for _, _, r, _ in migra_runs) / 1024
            row["migra_ratio"] = row["migra_s"] / row["cli_s"]
            log(f"migra median {row['migra_s']:.3f}s, ratio {row['migra_ratio']:.1f}x")

    target = TARGET_IN_PROCESS.get(scale)
    if args.profile or (target is not None and row["in_process_s"] >= target):
        path = results_dir / f"profile_scale{scale}.txt"
        profile(legacy, current, path)
        row["profile"] = str(path)
        log(f"profile written to {path}")

    for side in ("legacy", "current"):
        server.drop_database(names[side])
    return row


def help_time(workbench_exe: str, n: int = 5) -> float:
    run_child([workbench_exe, "--help"])
    return median([run_child([workbench_exe, "--help"])[0] for _ in range(n)])


def fmt(value, spec: str = ".3f", missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def print_report(rows: list[dict], help_s: float, checks: list[dict]) -> None:
    header = ("scale", "objects", "in-proc s", "capture both", "compare", "plan s", "statements", "CLI s",
              "migra s", "migra/CLI", "tracemalloc MB", "CLI RSS MB", "s/1000 obj")
    lines = [header]
    for r in rows:
        lines.append((str(r["scale"]), str(r["objects_compared"]), fmt(r["in_process_s"]),
                      fmt(r["capture_both_s"]), fmt(r["compare_s"]), fmt(r["plan_s"]), str(r["plan_statements"]),
                      fmt(r["cli_s"]), fmt(r.get("migra_s")),
                      fmt(r.get("migra_ratio"), ".1f") + ("x" if r.get("migra_ratio") else ""),
                      fmt(r["tracemalloc_peak_mb"], ".0f"), fmt(r["cli_maxrss_mb"], ".0f"),
                      fmt(r["s_per_1000_objects"], ".4f")))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  ".join(cell.rjust(w) for cell, w in zip(line, widths)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nworkbench --help: {help_s:.3f}s (median of 5)")
    print("\ntargets:")
    for c in checks:
        print(f"  {'MET   ' if c['met'] else 'MISSED'} {c['what']}: {c['measured']} (target {c['target']})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,30", help="comma-separated scales (default 1,10,30)")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "bench",
                        help="folder holding seedscale.py (default ../shared/bench)")
    parser.add_argument("--repeat", type=int, default=5, help="in-process runs per scale (default 5)")
    parser.add_argument("--cli-repeat", type=int, default=3, help="CLI runs per scale (default 3)")
    parser.add_argument("--migra-repeat", type=int, default=3, help="migra runs per scale (default 3)")
    parser.add_argument("--migra", default=None, help="migra command (default: migra on PATH or .venv/bin/migra)")
    parser.add_argument("--no-migra", action="store_true", help="skip migra")
    parser.add_argument("--no-migra-above", type=int, default=10, help="run migra only up to this scale (default 10)")
    parser.add_argument("--no-analyze", action="store_true",
                        help="measure right after loading, without ANALYZE (catalog statistics of initdb)")
    parser.add_argument("--profile", action="store_true", help="write cProfile output for every scale")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "bench_diff.json")
    args = parser.parse_args()
    args.shared = args.shared.resolve()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if not (args.shared / "seedscale.py").is_file():
        parser.error(f"{args.shared / 'seedscale.py'} not found (use --shared)")

    results_dir = args.output.parent
    results_dir.mkdir(parents=True, exist_ok=True)
    workbench_exe = str(Path(sys.executable).parent / "workbench")
    if not Path(workbench_exe).exists():
        workbench_exe = shutil.which("workbench") or workbench_exe
    migra = None if args.no_migra else find_migra(args.migra)
    print(f"workbench: {workbench_exe}\nmigra: {' '.join(migra) if migra else 'not available'}", file=sys.stderr)

    load_before = os.getloadavg()          # other work on the machine skews every number: say so
    help_s = help_time(workbench_exe)
    rows = []
    started = time.perf_counter()
    with sandbox.start() as server, tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        with server.connect() as conn:
            server_version = conn.execute("SHOW server_version").fetchone()[0]
        for scale in scales:
            rows.append(bench_scale(server, scale, args, Path(tmp), migra, workbench_exe, results_dir))

    checks = []
    for r in rows:
        if r["scale"] in TARGET_IN_PROCESS:
            checks.append({"what": f"in-process scale {r['scale']}", "measured": f"{r['in_process_s']:.3f}s",
                           "target": f"< {TARGET_IN_PROCESS[r['scale']]}s",
                           "met": r["in_process_s"] < TARGET_IN_PROCESS[r["scale"]]})
        if r["scale"] in TARGET_PLAN:
            checks.append({"what": f"plan scale {r['scale']}", "measured": f"{r['plan_s']:.3f}s",
                           "target": f"< {TARGET_PLAN[r['scale']]}s", "met": r["plan_s"] < TARGET_PLAN[r["scale"]]})
        if r["scale"] in TARGET_MIGRA_RATIO and r.get("migra_ratio") is not None:
            checks.append({"what": f"migra/CLI scale {r['scale']}", "measured": f"{r['migra_ratio']:.1f}x",
                           "target": f">= {TARGET_MIGRA_RATIO[r['scale']]}x",
                           "met": r["migra_ratio"] >= TARGET_MIGRA_RATIO[r["scale"]]})
    load_after = os.getloadavg()
    print_report(rows, help_s, checks)
    print(f"\nload average (1, 5, 15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs")

    result = {
        "benchmark": "bench_diff", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "postgresql": server_version,
                    "loadavg_before": load_before, "loadavg_after": load_after},
        "settings": {"analyze": not args.no_analyze, "repeat": args.repeat, "cli_repeat": args.cli_repeat, "migra_repeat": args.migra_repeat,
                     "migra": " ".join(migra) if migra else None, "no_migra_above": args.no_migra_above},
        "help_s": help_s, "scales": rows, "targets": checks, "wall_s": time.perf_counter() - started,
    }
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nwrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
