"""The row-based comparison (compare.compare_rows, Frames) gives exactly the frames, summary and
objects that the earlier pandas implementation gave: that implementation is kept here as the oracle."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import run_sql
from test_snapshot import EVERY_KIND_SQL
from workbench.compare import STATUSES, CompareOptions, compare
from workbench.kinds import KINDS, Kind
from workbench.normalize import same_sql
from workbench.snapshot import Snapshot, capture


def oracle_compare_kind(kind: Kind, source: pd.DataFrame, target: pd.DataFrame, compared: tuple[str, ...]) -> pd.DataFrame:
    """compare_kind as it was before the comparison moved to rows (an outer pandas merge)."""
    identity = list(kind.identity)
    shown = list(compared) + [c for c in ("definition",) if c not in compared and c in source.columns]
    left = pd.DataFrame(source[identity + shown].to_numpy(), dtype=object,
                        columns=identity + [f"source_{c}" for c in shown])
    right = pd.DataFrame(target[identity + shown].to_numpy(), dtype=object,
                         columns=identity + [f"target_{c}" for c in shown])
    left["_in_source"], right["_in_target"] = True, True
    merged = left.merge(right, on=identity, how="outer", sort=True)
    in_source = merged.pop("_in_source").notna().to_numpy()
    in_target = merged.pop("_in_target").notna().to_numpy()
    both = in_source & in_target
    differs = np.zeros((len(merged), len(compared)), dtype=bool)
    for j, column in enumerate(compared):
        a, b = merged[f"source_{column}"], merged[f"target_{column}"]
        unequal = both & ~((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
        flavour = kind.sql_text.get(column)
        if flavour and unequal.any():
            rows = np.flatnonzero(unequal)
            same = np.fromiter((same_sql(a.iat[i], b.iat[i], flavour) for i in rows), dtype=bool, count=len(rows))
            unequal[rows[same]] = False
        differs[:, j] = unequal
    changed = differs.any(axis=1)
    status = np.select([~in_target, ~in_source, changed], ["only_in_source", "only_in_target", "changed"],
                       default="identical")
    differences = np.empty(len(merged), dtype=object)
    differences[:] = [()] * len(merged)
    for i in np.flatnonzero(changed):
        differences[i] = tuple(c for c, d in zip(compared, differs[i]) if d)
    merged.insert(len(identity), "status", status)
    merged.insert(len(identity) + 1, "differences", differences)
    return merged


def oracle_summary(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = {kind: frame["status"].value_counts().reindex(STATUSES, fill_value=0) for kind, frame in frames.items()}
    table = pd.DataFrame(rows).T.reindex(columns=list(STATUSES)).fillna(0).astype(int)
    table.index.name = "kind"
    return table


def assert_same_as_oracle(source: Snapshot, target: Snapshot, options: CompareOptions | None = None) -> None:
    options = options or CompareOptions()
    drift = compare(source, target, options)
    expected = {}
    for kind in drift.frames:
        a = source.filtered(options.schemas, options.exclude_schemas, None, options.ignore)[kind]
        b = target.filtered(options.schemas, options.exclude_schemas, None, options.ignore)[kind]
        expected[kind] = oracle_compare_kind(KINDS[kind], a, b, options.compared(KINDS[kind]))
        pd.testing.assert_frame_equal(drift.frames[kind], expected[kind], obj=kind)
    pd.testing.assert_frame_equal(drift.summary, oracle_summary(expected))
    assert drift.has_drift == bool(oracle_summary(expected)[["only_in_source", "only_in_target", "changed"]].to_numpy().sum())


@pytest.fixture(scope="module")
def every_kind_pair(pg):
    """The every-kind schema, and a drifted copy: changed, added and removed objects of many kinds."""
    names = [pg.create_database(), pg.create_database()]
    a, b = (pg.dsn(name) for name in names)
    with pg.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS snapshot_reader_role")
    run_sql(a, EVERY_KIND_SQL)
    run_sql(b, EVERY_KIND_SQL.replace("CREATE ROLE snapshot_reader_role;", "").replace("DEFAULT 'anon'", "DEFAULT 'nobody'").replace("START 5", "START 6")
            .replace("WHERE qty > 10", "WHERE qty > 11").replace("qty < 1000", "qty < 999")
            .replace("CREATE TRIGGER", "CREATE TABLE extra (x int);\nCREATE TRIGGER")
            .replace("IS 'orders, with a quote: '''", "IS 'other'"))
    yield capture(a), capture(b)
    for name in names:
        pg.drop_database(name)
    with pg.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS snapshot_reader_role")


def test_every_kind_with_drift_matches_the_oracle(every_kind_pair):
    source, target = every_kind_pair
    assert compare(source, target).has_drift
    assert_same_as_oracle(source, target)
    assert_same_as_oracle(target, source)
    assert_same_as_oracle(source, source)


def test_scopes_and_ignore_patterns_match_the_oracle(every_kind_pair):
    source, target = every_kind_pair
    for options in (CompareOptions(schemas=("Sales Ops",)), CompareOptions(exclude_schemas=("Sales Ops",)),
                    CompareOptions(ignore=("*.lines*", "functions:*touch*")), CompareOptions(kinds=("columns", "views"))):
        assert_same_as_oracle(source, target, options)


def test_seedscale_matches_the_oracle(seedscale_pair):
    source, target = capture(seedscale_pair["legacy"]), capture(seedscale_pair["current"])
    assert_same_as_oracle(source, target)


def test_an_identity_held_twice_pairs_like_a_merge():
    """Hand-made frames (not from a catalog) with a duplicated identity and missing values."""
    def snapshot(rows):
        columns = ["schema", "name", "data_type", "not_null", "default_value", "identity", "generated",
                   "generated_kind", "collation", "table", "table_kind"]
        unset = [c for c in KINDS["columns"].compared if c not in columns]      # statistics, storage, ...
        frame = pd.DataFrame([row + [None] * len(unset) for row in rows], columns=columns + unset, dtype=object)
        return Snapshot({"columns": frame}, "dsn", "18", 180000, "db", "now")
    source = snapshot([["s", "b", "int", True, None, "", None, "", None, "t", "ordinary"],
                       ["s", "a", "int", True, None, "", None, "", None, "t", "ordinary"],
                       ["s", "a", "text", True, None, "", None, "", None, "t", "ordinary"]])
    target = snapshot([["s", "a", "int", True, np.nan, "", None, "", None, "t", "ordinary"],
                       ["s", "c", "int", False, "1", "", None, "", None, "t", "ordinary"]])
    # identity of columns is (schema, table, name): the two "a" rows of the source pair with the target's one
    assert_same_as_oracle(source, target, CompareOptions(kinds=("columns",)))
    assert len(compare(source, target, kinds=["columns"])["columns"]) == 4
