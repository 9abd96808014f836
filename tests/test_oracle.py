"""The corpus oracle (tests/oracle.py) itself: it must see what the tool's compare cannot, and
ignore only what its normalisation says it ignores."""
from __future__ import annotations

from oracle import DumpOptions, differences, normalise, schema_of
from workbench.compare import CompareOptions, compare
from workbench.snapshot import capture

DUMP = """--
-- PostgreSQL database dump
--
\\restrict abc
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);

CREATE TABLE public.t (
    a integer,
    b text
);

CREATE FUNCTION public.f() RETURNS integer
    LANGUAGE plpgsql
    AS $$ BEGIN RETURN 1; END; $$;
"""


def test_normalise_keeps_statements_whole_and_ignores_column_order_and_noise():
    reordered = DUMP.replace("    a integer,\n    b text\n", "    b text,\n    a integer\n").replace("\\restrict abc", "")
    assert normalise(DUMP) == normalise(reordered) == sorted([
        "CREATE TABLE public.t (a integer, b text)",
        "CREATE FUNCTION public.f() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$"])
    assert normalise(DUMP) != normalise(DUMP.replace("b text", "b varchar"))


def test_the_oracle_sees_what_compare_does_not_look_at(make_db):
    """The oracle reads pg_dump, not the tool's kinds: what a comparison leaves out (here the
    comments kind, excluded by its options) is no drift to it, and the dumps still differ by it."""
    schema = "CREATE TABLE t (a int, b text);"
    plain = make_db(schema)
    commented = make_db(schema + "COMMENT ON COLUMN t.a IS 'the key';")
    assert compare(capture(plain), capture(commented)).has_drift
    assert not compare(capture(plain), capture(commented), CompareOptions(exclude_kinds=("comments",))).has_drift
    wanted, actual = schema_of(plain), schema_of(commented)
    assert wanted != actual
    assert "COMMENT ON COLUMN public.t.a IS 'the key'" in differences(wanted, actual)


def test_owners_are_compared_only_when_asked(pg, make_db):
    with pg.connect() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'oracle_owner'").fetchone():
            conn.execute("CREATE ROLE oracle_owner")
    schema = "CREATE TABLE t (a int);"
    mine, theirs = make_db(schema), make_db(schema + "ALTER TABLE t OWNER TO oracle_owner;")
    assert schema_of(mine) == schema_of(theirs)
    assert schema_of(mine, DumpOptions(owners=True)) != schema_of(theirs, DumpOptions(owners=True))
