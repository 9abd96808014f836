#!/usr/bin/env python3
"""Benchmark of each kind's catalog query across scales: is every one linear? (a script, not a test)

For each scale (default 1, 10, 30, 100) it loads the seedscale pair (benchmarks/scenarios.py) and
runs every kind's catalog query (workbench/catalog/<kind>.sql) on both sides the way a capture does
(REPEATABLE READ READ ONLY, search_path emptied), median of --repeat runs, and counts its rows.

  growth     between two consecutive scales, a query's time ratio over the schema's size ratio (all
             kinds' rows): 1.0 is linear.
             Above --max-growth (default 1.5) the output says FAIL in capitals, with the kind and
             the numbers. Queries under --floor-ms (default 5 ms) at the smaller scale are not
             judged: their fixed cost hides any curve.
  explain    at every scale, EXPLAIN (ANALYZE, FORMAT JSON) of each query on the legacy side. A
             scan of pg_depend, pg_description, pg_attribute, pg_namespace (or another catalog)
             that runs once per row of an outer input is fine while each execution reads the same
             few rows (a lookup by oid); when the rows per execution grow with the schema (a
             catalog read whole, or by a prefix of its index, per row: a correlated scan), the
             query is quadratic: FAIL when they grow more than --max-growth times from one scale to
             the next, with the scans that ran in loops. This does not depend on the machine's
             load, the times do. --explain-out DIR keeps every plan as text.

Prints one table (ms per kind per scale, ms per 1000 rows, growth) and writes
benchmarks/results/bench_catalog.json. Exit code 1 when a FAIL line was printed.

Usage:  .venv/bin/python benchmarks/bench_catalog.py [--scales 1,10,30,100] [--repeat 3]
                                                     [--reuse postgresql://postgres@127.0.0.1:PORT]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from scenarios import pairs  # noqa: E402

from workbench.kinds import KINDS  # noqa: E402

CATALOG_TABLES = ("pg_depend", "pg_description", "pg_attribute", "pg_class", "pg_proc", "pg_constraint",
                  "pg_index", "pg_type", "pg_namespace", "pg_rewrite", "pg_trigger", "pg_attrdef", "pg_sequence")


def session(dsn: str):
    """A connection in the state catalog.fetch reads in: one REPEATABLE READ READ ONLY transaction,
    search_path emptied."""
    import psycopg

    conn = psycopg.connect(dsn)
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    conn.execute("SELECT set_config('search_path', '', true)")
    return conn


def time_kinds(dsn: str, repeat: int) -> dict[str, dict]:
    """Seconds (median of repeat) and rows of every kind's query on one database."""
    out: dict[str, dict] = {}
    with session(dsn) as conn:
        cursor = conn.cursor()
        for kind in KINDS.values():
            sql = kind.sql
            times, rows = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                cursor.execute(sql)
                rows = len(cursor.fetchall())
                times.append(time.perf_counter() - started)
            out[kind.name] = {"s": statistics.median(times), "rows": rows}
    return out


def plan_nodes(node: dict) -> list[dict]:
    found = [node]
    for child in node.get("Plans", []):
        found += plan_nodes(child)
    return found


def rows_touched(plan: dict) -> dict[str, float]:
    """Rows each catalog's scans went through, over all their loops (EXPLAIN ANALYZE counts rows
    per loop): loops x (rows returned + rows removed by a filter or a recheck). The same query on a
    schema k times larger should touch about k times as many rows; a scan inside a loop over
    another catalog's rows (a correlated subquery, a nested loop on stale statistics) grows with
    the product of the two, whatever the machine's load."""
    touched: dict[str, float] = {}
    for node in plan_nodes(plan["Plan"]):
        relation = node.get("Relation Name")
        if relation in CATALOG_TABLES:
            per_loop = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                        + node.get("Rows Removed by Index Recheck", 0))
            touched[relation] = touched.get(relation, 0) + node.get("Actual Loops", 0) * per_loop
    return touched


LOOPS = 8          # more executions than parallel workers: a scan repeated per row of an outer input


def per_loop(plan: dict) -> dict[str, float]:
    """Per catalog, the most rows one execution of a scan inside a loop goes through (rows returned
    + rows filtered out). A lookup by key (an oid) stays at a row or so whatever the schema's
    size; a scan correlated to an outer row (a catalog read whole, or by a prefix of its index,
    per row) goes through more rows per execution as the schema grows, so its total is quadratic."""
    found: dict[str, float] = {}
    for node in plan_nodes(plan["Plan"]):
        relation = node.get("Relation Name")
        if relation in CATALOG_TABLES and node.get("Actual Loops", 0) > LOOPS:
            rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
            found[relation] = max(found.get(relation, 0.0), rows)
    return found


def loop_scans(plan: dict) -> list[str]:
    """The scans of a catalog that run more than once (for the FAIL line: where the rows went)."""
    found = []
    for node in plan_nodes(plan["Plan"]):
        if node.get("Relation Name") in CATALOG_TABLES and node.get("Actual Loops", 0) > LOOPS:
            filtered = node.get("Rows Removed by Filter", 0)
            found.append(f"{node['Node Type']} on {node['Relation Name']} x{node['Actual Loops']} loops"
                         + (f", {filtered:.0f} rows filtered per loop" if filtered else "")
                         + (f" ({node['Index Cond']})" if node.get("Index Cond") else ""))
    return found


