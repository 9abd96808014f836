"""charts.py: every figure draws exactly the numbers it is given."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from report_helpers import after_snapshot, expected, seedscale_drift
from workbench.present import charts
from workbench.compare import compare
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.snapshot import Snapshot


def bars(fig: go.Figure) -> dict[str, dict]:
    """trace name -> {x: y} of every trace."""
    return {trace.name: dict(zip(trace.x, trace.y)) for trace in fig.data}


def tiny_snapshot(tables: list[tuple], columns: list[tuple]) -> Snapshot:
    """A snapshot of tables (schema, name) and columns (schema, table, name, data_type) only."""
    def frame(kind, rows, given):
        data = pd.DataFrame(rows, columns=given, dtype=object)
        for column in KINDS[kind].compared:
            if column not in data.columns:
                data[column] = None
        data["table_kind"] = "ordinary"
        return data

    return Snapshot({"tables": frame("tables", tables, ["schema", "name"]),
                     "columns": frame("columns", columns, ["schema", "table", "name", "data_type"])},
                    "postgresql://u@h/db", "18.0", 180000, "db", "2026-01-01T00:00:00+00:00")


# --- before/after -------------------------------------------------------------------------------
def test_before_after_bars_are_the_counts():
    source = {"tables": 5, "views": 2, "functions": 7, "triggers": 1, "indexes": 9, "constraints": 4,
              "sequences": 3, "columns": 40}
    target = {"tables": 4, "views": 0, "functions": 9, "triggers": 0, "indexes": 6, "constraints": 3,
              "sequences": 1, "columns": 30}
    fig = charts.before_after(source, target)
    assert fig.layout.meta == {"chart": "before_after"}
    assert [t.meta["side"] for t in fig.data] == ["source", "target"]
    assert list(fig.data[0].x) == list(charts.STAT_KINDS)
    assert list(fig.data[0].y) == [source[k] for k in charts.STAT_KINDS]
    assert list(fig.data[1].y) == [target[k] for k in charts.STAT_KINDS]
    after = {k: v + 1 for k, v in target.items()}
    fig = charts.before_after(source, target, after)
    assert [t.meta["side"] for t in fig.data] == ["source", "target", "after"]
    assert list(fig.data[2].y) == [after[k] for k in charts.STAT_KINDS]


def test_before_after_kinds_missing_from_counts():
    counts = {"tables": 1, "views": 2}
    fig = charts.before_after(counts, counts)              # default: only the kinds both sides counted
    assert list(fig.data[0].x) == ["tables", "views"]
    with pytest.raises(WorkbenchError, match="target counts have no functions"):
        charts.before_after({"tables": 1, "functions": 1}, counts, kinds=["tables", "functions"])


def test_before_after_of_seedscale_equals_snapshot_and_expected_counts(seedscale_pair, seedscale_dir, pg):
    drift = seedscale_drift(seedscale_pair)
    after = after_snapshot(pg, seedscale_dir)
    fig = charts.before_after(drift.source.counts, drift.target.counts, after.counts)
    shown = {t.meta["side"]: dict(zip(t.x, t.y)) for t in fig.data}
    counts = expected(seedscale_dir)["counts"]
    for kind in charts.STAT_KINDS:
        assert shown["source"][kind] == drift.source.counts[kind] == counts["legacy"][kind], kind
        assert shown["target"][kind] == drift.target.counts[kind] == counts["current_before"][kind], kind
        assert shown["after"][kind] == after.counts[kind] == counts["current_after"][kind], kind


# --- drift per kind -----------------------------------------------------------------------------
def zeros(values) -> list[int]:
    """A trace's bar heights, with the bars left out for zero (None on a log axis) as 0."""
    return [0 if v is None else v for v in values]


