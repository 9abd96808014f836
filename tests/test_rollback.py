"""A way back (workbench/rollback.py): apply keeps the target's schema before its first stage
(snapshot and pg_dump -s), and `plan` writes rollback/, the planner run from the after-state back to
the target. seedscale scale 1: apply, then apply rollback/: the target's fingerprint is the one it
had before, and its pg_dump -s equals the backup."""
from __future__ import annotations

import json
import subprocess

from conftest import workbench_cli
from planner_helpers import copy_database
from workbench import sandbox
from workbench.apply import apply
from workbench.rollback import comparable_dump, reversed_specs
from workbench.snapshot import capture


def _dump(dsn: str) -> str:
    return subprocess.run([str(sandbox.binaries_dir() / "pg_dump"), "-s", "-d", dsn], capture_output=True, text=True,
                          check=True).stdout


def test_seedscale_apply_then_rollback_restores_the_schema(pg, seedscale_pair, tmp_path):
    target = copy_database(pg, seedscale_pair["current"])
    out = tmp_path / "plan"
    planned = workbench_cli("plan", seedscale_pair["legacy"], target, "--out", str(out))
    assert planned.returncode == 0, planned.stderr
    back = json.loads((out / "rollback" / "plan.json").read_text())
    forward = json.loads((out / "plan.json").read_text())
    assert back["rollback_of"]["target_fingerprint"] == forward["target_fingerprint"]
    assert back["statements"] and any(s["action"] == "drop" for s in back["statements"])
    assert any("data_loss" in s["hazards"] for s in back["statements"])      # added columns go again
    before = capture(target).fingerprint

    applied = apply(out, target)
    assert applied.exit_code == 0, [s for s in applied.log["stages"] if s["status"] != "applied"]
    backup = out / applied.log["backup"]["dir"]
    assert (backup / "snapshot.json").exists() and applied.log["backup"]["schema_sql"] == "schema.sql"
    assert capture(target).fingerprint != before

    undone = apply(out / "rollback", target)
    assert undone.exit_code == 0, [(e["id"], e["message"]) for e in undone.log["statements"] if e["status"] == "failed"]
    assert undone.log["fingerprint_check"] in ("matches_plan", "matches_forward_apply")
    assert capture(target).fingerprint == before
    assert comparable_dump(_dump(target)) == comparable_dump((backup / "schema.sql").read_text())


def test_rollback_of_renames_renames_back(make_db, tmp_path):
    source = make_db("CREATE TABLE customers (id int PRIMARY KEY, full_name text);")
    before_sql = "CREATE TABLE clients (id int PRIMARY KEY, fullname text); INSERT INTO clients VALUES (1, 'a');"
    target = make_db(before_sql)
    out = tmp_path / "plan"
    planned = workbench_cli("plan", source, target, "--out", str(out), "--rename", "tables:public.clients=customers",
                            "--rename", "columns:public.customers.fullname=full_name", "--accept-renames")
    assert planned.returncode == 0, planned.stderr
    forward = json.loads((out / "plan.json").read_text())
    assert set(reversed_specs(forward["renames"])) == {
        "tables:public.customers=public.clients", "columns:public.clients.full_name=public.clients.fullname",
        "constraints:public.clients.customers_pkey=public.clients.clients_pkey"}     # the key: a candidate, accepted
    before = capture(target).fingerprint
    assert apply(out, target).exit_code == 0
    undone = apply(out / "rollback", target)
    assert undone.exit_code == 0, undone.log["statements"]
    assert capture(target).fingerprint == before
    import psycopg

    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT fullname FROM public.clients").fetchall() == [("a",)]

    # a target the plan was never applied to is not taken "back": its fingerprint is not the after-state's
    refused = workbench_cli("apply", str(out / "rollback"), make_db(before_sql))
    assert refused.returncode == 2 and refused.stderr.startswith("error: target") and refused.stderr.count("\n") == 1
    from workbench.present.migration_plan import prepare, way_back_html

    shown = way_back_html(prepare(plan_dir=str(out)))
    assert "Way back:" in shown and "rollback" in shown and "Backups of the schema before apply" in shown


def test_the_way_back_planned_ahead_is_the_one_planned_after(seedscale_pair):
    """`plan --out` plans the way back in a forked child while it plans forward (rollback.
    plan_back_ahead, from the options alone): the same statements, in the same order, and the same
    rollback_of as the way back planned from the forward plan, with and without --allow-drops."""
    from workbench.compare import compare
    from workbench.planner import PlanOptions, plan
    from workbench.rollback import plan_back, plan_back_ahead
    from workbench.sides import open_pair

    drift = compare(*open_pair(seedscale_pair["legacy"], seedscale_pair["current"], fingerprints=True))
    for options in (PlanOptions(), PlanOptions(allow_drops=True, with_privileges=True)):
        forward = plan(drift, options, "2026-01-01T00:00:00+00:00")
        after, after_drift = plan_back(drift, forward)
        ahead = plan_back_ahead(drift, options, forward.created_at)
        assert ahead is not None
        assert ahead[0].statements == after.statements                      # dataclasses: every field
        assert after.statements and ahead[0].rollback_of == after.rollback_of
        assert ahead[0].options == after.options and ahead[1].to_json() == after_drift.to_json()
    assert plan_back_ahead(drift, PlanOptions(accept_renames=True), "now") is None      # renames: after, not ahead
