"""Trust (issue 8): nothing runs on a target that plan.json does not hold.

Names, labels and comments of the source are hostile input: a line break in a table's name must
not end a comment line of a stage file and run the rest of the name on the target, neither
through `workbench apply` nor through `psql -f`.
"""
from __future__ import annotations

import shutil
import subprocess

import psycopg
import pytest

from conftest import run_sql, workbench_cli
from workbench.planner.quote import comment, literal
from workbench.planner.stagecheck import split

INJECTING_NAME = "x\nTRUNCATE public.accounts;\n--"


def rows(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchall()


def test_comment_escapes_every_control_character_visibly():
    for char in [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u200b"]:
        line = comment(f"a{char}b")
        assert line.startswith("-- a") and line.endswith("b")
        assert char not in line, repr(line)
        assert "\\" in line                         # shown, not dropped
    assert comment("a\nb\rc\td") == "-- a\\nb\\rc\\td"
    assert comment("back\\n slash") == "-- back\\\\n slash"    # a real backslash-n stays distinguishable
    assert comment("ünïcødé $$ */ ; 'q' \"q\"") == "-- ünïcødé $$ */ ; 'q' \"q\""


def test_literal_reads_the_same_whatever_standard_conforming_strings(db):
    text = "it's a \\'; DROP TABLE x; --"
    with psycopg.connect(db, autocommit=True) as conn:
        for setting in ("on", "off"):
            conn.execute(f"SET standard_conforming_strings = {setting}")
            conn.execute("SET escape_string_warning = off")
            assert conn.execute(f"SELECT {literal(text)}").fetchone()[0] == text


def test_newline_in_a_table_name_does_not_run_on_the_target(make_db, tmp_path):
    """The reproduction of issue 8: the name ends a comment line and TRUNCATEs `accounts`."""
    source = make_db(f'CREATE TABLE public.accounts (id int PRIMARY KEY);'
                     f'CREATE TABLE public."{INJECTING_NAME}" (id int)')
    target = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY);"
                     "INSERT INTO public.accounts SELECT generate_series(1, 5)")
    out = tmp_path / "inj"
    planned = workbench_cli("plan", source, target, "--out", str(out))
    assert planned.returncode == 0, planned.stderr
    stage = (out / "stage02_tables.sql").read_text()
    assert "-- create tables public.x\\nTRUNCATE public.accounts;\\n--\n" in stage      # escaped in its comment
    statements = [piece.sql for piece in split(stage)]
    assert not any(sql.startswith("TRUNCATE") for sql in statements), statements

    if shutil.which("psql"):                         # psql -f runs the same file as harmless
        psql_target = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY);"
                              "INSERT INTO public.accounts SELECT generate_series(1, 5)")
        for name in ("stage00_prerequisites", "stage02_tables"):
            ran = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", psql_target,
                                  "-f", str(out / f"{name}.sql")], capture_output=True, text=True, timeout=60)
            assert ran.returncode == 0, ran.stderr
        assert rows(psql_target, "SELECT count(*) FROM public.accounts") == [(5,)]
        assert rows(psql_target, "SELECT relname FROM pg_class WHERE relname LIKE 'x%TRUNCATE%'") == [(INJECTING_NAME,)]

    applied = workbench_cli("apply", str(out), target)
    assert applied.returncode == 0, applied.stderr
    assert rows(target, "SELECT count(*) FROM public.accounts") == [(5,)]
    assert rows(target, "SELECT relname FROM pg_class WHERE relname LIKE 'x%TRUNCATE%'") == [(INJECTING_NAME,)]
    verified = workbench_cli("verify", source, target)
    assert verified.returncode == 0, verified.stdout + verified.stderr
