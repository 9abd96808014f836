"""`workbench check`: the CI gate's exit codes, its CI-log summary, GitHub annotations, JUnit XML,
scope options and `.workbenchignore`."""
from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

import workbench
from conftest import workbench_cli
from test_cli import assert_one_line_error
from workbench import ignorefile
from workbench.errors import WorkbenchError

SOURCE = ("CREATE SCHEMA audit; CREATE TABLE audit.log (id int);"
          "CREATE TABLE account (id int PRIMARY KEY, email text NOT NULL);"
          "CREATE FUNCTION account_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM account';")
TARGET = ("CREATE SCHEMA audit; CREATE TABLE audit.log (id int, note text);"
          "CREATE TABLE account (id int PRIMARY KEY, email text);"
          "CREATE TABLE tmp_import (line text);"
          "CREATE FUNCTION account_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) + 0 FROM account';")


@pytest.fixture(scope="module")
def pair(pg):
    names = [pg.create_database() for _ in range(2)]
    for name, sql in zip(names, (SOURCE, TARGET)):
        with pg.connect(name) as conn:
            conn.execute(sql)
    yield pg.dsn(names[0]), pg.dsn(names[1])
    for name in names:
        pg.drop_database(name)


def test_exit_codes_and_ci_summary(pair, tmp_path):
    source, target = pair
    same = workbench_cli("check", source, source, cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith(f"parity: {source} matches {source} (")

    drift = workbench_cli("check", source, target, cwd=tmp_path)
    assert drift.returncode == 1, drift.stderr
    lines = drift.stdout.splitlines()
    assert lines[0].startswith(f"drift: {target} differs from {source} in 5 objects (")
    assert "  + columns audit.log.note" not in lines                # only in the target: "-"
    assert {"  - columns audit.log.note", "  ~ columns public.account.email  [not_null]",
            "  - tables public.tmp_import", "  - columns public.tmp_import.line",
            "  ~ functions public.account_count()  [body]"} <= set(lines)
    assert any(line.split() == ["columns", "2", "only", "in", "target,", "1", "changed"] for line in lines)
    assert len(lines) <= 12                                        # short enough for a CI log

    limited = workbench_cli("check", source, target, "--limit", "2", cwd=tmp_path)
    assert "  ... and 3 more (workbench diff SOURCE TARGET lists them all)" in limited.stdout

    unreachable = workbench_cli("check", source, "postgresql://nobody@127.0.0.1:1/none", cwd=tmp_path)
    assert_one_line_error(unreachable, r"cannot connect to postgresql://nobody@127\.0\.0\.1:1/none")
    missing = workbench_cli("check", str(tmp_path / "schema.sql"), target, cwd=tmp_path)
    assert_one_line_error(missing, r"schema\.sql: SQL file does not exist")


def test_github_annotations(pair, tmp_path):
    source, target = pair
    result = workbench_cli("check", source, target, "--format", "github", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "::error title=schema drift%3A tables (1 only in target)::- public.tmp_import",
        "::error title=schema drift%3A columns (2 only in target%2C 1 changed)::"
        "- audit.log.note%0A~ public.account.email [not_null]%0A- public.tmp_import.line",
        "::error title=schema drift%3A functions (1 changed)::~ public.account_count() [body]",
        f"::error title=schema drift::drift: {target} differs from {source} in 5 objects "
        f"({lines[-1].split('objects (', 1)[1]}",
    ]
    parity = workbench_cli("check", source, source, "--format", "github", cwd=tmp_path)
    assert parity.returncode == 0 and parity.stdout.startswith("::notice title=schema parity::parity: ")


def test_github_annotations_point_at_a_sql_source(pg, pair, tmp_path):
    _, target = pair
    schema = tmp_path / "schema.sql"
    schema.write_text(TARGET.replace("CREATE TABLE tmp_import (line text);", ""))
    result = workbench_cli("check", str(schema), target, "--format", "github", "--shadow", pg.dsn(), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (f"::error file={str(schema).replace(':', '%3A')},title=schema drift%3A "
                                             f"tables (1 only in target)::- public.tmp_import")


def test_junit_report(pair, tmp_path):
    source, target = pair
    report = tmp_path / "drift.xml"
    result = workbench_cli("check", source, target, "--junit", str(report), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("drift: ")
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite.get("failures") == "3" and suite.get("tests") == str(len(suite.findall("testcase")))
    failures = {case.get("name"): case.find("failure") for case in suite.findall("testcase")}
    assert failures["columns"].get("message") == "2 only in target, 1 changed"
    assert failures["functions"].text == "~ public.account_count() [body]"
    assert failures["views"] is None
    printed = workbench_cli("check", source, source, "--format", "junit", cwd=tmp_path)
    assert printed.returncode == 0
    assert ElementTree.fromstring(printed.stdout.split("\n", 1)[1]).find("testsuite").get("failures") == "0"


def test_scope_options(pair, tmp_path):
    """Every scope option of diff: through the CLI once together, then each through the API (the
    CLI builds the same CompareOptions for check as for diff)."""
    source, target = pair
    combined = workbench_cli("check", source, target, "--schema", "public", "--kind", "tables", "--kind", "columns",
                             "--skip-kind", "tables", "--ignore", "*.tmp_import*", cwd=tmp_path)
    assert combined.returncode == 1 and "in 1 object (" in combined.stdout, combined.stdout + combined.stderr
    assert "~ columns public.account.email  [not_null]" in combined.stdout
    gate = lambda **scope: workbench.check(source, target, **scope)  # noqa: E731
    assert not gate(kinds=["tables", "functions"]).ok
    assert gate(kinds=["views"]).ok
    assert gate(exclude_kinds=["columns", "tables", "functions"]).ok
    only_audit = gate(schemas=["audit"])
    assert [o["identity"]["name"] for o in only_audit.drift.objects()] == ["note"]
    assert gate(exclude_schemas=["public"], exclude_kinds=["columns"]).ok
    assert gate(ignore=["*.tmp_import*", "columns:*.note", "functions:public.account_*",
                        "columns:public.account.email"]).ok
    assert_one_line_error(workbench_cli("check", source, target, "--kind", "colums"), r"unknown kind colums")


def test_workbenchignore_file(pair, tmp_path):
    source, target = pair
    (tmp_path / ".workbenchignore").write_text(
        "# objects the application manages itself\n\n*.tmp_import*\ncolumns:audit.log.note\n")
    partly = workbench_cli("check", source, target, cwd=tmp_path)
    assert partly.returncode == 1
    assert "2 ignore patterns" in partly.stdout.splitlines()[0] and "tmp_import" not in partly.stdout
    (tmp_path / ".workbenchignore").write_text("*.tmp_import*\ncolumns:audit.log.note\n"
                                               "columns:public.account.email\nfunctions:public.account_count(*)\n")
    assert workbench_cli("check", source, target, cwd=tmp_path).returncode == 0
    assert workbench_cli("check", source, target, "--no-ignore-file", cwd=tmp_path).returncode == 1
    # the same file for diff, and one named with --ignore-file from elsewhere
    assert workbench_cli("diff", source, target, cwd=tmp_path).returncode == 0
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    assert workbench_cli("check", source, target, "--ignore-file", str(tmp_path / ".workbenchignore"),
                         cwd=elsewhere).returncode == 0
    (elsewhere / ".workbenchignore").write_text("*.tmp_import*\n\ncolums:audit.*\n")
    assert_one_line_error(workbench_cli("check", source, target, cwd=elsewhere),
                          r"^error: \S*\.workbenchignore:3: unknown kind 'colums'")
    assert_one_line_error(workbench_cli("check", source, target, "--ignore-file", str(tmp_path / "none")),
                          r"none: ignore file does not exist")


def test_ignore_file_lines(tmp_path):
    path = tmp_path / ".workbenchignore"
    path.write_text("  # note\nfunctions:gis.st_*\n*.tmp_*  \n")
    assert ignorefile.read(path) == ["functions:gis.st_*", "*.tmp_*"]
    assert ignorefile.patterns_for(None, directory=tmp_path) == ["functions:gis.st_*", "*.tmp_*"]
    assert ignorefile.patterns_for(None, use_default=False, directory=tmp_path) == []
    path.write_text("tables:\n")
    with pytest.raises(WorkbenchError, match=r"\.workbenchignore:1: 'tables:' has no pattern after the kind"):
        ignorefile.read(path)


def test_python_api_check(pair):
    source, target = pair
    result = workbench.check(source, target)
    assert result.exit_code == 1 and not result.ok
    assert workbench.check(source, target, kinds=["views"]).ok

