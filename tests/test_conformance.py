"""The migra corpus as acceptance tests: a case is a folder, the test is one function.

For every pair: diff(a, a) and diff(b, b) are empty, diff(b -> a) (source b, target a) is not,
and for a handful of cases the objects found are spelled out by hand below.
The `collations` case needs ICU collations, which the embedded PostgreSQL 18 lacks: it runs on
the system PostgreSQL 15 and is skipped when that is not reachable.
"""
from __future__ import annotations

import json

import pandas as pd
import psycopg
import pytest

from conftest import CONFORMANCE, conformance, conformance_cases, load_file
from workbench.compare import compare
from workbench.snapshot import capture

ICU_CASES = {"collations"}


def ensure_role(admin_dsn: str) -> None:
    """The role the corpus grants to (roles are cluster-wide: the system server is shared by the
    test workers, so another may create it between the look and the CREATE)."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'schemainspect_test_role'").fetchone()
        if not exists:
            try:
                conn.execute("CREATE ROLE schemainspect_test_role")
            except (psycopg.errors.DuplicateObject, psycopg.errors.UniqueViolation):
                pass


@pytest.fixture
def case_server(request, pg):
    """(server, create_database) for a case: the embedded server, or PG 15 for ICU cases."""
    if request.node.callspec.params["case"] in ICU_CASES:
        server = request.getfixturevalue("pg15")
    else:
        server = pg
    ensure_role(server.dsn("postgres"))
    return server


def load_case(server, case: str, side: str) -> str:
    name = server.create_database()
    dsn = server.dsn(name)
    load_file(dsn, CONFORMANCE / case / f"{side}.sql")
    return dsn


def options(case: str) -> dict:
    spec = json.loads((CONFORMANCE / "cases.json").read_text())[case]
    return {"schemas": [spec["schema"]] if spec["schema"] else [],
            "exclude_schemas": [spec["exclude_schema"]] if spec["exclude_schema"] else [],
            "ignore_extension_versions": spec["ignore_extension_versions"]}


def objects_of(drift) -> set[tuple]:
    return {(o["kind"], o["status"], tuple(o["identity"].values()), tuple(o["differences"]))
            for o in drift.objects()}


# Hand-written expectations: (kind, status, identity values, differing fields) for every object.
EXPECTED = {
    "enumdefaults": {
        ("types", "changed", ("public", "order_status"), ("enum_labels",)),
        ("columns", "changed", ("public", "orders", "othercolumn"), ("data_type",)),
    },
    "enumdeps": {
        ("types", "changed", ("public", "e"), ("enum_labels",)),
        ("tables", "only_in_source", ("public", "created_with_e"), ()),
        ("columns", "only_in_source", ("public", "created_with_e", "category"), ()),
        ("columns", "only_in_source", ("public", "created_with_e", "id"), ()),
    },
    "identitycols": {
        ("tables", "only_in_target", ("public", "t"), ()),
        ("tables", "only_in_source", ("public", "t2"), ()),
        ("columns", "changed", ("public", "gen", "adding"), ("generated", "generated_kind")),
        ("columns", "changed", ("public", "gen", "removing"), ("generated", "generated_kind")),
        ("columns", "changed", ("public", "identchanges", "c"),
         ("not_null", "default_value", "identity", "identity_sequence", "identity_options")),
        ("columns", "changed", ("public", "identchanges", "d"), ("identity",)),
        ("columns", "changed", ("public", "identchanges", "e"), ("identity",)),
        ("columns", "changed", ("public", "identchanges", "f"), ("not_null", "identity", "identity_sequence",
                                                                 "identity_options")),
        *{("columns", "only_in_target", ("public", "t", c), ()) for c in "abcde"},
        *{("columns", "only_in_source", ("public", "t2", c), ()) for c in "abcde"},
    },
    "partitioning": {
        ("tables", "only_in_source", ("public", "measurement_y2005m02"), ()),
        ("tables", "changed", ("public", "measurement_y2006m03"), ("partition_of", "partition_bound")),
        # PostgreSQL 18: a partition's NOT NULL constraints are named after its parent's
        *{("columns", "changed", ("public", "measurement_y2006m03", c), ("not_null_name",)) for c in ("city_id", "logdate")},
        ("tables", "changed", ("public", "partitioned2reg"), ("table_kind", "partition_key")),
        ("tables", "changed", ("public", "reg2partitioned"), ("table_kind", "partition_key")),
        ("columns", "only_in_source", ("public", "measurement", "extra"), ()),
        *{("columns", "only_in_source", ("public", "measurement_y2005m02", c), ())
          for c in ("city_id", "extra", "logdate", "peaktemp", "unitsales")},
        ("columns", "only_in_source", ("public", "measurement_y2006m02", "extra"), ()),
        ("indexes", "only_in_target", ("public", "measurement_y2006m02", "measurement_y2006m02_logdate_idx"), ()),
    },
    "rls": {
        ("tables", "changed", ("public", "accounts2"), ("rls_enabled",)),
        ("policies", "changed", ("public", "accounts", "account_managers"), ("permissive",)),
    },
    "triggers": {
        ("triggers", "changed", ("public", "emp", "emp_stamp"), ("definition",)),
        ("triggers", "only_in_source", ("public", "emp", "emp_stamp_create"), ()),
        ("triggers", "only_in_target", ("public", "emp", "emp_stamp_drop"), ()),
    },
    "triggers2": {   # the two triggers only swapped creation order: not drift
        ("columns", "only_in_target", ("public", "table2", "t"), ()),
    },
    "seq": {
        ("sequences", "changed", ("public", "test2_id_seq"), ("data_type", "max_value", "owned_by")),
        ("sequences", "changed", ("public", "test_id_seq"), ("data_type", "max_value", "owned_by")),
        ("tables", "only_in_target", ("public", "unwanted"), ()),
    },
    "extversions": {
        ("extensions", "only_in_source", ("citext",), ()),
        ("extensions", "only_in_target", ("hstore",), ()),
        ("extensions", "changed", ("pg_trgm",), ("version",)),
    },
    "excludeschema": {
        ("tables", "only_in_source", ("schema2", "z"), ()),
        ("columns", "only_in_source", ("schema2", "z", "id"), ()),
        ("columns", "only_in_source", ("schema2", "z", "value"), ()),
    },
}


@conformance
@pytest.mark.parametrize("case", conformance_cases())
def test_conformance_pair(case, case_server):
    a = capture(load_case(case_server, case, "a"))
    b = capture(load_case(case_server, case, "b"))
    # issue 10 item 7: every object pg_dump writes is of a kind the registry models (the census names none)
    assert {side: s.census.unmodeled() for side, s in (("a", a), ("b", b)) if s.census and s.census.unmodeled()} == {}
    opts = options(case)
    assert not compare(a, a, **opts).has_drift, "a compared with itself shows drift"
    assert not compare(b, b, **opts).has_drift, "b compared with itself shows drift"
    drift = compare(b, a, **opts)          # source b (desired), target a (to change)
    assert drift.has_drift, "a and b differ, but no drift was found"
    if case in EXPECTED:
        assert objects_of(drift) == EXPECTED[case]
    # every changed object names fields whose raw source and target values really differ
    for obj in drift.objects(("changed",)):
        frame = drift.frames[obj["kind"]]
        row = frame.loc[(frame[list(obj["identity"])] == pd.Series(obj["identity"])).all(axis=1)].iloc[0]
        assert obj["differences"], f"changed without a differing field: {obj}"
        for field in obj["differences"]:
            assert row[f"source_{field}"] != row[f"target_{field}"], (obj, field)
