"""Indexes on partitioned tables, end to end through the CLI: each partition's index is created
and attached to the parent's (the parent is created ON ONLY and becomes valid when every
partition's index is attached), verify passes, and diff compares the attachment. The corpus
cases tests/cases/indexes_partition*/ show the plans with the pg_dump oracle."""
from __future__ import annotations

import json

import psycopg

from conftest import workbench_cli
from oracle import schema_of

PARTITIONED = """CREATE TABLE ev (id int NOT NULL, ts timestamptz NOT NULL) PARTITION BY RANGE (ts);
CREATE TABLE ev_default PARTITION OF ev DEFAULT;"""
REPRODUCTION = PARTITIONED + " CREATE INDEX ev_id_idx ON ev (id);"


def _invalid_and_unattached(dsn: str) -> tuple[list, list]:
    with psycopg.connect(dsn) as conn:
        invalid = conn.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid").fetchall()
        unattached = conn.execute(
            "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_class ic ON ic.oid = i.indexrelid WHERE t.relispartition AND NOT ic.relispartition").fetchall()
    return invalid, unattached


def _migrate(source: str, target: str, out, *extra: str) -> dict:
    planned = workbench_cli("plan", source, target, "--out", str(out), *extra)
    assert planned.returncode == 0, planned.stderr
    applied = workbench_cli("apply", str(out), target)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    return json.loads((out / "plan.json").read_text())


def test_reproduction_gives_valid_attached_indexes(make_db, tmp_path):
    source, target = make_db(REPRODUCTION), make_db()
    plan = _migrate(source, target, tmp_path / "plan")
    assert [s["sql"] for s in plan["statements"] if s["kind"] == "indexes"] == [
        "CREATE INDEX ev_id_idx ON ONLY public.ev USING btree (id)",
        "CREATE INDEX ev_default_id_idx ON public.ev_default USING btree (id)",
        "ALTER INDEX public.ev_id_idx ATTACH PARTITION public.ev_default_id_idx"]
    assert _invalid_and_unattached(target) == ([], [])
    verified = workbench_cli("verify", source, target)
    assert verified.returncode == 0, verified.stdout
    assert schema_of(target) == schema_of(source)


def test_diff_reports_an_unattached_partition_index_and_the_plan_attaches_it(make_db, tmp_path):
    """After another tool's migration: the parent index made ON ONLY, the partition's index never
    attached (the parent is invalid). diff shows it; the plan is one ATTACH PARTITION."""
    source = make_db(REPRODUCTION)
    target = make_db(PARTITIONED + """ CREATE INDEX ev_id_idx ON ONLY ev (id);
        CREATE INDEX ev_default_id_idx ON ev_default (id);""")
    diff = workbench_cli("diff", source, target, "--format", "json")
    assert diff.returncode == 1
    changed = [o for o in json.loads(diff.stdout)["objects"] if o["kind"] == "indexes"]
    assert [(o["identity"]["name"], o["status"], o["differences"]) for o in changed] == [
        ("ev_default_id_idx", "changed", ["attached_to"])]
    plan = _migrate(source, target, tmp_path / "plan")
    assert [s["sql"] for s in plan["statements"]] == ["ALTER INDEX public.ev_id_idx ATTACH PARTITION public.ev_default_id_idx"]
    assert _invalid_and_unattached(target) == ([], [])
    assert workbench_cli("verify", source, target).returncode == 0
