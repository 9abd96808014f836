"""SQL files as sides: a .sql file, a migrations folder, a pg_dump -s output, loaded into a scratch
database (the embedded server, or --shadow), snapshotted and dropped; load errors as FILE:LINE."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import psycopg
import pytest

import workbench
from conftest import run_sql, workbench_cli
from test_cli import assert_one_line_error
from workbench import sandbox, sides, sqlfiles
from workbench.errors import WorkbenchError


def databases(admin_dsn: str) -> set[str]:
    """The scratch databases on a server (the embedded ones' and a shadow's prefixes); other
    databases come and go with other tests on a shared server."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return {row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'scratch\\_%' OR datname LIKE 'drift\\_workbench\\_scratch\\_%'")}


def objects_of(report: dict) -> list:
    return sorted(json.dumps(obj, sort_keys=True) for obj in report["objects"])


# --- classification -----------------------------------------------------------------------------
def test_classify_every_kind_of_side(tmp_path):
    (tmp_path / "schema.sql").write_text("CREATE TABLE t (id int);\n")
    (tmp_path / "dump.txt").write_text("--\n-- PostgreSQL database dump\n--\nCREATE TABLE t (id int);\n")
    (tmp_path / "snap.data").write_text('{"format": "drift-workbench/snapshot"}')
    (tmp_path / "migrations").mkdir()
    store = tmp_path / "history"
    store.mkdir()
    (store / "store.json").write_text('{"format": "drift-workbench/store", "version": 1}')
    kinds = {spec: sides.classify(str(spec)).kind for spec in (
        tmp_path / "schema.sql", tmp_path / "dump.txt", tmp_path / "snap.data", tmp_path / "migrations",
        tmp_path / "legacy.snapshot.json", store, f"{store}@latest", f"{store}@3f2a")}
    assert list(kinds.values()) == ["sql", "sql", "snapshot", "sql", "snapshot", "store", "store", "store"]
    for dsn in ("postgresql://me@db1:5432/app", "host=db1 dbname=app user=me", "legacy"):
        assert sides.classify(dsn).kind == "dsn" and sides.is_live(dsn)
    assert sides.classify(f"{store}@first").ref == "first"
    with pytest.raises(WorkbenchError, match="not a snapshot store"):
        sides.classify(f"{tmp_path / 'nowhere'}@latest")


