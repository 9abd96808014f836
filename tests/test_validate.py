"""Shadow validation (workbench.validate), measured locks (workbench.locks) and rehearsals on a copy
(workbench.copies), against the session's embedded PostgreSQL: it is the shadow server here too
(a Server passed as `shadow`), so no test starts a server of its own except the CLI one."""
from __future__ import annotations

import dataclasses
import json

import psycopg
import pytest

from conftest import run_sql, workbench_cli
from test_apply import make_plan, query, statement
from workbench.apply import apply
from workbench.errors import WorkbenchError
from workbench.pipeline import write_plan
from workbench.present.migration_plan import header_html, prepare, way_back_html
from workbench.rollback import plan_back
from workbench.present.proof import locks_frame
from workbench.present.text import apply_summary
from workbench.compare import CompareOptions, compare
from workbench.planner import PlanOptions, plan, write_plan_dir
from workbench.sides import open_pair
from workbench.snapshot import capture
from workbench.validate import recorded, validate

TARGET = """
CREATE TABLE public.items (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.orders (id integer PRIMARY KEY, item_id integer, qty integer);
INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 50) g;
"""
SOURCE = """
CREATE TABLE public.items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2));
CREATE TABLE public.orders (id integer PRIMARY KEY, item_id integer REFERENCES public.items, qty integer);
CREATE INDEX orders_item ON public.orders (item_id);
CREATE VIEW public.priced AS SELECT id, name, price FROM public.items;
"""


@pytest.fixture
def small_pair(make_db):
    return make_db(SOURCE), make_db(TARGET)


def _planned(source: str, target: str, out, edit=None, rollback=False):
    """plan SOURCE TARGET into out (the Plan changed by `edit` first: a wrong statement injected),
    with its way back (rollback/, as `workbench plan --out` writes it) when `rollback`."""
    drift = compare(*open_pair(source, target, fingerprints=True))
    made = plan(drift)
    if edit is not None:
        made = dataclasses.replace(made, statements=[edit(s) for s in made.statements])
    if rollback:
        write_plan(made, out, drift, target)
    else:
        write_plan_dir(made, out)
    return drift


def test_a_plan_that_converges_is_recorded_with_its_locks(pg, small_pair, tmp_path):
    source, target = small_pair
    before = capture(target).fingerprint
    drift = _planned(source, target, tmp_path / "plan")
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "converged", result["message"]
    assert result["build"]["method"] == "pg_dump" and result["build"]["faithful"] and result["left_out"] == []
    assert result["fingerprint_check"] == "matches_plan"          # the shadow was the target's schema exactly
    assert recorded(tmp_path / "plan") == result                    # plan.json holds it
    statements = json.loads((tmp_path / "plan" / "plan.json").read_text())["statements"]
    assert set(result["statement_locks"]) == {s["id"] for s in statements}     # every statement measured
    index = next(s for s in statements if s["kind"] == "indexes")
    assert {"relation": "public.orders", "mode": "ShareLock"} in result["statement_locks"][index["id"]]["locks"]
    assert capture(target).fingerprint == before                  # the target was never touched


