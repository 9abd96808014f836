#!/usr/bin/env python3
"""Workbench beside migra, pg-delta and `pg_dump -s`, in one run, one table (a script, not a test).

For each scale (default 1, 10, 30; `--big` adds 100) the seedscale pair is loaded (benchmarks/
scenarios.py: embedded PostgreSQL 18, ANALYZEd; `--reuse URL` for a server loaded beforehand) and
each tool runs as a whole process, as a user runs it (median of --repeat runs after one warm-up;
one run and no warm-up at scale 30 and above), with its peak memory (ru_maxrss of that process,
from os.wait4):

  pg_dump -s     both sides dumped at once (two processes): the floor, reading both schemas
  wb snapshot    `workbench snapshot LEGACY -o FILE` (one side)
  wb diff        `workbench diff LEGACY CURRENT --format json`
  wb plan        `workbench plan LEGACY CURRENT --out DIR --no-validate` (the planning: the issue's target)
  wb plan -rb    the same with --no-rollback (the way back, rollback/, left out: what it costs)
  wb plan+valid  `workbench plan LEGACY CURRENT --out DIR`, the default: the plan validated on a shadow
                 (another embedded server, the plan applied there; up to --validate-up-to, default 10)
  wb report      `workbench report LEGACY CURRENT --no-validate --out DIR` (up to --report-up-to, default 10;
                 a report validates the plan it makes by default: that costs what `wb plan+valid` adds)
  wb rehearse    the same with `--rehearse` (the plan run on CURRENT and rolled back)
  migra          `migra --unsafe CURRENT LEGACY` (the `bench` extra: pip install -e '.[bench]')
  pg-delta       `pgdelta diff --source CURRENT --desired LEGACY` (npm @supabase/pg-delta, through
                 npx, when node is installed; --no-pg-delta to leave it out)

Objects: every catalog row of both snapshots (the rows of every kind); `ms/1000` is a tool's
time per 1000 of them, the cost that should stay flat across scales. `cpu s` is the user + system
time of the tool's own process (and of the processes it waited for): on a loaded machine the wall
time stretches with the load, the CPU time much less, and it does not count the server's work. `x diff` is a tool's time
over `workbench diff`'s in the same run (migra 4.0x means migra takes four times as long);
`marginal` is the cost per 1000 objects above scale 1's (time minus scale 1's, over the objects
added): the fixed cost of a process (interpreter, imports, two backends' cold caches) weighs on
scale 1's ms/1000 and on no other, the marginal cost shows how the work itself grows. The
machine's load average is printed beside every scale: on a shared machine compare ratios within
one run, not times across runs.

Prints one table (and, with --markdown, the same run as the README's table) and writes
benchmarks/results/bench_tools.json.

Usage:  .venv/bin/python benchmarks/bench_tools.py [--scales 1,10,30] [--big] [--repeat 3]
            [--reuse postgresql://postgres@127.0.0.1:PORT] [--no-migra] [--no-pg-delta] [--markdown]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from scenarios import pairs  # noqa: E402

PG_DELTA = "@supabase/pg-delta@1.0.0-alpha.34"
TOOLS = ("pg_dump -s", "wb snapshot", "wb diff", "wb plan", "wb plan -rb", "wb plan+valid", "wb report", "wb rehearse",
         "migra", "pg-delta")
# The targets (reported, never adjusted to fit).
TARGET_MIGRA_RATIO = {1: 2.0, 10: 4.0}
TARGET_PLAN = {100: (15.0, 700.0)}          # seconds, MB
TARGET_REPORT = {10: 10.0}
TARGET_REHEARSE = {10: 15.0}


def run(cmd: list[str], env: dict | None = None) -> tuple[float, int, float, str, float]:
    """One process: (wall seconds, exit code, its peak RSS in MB, stderr tail, CPU seconds)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        err.seek(0)
        tail = err.read().decode(errors="replace").strip()[-400:]
    return (elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, tail,
            usage.ru_utime + usage.ru_stime)


def run_together(cmds: list[list[str]]) -> tuple[float, int, float, str, float]:
    """Several processes at once: wall time until the last ends, the worst exit code, the largest
    RSS, the CPU time of all."""
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
             for cmd in cmds]
    codes, peaks, tails, cpu = [], [], [], 0.0
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        codes.append(os.waitstatus_to_exitcode(status))
        peaks.append(usage.ru_maxrss / 1024)
        cpu += usage.ru_utime + usage.ru_stime
        tails.append(proc.stderr.read().decode(errors="replace").strip()[-200:])
        proc.stderr.close()
    return time.perf_counter() - started, max(codes, key=abs), max(peaks), " | ".join(t for t in tails if t), cpu


