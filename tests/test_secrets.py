"""No password in any output or file: every DSN form, a password full of the characters DSNs treat
specially, libpq's error texts (which quote parts of a DSN back) and the guard that refuses a run
whose files would hold a password before anything reaches the target."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from conftest import workbench_cli
from report_helpers import NASTY_PASSWORD as NASTY
from report_helpers import assert_no_password, assert_no_password_in_files, keywords_with_password, url_with_password
from workbench import connect, pipeline
from workbench.errors import WorkbenchError

USER = "drift_nasty_pw"


@pytest.fixture(scope="module")
def nasty_server(pg):
    """The session server with one role that logs in with NASTY (scram); other roles trusted."""
    hba = pg.data_dir / "pg_hba.conf"
    original = hba.read_text()
    hba.write_text(f"host all {USER} 127.0.0.1/32 scram-sha-256\n" + original)
    literal = NASTY.replace("'", "''")
    with pg.connect() as conn:
        conn.execute(f"DROP ROLE IF EXISTS {USER}")
        conn.execute(f"CREATE ROLE {USER} LOGIN SUPERUSER PASSWORD '{literal}'")
        conn.execute("SELECT pg_reload_conf()")
    yield pg
    hba.write_text(original)
    with pg.connect() as conn:
        conn.execute("SELECT pg_reload_conf()")


def dsn_forms(dsn: str) -> dict[str, str]:
    """One database as a URL, a URL with the password in its query, and libpq keywords."""
    return {"url": url_with_password(dsn, user=USER),
            "url-query": dsn.replace("://postgres@", f"://{USER}@") + f"?password={quote(NASTY, safe='')}",
            "keywords": keywords_with_password(dsn, user=USER)}


def test_mask_reads_dsns_as_libpq_does():
    assert connect.mask("host=h password=Zq9://SECRET dbname=d") == "host=h password=*** dbname=d"
    assert connect.mask("postgresql://u:pw%20x@h:5/db?sslmode=disable") == "postgresql://u:***@h:5/db?sslmode=disable"
    assert connect.mask(r"host=h password=PART1\ PART2") == "host=h password=***"
    assert connect.mask("postgresql://u@h/db?password=qq%20rr") == "postgresql://u:***@h/db"
    assert connect.mask("legacy") == "legacy"
    shown = connect.mask("postgresql://u:pass@word@h/db")    # libpq: password "pass", host "word@h"
    assert "pass" not in shown.replace("***", "") and "word" not in shown


@pytest.mark.parametrize("dsn, password", [
    ("postgresql://u:pa ss word@127.0.0.1:1/db", "pa ss word"),               # a raw space
    ("postgresql://u:abc%zzdef@127.0.0.1:1/db", "abc%zzdef"),                 # a bad percent escape
    ("postgresql://u:abc%00def@127.0.0.1:1/db", "abc%00def"),                 # a forbidden one
    ("postgresql://u:first@second@127.0.0.1:1/db", "first@second"),           # a raw @: libpq's host
    (r"host=127.0.0.1 port=1 password=PART1\ PART2", "PART1 PART2"),          # a backslash-escaped space
    ("host=127.0.0.1 port=1 password=Zq9://SECRET", "Zq9://SECRET"),
])
def test_libpq_errors_hold_no_piece_of_the_password(dsn, password):
    result = workbench_cli("diff", dsn, dsn)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for piece in [password, *password.replace("@", " ").split()]:
        if len(piece) >= 3:
            assert piece not in result.stderr, (piece, result.stderr)


def test_a_malformed_dsn_is_one_line():
    result = workbench_cli("diff", "postgresql://[::1", "postgresql://[::1")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        'error: invalid DSN postgresql://[::1: end of string reached when looking for matching "]" in IPv6 '
        'host address in URI: "postgresql://[::1"']


def test_every_command_and_file_without_the_password(nasty_server, make_db, tmp_path):
    source = make_db("CREATE TABLE t (id int PRIMARY KEY, name text); CREATE INDEX t_name ON t (name)")
    target = make_db("CREATE TABLE t (id int PRIMARY KEY)")
    forms, source_forms = dsn_forms(target), dsn_forms(source)
    with psycopg.connect(forms["keywords"]) as conn:             # the role really needs this password
        assert conn.execute("SELECT current_user").fetchone()[0] == USER
    outputs = []
    for name, dsn in forms.items():
        src = source_forms[name]
        for args in (["diff", src, dsn], ["diff", src, dsn, "--format", "json"],
                     ["snapshot", dsn, "-o", str(tmp_path / f"{name}.json")]):
            result = workbench_cli(*args)
            assert result.returncode in (0, 1), result.stderr
            outputs.append(result.stdout + result.stderr)
        shown = json.loads(workbench_cli("diff", src, dsn, "--format", "json").stdout)["target"]["dsn"]
        assert "***" in shown and USER in shown
    plan = workbench_cli("plan", source_forms["keywords"], forms["url"], "--out", str(tmp_path / "plan"))
    applied = workbench_cli("apply", str(tmp_path / "plan"), forms["keywords"])
    verified = workbench_cli("verify", source_forms["url-query"], forms["url"])
    for result in (plan, applied, verified):
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(result.stdout + result.stderr)
    wrong = workbench_cli("diff", forms["url"].replace(quote(NASTY, safe=""), quote(NASTY + "x", safe="")), target)
    assert wrong.returncode == 2 and "password authentication failed" in wrong.stderr
    outputs.append(wrong.stderr)
    for text in outputs:
        assert_no_password(text, "output")
    assert assert_no_password_in_files(tmp_path) > 10


def test_the_guard_refuses_the_run_before_anything_is_applied(make_db, tmp_path, monkeypatch):
    """A password that reaches a file through the schema itself (a comment quoting it): every file
    is checked before the apply, all those that hold it are deleted, and the target is untouched."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    secret = "Guarded-pw-7781"
    source = make_db(f"CREATE TABLE t (id int); COMMENT ON TABLE t IS 'login with {secret}'")
    target = make_db()
    with_password = target.replace("://postgres@", f"://postgres:{secret}@")
    run = pipeline.prepare(source, with_password, tmp_path / "out", mode="apply")
    with pytest.raises(WorkbenchError, match=r"would contain a password; they were deleted and nothing was applied"):
        pipeline.apply_and_verify(run, with_password, run.drift.options, False, lambda _text: None)
    assert run.apply is None
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname = 't'").fetchone()[0] == 0
    left = [path for path in (tmp_path / "out").rglob("*") if path.is_file()]
    assert left and all(secret not in path.read_text(errors="replace") for path in left)
    assert not (tmp_path / "out" / "source.snapshot.json").exists()


def test_secrets_of_every_spelling(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-env pw")
    found = connect.secrets_of(["postgresql://u:pw%20one@h/db", "host=h password='pw two' dbname=d",
                                "service_name", __file__, None])
    for form in ("pw one", "pw%20one", "pw two", "pw%20two", "from-env pw", "from-env%20pw"):
        assert form in found, form
    assert all(len(s) >= 3 for s in found)
    assert not any("service" in s for s in found) and Path(__file__).name not in " ".join(found)
