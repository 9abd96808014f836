"""apply and rehearse against real PostgreSQL: stage transactions, the log, resume, the fingerprint
check, a killed backend, dollar-quoted bodies and CONCURRENTLY stages.

Plan folders are built by hand from Statements (write_plan_dir), so these tests do not depend on
what the planner decides; only on the files and plan.json it writes.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from conftest import REPO, run_sql, workbench_cli
from workbench.apply import APPLY_LOG, REHEARSAL_LOG, apply, load_stages
from workbench.errors import WorkbenchError
from workbench.planner.files import write_plan_dir
from workbench.planner.model import Plan, Statement, read_plan
from workbench.snapshot import capture


# --- helpers ----------------------------------------------------------------------------------
def statement(stage: str, kind: str, name: str, sql: str, action: str = "create", **kwargs) -> Statement:
    identity = {"schema": "public", "name": name} if kind in ("tables", "schemas", "views") else \
        {"schema": "public", "table": kwargs.pop("table", "t"), "name": name}
    return Statement(stage, kind, identity, action, sql, id=f"{stage}:{name}", **kwargs)


def make_plan(target: str, statements: list[Statement], out: Path, schemas: tuple[str, ...] = ()) -> Path:
    """A plan folder for `target` as it is now (its fingerprint, in the plan's scope, in plan.json)."""
    options = {"schemas": list(schemas)} if schemas else {}
    plan = Plan(statements, source={"dsn": "source"}, target={"dsn": target},
                target_fingerprint=capture(target, schemas=schemas).fingerprint, options=options,
                created_at="2024-01-01T00:00:00+00:00")
    return write_plan_dir(plan, out)


def query(dsn: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def relation_exists(dsn: str, name: str) -> bool:
    return query(dsn, "SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0]


def constraint_exists(dsn: str, name: str) -> bool:
    return query(dsn, "SELECT count(*) FROM pg_constraint WHERE conname = %s", (name,))[0][0] == 1


def column_exists(dsn: str, table: str, column: str) -> bool:
    return query(dsn, "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attname = %s "
                      "AND NOT attisdropped", (table, column))[0][0] == 1


def table_comment(dsn: str, table: str) -> str | None:
    return query(dsn, "SELECT obj_description(to_regclass(%s), 'pg_class')", (table,))[0][0]


def stage_of(log: dict, name: str) -> dict:
    return next(s for s in log["stages"] if s["name"] == name)


def entries_of(log: dict, stage: str) -> list[dict]:
    return [e for e in log["statements"] if e["stage"] == stage]


def assert_one_line_error(result, pattern: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(pattern, lines[0]), lines[0]


BAD_ROWS = "CREATE TABLE t (a int); INSERT INTO t VALUES (1), (-1), (2);"


def failing_plan(target: str, out: Path) -> Path:
    """stage02 creates a table; stage08 adds a CHECK that passes, then one that row -1 violates;
    stage09 comments on the table."""
    return make_plan(target, [
        statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)"),
        statement("stage08_constraints", "constraints", "a_present", "ALTER TABLE public.t ADD CONSTRAINT a_present CHECK (a IS NOT NULL)"),
        statement("stage08_constraints", "constraints", "a_positive", "ALTER TABLE public.t ADD CONSTRAINT a_positive CHECK (a > 0)",
                  hazards=["may_fail_on_data", "validates_rows"]),
        Statement("stage09_finishing", "comments", {"object_kind": "table", "object": "public.t"}, "create",
                  "COMMENT ON TABLE public.t IS 'checked'", id="comment:t"),
    ], out)


# --- a clean apply ----------------------------------------------------------------------------
CLEAN_STATEMENTS = [
    statement("stage00_prerequisites", "schemas", "app", "CREATE SCHEMA app"),
    statement("stage00_prerequisites", "schemas", "public", "CREATE SCHEMA IF NOT EXISTS public"),  # a NOTICE
    statement("stage01_sequences", "sequences", "ticket_seq", "CREATE SEQUENCE app.ticket_seq"),
    statement("stage02_tables", "tables", "items", "CREATE TABLE app.items (id int NOT NULL, name text)"),
    statement("stage03_columns", "columns", "b", "ALTER TABLE public.t ADD COLUMN b text DEFAULT 'x'", action="alter"),
    statement("stage04_functions", "functions", "touch",
              "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.name := coalesce(NEW.name, 'unnamed');\n  RETURN NEW;\nEND;\n$$"),
    statement("stage05_views", "views", "named_items", "CREATE VIEW app.named_items AS SELECT id, name FROM app.items WHERE name IS NOT NULL"),
    statement("stage06_triggers", "triggers", "items_touch", "CREATE TRIGGER items_touch BEFORE INSERT ON app.items FOR EACH ROW EXECUTE FUNCTION app.touch()", table="items"),
    statement("stage07_indexes", "indexes", "items_name_idx", "CREATE INDEX items_name_idx ON app.items (name)", table="items"),
    statement("stage08_constraints", "constraints", "items_pkey", "ALTER TABLE app.items ADD CONSTRAINT items_pkey PRIMARY KEY (id)",
              table="items", hazards=["may_fail_on_data"]),
    Statement("stage09_finishing", "comments", {"object_kind": "table", "object": "app.items"}, "create",
              "COMMENT ON TABLE app.items IS 'made by apply'", id="comment:items"),
]


def test_clean_apply_runs_every_stage_and_logs_every_statement(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
    plan_dir = make_plan(target, CLEAN_STATEMENTS, tmp_path / "plan")
    seen = []
    result = apply(plan_dir, target, progress=seen.append)

    assert result.exit_code == 0
    log = result.log
    assert log["status"] == "applied" and log["mode"] == "apply" and log["fingerprint_check"] == "matches_plan"
    assert [s["status"] for s in log["stages"]] == ["applied"] * 11
    assert any("stage07_indexes" in step for step in seen)
    # every planned statement is logged ok with what it is about; plus stage04's own SET
    planned = [e for e in log["statements"] if e["kind"]]
    assert [e["id"] for e in planned] == [s.id for s in CLEAN_STATEMENTS]
    assert all(e["status"] == "ok" and e["sqlstate"] is None and e["ms"] >= 0 for e in log["statements"])
    assert next(e for e in planned if e["id"].endswith("items_pkey"))["hazards"] == ["may_fail_on_data"]
    settings = [e for e in log["statements"] if not e["kind"]]
    assert [e["sql"] for e in settings] == ["SET LOCAL check_function_bodies = off"]
    # the file's lock_timeout is apply's business: noted per stage, not run
    assert stage_of(log, "stage02_tables")["overridden_settings"] == ["SET LOCAL lock_timeout = '10s'"]
    notices = next(e for e in planned if e["id"].endswith(":public"))["notices"]
    assert notices and notices[0]["sqlstate"] == "42P06" and "already exists" in notices[0]["message"]
    # the objects exist and work together
    run_sql(target, "INSERT INTO app.items (id) VALUES (1)")
    assert query(target, "SELECT name FROM app.named_items") == [("unnamed",)]
    assert query(target, "SELECT b FROM t") == [("x",)]
    assert table_comment(target, "app.items") == "made by apply"
    # the log on disk is the one returned, with the fingerprint after
    on_disk = json.loads((plan_dir / APPLY_LOG).read_text())
    assert on_disk == json.loads(json.dumps(log, default=str))
    assert log["target_fingerprint_after"] == capture(target).fingerprint != log["target_fingerprint_before"]
    assert not (plan_dir / REHEARSAL_LOG).exists()


# --- a failing statement ----------------------------------------------------------------------
def test_failing_statement_rolls_back_its_stage_and_stops(make_db, tmp_path):
    target = make_db(BAD_ROWS)
    plan_dir = failing_plan(target, tmp_path / "plan")
    result = apply(plan_dir, target)

    assert result.exit_code == 1
    log = result.log
    assert log["status"] == "failed"
    assert stage_of(log, "stage02_tables")["status"] == "applied"
    assert relation_exists(target, "public.other"), "earlier stages stay applied"
    stage08 = entries_of(log, "stage08_constraints")
    assert [e["status"] for e in stage08] == ["rolled_back", "failed"]
    failed = stage08[1]
    assert failed["sqlstate"] == "23514" and failed["index"] == 2
    assert failed["kind"] == "constraints" and failed["identity"]["name"] == "a_positive"
    assert 'check constraint "a_positive"' in failed["message"]
    assert not constraint_exists(target, "a_present"), "the stage's earlier statement is rolled back"
    assert stage_of(log, "stage08_constraints")["status"] == "failed"
    assert stage_of(log, "stage09_finishing")["status"] == "not_run"
    assert [e["status"] for e in entries_of(log, "stage09_finishing")] == ["not_run"]
    assert table_comment(target, "public.t") is None
    assert json.loads((plan_dir / APPLY_LOG).read_text())["status"] == "failed"


def test_rerun_after_fixing_the_data_continues_where_it_stopped(make_db, tmp_path):
    target = make_db(BAD_ROWS)
    plan_dir = failing_plan(target, tmp_path / "plan")
    assert apply(plan_dir, target).exit_code == 1
    run_sql(target, "DELETE FROM t WHERE a <= 0")           # data, not schema: the fingerprint holds

    result = apply(plan_dir, target)
    log = result.log
    assert result.exit_code == 0, result.log["statements"]
    assert log["fingerprint_check"] == "matches_previous_apply"
    assert log["resumed_from"]["status"] == "failed"
    # stage02 is not run again (CREATE TABLE other would fail with 42P07 if it were)
    assert stage_of(log, "stage02_tables")["status"] == "already_applied"
    assert [e["status"] for e in entries_of(log, "stage02_tables")] == ["already_applied"]
    assert [e["status"] for e in entries_of(log, "stage08_constraints")] == ["ok", "ok"]
    assert constraint_exists(target, "a_present") and constraint_exists(target, "a_positive")
    assert table_comment(target, "public.t") == "checked"
    # a third run has nothing left to do
    again = apply(plan_dir, target)
    assert again.exit_code == 0
    assert {s["status"] for s in again.log["stages"]} == {"already_applied"}


def test_keep_going_runs_the_later_stages(make_db, tmp_path):
    target = make_db(BAD_ROWS)
    plan_dir = failing_plan(target, tmp_path / "plan")
    result = apply(plan_dir, target, keep_going=True)
    assert result.exit_code == 1
    assert stage_of(result.log, "stage08_constraints")["status"] == "failed"
    assert stage_of(result.log, "stage09_finishing")["status"] == "applied"
    assert stage_of(result.log, "stage10_drops")["status"] == "applied"
    assert table_comment(target, "public.t") == "checked"
    assert not constraint_exists(target, "a_present")


def test_cli_apply_prints_the_failing_statement(make_db, tmp_path):
    target = make_db(BAD_ROWS)
    plan_dir = failing_plan(target, tmp_path / "plan")
    result = workbench_cli("apply", str(plan_dir), target)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""                               # piped: no progress
    out = result.stdout
    assert re.search(r"stage02_tables\s+applied\s+1/1", out)
    assert re.search(r"stage08_constraints\s+failed\s+2/2", out)
    assert re.search(r"stage09_finishing\s+not_run\s+0/1", out)
    assert "failed: stage08_constraints statement 2 (create constraints public.t.a_positive): SQLSTATE 23514" in out
    assert "ALTER TABLE public.t ADD CONSTRAINT a_positive CHECK (a > 0)" in out
    assert f"log: {(plan_dir / APPLY_LOG).resolve()}" in out           # the target's own log (apply_logs/)


# --- rehearsal --------------------------------------------------------------------------------
def test_rehearsal_changes_nothing_and_finds_the_same_error(make_db, tmp_path):
    target = make_db(BAD_ROWS)
    plan_dir = failing_plan(target, tmp_path / "plan")
    before = capture(target).fingerprint

    result = apply(plan_dir, target, rehearse=True, keep_going=True)
    assert result.exit_code == 1
    assert capture(target).fingerprint == before
    log = result.log
    assert log["mode"] == "rehearse" and log["rolled_back"] is True
    assert log["target_fingerprint_after"] == log["target_fingerprint_before"] == before
    assert result.path == plan_dir / REHEARSAL_LOG and not (plan_dir / APPLY_LOG).exists()
    assert stage_of(log, "stage02_tables")["status"] == "rehearsed"
    failed = [e for e in log["statements"] if e["status"] == "failed"]
    assert [(e["stage"], e["index"], e["sqlstate"]) for e in failed] == [("stage08_constraints", 2, "23514")]
    assert stage_of(log, "stage09_finishing")["status"] == "rehearsed"  # its savepoint let it go on
    assert not relation_exists(target, "public.other") and table_comment(target, "public.t") is None

    # a rehearsal is never progress: the real apply starts from the beginning
    applied = apply(plan_dir, target)
    assert stage_of(applied.log, "stage02_tables")["status"] == "applied"


def test_clean_rehearsal_exits_0_and_leaves_the_fingerprint(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
    plan_dir = make_plan(target, CLEAN_STATEMENTS, tmp_path / "plan")
    before = capture(target).fingerprint
    result = workbench_cli("apply", str(plan_dir), target, "--rehearse")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rolled back: the target is unchanged" in result.stdout
    assert capture(target).fingerprint == before
    assert not relation_exists(target, "app.items")


# --- the fingerprint check --------------------------------------------------------------------
def test_changed_target_is_refused_unless_forced(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int)")
    plan_dir = make_plan(target, [statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)")],
                         tmp_path / "plan")
    run_sql(target, "CREATE TABLE surprise (id int)")

    refused = workbench_cli("apply", str(plan_dir), target)
    assert_one_line_error(refused, r"changed since the plan was made.*--force")
    assert not relation_exists(target, "public.other")
    assert not (plan_dir / APPLY_LOG).exists()
    rehearsal = workbench_cli("apply", str(plan_dir), target, "--rehearse")
    assert_one_line_error(rehearsal, r"changed since the plan was made")

    forced = workbench_cli("apply", str(plan_dir), target, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert relation_exists(target, "public.other")
    assert json.loads((plan_dir / APPLY_LOG).read_text())["fingerprint_check"] == "forced"


def test_fingerprint_is_taken_in_the_scope_of_the_plan(make_db, tmp_path):
    target = make_db("CREATE SCHEMA app; CREATE TABLE app.t (a int)")
    plan_dir = make_plan(target, [statement("stage02_tables", "tables", "other", "CREATE TABLE app.other (id int)")],
                         tmp_path / "plan", schemas=("app",))
    run_sql(target, "CREATE TABLE public.outside (id int)")     # outside the plan's schemas: not a change
    assert apply(plan_dir, target).log["fingerprint_check"] == "matches_plan"
    assert relation_exists(target, "app.other")


def test_each_database_keeps_its_own_log(make_db, tmp_path):
    staging = make_db(BAD_ROWS)
    plan_dir = failing_plan(staging, tmp_path / "plan")
    production = make_db(BAD_ROWS)                           # the same schema: the same fingerprint
    run_sql(production, "DELETE FROM t WHERE a <= 0")
    failed = apply(plan_dir, staging)
    assert failed.exit_code == 1

    result = apply(plan_dir, production)
    assert result.exit_code == 0
    assert stage_of(result.log, "stage02_tables")["status"] == "applied"   # not staging's progress
    assert result.path != failed.path and (plan_dir / APPLY_LOG).resolve() == result.path
    logs = {json.loads(p.read_text())["target"]["database"]: json.loads(p.read_text())
            for p in (plan_dir / "apply_logs").glob("*.json")}
    assert {name: log["status"] for name, log in logs.items()} == {
        staging.rsplit("/", 1)[1]: "failed", production.rsplit("/", 1)[1]: "applied"}
    # staging, its bad row fixed, continues from its own log: stage02 stays applied
    run_sql(staging, "DELETE FROM t WHERE a <= 0")
    again = apply(plan_dir, staging)
    assert again.exit_code == 0 and again.path == failed.path
    assert again.log["fingerprint_check"] == "matches_previous_apply"
    assert stage_of(again.log, "stage02_tables")["status"] == "already_applied"


def test_one_plan_applied_to_two_databases_at_once(make_db, tmp_path):
    first = make_db("CREATE TABLE t (a int)")
    second = make_db("CREATE TABLE t (a int)")
    plan_dir = make_plan(first, [statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)"),
                                 statement("stage03_columns", "columns", "b", "ALTER TABLE public.t ADD COLUMN b int",
                                           action="alter")], tmp_path / "plan")
    processes = [subprocess.Popen([sys.executable, "-m", "workbench.cli", "apply", str(plan_dir), target],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
                 for target in (first, second)]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in processes]
    assert [code for _, _, code in results] == [0, 0], results
    logs = [json.loads(p.read_text()) for p in (plan_dir / "apply_logs").glob("*.json")]
    assert sorted(log["target"]["database"] for log in logs) == sorted(d.rsplit("/", 1)[1] for d in (first, second))
    assert all(log["status"] == "applied" for log in logs)
    assert all(relation_exists(target, "public.other") for target in (first, second))


# --- a lost connection ------------------------------------------------------------------------
def test_killed_backend_leaves_no_half_applied_stage(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
    plan_dir = make_plan(target, [
        statement("stage02_tables", "tables", "first_t", "CREATE TABLE public.first_t (id int)"),
        statement("stage03_columns", "columns", "c", "ALTER TABLE public.t ADD COLUMN c int", action="alter"),
        statement("stage03_columns", "columns", "slow", "SELECT pg_sleep(60)", action="alter"),
        statement("stage03_columns", "columns", "d", "ALTER TABLE public.t ADD COLUMN d int", action="alter"),
        Statement("stage09_finishing", "comments", {"object_kind": "table", "object": "public.t"}, "create",
                  "COMMENT ON TABLE public.t IS 'done'", id="comment:t"),
    ], tmp_path / "plan")
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "apply", str(plan_dir), target],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        pid = None
        while pid is None and time.monotonic() < deadline and process.poll() is None:
            rows = query(target, "SELECT pid FROM pg_stat_activity WHERE application_name = 'drift-workbench' "
                                 "AND datname = current_database() AND state = 'active' AND query LIKE '%%pg_sleep%%' "
                                 "AND pid <> pg_backend_pid()")
            pid = rows[0][0] if rows else None
            time.sleep(0.1)
        assert pid is not None, "the apply never reached the slow statement"
        assert query(target, "SELECT pg_terminate_backend(%s)", (pid,)) == [(True,)]
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert_one_line_error(result, r"connection to postgresql://\S+ lost during stage03_columns statement 2 "
                                  r"\(alter columns public\.t\.slow\).*rolled that stage back")
    assert relation_exists(target, "public.first_t"), "the stage before stays applied"
    assert not column_exists(target, "public.t", "c"), "no half-applied stage"
    log = json.loads((plan_dir / APPLY_LOG).read_text())
    assert log["status"] == "connection_lost" and log["exit_code"] == 2 and "lost during" in log["error"]
    assert [e["status"] for e in entries_of(log, "stage03_columns")] == ["rolled_back", "failed", "not_run"]
    killed = entries_of(log, "stage03_columns")[1]
    assert killed["sqlstate"] == "57P01" and killed["message"].startswith("connection lost")
    assert stage_of(log, "stage03_columns")["status"] == "failed"
    assert stage_of(log, "stage09_finishing")["status"] == "not_run"
    assert log["target_fingerprint_after"] == capture(target).fingerprint

    # the reviewer takes the slow statement out and reruns: stage02 is not run again
    stage_file = plan_dir / "stage03_columns.sql"
    stage_file.write_text(stage_file.read_text().replace("SELECT pg_sleep(60);", "SELECT pg_sleep(0);"))
    rerun = apply(plan_dir, target)
    assert rerun.exit_code == 0
    assert stage_of(rerun.log, "stage02_tables")["status"] == "already_applied"
    assert stage_of(rerun.log, "stage03_columns")["edited"] is True
    assert column_exists(target, "public.t", "c") and column_exists(target, "public.t", "d")


# --- what the files hold ----------------------------------------------------------------------
GREET = """CREATE FUNCTION public.greet(who text) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  greeting text := $q$Hello; it's $q$;
BEGIN
  IF who IS NULL THEN
    RETURN greeting || 'nobody;';
  END IF;
  RETURN greeting || who || ';';
END;
$fn$"""
STAMP = """CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := 'seen; ' || coalesce(NEW.note, '');
  RETURN NEW;
END;
$$;"""


def test_dollar_quoted_bodies_survive_the_file_round_trip(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int, note text)")
    plan_dir = make_plan(target, [
        Statement("stage04_functions", "functions", {"schema": "public", "name": "greet", "arguments": "who text"},
                  "create", GREET, id="greet"),
        Statement("stage04_functions", "functions", {"schema": "public", "name": "stamp", "arguments": ""},
                  "create", STAMP, id="stamp"),
        statement("stage06_triggers", "triggers", "t_stamp",
                  "CREATE TRIGGER t_stamp BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.stamp()"),
    ], tmp_path / "plan")
    text = (plan_dir / "stage04_functions.sql").read_text()
    assert GREET in text and STAMP in text

    stages = {s.name: s for s in load_stages(plan_dir, *read_plan(plan_dir))}
    steps = stages["stage04_functions"].steps
    assert [s.planned.id if s.planned else None for s in steps] == [None, "greet", "stamp"]
    assert steps[1].sql == GREET and steps[2].sql == STAMP.rstrip(";")

    result = apply(plan_dir, target)
    assert result.exit_code == 0, result.log["statements"]
    assert query(target, "SELECT public.greet('you'), public.greet(NULL)") == [("Hello; it's you;", "Hello; it's nobody;")]
    run_sql(target, "INSERT INTO t (a) VALUES (1)")
    assert query(target, "SELECT note FROM t") == [("seen; ",)]


def test_edited_stage_file_runs_what_the_file_says(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int)")
    plan_dir = make_plan(target, [
        statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)"),
        Statement("stage09_finishing", "comments", {"object_kind": "table", "object": "public.t"}, "create",
                  "COMMENT ON TABLE public.t IS 'planned'", id="comment:t"),
    ], tmp_path / "plan")
    stage_file = plan_dir / "stage09_finishing.sql"
    stage_file.write_text(stage_file.read_text().replace("'planned'", "'reviewed'"))

    result = apply(plan_dir, target)
    assert result.exit_code == 0
    assert table_comment(target, "public.t") == "reviewed"
    assert stage_of(result.log, "stage09_finishing")["edited"] is True
    assert stage_of(result.log, "stage02_tables")["edited"] is False
    edited = entries_of(result.log, "stage09_finishing")
    assert [(e["kind"], e["status"]) for e in edited] == [(None, "ok")]    # no longer the planned statement
    assert entries_of(result.log, "stage02_tables")[0]["kind"] == "tables"


def test_unusable_stage_file_is_refused_before_anything_runs(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int)")
    plan_dir = make_plan(target, [
        statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)"),
        Statement("stage09_finishing", "comments", {"object_kind": "table", "object": "public.t"}, "create",
                  "COMMENT ON TABLE public.t IS 'x'", id="comment:t"),
    ], tmp_path / "plan")
    stage_file = plan_dir / "stage09_finishing.sql"
    original = stage_file.read_text()

    stage_file.write_text(original.replace("COMMENT ON", "COMMENT ONN"))
    broken = workbench_cli("apply", str(plan_dir), target)
    assert_one_line_error(broken, r"stage09_finishing\.sql does not parse")

    stage_file.write_text(original.replace("COMMIT;", "ROLLBACK;"))
    with pytest.raises(WorkbenchError, match="apply manages transactions itself"):
        apply(plan_dir, target)
    assert not relation_exists(target, "public.other")
    assert not (plan_dir / APPLY_LOG).exists()


# --- CONCURRENTLY -----------------------------------------------------------------------------
def test_concurrently_stage_autocommits_and_rehearses_in_transactional_form(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int, b int); INSERT INTO t SELECT g, g % 3 FROM generate_series(1, 100) g")
    plan_dir = make_plan(target, [
        statement("stage02_tables", "tables", "other", "CREATE TABLE public.other (id int)"),
        statement("stage07_indexes", "indexes", "t_a_idx", "CREATE INDEX CONCURRENTLY t_a_idx ON public.t (a)",
                  transactional=False, hazards=["non_transactional"]),
        statement("stage07_indexes", "indexes", "t_b_idx", "CREATE INDEX CONCURRENTLY t_b_idx ON public.t (b)",
                  transactional=False, hazards=["non_transactional"],
                  rehearsal_sql="CREATE INDEX t_b_idx ON public.t (b)"),
    ], tmp_path / "plan")
    assert "BEGIN;" not in (plan_dir / "stage07_indexes.sql").read_text()
    before = capture(target).fingerprint

    rehearsal = apply(plan_dir, target, rehearse=True)
    assert rehearsal.exit_code == 0, rehearsal.log["statements"]
    indexes = entries_of(rehearsal.log, "stage07_indexes")
    assert [e["status"] for e in indexes] == ["ok", "ok"]
    assert indexes[0]["rehearsal_sql"] == "CREATE INDEX t_a_idx ON public.t (a)"
    assert indexes[1]["rehearsal_sql"] == "CREATE INDEX t_b_idx ON public.t (b)"
    assert capture(target).fingerprint == before and not relation_exists(target, "public.t_a_idx")

    # in a transaction, CREATE INDEX CONCURRENTLY fails with 25001: success means autocommit
    result = apply(plan_dir, target)
    assert result.exit_code == 0, result.log["statements"]
    assert stage_of(result.log, "stage07_indexes")["transactional"] is False
    assert query(target, "SELECT bool_and(indisvalid), count(*) FROM pg_index WHERE indrelid = 'public.t'::regclass") == [(True, 2)]


def test_failed_concurrent_build_keeps_earlier_indexes_and_names_the_invalid_one(make_db, tmp_path):
    target = make_db("CREATE TABLE t (a int, b int); INSERT INTO t VALUES (1, 1), (2, 1)")
    plan_dir = make_plan(target, [
        statement("stage07_indexes", "indexes", "t_a_key", "CREATE UNIQUE INDEX CONCURRENTLY t_a_key ON public.t (a)",
                  transactional=False, hazards=["non_transactional", "may_fail_on_data"]),
        statement("stage07_indexes", "indexes", "t_b_key", "CREATE UNIQUE INDEX CONCURRENTLY t_b_key ON public.t (b)",
                  transactional=False, hazards=["non_transactional", "may_fail_on_data"]),
    ], tmp_path / "plan")
    result = apply(plan_dir, target)
    assert result.exit_code == 1
    first, second = entries_of(result.log, "stage07_indexes")
    assert first["status"] == "ok", "committed on its own: a non-transactional stage is not rolled back"
    assert second["status"] == "failed" and second["sqlstate"] == "23505"
    assert "DROP INDEX CONCURRENTLY public.t_b_key" in second["hint"]
    assert query(target, "SELECT indexrelid::regclass::text, indisvalid FROM pg_index "
                         "WHERE indrelid = 'public.t'::regclass ORDER BY 1") == [("t_a_key", True), ("t_b_key", False)]

    # fix the data and the leftover; the rerun (forced: dropping the index changed the schema)
    # does not build t_a_key again
    run_sql(target, "UPDATE t SET b = a; DROP INDEX t_b_key")
    rerun = apply(plan_dir, target, force=True)
    assert rerun.exit_code == 0, rerun.log["statements"]
    assert [e["status"] for e in entries_of(rerun.log, "stage07_indexes")] == ["already_applied", "ok"]
