"""Owners (--with-owners) and other columns compared only when asked (--compare-populated): left out
unless asked, and then said so ("not compared"), never counted as identical nor as unmodelled drift;
asked, they are compared, planned and verified. A role the target's server lacks refuses the apply
before anything runs. The per-kind SQL is proven by the corpus (tests/cases/owners_*)."""
from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg import sql

from conftest import workbench_cli
from workbench.compare import compare
from workbench.snapshot import capture

SCHEMA = "CREATE SCHEMA app; CREATE TABLE app.t (id int); CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"


@pytest.fixture
def role(pg):
    """A role made for the test, dropped after it (with what it owns in the databases it owns things in)."""
    name = f"drift_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(name)))
    yield name
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        for (database,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 't\\_%'").fetchall():
            with psycopg.connect(pg.dsn(database), autocommit=True) as other:
                other.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def owned_by(role: str) -> str:
    return f"ALTER SCHEMA app OWNER TO {role}; ALTER TABLE app.t OWNER TO {role}; ALTER FUNCTION app.f() OWNER TO {role};"


def test_owners_are_not_compared_unless_asked_and_the_summary_says_so(make_db, role):
    source, target = make_db(SCHEMA + owned_by(role)), make_db(SCHEMA)
    result = workbench_cli("diff", source, target, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr          # not asked: no drift
    data = json.loads(result.stdout)
    entry = next(e for e in data["not_compared"] if e["field"] == "owner")
    assert entry["option"] == "--with-owners"
    assert {"schemas", "types", "tables", "sequences", "views", "materialized_views", "functions"} <= set(entry["kinds"])
    assert "ownership" not in data["unmodeled"]          # modelled, only not asked: never unmodelled drift
    text = workbench_cli("diff", source, target)
    assert text.returncode == 0
    assert "not compared (not asked): owner of schemas, " in text.stdout and "(--with-owners)" in text.stdout

    asked = workbench_cli("diff", source, target, "--with-owners", "--format", "json")
    assert asked.returncode == 1
    data = json.loads(asked.stdout)
    assert not any(e["field"] == "owner" for e in data["not_compared"])
    changed = {(o["kind"], tuple(o["identity"].values()), tuple(o["differences"])) for o in data["objects"]}
    assert changed == {("schemas", ("app",), ("owner",)), ("tables", ("app", "t"), ("owner",)),
                       ("functions", ("app", "f", ""), ("owner",))}


def test_plan_apply_verify_with_owners(make_db, role, tmp_path):
    source, target = make_db(SCHEMA + owned_by(role) + "CREATE VIEW app.v AS SELECT id FROM app.t;"
                             f"ALTER VIEW app.v OWNER TO {role};"), make_db(SCHEMA)
    planned = workbench_cli("plan", source, target, "--with-owners", "--out", str(tmp_path / "plan"))
    assert planned.returncode == 0, planned.stderr
    plan = json.loads((tmp_path / "plan" / "plan.json").read_text())
    assert plan["options"]["with_owners"] is True
    owner_sql = [s["sql"] for s in plan["statements"] if s["sql"].endswith(f"OWNER TO {role}")]
    assert owner_sql == [f"ALTER SCHEMA app OWNER TO {role}", f"ALTER TABLE app.t OWNER TO {role}",
                         f"ALTER FUNCTION app.f() OWNER TO {role}", f"ALTER VIEW app.v OWNER TO {role}"]
    applied = workbench_cli("apply", str(tmp_path / "plan"), target)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    verified = workbench_cli("verify", source, target, "--with-owners")
    assert verified.returncode == 0, verified.stdout
    assert "not compared (not asked): owner" not in verified.stdout


def test_a_plan_naming_a_role_the_target_lacks_is_refused_before_anything_runs(pg, make_db, tmp_path):
    gone = f"drift_gone_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(gone)))
    source, target = make_db(SCHEMA + owned_by(gone)), make_db("CREATE TABLE before_plan (a int);")
    planned = workbench_cli("plan", source, target, "--with-owners", "--out", str(tmp_path / "plan"))
    assert planned.returncode == 0, planned.stderr
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(gone)))
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(gone)))
    before = capture(target).fingerprint
    applied = workbench_cli("apply", str(tmp_path / "plan"), target)
    assert applied.returncode == 2
    assert applied.stderr.startswith(f"error: the plan names role {gone}, which ") and "nothing was applied" in applied.stderr
    assert "Traceback" not in applied.stderr
    assert capture(target).fingerprint == before              # not a statement ran: no stage half done


MATVIEW = "CREATE TABLE t (a int); CREATE MATERIALIZED VIEW mv AS SELECT a FROM t"


def test_populated_is_compared_only_when_asked_and_planned_then(make_db, tmp_path):
    source, target = make_db(MATVIEW + ";"), make_db(MATVIEW + " WITH NO DATA;")
    drift = compare(capture(source), capture(target))
    assert not drift.has_drift
    assert {"field": "populated", "option": "--compare-populated", "kinds": ["materialized_views"]} in drift.not_compared
    asked = compare(capture(source), capture(target), compare_populated=True)
    assert [(o["identity"], o["differences"]) for o in asked.objects()] == [({"schema": "public", "name": "mv"}, ["populated"])]
    assert not any(e["field"] == "populated" for e in asked.not_compared)

    planned = workbench_cli("plan", source, target, "--compare-populated", "--print")
    assert planned.returncode == 0, planned.stderr
    assert "REFRESH MATERIALIZED VIEW public.mv;" in planned.stdout
    assert "DROP MATERIALIZED VIEW" not in planned.stdout            # a refresh, not a rebuild
    # and the other way: the source's is empty
    emptied = workbench_cli("plan", target, source, "--compare-populated", "--print")
    assert "REFRESH MATERIALIZED VIEW public.mv WITH NO DATA;" in emptied.stdout
