"""verify against real PostgreSQL: parity after a complete apply, residual drift otherwise, and each
post-apply check finding the problem it is for."""
from __future__ import annotations

import json
import re

import psycopg

from conftest import run_sql, workbench_cli
from test_apply import make_plan, statement
from workbench.apply import apply
from workbench.snapshot import capture
from workbench.verify import verify

SOURCE = """
CREATE TABLE t (a int PRIMARY KEY, b text DEFAULT 'none');
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.b := coalesce(NEW.b, 'stamped');
  RETURN NEW;
END;
$$;
CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp();
CREATE VIEW named AS SELECT a, b FROM t WHERE b IS NOT NULL;
CREATE INDEX t_b_idx ON t (b);
"""
# the target has only t(a) and a table of its own that the migration keeps
TARGET = "CREATE TABLE t (a int PRIMARY KEY); CREATE TABLE keep_me (id int); INSERT INTO t VALUES (1), (2);"
STAMP = """CREATE FUNCTION public.stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.b := coalesce(NEW.b, 'stamped');
  RETURN NEW;
END;
$$"""


def migration(target: str, out) -> object:
    return make_plan(target, [
        statement("stage03_columns", "columns", "b", "ALTER TABLE public.t ADD COLUMN b text DEFAULT 'none'", action="alter"),
        statement("stage04_functions", "functions", "stamp", STAMP),
        statement("stage05_views", "views", "named", "CREATE VIEW public.named AS SELECT a, b FROM public.t WHERE b IS NOT NULL"),
        statement("stage06_triggers", "triggers", "t_stamp",
                  "CREATE TRIGGER t_stamp BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.stamp()"),
        statement("stage07_indexes", "indexes", "t_b_idx", "CREATE INDEX t_b_idx ON public.t (b)"),
    ], out)


def test_verify_after_a_complete_apply_is_100_percent(make_db, tmp_path):
    source, target = make_db(SOURCE), make_db(TARGET)
    assert apply(migration(target, tmp_path / "plan"), target).exit_code == 0

    result = verify(source, target)
    assert result.exit_code == 0, result.residual
    assert result.residual == []
    parity = result.parity
    assert (parity["parity_pct"] == 100.0).all()
    assert parity.loc["columns", "source_objects"] == 2 and parity.loc["triggers", "identical"] == 1
    # target-only objects are kept and reported, never counted against parity
    assert {(o["kind"], o["identity"]["name"]) for o in result.extra_in_target} >= {("tables", "keep_me")}
    assert result.checks.empty and result.checks_note is None

    cli = workbench_cli("verify", source, target)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "verified: every source object is identical" in cli.stdout
    assert re.search(r"^tables\s+1\s+1\s+0\s+0\s+1\s+100%$", cli.stdout, re.M), cli.stdout
    assert "- tables public.keep_me" in cli.stdout


def test_residual_drift_fails_verification(make_db, tmp_path):
    source, target = make_db(SOURCE), make_db(TARGET)
    run_sql(target, "ALTER TABLE t ADD COLUMN b varchar(10)")        # present, but of another type

    result = verify(source, target)
    assert result.exit_code == 1
    residual = {(o["kind"], o["status"], o["identity"]["name"]) for o in result.residual}
    assert ("columns", "changed", "b") in residual
    assert ("views", "only_in_source", "named") in residual and ("functions", "only_in_source", "stamp") in residual
    assert result.parity.loc["views", "parity_pct"] == 0.0
    assert ("tables", "only_in_target", "keep_me") not in residual

    cli = workbench_cli("verify", source, target, "--format", "json")
    assert cli.returncode == 1, cli.stderr
    data = json.loads(cli.stdout)
    assert data["ok"] is False and data["exit_code"] == 1
    assert data["parity"]["views"]["missing"] == 1
    assert {"kind": "columns", "identity": {"schema": "public", "table": "t", "name": "b"}, "status": "changed",
            "differences": ["data_type", "default_value"]} in data["residual"]
    table = workbench_cli("verify", source, target)
    assert "~ columns public.t.b  [data_type, default_value]" in table.stdout and "NOT verified" in table.stdout


