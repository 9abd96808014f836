"""Kinds added to the registry for pg_dump parity, beyond their corpus cases (tests/cases/<kind>_*):
snapshot files and stores captured before a kind existed stay readable, and say what they lack."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import workbench_cli
from workbench.catalog.fetch import fingerprint
from workbench.census import Census
from workbench.snapshot import Snapshot, capture

SCHEMA = """CREATE TABLE t (a int, b int);
CREATE STATISTICS t_ab ON a, b FROM t;
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE CAST (mood AS text) WITH INOUT;"""
# the kinds this file's old snapshots were captured without
NEW = ("extended_statistics", "casts")


def older_file(snapshot: Snapshot, path: Path, without: tuple[str, ...] = NEW) -> Path:
    """The snapshot as a workbench from before `without` were kinds would have written it: neither
    in kinds nor in captured_kinds, its fingerprint over what it holds."""
    data = json.loads(snapshot.save(path).read_text())
    for kind in without:
        del data["kinds"][kind]
        data["captured_kinds"].remove(kind)
    tables = {kind: (body["columns"], body["rows"]) for kind, body in data["kinds"].items()}
    data["fingerprint"] = fingerprint(tables, Census.from_dict(data["census"]))
    path.write_text(json.dumps(data))
    return path


def test_a_snapshot_file_from_before_a_kind_loads_and_diff_names_what_it_lacks(make_db, tmp_path):
    dsn = make_db(SCHEMA)
    old = older_file(capture(dsn), tmp_path / "old.json")
    loaded = Snapshot.load(old)
    assert not set(NEW) & set(loaded.frames) and "tables" in loaded.frames
    result = workbench_cli("diff", str(old), dsn)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: the source")
    assert "holds no casts, extended_statistics: capture it again" in result.stderr and "--skip-kind casts" in result.stderr
    skipped = workbench_cli("diff", str(old), dsn, "--skip-kind", "extended_statistics", "--skip-kind", "casts")
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr


def test_a_store_with_captures_from_before_a_kind_keeps_its_history(make_db, tmp_path):
    dsn = make_db(SCHEMA)
    store = tmp_path / "store"
    old = older_file(capture(dsn), tmp_path / "old.json")
    assert workbench_cli("snapshot", str(old), "--store", str(store), "--label", "before").returncode == 0
    assert workbench_cli("snapshot", dsn, "--store", str(store), "--label", "after").returncode == 0
    history = workbench_cli("history", str(store), "--format", "json")
    assert history.returncode == 0, history.stderr
    steps = json.loads(history.stdout)["steps"]
    # the fingerprint changed (the new kinds are read now), the schema did not: nothing appeared
    assert len(steps) == 1 and steps[0]["changes"] == [], steps
