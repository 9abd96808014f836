"""The planner: staged SQL that turns the target into the source, traps resolved, every statement
parsed, identifiers quoted, hazards flagged. Stage files are run with psql, one by one. The
plan-shape tests (what SQL a schema change becomes) are cases of the corpus in tests/cases/."""
from __future__ import annotations

import json

import pytest

from planner_helpers import copy_database, run_stage_files
from workbench.compare import compare
from workbench.errors import WorkbenchError
from workbench.planner import STAGE_NAMES, Plan, PlanOptions, Statement, plan, write_plan_dir
from workbench.snapshot import capture


def plan_dir_for(source_dsn, target_dsn, out, **options):
    drift = compare(capture(source_dsn), capture(target_dsn))
    result = plan(drift, PlanOptions(**options))
    write_plan_dir(result, out, drift)
    return result, drift


def test_seedscale_plan_runs_stage_by_stage_with_psql(pg, seedscale_pair, seedscale_dir, tmp_path):
    expected = json.loads((seedscale_dir / "expected.json").read_text())
    result, drift = plan_dir_for(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path)
    # the planner's files (schema_comparison_report.txt is pipeline.write_plan's: the core renders no text)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{s}.sql" for s in STAGE_NAMES] + ["plan.json", "schema_migration.sql", "schema_differences.json"])
    target = copy_database(pg, seedscale_pair["current"])
    run_stage_files(tmp_path, target)
    after = compare(capture(seedscale_pair["legacy"]), capture(target))
    assert after.summary[["only_in_source", "changed"]].to_numpy().sum() == 0, after.objects(("only_in_source", "changed"))[:5]
    counts = capture(target).counts
    assert {k: counts[k] for k in expected["counts"]["current_after"]} == expected["counts"]["current_after"]
    # current's own objects survive an add-only plan
    assert after.summary["only_in_target"].to_dict() == drift.summary["only_in_target"].to_dict()


def test_seedscale_traps_are_in_plan_json(seedscale_pair, tmp_path):
    plan_dir_for(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path)
    data = json.loads((tmp_path / "plan.json").read_text())
    traps = {(t["trap"], t["identity"]["name"]): t for t in data["traps"]}
    assert set(traps) == {("unique_constraint_over_existing_index", "unique_wishlist_item"),
                          ("constraint_over_retyped_column", "profiles_role_not_banned")}
    statements = data["statements"]
    using_index = [s for s in statements if s["identity"].get("name") == "unique_wishlist_item"]
    assert [s["sql"] for s in using_index] == [
        "ALTER TABLE public.wishlist_items ADD CONSTRAINT unique_wishlist_item UNIQUE USING INDEX unique_wishlist_item"]
    role = [s for s in statements if s["kind"] == "columns" and s["identity"] == {"schema": "public", "table": "profiles", "name": "role"}]
    assert [(s["stage"], s["sql"]) for s in role] == [
        ("stage03_columns", "ALTER TABLE public.profiles ALTER COLUMN role DROP DEFAULT"),
        ("stage03_columns", "ALTER TABLE public.profiles ALTER COLUMN role TYPE public.user_role_simple USING role::public.user_role_simple"),
        ("stage03_columns", "ALTER TABLE public.profiles ALTER COLUMN role SET DEFAULT 'customer'::public.user_role_simple"),
    ]
    check = [s for s in statements if s["identity"].get("name") == "profiles_role_not_banned"]
    assert check[0]["stage"] == "stage08_constraints"
    assert "table_rewrite" in role[1]["hazards"]


def test_seedscale_allow_drops_gives_empty_rediff_both_ways(pg, seedscale_pair, tmp_path):
    plan_dir_for(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path, allow_drops=True, concurrently=True,
                 not_valid=True)
    target = copy_database(pg, seedscale_pair["current"])
    run_stage_files(tmp_path, target)
    legacy, after = capture(seedscale_pair["legacy"]), capture(target)
    assert not compare(legacy, after).has_drift
    assert not compare(after, legacy).has_drift


def test_dollar_quoted_bodies_survive_unchanged(seedscale_pair, tmp_path):
    plan_dir_for(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path)
    text = (tmp_path / "stage04_functions.sql").read_text()
    source = capture(seedscale_pair["legacy"])["functions"].set_index("name")
    body = source.loc["agi_log_row_change", "body"]
    assert "PERFORM $q$SELECT 1; SELECT 2;$q$;" in body and body.rstrip().endswith("END;")
    assert body in text
    assert text.count("CREATE OR REPLACE FUNCTION") + text.count("CREATE OR REPLACE PROCEDURE") == 89 + 2


def test_concurrent_indexes_are_non_transactional(make_db, tmp_path):
    source = make_db("CREATE TABLE t (a int); CREATE INDEX t_a ON t (a)")
    target = make_db("CREATE TABLE t (a int)")
    result, _ = plan_dir_for(source, target, tmp_path, concurrently=True)
    [index] = result.statements
    assert index.sql == "CREATE INDEX CONCURRENTLY t_a ON public.t (a)"      # deparsed by pglast: btree is the default
    assert not index.transactional and "non_transactional" in index.hazards
    assert index.rehearsal_sql == "CREATE INDEX t_a ON public.t USING btree (a)"
    assert "BEGIN;" not in (tmp_path / "stage07_indexes.sql").read_text()
    assert "this stage is empty" in (tmp_path / "stage10_drops.sql").read_text()


def test_a_statement_that_does_not_parse_is_never_written(tmp_path):
    bad = Plan([Statement("stage02_tables", "tables", {"schema": "public", "name": "t"}, "create",
                          "CREATE TABLE t (a int", id="x")], {}, {}, "f", {})
    with pytest.raises(WorkbenchError, match="does not parse"):
        write_plan_dir(bad, tmp_path)
    assert not (tmp_path / "plan.json").exists()


def test_plan_cli_writes_files(seedscale_pair, tmp_path):
    from conftest import workbench_cli

    result = workbench_cli("plan", seedscale_pair["legacy"], seedscale_pair["current"], "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "  unique_constraint_over_existing_index: 1 (constraints public.wishlist_items.unique_wishlist_item)" \
        in result.stdout.splitlines()
    assert (tmp_path / "schema_comparison_report.txt").read_text().startswith("source: postgresql://")
    data = json.loads((tmp_path / "plan.json").read_text())
    assert data["format"] == "drift-workbench/plan" and data["target_fingerprint"] == capture(seedscale_pair["current"]).fingerprint
    assert [s["name"] for s in data["stages"]] == STAGE_NAMES


def test_added_identity_continues_after_existing_values(make_db, tmp_path):
    source = make_db('CREATE TABLE "T t" ("Id" int GENERATED BY DEFAULT AS IDENTITY, v text)')
    target = make_db('CREATE TABLE "T t" ("Id" int, v text); INSERT INTO "T t" VALUES (1, \'a\'), (7, \'b\')')
    plan_dir_for(source, target, tmp_path)
    run_stage_files(tmp_path, target)
    assert not compare(capture(source), capture(target)).has_drift
    import psycopg
    with psycopg.connect(target) as conn:
        assert conn.execute('INSERT INTO "T t" (v) VALUES (\'c\') RETURNING "Id"').fetchone()[0] == 8