def test_an_injected_wrong_statement_is_caught_and_named(pg, small_pair, tmp_path):
    source, target = small_pair

    def wrong(s):       # the price column "added" to the wrong table: it runs nowhere but the shadow says so
        if s.kind == "columns" and s.identity.get("name") == "price":
            return dataclasses.replace(s, sql=s.sql.replace("public.items", "public.nowhere"))
        return s

    drift = _planned(source, target, tmp_path / "plan", wrong)
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "failed"
    first = result["failed"][0]
    assert first["id"].endswith("items.price") and first["sqlstate"] == "42P01" and "nowhere" in first["sql"]
    assert "stage03_columns statement" in result["message"] and "items.price" in result["message"]
    with pytest.raises(WorkbenchError, match="failed its shadow validation"):     # not applied: the shadow said why
        apply(tmp_path / "plan", target)
    assert query(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'price'")[0][0] == 0
    header = header_html(prepare(plan_dir=str(tmp_path / "plan")))
    assert "Shadow validation: failed" in header and "nowhere" in header


def test_a_statement_that_runs_but_does_not_converge_is_residual_drift(pg, small_pair, tmp_path):
    source, target = small_pair

    def wrong(s):
        if s.kind == "columns" and s.identity.get("name") == "price":
            return dataclasses.replace(s, sql=s.sql.replace("numeric(10,2)", "bigint"))
        return s

    drift = _planned(source, target, tmp_path / "plan", wrong)
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "diverged" and result["failed"] == []
    assert {(o["kind"], o["identity"]["name"]) for o in result["residual"]} >= {("columns", "price")}


def test_a_snapshot_target_is_built_by_the_planner(pg, small_pair, tmp_path):
    source, target = small_pair
    capture(target).save(tmp_path / "target.json")
    drift = _planned(source, str(tmp_path / "target.json"), tmp_path / "plan")
    result = validate(tmp_path / "plan", drift.source, str(tmp_path / "target.json"), drift.target, drift.options,
                      shadow=pg)
    assert result["build"]["method"] == "snapshot" and "snapshot" in result["build"]["note"]
    assert result["status"] == "converged", result["message"]


def test_the_seedscale_plan_validates_on_the_shadow(pg, seedscale_pair, tmp_path):
    """Every statement's locks measured, none stronger than its hazards. (The seedscale way back is
    applied for real in test_rollback.py; its shadow validation is shown on a small pair here.)"""
    drift = _planned(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path / "plan")
    result = validate(tmp_path / "plan", drift.source, seedscale_pair["current"], drift.target, drift.options,
                      shadow=pg)
    assert result["status"] == "converged", result["message"]
    assert result["build"]["faithful"] and result["residual_count"] == 0
    assert result["locks"]["measured"] >= len(json.loads((tmp_path / "plan" / "plan.json").read_text())["statements"])
    assert result["locks"]["defects"] == 0, result["locks"]["by_operation"]
    assert not (tmp_path / "plan" / "backup").exists()         # the shadow is no target: no backup of it


def test_the_way_back_is_validated_on_the_same_shadow(pg, small_pair, tmp_path):
    """After the forward plan ran on the shadow (the after-state), rollback/ runs there and the
    shadow is compared with the target as it was; recorded in both plan.json files and shown."""
    source, target = small_pair
    drift = _planned(source, target, tmp_path / "plan", rollback=True)
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "converged", result["message"]
    back = recorded(tmp_path / "plan" / "rollback")
    assert back["status"] == "converged" and back["residual_count"] == 0, back["message"]
    assert "matched the target as it was" in back["message"]
    back_statements = json.loads((tmp_path / "plan" / "rollback" / "plan.json").read_text())["statements"]
    assert {s["action"] for s in back_statements} >= {"drop"}
    assert set(back["statement_locks"]) == {s["id"] for s in back_statements} and back["locks"]["defects"] == 0
    entry = json.loads((tmp_path / "plan" / "plan.json").read_text())["rollback"]["validation"]
    assert entry["status"] == "converged" and entry["message"] == back["message"]
    shown = way_back_html(prepare(plan_dir=str(tmp_path / "plan")))
    assert "Validated on the shadow: converged" in shown


def test_a_way_back_that_fails_is_named_and_shown(pg, small_pair, tmp_path):
    source, target = small_pair
    drift = compare(*open_pair(source, target, fingerprints=True))
    made = plan(drift)
    write_plan(made, tmp_path / "plan", drift, target)
    back, _ = plan_back(drift, made)

    def wrong(s):       # the way back drops the price column of a table that is not there
        if s.kind == "columns" and s.identity.get("name") == "price":
            return dataclasses.replace(s, sql=s.sql.replace("public.items", "public.nowhere"))
        return s

    write_plan_dir(dataclasses.replace(back, statements=[wrong(s) for s in back.statements]), tmp_path / "plan" / "rollback")
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "converged", result["message"]          # the forward plan is fine
    way_back = recorded(tmp_path / "plan" / "rollback")
    assert way_back["status"] == "failed" and way_back["failed"][0]["sqlstate"] == "42P01"
    assert way_back["failed"][0]["id"].endswith("items.price") and "nowhere" in way_back["failed"][0]["sql"]
    shown = way_back_html(prepare(plan_dir=str(tmp_path / "plan")))
    assert "Way back:" in shown and "Validated on the shadow: failed" in shown and "nowhere" in shown
    with pytest.raises(WorkbenchError, match="failed its shadow validation"):     # not applied as it is
        apply(tmp_path / "plan" / "rollback", target)


def test_the_cli_plan_validates_unless_told_not_to(small_pair, tmp_path):
    source, target = small_pair
    result = workbench_cli("plan", source, target, "--out", str(tmp_path / "plan"), "--validate")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("shadow validation:"))
    assert "converged" in line, line
    assert recorded(tmp_path / "plan")["status"] == "converged"
    assert "way back (rollback/) on the shadow: converged" in result.stdout       # proven on the same shadow
    skipped = workbench_cli("plan", source, target, "--out", str(tmp_path / "plan2"), "--no-validate")
    assert skipped.returncode == 0 and recorded(tmp_path / "plan2") is None
    assert "shadow validation" not in skipped.stdout