def test_drift_by_kind_shows_every_count_on_a_log_axis(seedscale_pair):
    drift = seedscale_drift(seedscale_pair)
    fig = charts.drift_by_kind(drift)
    assert fig.layout.barmode == "group" and fig.layout.yaxis.type == "log"    # 966 columns beside 1 view
    assert [t.meta["status"] for t in fig.data] == list(charts.DRIFT_STATUSES)
    summary = drift.summary
    differing = [k for k in summary.index if summary.loc[k, list(charts.DRIFT_STATUSES)].sum() > 0]
    for trace in fig.data:
        assert list(trace.x) == differing                     # identical-only kinds are left out
        counts = [int(summary.loc[k, trace.meta["status"]]) for k in differing]
        assert zeros(trace.y) == counts
        assert list(trace.text) == [str(n) if n else "" for n in counts]      # every bar labelled
    assert dict(zip(fig.data[0].x, fig.data[0].y))["columns"] == 966
    assert dict(zip(fig.data[0].x, fig.data[0].text))["views"] == "1"      # the small ones too
    assert "extensions" not in fig.data[0].x
    assert not charts.needs_log([3, 5, 40]) and charts.needs_log([1, 966]) and not charts.needs_log([0, 0])


def test_drift_by_kind_without_drift_says_so(seedscale_pair):
    same = seedscale_drift(seedscale_pair).source
    fig = charts.drift_by_kind(compare(same, same))
    assert all(len(t.x) == 0 for t in fig.data)
    assert "No drift" in fig.layout.annotations[0].text
    with pytest.raises(WorkbenchError, match="unknown status"):
        charts.drift_by_kind(compare(same, same), statuses=["only_in_sourse"])


# --- top tables by columns added ----------------------------------------------------------------
def test_top_tables_of_seedscale_are_the_expected_ten(seedscale_pair, seedscale_dir):
    drift = seedscale_drift(seedscale_pair)
    per_table = expected(seedscale_dir)["columns_added_to_existing_tables"]["per_table_in_each_replica"]
    top = sorted(per_table.items(), key=lambda item: (-item[1], f"public.{item[0]}"))[:10]
    fig = charts.top_tables_by_columns_added(drift)
    shown = dict(zip(fig.data[0].y, fig.data[0].x))
    assert shown == {f"public.{table}": n for table, n in top}
    assert list(fig.data[0].y)[-1] == "public.ocs_product_catalog"      # the largest drawn on top
    every = charts.columns_added_by_table(drift, top=None)
    assert len(every) == expected(seedscale_dir)["columns_added_to_existing_tables"]["tables"]
    assert every.sum() == expected(seedscale_dir)["columns_added_to_existing_tables"]["columns"]


def test_top_tables_counts_ties_and_new_tables():
    source = tiny_snapshot([("s", "a"), ("s", "b"), ("s", "new")],
                           [("s", "a", "id", "int"), ("s", "a", "x", "int"), ("s", "a", "y", "int"),
                            ("s", "b", "id", "int"), ("s", "b", "x", "int"), ("s", "b", "y", "int"),
                            ("s", "new", "p", "int"), ("s", "new", "q", "int"), ("s", "new", "r", "int"),
                            ("s", "new", "t", "int")])
    target = tiny_snapshot([("s", "a"), ("s", "b")], [("s", "a", "id", "int"), ("s", "b", "id", "int")])
    drift = compare(source, target, kinds=("tables", "columns"))          # the kinds they hold
    assert charts.columns_added_by_table(drift).to_dict() == {"s.a": 2, "s.b": 2}   # tie: by name
    assert charts.columns_added_by_table(drift, existing_tables_only=False).to_dict() == {"s.new": 4, "s.a": 2, "s.b": 2}
    assert list(charts.columns_added_by_table(drift, top=1).index) == ["s.a"]
    fig = charts.top_tables_by_columns_added(drift, top=1)
    assert list(fig.data[0].y) == ["s.a"] and list(fig.data[0].x) == [2]


# --- plan statements and hazards ----------------------------------------------------------------
STATEMENTS = [
    {"stage": "stage02_tables", "hazards": []},
    {"stage": "stage03_columns", "hazards": ["table_rewrite", "access_exclusive_lock"]},
    {"stage": "stage03_columns", "hazards": ["access_exclusive_lock"]},
    {"stage": "stage08_constraints", "hazards": ["may_fail_on_data", "validates_rows"]},
]