BROKEN = """
CREATE TABLE gone (a int);
CREATE FUNCTION rows_of_gone() RETURNS SETOF int LANGUAGE sql STABLE AS 'SELECT a FROM gone';
CREATE VIEW over_gone AS SELECT * FROM rows_of_gone() AS r(a);
DROP TABLE gone;  -- a SQL function body records no dependency: the view breaks at its next use
CREATE MATERIALIZED VIEW never_filled AS SELECT 1 AS one WITH NO DATA;
ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;
ALTER TABLE t DISABLE TRIGGER t_stamp;
INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'x');
"""


def test_post_apply_checks_find_each_problem(make_db):
    source, target = make_db(SOURCE), make_db(SOURCE + BROKEN)
    with psycopg.connect(target, autocommit=True) as conn:          # leaves an INVALID index behind
        try:
            conn.execute("CREATE UNIQUE INDEX CONCURRENTLY t_b_key ON t (b)")
        except psycopg.errors.UniqueViolation:
            pass
        else:
            raise AssertionError("the duplicate rows should have failed the unique build")

    result = verify(source, target)
    found = {(row["check"], row["object"]): row for row in result.checks.to_dict(orient="records")}
    assert set(found) == {("invalid index", "public.t.t_b_key"), ("not valid constraint", "public.t.a_positive"),
                          ("disabled trigger", "public.t.t_stamp"), ("failing view", "public.over_gone"),
                          ("unpopulated materialized view", "public.never_filled")}
    # a materialized view WITH NO DATA (as every pg_dump restore makes them) is reported, not failed
    assert [key for key, row in found.items() if not row["failed"]] == [("unpopulated materialized view",
                                                                         "public.never_filled")]
    assert 'relation "gone" does not exist' in found[("failing view", "public.over_gone")]["detail"]
    assert "REFRESH MATERIALIZED VIEW" in found[("unpopulated materialized view", "public.never_filled")]["detail"]
    assert result.exit_code == 1

    cli = workbench_cli("verify", source, target)
    assert cli.returncode == 1
    assert "FAIL  invalid index  public.t.t_b_key" in cli.stdout
    assert "info  unpopulated materialized view  public.never_filled" in cli.stdout
    assert "4 checks failed" in cli.stdout


def test_checks_are_scoped_and_each_one_alone_fails_verification(make_db):
    source = make_db(SOURCE + "CREATE SCHEMA other; CREATE TABLE other.u (a int);")
    target = make_db(SOURCE + "CREATE SCHEMA other; CREATE TABLE other.u (a int);"
                     "ALTER TABLE other.u ADD CONSTRAINT u_positive CHECK (a > 0) NOT VALID;")
    assert verify(source, target).exit_code == 1                         # only the NOT VALID constraint
    from workbench.compare import CompareOptions
    public_only = verify(source, target, CompareOptions(schemas=("public",)))
    assert public_only.checks.empty and public_only.exit_code == 0


def test_a_finding_the_source_shares_is_reported_but_does_not_fail(make_db):
    same = SOURCE + "ALTER TABLE t DISABLE TRIGGER t_stamp; ALTER TABLE t ADD CONSTRAINT a_positive CHECK (a > 0) NOT VALID;"
    source, target = make_db(same), make_db(same)
    result = verify(source, target)
    assert len(result.checks) == 2 and not result.checks["failed"].any()
    assert result.checks["detail"].str.contains("the source has it the same way").all()
    assert result.exit_code == 0


def test_snapshot_file_target_compares_without_checks(make_db, tmp_path):
    source, target = make_db(SOURCE), make_db(SOURCE + "ALTER TABLE t DISABLE TRIGGER t_stamp;")
    path = capture(target).save(tmp_path / "target.json")
    result = verify(source, str(path))
    assert result.checks.empty and "snapshot file" in result.checks_note
    assert [(o["kind"], o["differences"]) for o in result.residual] == [("triggers", ["enabled"])]
    assert result.exit_code == 1
    cli = workbench_cli("verify", source, str(path))
    assert "post-apply checks: not run" in cli.stdout
