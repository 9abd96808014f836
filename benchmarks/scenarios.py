"""The seedscale legacy/current pairs the benchmarks measure, one per scale (a helper, not a benchmark).

`pairs(scales, ...)` yields (scale, legacy DSN, current DSN) for each scale:
generated with the package's generator (workbench.scenarios.seedscale), loaded into an embedded
PostgreSQL 18 (workbench.sandbox) and ANALYZEd, as a database in use is (autovacuum analyzes the
catalogs soon after a big load; right after it, pg_class still has initdb's statistics and some
plans differ). Loading scale 100 takes minutes: `--reuse URL` points the benchmarks at a server that
already holds databases named s<scale>_legacy / s<scale>_current (made by a previous
`python benchmarks/scenarios.py --load URL --scales 1,10,30,100`), and nothing is loaded then.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, NamedTuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


class Pair(NamedTuple):
    scale: int
    legacy: str
    current: str


def database_names(scale: int) -> dict[str, str]:
    return {side: f"s{scale}_{side}" for side in ("legacy", "current")}


def with_database(url: str, name: str) -> str:
    """url (postgresql://user@host:port[/db]) with its database replaced by name."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    params["dbname"] = name
    return make_conninfo(**params)


def psql_load(dsn: str, path: Path) -> None:
    """Load a .sql file with the embedded build's psql (ON_ERROR_STOP)."""
    import subprocess

    from workbench.sandbox import binaries_dir

    subprocess.run([str(binaries_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", str(path)],
                   check=True, capture_output=True)


def load(server, scale: int, work: Path) -> Pair:
    """Generate the scale's scenario and load both sides as s<scale>_legacy / s<scale>_current on
    server (a sandbox.Server or ShadowServer)."""
    import psycopg

    from workbench.demo import write_scenario

    scenario = write_scenario(work / f"scale{scale}", scale)
    dsns = {}
    for side, name in database_names(scale).items():
        server.drop_database(name)
        server.create_database(name)
        psql_load(server.dsn(name), scenario / f"{side}.sql")
        with psycopg.connect(server.dsn(name), autocommit=True) as conn:
            conn.execute("ANALYZE")
        dsns[side] = server.dsn(name)
    return Pair(scale, dsns["legacy"], dsns["current"])


def reused(url: str, scale: int) -> Pair:
    """The pair of a scale on a server loaded beforehand."""
    names = database_names(scale)
    return Pair(scale, with_database(url, names["legacy"]), with_database(url, names["current"]))


@contextlib.contextmanager
def pairs(scales: list[int], reuse: str | None = None,
          log=lambda text: print(text, file=sys.stderr, flush=True)) -> Iterator[Iterator[Pair]]:
    """The pairs of `scales`, one at a time (each scale's databases are dropped after its turn when
    this loaded them: scale 100 is two databases of about 1 GB)."""
    if reuse:
        yield (reused(reuse, scale) for scale in scales)
        return
    from workbench import sandbox

    with sandbox.start() as server, tempfile.TemporaryDirectory(prefix="bench-scenarios-") as tmp:
        def each() -> Iterator[Pair]:
            for scale in scales:
                started = time.perf_counter()
                pair = load(server, scale, Path(tmp))
                log(f"  [scale {scale}] generated, loaded and analyzed in {time.perf_counter() - started:.1f}s")
                yield pair
                for name in database_names(scale).values():
                    server.drop_database(name)

        yield each()


def main() -> int:
    parser = argparse.ArgumentParser(description="load the benchmark pairs into a running server (for --reuse)")
    parser.add_argument("--load", required=True, metavar="URL", help="server to load into (its superuser)")
    parser.add_argument("--scales", default="1,10,30,100")
    args = parser.parse_args()
    from workbench.sandbox import ShadowServer

    server = ShadowServer(args.load)
    with tempfile.TemporaryDirectory(prefix="bench-scenarios-") as tmp:
        for scale in (int(s) for s in args.scales.split(",") if s.strip()):
            started = time.perf_counter()
            load(server, scale, Path(tmp))
            print(f"scale {scale}: loaded in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