def measure(cmd_or_cmds, repeat: int, warm: bool, ok_codes: tuple[int, ...], together: bool = False) -> dict:
    once = (lambda: run_together(cmd_or_cmds)) if together else (lambda: run(cmd_or_cmds))
    if warm:
        once()
    runs = [once() for _ in range(repeat)]
    bad = [r for r in runs if r[1] not in ok_codes]
    result = {"s": statistics.median(r[0] for r in runs), "runs_s": [round(r[0], 3) for r in runs],
              "mb": max(r[2] for r in runs), "exit_codes": sorted({r[1] for r in runs}),
              "cpu_s": statistics.median(r[4] for r in runs)}
    if bad:
        result["error"] = bad[0][3]
    return result


def psycopg2_url(dsn: str) -> str:
    """migra (sqlbag over SQLAlchemy 2) needs the driver named: postgresql+psycopg2://..."""
    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(dsn)
    return f"postgresql+psycopg2://{p.get('user', 'postgres')}@{p.get('host', '127.0.0.1')}:{p.get('port', 5432)}/{p['dbname']}"


def url(dsn: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    p = conninfo_to_dict(dsn)
    return f"postgresql://{p.get('user', 'postgres')}@{p.get('host', '127.0.0.1')}:{p.get('port', 5432)}/{p['dbname']}"


def find_pg_delta(enabled: bool) -> list[str] | None:
    if not enabled or not shutil.which("npx") or not shutil.which("node"):
        return None
    probe = subprocess.run(["npx", "-y", "-p", PG_DELTA, "pgdelta", "--help"], capture_output=True, text=True,
                           timeout=600)
    return ["npx", "-y", "-p", PG_DELTA, "pgdelta"] if probe.returncode == 0 and "diff" in probe.stdout else None


def objects_of(legacy: str, current: str) -> int:
    """Catalog rows of both snapshots (every kind): the size the per-1000 cost divides by."""
    from workbench.catalog.fetch import fetch

    return sum(len(rows) for dsn in (legacy, current) for _, rows in fetch(dsn).tables.values())


def bench_scale(pair, args, work: Path, workbench: str, migra: list[str] | None, pg_delta: list[str] | None) -> dict:
    scale = pair.scale
    big = scale >= 30
    repeat, warm = (1, False) if big else (args.repeat, True)
    load_before = os.getloadavg()
    row: dict = {"scale": scale, "objects": objects_of(pair.legacy, pair.current), "repeat": repeat}
    log = lambda text: print(f"  [scale {scale}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    from workbench.sandbox import binaries_dir

    pg_dump = str(binaries_dir() / "pg_dump")
    tools: dict[str, dict] = {}
    tools["pg_dump -s"] = measure([[pg_dump, "-s", "-d", url(pair.legacy), "-f", os.devnull],
                                   [pg_dump, "-s", "-d", url(pair.current), "-f", os.devnull]], repeat, warm, (0,),
                                  together=True)
    tools["wb snapshot"] = measure([workbench, "snapshot", pair.legacy, "-o", str(work / "legacy.json")], repeat, warm, (0,))
    tools["wb diff"] = measure([workbench, "diff", pair.legacy, pair.current, "--format", "json"], repeat, warm, (1,))
    tools["wb plan"] = measure([workbench, "plan", pair.legacy, pair.current, "--out", str(work / f"plan{scale}"),
                                "--no-validate"],                    # validation: benchmarks/bench_validate.py
                               repeat, warm, (0,))
    tools["wb plan -rb"] = measure([workbench, "plan", pair.legacy, pair.current, "--out", str(work / f"planrb{scale}"),
                                    "--no-validate", "--no-rollback"], repeat, warm, (0,))
    if scale <= args.validate_up_to:
        tools["wb plan+valid"] = measure([workbench, "plan", pair.legacy, pair.current, "--out",
                                          str(work / f"planv{scale}")], repeat, warm, (0,))
    if scale <= args.report_up_to:
        # --no-validate: the report's own work (its target); what validation adds is `wb plan+valid`'s
        tools["wb report"] = measure([workbench, "report", pair.legacy, pair.current, "--no-validate",
                                      "--out", str(work / f"report{scale}")], repeat, warm, (0,))
        tools["wb rehearse"] = measure([workbench, "report", pair.legacy, pair.current, "--rehearse", "--no-validate",
                                        "--out", str(work / f"rehearse{scale}")], repeat, warm, (0,))
    if migra and scale <= args.migra_up_to:
        tools["migra"] = measure([*migra, "--unsafe", psycopg2_url(pair.current), psycopg2_url(pair.legacy)],
                                 repeat, warm, (0, 2))                     # migra: 2 = differences found
    if pg_delta and scale <= args.pg_delta_up_to:
        tools["pg-delta"] = measure([*pg_delta, "diff", "--source", url(pair.current), "--desired", url(pair.legacy)],
                                    repeat, warm, (0, 1, 2))
    if "wb plan+valid" in tools:
        tools["wb plan+valid"]["validation_s"] = tools["wb plan+valid"]["s"] - tools["wb plan"]["s"]
    diff_s = tools["wb diff"]["s"]
    for name, result in tools.items():
        result["ms_per_1000"] = result["s"] * 1000 / row["objects"] * 1000
        result["x_diff"] = result["s"] / diff_s
        log(f"{name}: {result['s']:.2f}s, {result['mb']:.0f} MB, {result['cpu_s']:.2f} cpu s"
            + (f"  ERROR {result['error']}" if "error" in result else ""))
    row["tools"] = tools
    row["load_before"], row["load_after"] = load_before, os.getloadavg()
    return row


def print_table(rows: list[dict]) -> list[str]:
    header = ("scale", "objects", "tool", "seconds", "cpu s", "peak MB", "ms/1000 obj", "marginal", "x wb diff",
              "load 1 min")
    lines = [header]
    add_marginal(rows)
    for row in rows:
        for name in TOOLS:
            r = row["tools"].get(name)
            if r is None:
                continue
            lines.append((str(row["scale"]), str(row["objects"]), name, f"{r['s']:.2f}", f"{r['cpu_s']:.2f}", f"{r['mb']:.0f}",
                          f"{r['ms_per_1000']:.1f}", f"{r['marginal_ms_per_1000']:.1f}" if "marginal_ms_per_1000" in r else "-",
                          f"{r['x_diff']:.2f}x" + (" ERROR" if "error" in r else ""),
                          f"{row['load_before'][0]:.1f}-{row['load_after'][0]:.1f}"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  ".join(cell.ljust(w) if j == 2 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    verdicts = []
    for row in rows:
        tools, scale = row["tools"], row["scale"]
        if scale in TARGET_MIGRA_RATIO and "migra" in tools:
            ratio = tools["migra"]["x_diff"]
            verdicts.append(f"scale {scale}: migra / workbench diff {ratio:.1f}x (target >= {TARGET_MIGRA_RATIO[scale]:g}x): "
                            + ("met" if ratio >= TARGET_MIGRA_RATIO[scale] else "NOT MET"))
        if scale in TARGET_PLAN:
            s, mb = TARGET_PLAN[scale]
            for name in ("wb plan", "wb plan -rb"):
                plan = tools[name]
                what = "plan" if name == "wb plan" else "plan --no-rollback"
                verdicts.append(f"scale {scale}: {what} {plan['s']:.1f}s, {plan['cpu_s']:.1f} cpu s (target < {s:g}s): "
                                + ("met" if plan["s"] < s else "NOT MET"))
                verdicts.append(f"scale {scale}: {what} peak {plan['mb']:.0f} MB (target < {mb:g} MB): "
                                + ("met" if plan["mb"] < mb else "NOT MET"))
        if "wb plan+valid" in tools:
            verdicts.append(f"scale {scale}: shadow validation adds {tools['wb plan+valid']['validation_s']:.1f}s to plan "
                            f"({tools['wb plan+valid']['s']:.1f}s validated, {tools['wb plan']['s']:.1f}s not)")
        for name, targets, what in (("wb report", TARGET_REPORT, "report"), ("wb rehearse", TARGET_REHEARSE,
                                                                              "report --rehearse")):
            if scale in targets and name in tools:
                seconds = tools[name]["s"]
                verdicts.append(f"scale {scale}: {what} {seconds:.1f}s (target < {targets[scale]:g}s): "
                                + ("met" if seconds < targets[scale] else "NOT MET"))
    for name in ("wb diff", "wb plan"):
        for lowest, key, what in ((1, "ms_per_1000", "ms/1000 objects"), (10, "ms_per_1000", "ms/1000 objects"),
                                  (10, "marginal_ms_per_1000", "marginal ms/1000 objects (above scale 1)")):
            found = [(row["scale"], row["tools"][name][key]) for row in rows
                     if row["scale"] >= lowest and key in row["tools"].get(name, {})]
            if len(found) > 1:
                costs = [cost for _, cost in found]
                spread = max(costs) / min(costs)
                verdicts.append(f"{name} {what}, scales {'/'.join(str(s) for s, _ in found)}: "
                                f"{', '.join(f'{c:.1f}' for c in costs)} (spread {spread:.2f}x, target within 1.5x): "
                                + ("met" if spread <= 1.5 else "NOT MET"))
    print()
    for line in verdicts:
        print(line)
    return verdicts


def add_marginal(rows: list[dict]) -> None:
    """Each tool's cost per 1000 objects above scale 1's, where the run has scale 1 (see the docstring)."""
    base = next((row for row in rows if row["scale"] == 1), None)
    if base is None:
        return
    for row in rows:
        added = row["objects"] - base["objects"]
        for name, result in row["tools"].items():
            if added > 0 and name in base["tools"]:
                result["marginal_ms_per_1000"] = (result["s"] - base["tools"][name]["s"]) * 1000 / added * 1000


def markdown_table(rows: list[dict]) -> str:
    """The run as one Markdown table, a scale per row: each tool's `seconds (peak MB)`, the ratios
    to `workbench diff`, diff and plan per 1000 objects, the load average before and after."""
    shown = [name for name in TOOLS if any(name in row["tools"] for row in rows)]
    head = (["scale", "objects"] + [f"`{name}` s (MB)" for name in shown]
            + ["migra / diff", "pg-delta / diff", "diff / plan ms per 1000 objects", "diff / plan marginal",
               "load (1 min)"])
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---:"] * (len(head) - 3) + [":---"] * 3) + " |"]
    for row in rows:
        tools = row["tools"]
        cells = [str(row["scale"]), f"{row['objects']:,}"]
        cells += [f"{tools[n]['s']:.2f} ({tools[n]['mb']:.0f})" if n in tools else "-" for n in shown]
        cells += [f"{tools[n]['x_diff']:.1f}x" if n in tools else "-" for n in ("migra", "pg-delta")]
        cells.append(" / ".join(f"{tools[n]['ms_per_1000']:.0f}" if n in tools else "-" for n in ("wb diff", "wb plan")))
        cells.append(" / ".join(f"{tools[n]['marginal_ms_per_1000']:.0f}" if "marginal_ms_per_1000" in tools.get(n, {})
                                else "-" for n in ("wb diff", "wb plan")))
        cells.append(f"{row['load_before'][0]:.1f}-{row['load_after'][0]:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    cpu = [name for name in ("wb diff", "wb plan", "wb plan -rb", "wb report", "wb rehearse", "migra") if name in shown]
    lines += ["", "| scale | " + " | ".join(f"`{name}` cpu s" for name in cpu) + " |",
              "| ---: | " + " | ".join("---:" for _ in cpu) + " |"]
    for row in rows:
        lines.append(f"| {row['scale']} | " + " | ".join(f"{row['tools'][n]['cpu_s']:.2f}" if n in row["tools"] else "-"
                                                        for n in cpu) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,30")
    parser.add_argument("--big", action="store_true", help="add scale 100")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool below scale 30 (default 3)")
    parser.add_argument("--reuse", default=None, metavar="URL",
                        help="a server already holding s<scale>_legacy/_current (benchmarks/scenarios.py --load)")
    parser.add_argument("--no-migra", action="store_true")
    parser.add_argument("--migra-up-to", type=int, default=30, help="largest scale migra runs at (default 30)")
    parser.add_argument("--no-pg-delta", action="store_true")
    parser.add_argument("--pg-delta-up-to", type=int, default=30)
    parser.add_argument("--report-up-to", type=int, default=10, help="largest scale `workbench report` runs at")
    parser.add_argument("--validate-up-to", type=int, default=10,
                        help="largest scale the default (validated) `workbench plan` runs at")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "bench_tools.json")
    parser.add_argument("--markdown", action="store_true", help="also print the run as the README's table")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()] + ([100] if args.big else [])

    workbench = str(Path(sys.executable).parent / "workbench")
    migra_exe = shutil.which("migra") or str(Path(sys.executable).parent / "migra")
    migra = None if args.no_migra or not Path(migra_exe).exists() else [migra_exe]
    pg_delta = find_pg_delta(not args.no_pg_delta)
    print(f"migra: {' '.join(migra) if migra else 'not installed (pip install -e .[bench])'}; "
          f"pg-delta: {' '.join(pg_delta) if pg_delta else 'not available (needs node and npx)'}", file=sys.stderr)
    started = time.perf_counter()
    rows = []
    with pairs(scales, args.reuse) as each, tempfile.TemporaryDirectory(prefix="bench-tools-") as tmp:
        for pair in each:
            rows.append(bench_scale(pair, args, Path(tmp), workbench, migra, pg_delta))
    verdicts = print_table(rows)
    if args.markdown:
        print()
        print(markdown_table(rows))
    with_load = [f"{r['load_before'][0]:.1f}" for r in rows]
    print(f"\nload average (1 min) at the start of each scale: {', '.join(with_load)} on {os.cpu_count()} CPUs")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "benchmark": "bench_tools", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "tools": {"migra": " ".join(migra) if migra else None, "pg_delta": PG_DELTA if pg_delta else None},
        "scales": rows, "verdicts": verdicts, "wall_s": time.perf_counter() - started}, indent=1) + "\n")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