def explain_kinds(dsn: str, keep: Path | None, scale: int) -> dict[str, dict]:
    """Per kind, from EXPLAIN ANALYZE: catalog rows touched, rows per execution of the scans inside
    loops, and those scans."""
    out = {}
    with session(dsn) as conn:
        for kind in KINDS.values():
            sql = kind.sql.strip().rstrip(";")
            plan = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql).fetchone()[0][0]
            out[kind.name] = {"touched": rows_touched(plan), "per_loop": per_loop(plan), "loops": loop_scans(plan)}
            if keep:
                text = "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql))
                (keep / f"scale{scale}_{kind.name}.txt").write_text(text + "\n")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,30,100")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", default=None, metavar="URL",
                        help="a server already holding s<scale>_legacy/_current (benchmarks/scenarios.py --load)")
    parser.add_argument("--max-growth", type=float, default=1.5,
                        help="time ratio over row ratio between consecutive scales above which a query FAILs")
    parser.add_argument("--floor-ms", type=float, default=5.0, help="queries faster than this are not judged")
    parser.add_argument("--min-per-loop", type=float, default=10,
                        help="rows per execution of a scan in a loop below which its growth is not judged")
    parser.add_argument("--max-time-growth", type=float, default=2.0,
                        help="the same for times (noisier on a shared machine than rows touched)")
    parser.add_argument("--explain-out", type=Path, default=None, help="keep each EXPLAIN ANALYZE here")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "bench_catalog.json")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    if args.explain_out:
        args.explain_out.mkdir(parents=True, exist_ok=True)

    load_before = os.getloadavg()
    results: dict[int, dict] = {}
    explained: dict[int, dict] = {}
    size: dict[int, int] = {}
    with pairs(scales, args.reuse) as each:
        for pair in each:
            sides = {side: time_kinds(dsn, args.repeat) for side, dsn in (("legacy", pair.legacy), ("current", pair.current))}
            results[pair.scale] = {kind: {"s": sides["legacy"][kind]["s"] + sides["current"][kind]["s"],
                                          "rows": sides["legacy"][kind]["rows"] + sides["current"][kind]["rows"]}
                                   for kind in KINDS}
            total = sum(v["s"] for v in results[pair.scale].values())
            print(f"  [scale {pair.scale}] every query on both sides: {total:.2f}s", file=sys.stderr, flush=True)
            size[pair.scale] = sum(v["rows"] for v in results[pair.scale].values())
            explained[pair.scale] = explain_kinds(pair.legacy, args.explain_out, pair.scale)
    load_after = os.getloadavg()

    failures: list[str] = []
    growth: dict[str, dict[str, float]] = {kind: {} for kind in KINDS}
    for kind in KINDS:
        for small, big in zip(scales, scales[1:]):
            grown = size[big] / size[small]                  # the schema's size: every kind's rows
            a, b = results[small][kind], results[big][kind]
            if a["s"] * 1000 >= args.floor_ms:
                ratio = (b["s"] / a["s"]) / grown
                growth[kind][f"{small}->{big}"] = ratio
                if ratio > args.max_time_growth:
                    failures.append(f"FAIL: {kind} takes longer faster than linear from scale {small} to {big}: "
                                    f"time x{b['s'] / a['s']:.1f} for a schema x{grown:.1f} "
                                    f"({a['s'] * 1000:.0f} ms -> {b['s'] * 1000:.0f} ms)")
            # a lookup per row is fine while each one reads the same few rows at every scale; when
            # each reads more rows as the schema grows, the loop is quadratic
            before, after = explained[small][kind]["per_loop"], explained[big][kind]["per_loop"]
            for relation, rows in after.items():
                # judged where the smaller scale ran it in a loop too (with fewer rows than LOOPS a loop
                # is not one yet: types reads pg_type once per schema)
                if relation in before and rows > args.min_per_loop and rows > args.max_growth * max(before[relation], 1):
                    failures.append(f"FAIL: {kind} reads {relation} per row: {rows:.0f} rows per execution at scale {big}, "
                                    f"{before.get(relation, 0):.0f} at scale {small}; "
                                    f"scans in loops: {'; '.join(explained[big][kind]['loops'])}")

    header = ["kind"] + [f"ms @{s}" for s in scales] + [f"rows @{scales[-1]}", f"ms/1000 rows @{scales[-1]}"] + \
             [f"growth {a}->{b}" for a, b in zip(scales, scales[1:])]
    lines = [header]
    for kind in KINDS:
        last = results[scales[-1]][kind]
        lines.append([kind] + [f"{results[s][kind]['s'] * 1000:.1f}" for s in scales]
                     + [str(last["rows"]), f"{last['s'] * 1e6 / max(last['rows'], 1):.2f}"]
                     + [f"{growth[kind][f'{a}->{b}']:.2f}" if f"{a}->{b}" in growth[kind] else "-"
                        for a, b in zip(scales, scales[1:])])
    lines.append(["total"] + [f"{sum(v['s'] for v in results[s].values()) * 1000:.1f}" for s in scales]
                 + [str(sum(v["rows"] for v in results[scales[-1]].values())), ""] + [""] * (len(scales) - 1))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for i, line in enumerate(lines):
        print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(line, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\n(ms: both sides, median of {args.repeat}; growth: time ratio / schema size ratio between scales, "
          f"1.0 = linear; schema size (rows of every kind): {', '.join(f'{size[s]} @{s}' for s in scales)})")
    print(f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"after {' '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} CPUs")
    if failures:
        print()
        for line in failures:
            print(line)
    else:
        print(f"\nOK: no catalog scan in a loop reads more rows per execution as the schema grows, no query's time "
              f"grows more than {args.max_time_growth}x faster than the schema")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "benchmark": "bench_catalog", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "loadavg_before": load_before, "loadavg_after": load_after},
        "settings": {"scales": scales, "repeat": args.repeat, "max_growth": args.max_growth, "floor_ms": args.floor_ms},
        "results": {str(s): r for s, r in results.items()}, "growth": growth,
        "explain": {str(s): e for s, e in explained.items()},
        "failures": failures}, indent=1) + "\n")
    print(f"wrote {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