def test_directory_files_in_name_order_numbers_as_numbers(tmp_path):
    for name in ("10_views.sql", "2_columns.sql", "1_tables.sql", "notes.txt"):
        (tmp_path / name).write_text("SELECT 1;\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "0_ignored.sql").write_text("SELECT 1;\n")
    assert [p.name for p in sqlfiles.side_files(tmp_path)] == ["1_tables.sql", "2_columns.sql", "10_views.sql"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WorkbenchError, match="holds no .sql files"):
        sqlfiles.side_files(empty)


def test_needs_are_read_by_the_parser(tmp_path):
    dump = tmp_path / "dump.sql"
    dump.write_text("\\restrict abc\nSET client_min_messages = warning;\n"
                    "CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;\n"
                    "-- CREATE EXTENSION commented_out;\n"
                    "COMMENT ON EXTENSION postgis IS 'an extension';\n"
                    "CREATE EXTENSION \"uuid-ossp\";\nCREATE TABLE extension_log (id int);\n"
                    "CREATE ROLE made_here;\nCREATE SCHEMA app AUTHORIZATION app_owner;\n"
                    "ALTER TABLE extension_log OWNER TO app_owner;\n"
                    "GRANT SELECT ON extension_log TO reader, PUBLIC, made_here;\n"
                    "CREATE POLICY p ON extension_log TO \"Auditor\" USING (true);\n"
                    "-- GRANT SELECT ON extension_log TO commented;\n\\unrestrict abc\n")
    found = sqlfiles.needs([dump])
    assert found.extensions == ["postgis", "uuid-ossp"]
    assert found.roles == ["app_owner", "reader", "Auditor"]
    created = tmp_path / "created.sql"              # pg_dump --create: loads into a database of its own
    created.write_text("SET client_encoding = 'UTF8';\nCREATE DATABASE app WITH TEMPLATE = template0;\n"
                       "\\connect app\nCREATE TABLE t (id int);\n")
    with pytest.raises(WorkbenchError, match=rf"^{created}:2: CREATE DATABASE; a SQL side loads into one scratch database"):
        sqlfiles.needs([created])
    created.write_text("SET client_encoding = 'UTF8';\n\n\\c app\nCREATE TABLE t (id int);\n")
    with pytest.raises(WorkbenchError, match=rf"^{created}:3: {re.escape(chr(92))}c switches to another database"):
        sqlfiles.needs([created])


# --- the must-show cases -------------------------------------------------------------------------
def test_seedscale_legacy_sql_diffs_like_the_legacy_database(seedscale_pair, seedscale_dir, tmp_path):
    """`workbench diff legacy.sql postgresql://...current`: the same drift as between the two
    databases. No --shadow: an embedded server is started for the load and stopped after it."""
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    by_file = workbench_cli("diff", str(seedscale_dir / "legacy.sql"), seedscale_pair["current"], "--format", "json",
                            env={"TMPDIR": str(own_tmp)})
    assert by_file.returncode == 1, by_file.stderr
    by_database = workbench_cli("diff", seedscale_pair["legacy"], seedscale_pair["current"], "--format", "json")
    file_report, database_report = json.loads(by_file.stdout), json.loads(by_database.stdout)
    assert file_report["summary"] == database_report["summary"]
    assert objects_of(file_report) == objects_of(database_report)
    assert file_report["source"]["fingerprint"] == database_report["source"]["fingerprint"]
    assert file_report["source"]["dsn"] == str(seedscale_dir / "legacy.sql")
    assert sum(n for kind in file_report["summary"].values() for s, n in kind.items() if s != "identical") > 100
    # the embedded server it started is gone: no data directory, no process
    assert list(own_tmp.iterdir()) == []
    processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(own_tmp) not in processes


MIGRATIONS = {
    "001_tables.sql": "CREATE TABLE customer (id int PRIMARY KEY, name text);\n",
    "002_columns.sql": "ALTER TABLE customer ADD COLUMN email text NOT NULL DEFAULT '';\n"
                       "CREATE INDEX customer_email ON customer (email);\n",
    "003_views.sql": "CREATE VIEW customer_emails AS SELECT id, email FROM customer;\n"
                     "ALTER TABLE customer DROP COLUMN name;\n",
}


def test_migrations_directory_of_three_ordered_files(pg, make_db, tmp_path):
    """A migrations folder applied in name order (each file needs the one before) equals the database
    the same migrations made; a database one migration behind shows exactly that migration."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for name in reversed(list(MIGRATIONS)):            # written newest first: order comes from the names
        (folder / name).write_text(MIGRATIONS[name])
    migrated = make_db("".join(MIGRATIONS.values()))
    behind = make_db(MIGRATIONS["001_tables.sql"] + MIGRATIONS["002_columns.sql"])
    before = databases(pg.dsn())

    same = workbench_cli("diff", str(folder), migrated, "--shadow", pg.dsn())
    assert same.returncode == 0 and "No drift" in same.stdout, same.stdout + same.stderr
    one_behind = workbench_cli("diff", str(folder), behind, "--shadow", pg.dsn(), "--format", "json")
    assert one_behind.returncode == 1, one_behind.stderr
    assert {(o["kind"], o["status"], o["identity"]["name"]) for o in json.loads(one_behind.stdout)["objects"]} == {
        ("views", "only_in_source", "customer_emails"), ("columns", "only_in_target", "name")}
    assert databases(pg.dsn()) == before                 # every scratch database dropped


def test_pg_dump_with_postgis_through_shadow_on_pg15(pg, pg15, tmp_path):
    """A `pg_dump -s` of a PostGIS database loads through --shadow on the system PostgreSQL 15 and
    compares as identical to its database; the embedded server, which lacks PostGIS, is named."""
    admin = pg15.admin_dsn
    with psycopg.connect(admin) as conn:
        if not conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone():
            pytest.skip("postgis is not installed on the system PostgreSQL 15 (apt-get install postgresql-15-postgis-3)")
    gis = pg15.dsn(pg15.create_database())
    run_sql(gis, "CREATE EXTENSION postgis;"
                 "CREATE TABLE places (id int PRIMARY KEY, name text NOT NULL, geom geometry(Point, 4326));"
                 "CREATE INDEX places_geom ON places USING gist (geom);"
                 "CREATE VIEW named_places AS SELECT id, name, ST_AsText(geom) AS wkt FROM places;")
    pg_dump = shutil.which("pg_dump") or str(sandbox.binaries_dir() / "pg_dump")
    dump = tmp_path / "gis_schema.sql"
    subprocess.run([pg_dump, "-s", "-d", gis, "-f", str(dump)], check=True, capture_output=True)
    assert "CREATE EXTENSION IF NOT EXISTS postgis" in dump.read_text()
    before = databases(admin)

    result = workbench_cli("diff", str(dump), gis, "--shadow", admin, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["source"]["server_version"].startswith("15.")
    assert report["summary"]["extensions"]["identical"] >= 2          # plpgsql and postgis
    assert report["summary"]["columns"]["identical"] == 3 and report["summary"]["views"]["identical"] == 1
    assert report["source"]["fingerprint"] == report["target"]["fingerprint"]
    assert databases(admin) == before

    lacking = workbench_cli("diff", str(dump), gis, "--shadow", pg.dsn())
    assert_one_line_error(lacking, rf"^error: {dump}: needs extension postgis, which the shadow server "
                                   rf"postgresql://postgres@127\.0\.0\.1:{pg.port}/postgres lacks")


def test_syntax_error_on_line_40_names_file_and_line(pg, tmp_path):
    lines = [f"CREATE TABLE t{i} (id int);" for i in range(1, 40)]
    lines += ["CREATE TABLE broken (id int,, name text);", "CREATE TABLE never (id int);"]
    path = tmp_path / "schema.sql"
    path.write_text("\n".join(lines) + "\n")
    before = databases(pg.dsn())
    result = workbench_cli("diff", str(path), pg.dsn(), "--shadow", pg.dsn())
    assert_one_line_error(result, rf'^error: {path}:40: syntax error at or near ","$')
    assert databases(pg.dsn()) == before


def test_load_errors_point_into_multi_line_statements(pg, tmp_path):
    path = tmp_path / "views.sql"
    path.write_text("-- tables first\n\nCREATE TABLE c (\n  id int\n);\n\n  -- then a view\n"
                    "CREATE VIEW v AS\nSELECT id,\n  missing_column\nFROM c;\n")
    with pytest.raises(WorkbenchError, match=rf'^{path}:10: column "missing_column" does not exist$'):
        sides.open_side(str(path), shadow=pg)
    unique = tmp_path / "data.sql"
    unique.write_text("CREATE TABLE q (id int);\nINSERT INTO q VALUES (1), (1);\nCREATE UNIQUE INDEX\n  q_id ON q (id);\n")
    with pytest.raises(WorkbenchError, match=rf"^{unique}:3: could not create unique index .*duplicated"):
        sides.open_side(str(unique), shadow=pg)
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "001_ok.sql").write_text("CREATE TABLE a (id int);\n")
    (folder / "002_bad.sql").write_text("CREATE TABLE b (id int);\nALTER TABLE nope ADD COLUMN x int;\n")
    with pytest.raises(WorkbenchError, match=rf'^{folder / "002_bad.sql"}:2: relation "nope" does not exist$'):
        sides.open_side(str(folder), shadow=pg)


def test_roles_a_dump_names(pg, make_db, tmp_path):
    """Owners and grantees of a dump: made (NOLOGIN) on an embedded server, named as missing on a shadow."""
    import uuid

    owner, reader = f"owner_{uuid.uuid4().hex[:8]}", f"reader_{uuid.uuid4().hex[:8]}"
    dump = tmp_path / "dump.sql"
    dump.write_text(f"CREATE TABLE t (id int);\nALTER TABLE t OWNER TO {owner};\nGRANT SELECT ON t TO {reader};\n")
    refused = workbench_cli("diff", str(dump), pg.dsn(), "--shadow", pg.dsn())
    assert_one_line_error(refused, rf"^error: {dump}: needs roles {owner}, {reader} \(owners, grantees\), which the "
                                   rf"shadow server .* lacks \(create them there, or dump with pg_dump -O -x\)$")
    try:
        loaded = workbench.take_snapshot(str(dump), shadow=pg)
        assert loaded["tables"]["owner"].tolist() == [owner]
        assert [(p["grantee"], p["privilege"]) for p in loaded["privileges"].to_dict("records")
                if p["object"] == "public.t" and p["grantee"] == reader] == [(reader, "SELECT")]
    finally:
        with pg.connect() as conn:
            for role in (owner, reader):
                conn.execute(f"DROP ROLE IF EXISTS {role}")


def test_bad_sql_sides_are_one_line_errors(tmp_path):
    archive = tmp_path / "schema.dump"
    archive.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    missing = tmp_path / "missing.sql"
    for spec, pattern in ((missing, r"missing\.sql: SQL file does not exist"),
                          (archive, r"custom-format archive, not SQL \(make a plain one: pg_restore -s")):
        result = workbench_cli("diff", str(spec), "postgresql://nobody@127.0.0.1:1/none")
        assert_one_line_error(result, pattern)


def test_sql_side_as_plan_source_then_apply_and_verify(pg, make_db, tmp_path):
    """plan SQL-file SOURCE -> apply -> verify with the same SQL SOURCE: parity."""
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);\n"
                      "CREATE TABLE login (id bigint PRIMARY KEY, account_id bigint REFERENCES account (id));\n"
                      "CREATE INDEX login_account ON login (account_id);\n")
    target = make_db("CREATE TABLE account (id bigint PRIMARY KEY);")
    plan_dir = tmp_path / "plan"
    planned = workbench_cli("plan", str(schema), target, "--out", str(plan_dir), "--shadow", pg.dsn())
    assert planned.returncode == 0, planned.stderr
    assert json.loads((plan_dir / "plan.json").read_text())["statements"]
    assert workbench_cli("apply", str(plan_dir), target).returncode == 0
    verified = workbench_cli("verify", str(schema), target, "--shadow", pg.dsn())
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "verified" in verified.stdout
    # a SQL TARGET is compared too; its post-apply checks are not run (no live database to check)
    reverse = workbench.verify_target(target, str(schema), shadow=pg)
    assert reverse.ok and "SQL files" in reverse.checks_note


def test_python_api_diff_of_a_sql_file(pg, make_db, tmp_path):
    schema = tmp_path / "schema.sql"
    schema.write_text("CREATE TABLE t (id int PRIMARY KEY, name text);\n")
    dsn = make_db("CREATE TABLE t (id int PRIMARY KEY);")
    before = databases(pg.dsn())
    drift = workbench.diff(str(schema), dsn, shadow=pg)
    assert drift.summary.loc["columns", "only_in_source"] == 1 and drift.source.dsn == str(schema)
    assert drift.source.fingerprint == workbench.take_snapshot(str(schema), shadow=pg).fingerprint
    assert databases(pg.dsn()) == before


def test_two_sql_sides_what_a_migration_changes(pg, tmp_path):
    """`workbench diff new.sql old.sql`: both loaded at once, each into its own scratch database."""
    old, new, broken = tmp_path / "old.sql", tmp_path / "new.sql", tmp_path / "broken.sql"
    old.write_text("CREATE TABLE item (id int PRIMARY KEY, name text);\n")
    new.write_text("CREATE TABLE item (id int PRIMARY KEY, name text NOT NULL, price numeric);\n")
    broken.write_text("CREATE TABLE item (id int PRIMARY KEY);\nCREATE INDEX ON item (nope);\n")
    before = databases(pg.dsn())
    drift = workbench.diff(str(new), str(old), shadow=pg)
    assert sorted((o["identity"]["name"], o["status"], tuple(o["differences"])) for o in drift.objects()) == [
        ("name", "changed", ("not_null",)), ("price", "only_in_source", ())]
    assert (drift.source.dsn, drift.target.dsn) == (str(new), str(old))
    with pytest.raises(WorkbenchError, match=rf'^{broken}:2: column "nope" does not exist$'):
        workbench.diff(str(new), str(broken), shadow=pg)
    assert databases(pg.dsn()) == before


REPORT_SCHEMA = ("CREATE TABLE account (id bigint PRIMARY KEY, email text NOT NULL);\n"
                 "CREATE VIEW account_emails AS SELECT id, email FROM account;\n")


def test_report_of_a_sql_source_through_the_shadow(pg, make_db, tmp_path):
    """`workbench report schema.sql TARGET --shadow DSN`: the report's source is the file."""
    schema = tmp_path / "schema.sql"
    schema.write_text(REPORT_SCHEMA)
    target = make_db("CREATE TABLE account (id bigint PRIMARY KEY);")
    out = tmp_path / "report"
    before = databases(pg.dsn())
    result = workbench_cli("report", str(schema), target, "--out", str(out), "--shadow", pg.dsn())
    assert result.returncode == 0, result.stdout + result.stderr
    source = json.loads((out / "source.snapshot.json").read_text())
    assert source["dsn"] == str(schema) and source["database"] == "schema.sql"
    planned = json.loads((out / "plan" / "plan.json").read_text())["statements"]
    assert {(s["kind"], s["action"]) for s in planned} >= {("columns", "create"), ("views", "create")}
    assert "schema.sql" in (out / "report.html").read_text()
    assert databases(pg.dsn()) == before


def test_drift_report_notebook_on_a_sql_file(pg, make_db, tmp_path):
    """papermill drift_report.ipynb -p source schema.sql -p shadow DSN: the notebook loads the file."""
    import nbformat
    from test_notebooks import assert_no_error, figures, html_of, papermill_cli

    schema = tmp_path / "schema.sql"
    schema.write_text(REPORT_SCHEMA)
    target = make_db("CREATE TABLE account (id bigint PRIMARY KEY);")
    out = tmp_path / "drift_report.ipynb"
    papermill_cli("drift_report.ipynb", out, "-p", "source", str(schema), "-p", "target", target,
                  "-p", "shadow", pg.dsn())
    nb = nbformat.read(out, as_version=4)
    assert_no_error(nb)
    assert "<h1>Schema drift: schema.sql \u2192 " in html_of(nb)
    drift = next(f for f in figures(nb) if f["layout"]["meta"]["chart"] == "drift_by_kind")
    created = next(t for t in drift["data"] if t["name"] == "to create (source only)")
    assert dict(zip(created["x"], created["y"])) == {"columns": 1, "views": 1}
