"""Shared by the chart, explorer, notebook and report tests: the seedscale scale-1 pair captured
once per test process (captures cost about a second each), and its after-migration database."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from conftest import load_file
from workbench.compare import Drift, compare
from workbench.snapshot import Snapshot, capture


@lru_cache(maxsize=None)
def _snapshot(dsn: str) -> Snapshot:
    return capture(dsn)


def seedscale_drift(pair: dict) -> Drift:
    """legacy (source) compared with current (target)."""
    return compare(_snapshot(pair["legacy"]), _snapshot(pair["current"]))


def expected(seedscale_dir: Path) -> dict:
    return json.loads((seedscale_dir / "expected.json").read_text())


_after_dsns: dict[tuple[int, str], str] = {}


def after_dsn(pg, seedscale_dir: Path) -> str:
    """A database loaded with after.sql (current as a correct add-only migration leaves it), made
    once per test process on the session's server; like seedscale_pair, do not modify it."""
    key = (pg.port, str(seedscale_dir))
    if key not in _after_dsns:
        name = "seedscale_after"
        pg.drop_database(name)
        pg.create_database(name)
        load_file(pg.dsn(name), seedscale_dir / "after.sql")
        _after_dsns[key] = pg.dsn(name)
    return _after_dsns[key]


def after_snapshot(pg, seedscale_dir: Path) -> Snapshot:
    return _snapshot(after_dsn(pg, seedscale_dir))
