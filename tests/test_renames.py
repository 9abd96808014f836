"""Rename candidates (workbench/renames.py) and renames planned as ALTER ... RENAME: a column, a
table, an index and a function renamed between source and target are listed as candidates, and
with --rename (or --accept-renames) the plan renames them: the rows stay and the re-diff is empty."""
from __future__ import annotations

import json

import psycopg
import pytest

from conftest import workbench_cli
from workbench.apply import apply
from workbench.compare import compare
from workbench.errors import WorkbenchError
from workbench.planner import PlanOptions, plan, write_plan_dir
from workbench.snapshot import capture

BASE = """
CREATE TABLE public.keep (id int PRIMARY KEY, {col} text NOT NULL DEFAULT 'x', n int);
CREATE INDEX {idx} ON public.keep (n);
CREATE TABLE public.{table} (id int PRIMARY KEY, label text);
CREATE FUNCTION public.{fn}(a int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + 1';
CREATE VIEW public.v AS SELECT id, {col} FROM public.keep;
"""
SOURCE = BASE.format(col="full_name", idx="keep_n_idx", table="customers", fn="plus_one")
TARGET = BASE.format(col="fullname", idx="keep_n_index", table="clients", fn="add_one") + """
INSERT INTO public.keep SELECT g, 'name ' || g, g FROM generate_series(1, 50) g;
INSERT INTO public.clients SELECT g, 'c' || g FROM generate_series(1, 7) g;
"""


@pytest.fixture
def pair(make_db):
    return make_db(SOURCE), make_db(TARGET)


def _specs(drift):
    return {c.spec: c for c in drift.rename_candidates}


def test_candidates_are_listed_scored_in_diff_json_and_table(pair):
    source, target = pair
    drift = compare(capture(source), capture(target))
    found = _specs(drift)
    assert set(found) >= {"columns:public.keep.fullname=public.keep.full_name",
                          "tables:public.clients=public.customers",
                          "indexes:public.keep.keep_n_index=public.keep.keep_n_idx",
                          "functions:public.add_one(integer)=public.plus_one(integer)"}, found
    assert all(0.5 <= c.score <= 1.0 and not c.ambiguous for c in found.values())
    # the constraint backing an index is one candidate (the PK of the renamed table moves with it)
    assert not any(c.kind == "indexes" and "pkey" in c.spec for c in found.values())
    diff = workbench_cli("diff", source, target, "--format", "json")
    assert diff.returncode == 1, diff.stderr
    listed = {c["spec"] for c in json.loads(diff.stdout)["rename_candidates"]}
    assert listed == set(found)
    table = workbench_cli("diff", source, target)
    assert "rename candidates" in table.stdout
    assert "public.keep.fullname -> public.keep.full_name" in table.stdout


def test_renames_keep_the_data_and_the_rediff_is_empty(pair, tmp_path):
    source, target = pair
    out = tmp_path / "plan"
    result = workbench_cli("plan", source, target, "--out", str(out), "--allow-drops",
                           "--rename", "columns:public.keep.fullname=public.keep.full_name",
                           "--rename", "functions:public.add_one(integer)=public.plus_one(integer)",
                           "--accept-renames")
    assert result.returncode == 0, result.stderr
    data = json.loads((out / "plan.json").read_text())
    renames = {r["spec"] for r in data["renames"]}
    assert "tables:public.clients=public.customers" in renames and len(renames) >= 4, renames
    sql = [s["sql"] for s in data["statements"]]
    assert "ALTER TABLE public.keep RENAME COLUMN fullname TO full_name" in sql
    assert "ALTER TABLE public.clients RENAME TO customers" in sql
    assert not any(s["action"] == "drop" and s["kind"] in ("tables", "columns") for s in data["statements"]), sql
    applied = apply(out, target)
    assert applied.exit_code == 0, applied.log["stages"]
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT count(*), min(full_name) FROM public.keep").fetchone() == (50, "name 1")
        assert conn.execute("SELECT count(*) FROM public.customers").fetchone() == (7,)
        assert conn.execute("SELECT public.plus_one(1)").fetchone() == (2,)
    after = compare(capture(source), capture(target))
    assert not after.has_drift, after.objects()[:5]


def test_a_rename_that_collides_is_refused(make_db, tmp_path):
    source = make_db("CREATE TABLE t (a int, b int); CREATE TABLE u (x int); CREATE TABLE w (y int);")
    target = make_db("CREATE TABLE t (a int, c int); CREATE TABLE old_u (x int); CREATE TABLE old_w (y int);")
    drift = compare(capture(source), capture(target))
    with pytest.raises(WorkbenchError, match="already has public.t.a, the rename would collide"):
        plan(drift, PlanOptions(renames=("columns:public.t.c=a",)))
    with pytest.raises(WorkbenchError, match="the target has no column public.t.zz"):
        plan(drift, PlanOptions(renames=("columns:public.t.zz=b",)))
    result = workbench_cli("plan", "--print", source, target, "--rename", "tables:public.old_u=u")
    assert result.returncode == 0, result.stderr
    assert "ALTER TABLE public.old_u RENAME TO u" in result.stdout
    assert "renamed tables public.old_u -> public.u" in result.stderr
    # a target-only sequence holding the new name: the rename is refused (without a rename, planning
    # refuses too: the new table w needs the sequence's name, see test_validate's name collisions)
    sequenced = compare(capture(source), capture(make_db("CREATE TABLE t (a int, c int); CREATE TABLE old_u (x int);"
                                                         "CREATE TABLE old_w (y int); CREATE SEQUENCE w;")))
    with pytest.raises(WorkbenchError, match="refused: the target already has a sequence of that name"):
        plan(sequenced, PlanOptions(renames=("tables:public.old_w=w",)))
    bad = workbench_cli("plan", "--print", source, target, "--rename", "columns:public.t.c")
    assert bad.returncode == 2 and bad.stderr.startswith("error: --rename columns:public.t.c: expected KIND:OLD=NEW")
    ok = plan(drift, PlanOptions(renames=("columns:public.t.c=b",)))
    assert [s.sql for s in ok.statements if s.kind == "columns"] == ["ALTER TABLE public.t RENAME COLUMN c TO b"]
    write_plan_dir(ok, tmp_path / "p", drift)


def test_candidates_in_the_report_and_the_explorer(pair):
    from workbench.present import drift_report, explorer

    drift = compare(*map(capture, pair))
    frame = drift_report.renames_frame(drift)
    assert ("columns", "public.keep.fullname", "public.keep.full_name") in set(
        zip(frame["kind"], frame["target (old name)"], frame["source (new name)"]))
    detail = explorer.detail_html(drift, "columns", ("public", "keep", "fullname"))
    assert "may be renamed to <b>public.keep.full_name</b>" in detail