def test_stage_statements_counts_statements_and_hazards():
    stages = ["stage00_prerequisites", "stage02_tables", "stage03_columns", "stage08_constraints"]
    fig = charts.stage_statements(pd.DataFrame(STATEMENTS), stages)
    series = {t.meta["series"]: dict(zip(t.x, zeros(t.y))) for t in fig.data}
    labels = {t.meta["series"]: dict(zip(t.x, t.text)) for t in fig.data}
    assert labels["table_rewrite"]["stage03_columns"] == "1" and labels["statements"]["stage03_columns"] == "2"
    assert series["statements"] == {"stage00_prerequisites": 0, "stage02_tables": 1, "stage03_columns": 2,
                                    "stage08_constraints": 1}
    assert series["access_exclusive_lock"]["stage03_columns"] == 2
    assert series["table_rewrite"] == {"stage00_prerequisites": 0, "stage02_tables": 0, "stage03_columns": 1,
                                       "stage08_constraints": 0}
    assert series["validates_rows"]["stage08_constraints"] == 1
    assert charts.statements_per_stage(STATEMENTS).index.tolist() == ["stage02_tables", "stage03_columns",
                                                                       "stage08_constraints"]
    with pytest.raises(WorkbenchError, match="unknown stage stage08_constraints"):
        charts.statements_per_stage(STATEMENTS, stages[:3])
    with pytest.raises(WorkbenchError, match="missing: hazards"):
        charts.stage_statements([{"stage": "stage02_tables"}])


# --- apply timeline -----------------------------------------------------------------------------
LOG = [
    {"stage": "stage02_tables", "status": "ok", "ms": 120.0},
    {"stage": "stage02_tables", "status": "applied", "ms": 30.0},
    {"stage": "stage03_columns", "status": "ok", "ms": 10.0},
    {"stage": "stage03_columns", "status": "failed", "ms": 5.0, "sqlstate": "42883"},
    {"stage": "stage04_functions", "status": "skipped", "ms": 0},
    {"stage": "stage05_views", "status": "pending", "ms": 0.0},
    {"stage": "stage01_sequences", "status": "already_applied", "ms": 0.0},
]


def test_apply_timeline_durations_and_status_per_stage():
    table = charts.stage_durations(LOG)
    assert table["stage"].tolist() == ["stage02_tables", "stage03_columns", "stage04_functions", "stage05_views",
                                       "stage01_sequences"]
    assert table["ms"].tolist() == [150.0, 15.0, 0.0, 0.0, 0.0]
    assert table["start_ms"].tolist() == [0.0, 150.0, 165.0, 165.0, 165.0]
    assert table["status"].tolist() == ["ok", "failed", "skipped", "not_run", "already_applied"]
    assert table["failed"].tolist() == [0, 1, 0, 0, 0]
    fig = charts.apply_timeline(LOG)
    drawn = {t.meta["status"]: (list(t.y), list(t.x), list(t.base)) for t in fig.data}
    assert drawn["ok"] == (["stage02_tables"], [150.0], [0.0])
    assert drawn["failed"] == (["stage03_columns"], [15.0], [150.0])
    assert drawn["skipped"] == (["stage04_functions"], [0.0], [165.0])
    with pytest.raises(WorkbenchError, match="unknown apply status 'exploded'"):
        charts.apply_timeline([{"stage": "s", "status": "exploded", "ms": 1}])
    with pytest.raises(WorkbenchError, match="missing: ms"):
        charts.apply_timeline([{"stage": "s", "status": "ok"}])


# --- residual drift -----------------------------------------------------------------------------
def test_residual_drift_after_a_correct_migration_is_full_parity(seedscale_pair, seedscale_dir, pg):
    drift = seedscale_drift(seedscale_pair)
    residual = compare(drift.source, after_snapshot(pg, seedscale_dir))
    fig = charts.residual_drift(residual)
    assert "100%" in fig.layout.title.text
    assert set(fig.data[0].y) == {100.0}
    assert list(fig.data[0].x) == list(residual.parity[residual.parity["source_objects"] > 0].index)


def test_residual_drift_before_migration_shows_what_is_missing(seedscale_pair):
    drift = seedscale_drift(seedscale_pair)
    fig = charts.residual_drift(drift)
    parity = dict(zip(fig.data[0].x, fig.data[0].y))
    missing = {k: c[0] for k, c in zip(fig.data[0].x, fig.data[0].customdata)}
    assert missing["columns"] == 966 and missing["triggers"] == 39
    assert parity["columns"] == pytest.approx(100 * 1200 / 2169)
    residual = int(drift.summary["only_in_source"].sum() + drift.summary["changed"].sum())
    assert f"{residual} objects" in fig.layout.title.text
