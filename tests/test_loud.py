"""Loud, never silent: a kind one side lacks is an error, parity is never rounded up, verify's
checks keep its scope, exit codes survive a closed pipe, and what a plan leaves to an option
(privileges without --with-privileges) is said, not failed."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import psycopg
import pytest

from conftest import run_sql, workbench_cli
from workbench.compare import compare
from workbench.errors import WorkbenchError
from workbench.snapshot import capture

WIDE_TABLES, WIDE_COLUMNS = 10, 1000          # 10,000 columns, 10 tables


def wide_sql(changed: bool) -> str:
    statements = []
    for t in range(WIDE_TABLES):
        columns = ", ".join(f"c{c} {'bigint' if changed and t == 0 and c == 0 else 'int'}" for c in range(WIDE_COLUMNS))
        statements.append(f"CREATE TABLE w{t} ({columns});")
    return "".join(statements)


@pytest.fixture(scope="module")
def wide_pair(pg):
    """10 tables of 1,000 columns each, and the same with one column's type changed: 9,999 of
    10,000 columns identical."""
    names = [pg.create_database() for _ in range(3)]
    run_sql(pg.dsn(names[0]), wide_sql(changed=False))
    run_sql(pg.dsn(names[1]), wide_sql(changed=True))
    yield {"source": pg.dsn(names[0]), "target": pg.dsn(names[1]), "empty": pg.dsn(names[2])}
    for name in names:
        pg.drop_database(name)


def test_parity_9999_of_10000_is_never_100(wide_pair):
    from workbench.present import charts
    from workbench.present.migration_plan import verify_html
    from workbench.verify import verify

    result = workbench_cli("verify", wide_pair["source"], wide_pair["target"])
    assert result.returncode == 1, result.stderr
    [row] = [line for line in result.stdout.splitlines() if line.startswith("columns ")]
    assert row.split() == ["columns", "10000", "9999", "0", "1", "0", "99.99%"]
    overall = re.search(r"parity: (\S+) parity \(([\d,]+) of ([\d,]+) source objects", result.stdout)
    identical, total = (int(overall[i].replace(",", "")) for i in (2, 3))
    assert total - identical == 1 and total > 10_000 and overall[1] == "99.99%"
    assert not re.search(r"parity: 100", result.stdout)
    verified = verify(wide_pair["source"], wide_pair["target"])
    assert verified.to_json()["parity"]["columns"]["parity_pct"] == pytest.approx(99.99)
    bar = charts.residual_drift(verified.drift).data[0]
    labels = dict(zip(bar.x, bar.text))
    assert labels.pop("columns") == "99.99%" and labels["tables"] == "100%"
    assert set(labels.values()) == {"100%"}
    assert all("99.99%" in row[3] or row[3] == "100%" for row in bar.customdata)      # the hover too
    page = verify_html(verified.to_json())
    assert f"99.99% parity ({identical:,} of {total:,}" in page and "<td>99.99%</td>" in page.replace(" ", "")


@pytest.mark.parametrize("command, code", [("diff", 1), ("verify", 1), ("plan --print", 0)])
def test_exit_code_survives_a_closed_pipe(wide_pair, command, code):
    """`workbench diff A B | head -1` under pipefail: 1 (drift), not 0; a plan printed into a
    closed pipe is still a plan made (0), not an error."""
    script = (f"set -o pipefail; {sys.executable} -m workbench.cli {command} '{wide_pair['source']}' "
              f"'{wide_pair['empty']}' | head -1 > /dev/null")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=600)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "error" not in result.stderr
    # the reader gone before anything is written (so the write surely fails): the same code
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", *command.split(), wide_pair["source"],
                                wide_pair["empty"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == code, stderr


def test_a_kind_one_side_lacks_is_an_error(make_db, tmp_path):
    dsn = make_db("CREATE TABLE t (id int)")
    snapshot = capture(dsn)
    without = snapshot.filtered(kinds=[k for k in snapshot.frames if k != "indexes"])
    with pytest.raises(WorkbenchError, match=r"the target .* holds no indexes: .*--skip-kind indexes"):
        compare(snapshot, without)
    assert not compare(snapshot, without, exclude_kinds=("indexes",)).has_drift    # left out on purpose
    lacking = snapshot.filtered(kinds=[k for k in snapshot.frames if k != "privileges"]).save(tmp_path / "lacking.json")
    for args in (["diff", str(lacking), dsn], ["diff", dsn, str(lacking), "--kind", "privileges"]):
        result = workbench_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "privileges" in lines[0], result.stderr


def test_verify_checks_follow_its_scope(make_db):
    """A disabled trigger fails the check; --ignore (or a schema left out) takes it out of the
    drift and of the checks alike."""
    body = ("CREATE SCHEMA side; CREATE TABLE t (id int); CREATE TABLE side.s (id int);"
            "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
            "CREATE TRIGGER trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();"
            "CREATE TRIGGER strg BEFORE INSERT ON side.s FOR EACH ROW EXECUTE FUNCTION f();")
    source = make_db(body)
    target = make_db(body + "ALTER TABLE t DISABLE TRIGGER trg; ALTER TABLE side.s DISABLE TRIGGER strg;")
    plain = workbench_cli("verify", source, target)
    assert plain.returncode == 1 and "FAIL  disabled trigger  public.t.trg" in plain.stdout
    ignored = workbench_cli("verify", source, target, "--ignore", "triggers:public.t.trg", "--exclude-schema", "side")
    assert ignored.returncode == 0, ignored.stdout
    assert "FAIL" not in ignored.stdout and "trg" not in ignored.stdout
    only_side = workbench_cli("verify", source, target, "--ignore", "*.trg")
    assert only_side.returncode == 1 and "side.s.strg" in only_side.stdout and "public.t.trg" not in only_side.stdout


def test_privileges_not_planned_are_said_not_failed(pg, make_db, tmp_path):
    with pg.connect() as conn:
        conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'drift_loud_reader') "
                     "THEN CREATE ROLE drift_loud_reader; END IF; END $$")
    source = make_db("CREATE TABLE t (id int); GRANT SELECT ON t TO drift_loud_reader")
    target = make_db("CREATE TABLE t (id int); CREATE TABLE u (x int)")
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute("CREATE TABLE u (x int); GRANT INSERT ON u TO drift_loud_reader")
    plan = workbench_cli("plan", source, target, "--out", str(tmp_path / "plan"))
    assert plan.returncode == 0, plan.stderr
    assert "2 privilege differences not planned (--with-privileges): compared, but left as they are" in plan.stdout
    assert workbench_cli("apply", str(tmp_path / "plan"), target).returncode == 0
    verified = workbench_cli("verify", source, target)
    assert verified.returncode == 0, verified.stdout
    assert ("2 privilege differences not planned (--with-privileges): not counted in parity or the verdict"
            in verified.stdout)
    assert "privileges" not in [line.split()[0] for line in verified.stdout.splitlines() if line.strip()]
    strict = workbench_cli("verify", source, target, "--with-privileges")
    assert strict.returncode == 1 and "not planned" not in strict.stdout
    planned = workbench_cli("plan", source, target, "--out", str(tmp_path / "plan2"), "--with-privileges")
    assert "not planned" not in planned.stdout
    assert workbench_cli("apply", str(tmp_path / "plan2"), target).returncode == 0
    assert workbench_cli("verify", source, target, "--with-privileges").returncode == 0
