"""The `workbench` command: formats, exit codes, and one-line errors for every kind of bad input."""
from __future__ import annotations

import json
import re

import pytest

from conftest import workbench_cli
from workbench.snapshot import capture

PASSWORD = "s3cr3t-Pa55word"
PW_USER = "drift_pw_user"


def assert_one_line_error(result, pattern: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    assert re.search(pattern, lines[0]), lines[0]


@pytest.fixture(scope="module")
def password_server(pg):
    """The session server with one role that must log in with a password (scram), others trusted."""
    hba = pg.data_dir / "pg_hba.conf"
    original = hba.read_text()
    rule = f"host all {PW_USER} 127.0.0.1/32 scram-sha-256\n"
    if rule not in original:
        hba.write_text(rule + original)
    with pg.connect() as conn:
        conn.execute(f"DROP ROLE IF EXISTS {PW_USER}")
        conn.execute(f"CREATE ROLE {PW_USER} LOGIN PASSWORD '{PASSWORD}'")
        conn.execute("SELECT pg_reload_conf()")
    yield pg
    hba.write_text(original)
    with pg.connect() as conn:
        conn.execute("SELECT pg_reload_conf()")


def test_help_lists_commands():
    result = workbench_cli("--help")
    assert result.returncode == 0
    for command in ("snapshot", "diff", "demo"):
        assert command in result.stdout


def test_diff_exit_codes_and_table(make_db):
    a = make_db("CREATE TABLE t (id int PRIMARY KEY, name text)")
    b = make_db("CREATE TABLE t (id int PRIMARY KEY, name varchar(10))")
    same = workbench_cli("diff", a, a)
    assert same.returncode == 0 and "No drift" in same.stdout
    differ = workbench_cli("diff", a, b)
    assert differ.returncode == 1, differ.stderr
    assert "~ public.t.name  [data_type]" in differ.stdout
    assert re.search(r"columns\s+0\s+0\s+1\s+1", differ.stdout)


def test_diff_json_format_exactly(make_db):
    a = make_db("CREATE TABLE t (id int); CREATE TABLE only_a (x int)")
    b = make_db("CREATE TABLE t (id bigint)")
    result = workbench_cli("diff", a, b, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert list(report) == ["format", "version", "source", "target", "summary", "unmodeled", "not_compared",
                            "rename_candidates", "objects"]
    assert report["unmodeled"] == {}            # nothing beyond the modelled kinds on either side
    # what was not compared because not asked: owners (--with-owners), matviews' data (--compare-populated)
    assert [(e["field"], e["option"]) for e in report["not_compared"]] == [("owner", "--with-owners"),
                                                                          ("populated", "--compare-populated")]
    assert report["format"] == "drift-workbench/diff" and report["version"] == 1
    for side in ("source", "target"):
        assert list(report[side]) == ["dsn", "server_version", "fingerprint", "counts"]
    assert report["summary"]["tables"] == {"only_in_source": 1, "only_in_target": 0, "changed": 0, "identical": 1}
    assert {"kind": "columns", "identity": {"schema": "public", "table": "t", "name": "id"},
            "status": "changed", "differences": ["data_type"]} in report["objects"]
    assert len(report["objects"]) == 3          # only_a, its column x, t.id
    assert report["source"]["counts"]["tables"] == 2


def test_snapshot_files_work_as_sides(make_db, tmp_path):
    a = make_db("CREATE TABLE t (id int)")
    b = make_db("CREATE TABLE t (id int, extra text)")
    out = tmp_path / "a.json"
    made = workbench_cli("snapshot", a, "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert workbench_cli("diff", str(out), a).returncode == 0
    result = workbench_cli("diff", str(out), b, "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["columns"]["only_in_target"] == 1


def test_schema_and_kind_options(make_db):
    a = make_db("CREATE SCHEMA keep; CREATE SCHEMA skip; CREATE TABLE keep.t (a int); CREATE TABLE skip.t (a int)")
    b = make_db("CREATE SCHEMA keep; CREATE SCHEMA skip; CREATE TABLE keep.t (a int)")
    assert workbench_cli("diff", a, b, "--schema", "keep").returncode == 0
    assert workbench_cli("diff", a, b, "--exclude-schema", "skip").returncode == 0
    assert workbench_cli("diff", a, b).returncode == 1
    assert workbench_cli("diff", a, b, "--skip-kind", "tables", "--skip-kind", "columns").returncode == 0


def test_password_is_never_shown(password_server, make_db, tmp_path):
    dsn = make_db("CREATE TABLE t (id int)")
    with_password = dsn.replace("postgres@", f"{PW_USER}:{PASSWORD}@")
    result = workbench_cli("diff", with_password, dsn, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert json.loads(result.stdout)["source"]["dsn"].startswith(f"postgresql://{PW_USER}:***@")
    out = tmp_path / "snap.json"
    assert workbench_cli("snapshot", with_password, "-o", str(out)).returncode == 0
    assert PASSWORD not in out.read_text()
    keywords = f"host=127.0.0.1 port={password_server.port} dbname={dsn.rsplit('/', 1)[1]} user={PW_USER} password={PASSWORD}"
    table = workbench_cli("diff", keywords, dsn)
    assert table.returncode == 0 and PASSWORD not in table.stdout + table.stderr
    assert "password=***" in table.stdout


def test_failed_authentication(password_server, db):
    wrong = db.replace("postgres@", f"{PW_USER}:{PASSWORD}x@")
    result = workbench_cli("diff", wrong, db)
    assert_one_line_error(result, "password authentication failed")
    assert PASSWORD not in result.stderr


def test_missing_permission(pg, db):
    name = db.rsplit("/", 1)[1]
    with pg.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS drift_no_connect")
        conn.execute("CREATE ROLE drift_no_connect LOGIN")
        conn.execute(f'REVOKE CONNECT ON DATABASE "{name}" FROM PUBLIC')
    result = workbench_cli("diff", db.replace("postgres@", "drift_no_connect@"), db)
    assert_one_line_error(result, "permission denied for database")


@pytest.mark.parametrize("args, pattern", [
    (["diff", "postgresql://postgres@127.0.0.1:1/x", "{db}"], r"cannot connect to .*:1/x: .*refused"),
    (["diff", "postgresql://postgres@no-such-host.invalid/x", "{db}"], r"cannot connect to .*no-such-host"),
    (["diff", "{server}/no_such_database", "{db}"], r'database "no_such_database" does not exist'),
    (["diff", "host=127.0.0.1 bogus_option=1", "{db}"], r"invalid DSN host=127.0.0.1 bogus_option=1: .*bogus_option"),
    (["diff", "no_such_service_name", "{db}"], r"cannot connect to no_such_service_name: .*service .*not found"),
    (["diff", "/nonexistent/snapshot.json", "{db}"], r"snapshot file /nonexistent/snapshot.json does not exist"),
    (["diff", "{db}", "{db}", "--kind", "tabels"], r"unknown kind tabels"),
    (["diff", "{db}", "{db}", "--frobnicate"], r"unrecognized arguments: --frobnicate"),
    (["diff", "{db}", "{db}", "--format", "xml"], r"invalid choice: 'xml'"),
    (["snapshot", "{db}"], r"snapshot needs -o FILE or --store DIR"),
    (["nosuchcommand"], r"invalid choice"),
])
def test_bad_input_gives_one_line_error(pg, db, args, pattern):
    server = db.rsplit("/", 1)[0]
    result = workbench_cli(*[a.format(db=db, server=server) for a in args])
    assert_one_line_error(result, pattern)


def test_corrupt_snapshot_file(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "drift-workbench/snapshot", "version": 1, "kinds": {')
    assert_one_line_error(workbench_cli("diff", str(broken), db), rf"^error: {broken}: not a snapshot: not JSON")
    good = tmp_path / "good.json"
    capture(db).save(good)
    data = json.loads(good.read_text())
    data["kinds"]["tables"]["rows"] = [["x"]]            # a row without its columns
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data))
    assert_one_line_error(workbench_cli("diff", str(tampered), db), rf"^error: {tampered}: kind tables row 1 is not a list of")


def test_snapshot_output_unwritable(db):
    assert_one_line_error(workbench_cli("snapshot", db, "-o", "/proc/no/such/dir/x.json"), r"cannot write snapshot")


def test_ignore_patterns(make_db, tmp_path):
    a = make_db("CREATE TABLE t (id int); CREATE FUNCTION st_x(int) RETURNS int LANGUAGE sql AS 'SELECT 1'")
    b = make_db("CREATE TABLE t (id int); CREATE TABLE tmp_scratch (x int)")
    assert workbench_cli("diff", a, b).returncode == 1
    only_functions = workbench_cli("diff", a, b, "--ignore", "functions:public.st_*", "--format", "json")
    summary = json.loads(only_functions.stdout)["summary"]
    assert summary["functions"]["only_in_source"] == 0 and summary["tables"]["only_in_target"] == 1
    both = workbench_cli("diff", a, b, "--ignore", "functions:public.st_*", "--ignore", "*.tmp_*")
    assert both.returncode == 0, both.stdout
    # a plan made with --ignore is applied against the same scope (its fingerprint ignores them too)
    plan = workbench_cli("plan", a, b, "--out", str(tmp_path), "--ignore", "*.tmp_*")
    assert plan.returncode == 0 and json.loads((tmp_path / "plan.json").read_text())["options"]["ignore"] == ["*.tmp_*"]
    assert workbench_cli("apply", str(tmp_path), b).returncode == 0
    assert workbench_cli("diff", a, b, "--ignore", "*.tmp_*").returncode == 0


# --- the CLI shows what changed ---------------------------------------------------------------------
VIEW_SOURCE = ("CREATE TABLE orders (id int, channel text DEFAULT 'app', total numeric);"
               "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;")
VIEW_TARGET = ("CREATE TABLE orders (id int, channel text DEFAULT 'web', total numeric);"
               "CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 50;")


@pytest.fixture(scope="module")
def changed_pair(pg):
    from conftest import run_sql

    names = []
    for sql in (VIEW_SOURCE, VIEW_TARGET):
        name = pg.create_database()
        run_sql(pg.dsn(name), sql + "CREATE TABLE a_new (x int); CREATE TABLE b_new (y int, z int);")
        names.append(name)
    run_sql(pg.dsn(names[1]), "DROP TABLE a_new, b_new")
    yield pg.dsn(names[0]), pg.dsn(names[1])
    for name in names:
        pg.drop_database(name)


def test_a_changed_default_and_view_print_both_values(changed_pair):
    result = workbench_cli("diff", *changed_pair)
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert ("  ~ public.orders.channel  [default_value]\n"
            "      - default 'web'::text\n"
            "      + default 'app'::text\n") in out
    view = out[out.index("  ~ public.big_orders  [definition]"):]
    assert "      --- definition (target)\n      +++ definition (source)\n" in view
    assert ("      -  WHERE (total > (50)::numeric);\n"
            "      +  WHERE (total > (100)::numeric);\n") in view                 # a unified diff of the body
    assert "- the target's value, + the source's" in out                # the legend says which is which


def test_diff_limit_lists_changed_objects_first(changed_pair):
    result = workbench_cli("diff", *changed_pair, "--limit", "1")
    listed = result.stdout.split("\ncolumns (", 1)[1].split("\n\n", 1)[0].splitlines()
    assert listed[1] == "  ~ public.orders.channel  [default_value]"      # before the 3 columns to create
    assert listed[-1] == "  ... and 3 more"
    tables = result.stdout.split("\ntables (", 1)[1].split("\n\n", 1)[0].splitlines()
    assert tables[1:] == ["  + public.a_new", "  ... and 1 more"]


def test_snapshot_to_stdout(changed_pair, tmp_path):
    result = workbench_cli("snapshot", changed_pair[0], "-o", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"] == "drift-workbench/snapshot"
    assert result.stderr.startswith("wrote the snapshot to stdout: postgresql://")
    assert not (tmp_path / "-").exists()
    saved = tmp_path / "a.json"
    saved.write_text(result.stdout)
    assert workbench_cli("diff", str(saved), changed_pair[0]).returncode == 0   # a snapshot like any other


def test_plan_prints_its_sql(changed_pair, tmp_path):
    printed = workbench_cli("plan", *changed_pair, "--print")
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.startswith("-- schema_migration.sql: every stage in order")
    assert "ALTER TABLE public.orders ALTER COLUMN channel SET DEFAULT 'app'::text;" in printed.stdout
    assert "stage02_tables" in printed.stderr and "total" in printed.stderr      # the summary on stderr
    both = workbench_cli("plan", *changed_pair, "--print", "--out", str(tmp_path / "p"))
    assert both.returncode == 0 and (tmp_path / "p" / "schema_migration.sql").read_text() == both.stdout
    neither = workbench_cli("plan", *changed_pair)
    assert_one_line_error(neither, r"plan needs --out DIR .* or --print")


def test_version_and_help_for_the_sides():
    from workbench import __version__

    version = workbench_cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"workbench {__version__}"
    for command in ("diff", "plan", "verify", "report", "explore"):
        text = " ".join(workbench_cli(command, "--help").stdout.split())
        assert "SOURCE the desired schema (legacy, the source of truth)" in text, command
        assert "migra takes them the other way round" in text and "TARGET the database to change" in text


@pytest.mark.parametrize("command", ["diff", "plan", "verify", "report"])
def test_every_comparing_command_takes_every_scope_option(command):
    text = workbench_cli(command, "--help").stdout
    for option in ("--schema", "--exclude-schema", "--kind", "--skip-kind", "--ignore"):
        assert option in text, (command, option)