# --- measured locks ---------------------------------------------------------------------------
def test_every_statement_of_the_seedscale_rehearsal_has_its_locks(seedscale_pair, tmp_path):
    _planned(seedscale_pair["legacy"], seedscale_pair["current"], tmp_path / "plan")
    log = apply(tmp_path / "plan", seedscale_pair["current"], rehearse=True).log
    ran = [entry for entry in log["statements"] if entry["status"] == "ok"]
    assert len(ran) == len(log["statements"]) > 1000
    assert all(isinstance(entry["locks"], list) and entry["predicted_lock"] for entry in ran)
    assert log["locks"]["measured"] == len(ran)
    # the hazard table says what PostgreSQL does: no statement locks more than its hazards admit
    assert log["locks"]["defects"] == 0, log["locks"]["by_operation"]


def test_a_wrong_predicted_hazard_shows_as_a_planner_defect(make_db, tmp_path):
    target = make_db("CREATE TABLE public.t (id integer, v integer)")
    index = statement("stage07_indexes", "indexes", "t_v", "CREATE INDEX t_v ON public.t (v)",
                      hazards=("blocks_writes",))
    plan_dir = make_plan(target, [index], tmp_path / "plan")
    right = apply(plan_dir, target, rehearse=True).log["statements"][0]
    assert right["locks"] == [{"relation": "public.t", "mode": "ShareLock"}] and right["lock_defects"] == []
    data = json.loads((plan_dir / "plan.json").read_text())
    data["statements"][0]["hazards"] = []                    # the prediction made wrong on purpose
    (plan_dir / "plan.json").write_text(json.dumps(data))
    log = apply(plan_dir, target, rehearse=True).log
    wrong = log["statements"][0]
    assert wrong["predicted_lock"] == "ShareUpdateExclusiveLock"
    assert wrong["lock_defects"] == [{"relation": "public.t", "mode": "ShareLock"}]
    assert log["locks"]["defects"] == 1 and log["locks"]["stronger_than_predicted"][0]["id"] == index.id
    assert log["locks"]["by_operation"][0]["measured"] == "ShareLock"
    frame = locks_frame(log["statements"])
    assert frame.loc[0, "stronger than predicted"] == "public.t ShareLock"
    assert "planner defect" in apply_summary(log) and "1 x create indexes: ShareLock measured" in apply_summary(log)


