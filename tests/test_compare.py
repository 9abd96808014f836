"""compare(): statuses, differences, options, normalisation that hides spelling but not meaning."""
from __future__ import annotations

import pytest

from workbench.compare import compare
from workbench.errors import WorkbenchError
from workbench.normalize import same_sql
from workbench.snapshot import capture

BASE = '''
CREATE TYPE "Mood ""x""" AS ENUM ('a', 'b');
CREATE TABLE "Tbl One" (id int PRIMARY KEY, "Näme" text DEFAULT 'web', m "Mood ""x""");
CREATE INDEX "ix space" ON "Tbl One" (lower("Näme"));
CREATE FUNCTION f(i int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT i + 1';
'''


def test_identical_databases_have_no_drift(make_db):
    a, b = make_db(BASE), make_db(BASE)
    drift = compare(capture(a), capture(b))
    assert not drift.has_drift
    assert drift.summary.loc["columns", "identical"] == 3
    assert (drift.parity["parity_pct"] == 100.0).all()


def test_each_difference_is_named(make_db):
    a = make_db(BASE)
    b = make_db(BASE.replace("DEFAULT 'web'", "DEFAULT 'app'").replace("('a', 'b')", "('a', 'b', 'c')")
                .replace("lower(", "upper(").replace("IMMUTABLE", "STABLE") + "CREATE TABLE extra (x int);")
    drift = compare(capture(a), capture(b))
    found = {(o["kind"], o["status"], tuple(o["identity"].values()), tuple(o["differences"])) for o in drift.objects()}
    assert found == {
        ("types", "changed", ("public", 'Mood "x"'), ("enum_labels",)),
        ("columns", "changed", ("public", "Tbl One", "Näme"), ("default_value",)),
        ("indexes", "changed", ("public", "Tbl One", "ix space"), ("definition",)),
        ("functions", "changed", ("public", "f", "integer"), ("volatility",)),
        ("tables", "only_in_target", ("public", "extra"), ()),
        ("columns", "only_in_target", ("public", "extra", "x"), ()),
    }
    columns = drift["columns"].set_index("name")
    assert columns.loc["Näme", "source_default_value"] == "'web'::text"
    assert columns.loc["Näme", "target_default_value"] == "'app'::text"
    parity = drift.parity.loc["columns"]
    assert parity["source_objects"] == 3 and parity["identical"] == 2 and parity["changed"] == 1


def test_options_limit_kinds_and_schemas(make_db):
    a = make_db("CREATE SCHEMA s1; CREATE TABLE s1.t (a int); CREATE TABLE public.u (a int)")
    b = make_db("CREATE SCHEMA s1; CREATE TABLE public.u (a int)")
    sa, sb = capture(a), capture(b)
    assert compare(sa, sb).has_drift
    assert not compare(sa, sb, schemas=["public"]).has_drift
    assert not compare(sa, sb, exclude_schemas=["s1"]).has_drift
    assert set(compare(sa, sb, kinds=["tables"]).frames) == {"tables"}
    assert "tables" not in compare(sa, sb, exclude_kinds=["tables"]).frames
    with pytest.raises(WorkbenchError, match="unknown kind"):
        compare(sa, sb, kinds=["tabels"])


@pytest.mark.parametrize("left, right, flavour, same", [
    ("SELECT t.id FROM t", "SELECT id FROM t", "query", True),
    ("SELECT id FROM t WHERE c = 'web'", "SELECT id FROM t WHERE c = 'app'", "query", False),
    ("SELECT a.id FROM a JOIN b ON a.id = b.id", "SELECT id FROM a JOIN b ON a.id = b.id", "query", False),
    ("(a > 0)", "a > 0", "expression", True),
    ("(a >= 0)", "(a > 0)", "expression", False),
    ("CHECK ((price > (0)::numeric))", "CHECK (price > 0::numeric)", "constraint", True),
    ("CREATE INDEX i ON public.t USING btree (a DESC)", "CREATE INDEX i ON public.t USING btree (a)", "statement", False),
    # bracket positions (list_start/list_end, PostgreSQL 16+) are positions, not meaning
    ("SELECT ARRAY[(t.id)::text, 'b'::text] AS a FROM t", "SELECT ARRAY[t.id::text, 'b'::text] AS a FROM t", "query", True),
    ("SELECT (id = ANY (ARRAY[1, 2])) FROM t", "SELECT id = ANY (ARRAY[1, 2]) FROM t", "query", True),
    ("SELECT ARRAY[1, 2] FROM t", "SELECT ARRAY[1, 3] FROM t", "query", False),
    ("not sql at all (", "not sql at all (", "expression", True),
    ("not sql at all (", "not sql at all  (", "expression", False),
])
def test_same_sql(left, right, flavour, same):
    assert same_sql(left, right, flavour) is same