def test_without_the_temp_privilege_the_locks_are_diffed_in_python(pg, make_db, tmp_path):
    """The server-side diff keeps the locks seen in a temporary table; a user who may not make one
    (no TEMP privilege on the database) gets the same readings diffed in Python."""
    from workbench.locks import LockMeter

    owner = make_db("CREATE TABLE public.t (id integer, v integer)")
    database = owner.rsplit("/", 1)[1]
    with psycopg.connect(owner, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'wb_no_temp'").fetchone():
            conn.execute("CREATE ROLE wb_no_temp LOGIN")
        conn.execute(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
        conn.execute("ALTER TABLE public.t OWNER TO wb_no_temp")
        conn.execute("GRANT CREATE ON SCHEMA public TO wb_no_temp")
    target = owner.replace("://postgres@", "://wb_no_temp@") if "://postgres@" in owner else \
        psycopg.conninfo.make_conninfo(owner, user="wb_no_temp")
    with psycopg.connect(target, autocommit=True) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == "wb_no_temp"
        assert not LockMeter(conn).server_side
    index = statement("stage07_indexes", "indexes", "t_v", "CREATE INDEX t_v ON public.t (v)",
                      hazards=("blocks_writes",))
    add = statement("stage03_columns", "columns", "w", "ALTER TABLE public.t ADD COLUMN w integer",
                    hazards=("access_exclusive_lock",))
    log = apply(make_plan(target, [add, index], tmp_path / "plan"), target, rehearse=True).log
    assert log["status"] == "rehearsed", [(e["id"], e.get("message")) for e in log["statements"]]
    assert [entry["locks"] for entry in log["statements"]] == [
        [{"relation": "public.t", "mode": "AccessExclusiveLock"}], [{"relation": "public.t", "mode": "ShareLock"}]]
    assert log["locks"]["measured"] == 2 and log["locks"]["defects"] == 0


# --- rehearsal on a copy ----------------------------------------------------------------------
def test_rehearse_on_copy_leaves_the_target_untouched(pg, small_pair, tmp_path):
    source, target = small_pair
    _planned(source, target, tmp_path / "plan")
    before = capture(target).fingerprint
    database = psycopg.conninfo.conninfo_to_dict(target)["dbname"] if "=" in target else target.rsplit("/", 1)[1]
    result = workbench_cli("apply", str(tmp_path / "plan"), target, "--rehearse", "--on-copy")
    assert result.returncode == 0, result.stderr
    assert "a copy of" in result.stdout and "locks measured after" in result.stdout
    log = json.loads((tmp_path / "plan" / "rehearsal_log.json").read_text())
    copy = log["on_copy"]["copy"]
    assert log["status"] == "rehearsed" and log["target"]["database"] == copy != database
    assert log["locks"]["measured"] == len(log["statements"])          # the locks were taken on the copy
    with pg.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (copy,)).fetchone()[0] == 0
    assert capture(target).fingerprint == before
    # nothing of the plan reached the target, not even rolled back: no lock, no statement ran there
    assert query(target, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'price'")[0][0] == 0


def test_rehearse_on_copy_explains_when_it_cannot(small_pair, tmp_path):
    source, target = small_pair
    _planned(source, target, tmp_path / "plan")
    with psycopg.connect(target):            # another session on the target: no TEMPLATE copy of it
        result = workbench_cli("apply", str(tmp_path / "plan"), target, "--rehearse", "--on-copy")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "other session(s) are connected" in result.stderr
    assert not (tmp_path / "plan" / "rehearsal_log.json").exists()
    refused = workbench_cli("apply", str(tmp_path / "plan"), target, "--on-copy")
    assert refused.returncode == 2 and "--on-copy is for --rehearse" in refused.stderr


# --- what the shadow cannot reproduce -----------------------------------------------------------
POSTGIS_TARGET = """
CREATE EXTENSION postgis;
CREATE TABLE public.places (id integer PRIMARY KEY, geom geometry(Point, 4326));
CREATE TABLE public.items (id integer PRIMARY KEY);
"""


def test_what_the_shadow_lacks_is_left_out_and_named(pg, pg15, tmp_path):
    """A PostgreSQL 15 target with PostGIS, the embedded PostgreSQL 18 (no PostGIS) as the shadow:
    the extension and the table that needs it are left out and named; the rest of the plan is
    still proven."""
    with psycopg.connect(pg15.admin_dsn) as conn:
        if not conn.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'").fetchone()[0]:
            pytest.skip("the system PostgreSQL 15 has no PostGIS")
    target, source = pg15.dsn(pg15.create_database()), pg15.dsn(pg15.create_database())
    run_sql(target, POSTGIS_TARGET)
    run_sql(source, POSTGIS_TARGET + "ALTER TABLE public.items ADD COLUMN name text;")
    drift = _planned(source, target, tmp_path / "plan")
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "converged", result["message"]
    left_out = {(o["kind"], ".".join(o["identity"].values())) for o in result["left_out"]}
    assert {("extensions", "postgis"), ("tables", "public.places")} <= left_out
    assert not result["build"]["faithful"] and result["build"]["failed_count"] >= 2
    assert any("postgis" in failed["sql"] for failed in result["build"]["failed"])
    assert "could not be reproduced on the shadow" in result["message"]


def test_a_plan_above_the_measuring_limit_is_rehearsed_without_lock_readings(small_pair, tmp_path, monkeypatch):
    """Reading pg_locks after every statement grows with the locks a stage holds: above
    MEASURE_LOCKS_LIMIT statements a rehearsal reads none and says so (predicted hazards only)."""
    import workbench.apply as apply_mod

    source, target = small_pair
    _planned(source, target, tmp_path / "plan")
    statements = len(json.loads((tmp_path / "plan" / "plan.json").read_text())["statements"])
    monkeypatch.setattr(apply_mod, "MEASURE_LOCKS_LIMIT", statements - 1)
    log = apply(tmp_path / "plan", target, rehearse=True).log
    assert log["status"] == "rehearsed" and not log["options"]["measure_locks"] and not log.get("locks")
    assert f"{statements:,} statements, more than the {statements - 1:,} measured" in log["locks_skipped"]
    assert log["locks_skipped"] in apply_summary(log)
    monkeypatch.setattr(apply_mod, "MEASURE_LOCKS_LIMIT", statements)
    assert apply(tmp_path / "plan", target, rehearse=True).log["locks"]["measured"] == statements


# --- a target object the plan conflicts with ----------------------------------------------------
def test_a_target_object_the_plan_collides_with_is_caught_and_named(pg, make_db, tmp_path):
    """The target holds a sequence named like the index the plan creates, and the comparison leaves
    sequences out (--skip-kind sequences): the planner cannot see the name is taken (relations
    share one namespace per schema), so CREATE INDEX fails. The shadow is the whole target schema:
    it names the stage, the statement and the SQLSTATE before anyone touches the target."""
    source = make_db(SOURCE)
    target = make_db(TARGET + "CREATE SEQUENCE public.orders_item;")
    drift = compare(*open_pair(source, target, fingerprints=True), CompareOptions(exclude_kinds=("sequences",)))
    write_plan_dir(plan(drift), tmp_path / "plan")
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "failed", result["message"]
    first = result["failed"][0]
    assert (first["stage"], first["kind"], first["identity"]["name"], first["sqlstate"]) == (
        "stage07_indexes", "indexes", "orders_item", "42P07")
    assert first["message"] == 'relation "orders_item" already exists'
    assert result["message"].startswith(f"stage07_indexes statement {first['index']} (create indexes ")
    assert "42P07" in result["message"]
    assert result["build"]["faithful"]                 # the shadow was the target: the plan is at fault


def test_a_name_held_by_a_target_only_object_of_another_kind_is_refused_or_dropped_first(pg, make_db, tmp_path):
    """The same collision with sequences compared: without --allow-drops nothing may be dropped, so
    planning refuses, naming both objects (`plan` exits 2 with one error line) rather than writing a
    plan that fails on apply; with --allow-drops the sequence's drop is ordered before CREATE INDEX
    (an edge), recorded as a trap, and the plan converges on the shadow; so does its way back (the
    index dropped before the sequence is made again)."""
    source = make_db(SOURCE)
    target = make_db(TARGET + "CREATE SEQUENCE public.orders_item;")
    drift = compare(*open_pair(source, target, fingerprints=True))
    with pytest.raises(WorkbenchError, match="the index public.orders.orders_item needs the name of the sequence "
                                             "public.orders_item; plan with --allow-drops"):
        plan(drift)
    refused = workbench_cli("plan", source, target, "--out", str(tmp_path / "refused"))
    assert refused.returncode == 2 and refused.stderr.startswith("error: ") and len(refused.stderr.splitlines()) == 1
    assert "sequence public.orders_item" in refused.stderr and "Traceback" not in refused.stderr
    made = plan(drift, PlanOptions(allow_drops=True))
    ids = [s.id for s in made.statements]
    drop = next(s for s in made.statements if s.kind == "sequences" and s.action == "drop")
    create = next(s for s in made.statements if s.kind == "indexes" and s.action == "create")
    assert ids.index(drop.id) < ids.index(create.id) and drop.id in create.depends_on
    assert [t["trap"] for t in made.traps] == ["name_held_by_another_kind"]
    write_plan(made, tmp_path / "plan", drift, target)
    result = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert result["status"] == "converged", result["message"]
    back = recorded(tmp_path / "plan" / "rollback")
    assert back["status"] == "converged" and back["residual_count"] == 0, back["message"]


def test_a_plan_above_the_limit_is_measured_apart_on_a_copy_of_the_shadow(pg, make_db, tmp_path, monkeypatch):
    """Above MEASURE_LOCKS_LIMIT the shadow runs the plan as staged without readings, and measures
    it on a copy where each statement commits alone: a reading then costs one statement's locks,
    and each statement is credited with all it takes (the second ADD COLUMN of a stage too, which
    in the stage's transaction finds its ACCESS EXCLUSIVE already held)."""
    import workbench.apply as apply_mod

    # an identity added to a column: its sequence moved past the rows by a SELECT setval(...), a
    # statement that returns rows of its own before the reading's
    source = make_db("CREATE TABLE public.t (id int GENERATED BY DEFAULT AS IDENTITY, a int, b int)")
    target = make_db("CREATE TABLE public.t (id int NOT NULL)")
    drift = _planned(source, target, tmp_path / "plan")
    before = _scratch_databases(pg)
    staged = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert staged["status"] == "converged" and staged["locks_measured"] == "in_stage", staged["message"]
    locks = {i: entry["locks"] for i, entry in staged["statement_locks"].items()}
    adds = ["create:columns:public.t.a", "create:columns:public.t.b"]
    assert [locks[i] for i in adds] == [[{"relation": "public.t", "mode": "AccessExclusiveLock"}], []]   # held already
    setval = next(i for i in locks if "identity past existing values" in i)
    monkeypatch.setattr(apply_mod, "MEASURE_LOCKS_LIMIT", 1)
    apart = validate(tmp_path / "plan", drift.source, target, drift.target, drift.options, shadow=pg)
    assert apart["status"] == "converged" and apart["locks_measured"] == "apart", apart["message"]
    measured = {i: entry["locks"] for i, entry in apart["statement_locks"].items()}
    assert [measured[i] for i in adds] == [[{"relation": "public.t", "mode": "AccessExclusiveLock"}]] * 2
    assert measured[setval] == [{"relation": "public.t", "mode": "AccessShareLock"}]
    assert apart["locks"]["measured"] == len(locks) and apart["locks"]["defects"] == 0
    assert _scratch_databases(pg) == before    # the copy is gone with the shadow


def _scratch_databases(pg) -> set[str]:
    """The scratch databases on the session's server (other tests' come and go: compare sets)."""
    with pg.connect() as conn:
        return {row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'scratch%'")}


def test_the_report_validates_the_plan_it_makes(pg, small_pair, tmp_path):
    """`workbench report` (pipeline.prepare with validate_plan, what the CLI passes unless
    --no-validate) validates its new plan and its way back on the shadow before anything applies
    it; the report's plan header shows both verdicts."""
    from workbench.pipeline import prepare as prepare_run

    source, target = small_pair
    run = prepare_run(source, target, tmp_path / "report", validate_plan=True, shadow=pg).wait()
    assert recorded(run.plan_dir)["status"] == "converged"
    assert recorded(run.plan_dir / "rollback")["status"] == "converged"
    header = header_html(prepare(plan_dir=str(run.plan_dir)))
    assert "Shadow validation: converged" in header and "Validated on the shadow: converged" in header
    # what the report's notebooks are handed in process (instead of reading plan.json) says the same
    from workbench.report import handover_of

    _, handed_plan, handed_raw = handover_of(run).plans[run.plan_dir.resolve()]
    assert handed_raw["validation"] == recorded(run.plan_dir)
    assert handed_plan.rollback["validation"]["status"] == "converged"
