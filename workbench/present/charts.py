"""Plotly figures of a drift, a plan and an apply: pure functions of plain data.

Each figure function takes a Drift, counts dicts, a DataFrame or a list of dicts and returns a
`plotly.graph_objects.Figure`; nothing here reads a database, a file or a kernel. The numbers a
figure draws are computed by a small data function beside it (`before_after_counts`,
`columns_added_by_table`, ...) so that tests can compare the bars with the input exactly.

Every figure carries `layout.meta = {"chart": NAME}` so that a rendered report can find its
figures by name (the browser test reads them back from the page). Arrays are plain Python lists,
never numpy arrays: plotly would ship those base64-encoded, unreadable in the HTML.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from workbench.compare import STATUSES, Drift
from workbench.errors import WorkbenchError
from workbench.present.labels import percent

# The report's before/after statistics (design: Notebooks and reports).
STAT_KINDS = ("tables", "views", "functions", "triggers", "indexes", "constraints", "sequences")
DRIFT_STATUSES = ("only_in_source", "changed", "only_in_target")
STATUS_LABELS = {"only_in_source": "to create (source only)", "changed": "changed",
                 "only_in_target": "extra in target", "identical": "identical"}
STATUS_COLORS = {"only_in_source": "#2e7d32", "changed": "#ef6c00", "only_in_target": "#90a4ae",
                 "identical": "#cfd8dc"}
SIDE_COLORS = ("#1565c0", "#c62828", "#2e7d32")
# apply log statement statuses, worst first: a stage shows the worst status of its statements
# (workbench.apply writes ok, failed, rolled_back, skipped, not_run, pending, already_applied)
APPLY_STATUS_ORDER = ("failed", "rolled_back", "not_run", "skipped", "already_applied", "ok")
APPLY_STATUS_ALIASES = {"error": "failed", "failed": "failed", "rolled_back": "rolled_back",
                        "rolledback": "rolled_back", "not_run": "not_run", "pending": "not_run",
                        "skipped": "skipped", "already_applied": "already_applied", "ok": "ok",
                        "applied": "ok", "success": "ok", "done": "ok"}
APPLY_COLORS = {"failed": "#c62828", "rolled_back": "#ef6c00", "not_run": "#cfd8dc", "skipped": "#90a4ae",
                "already_applied": "#81c784", "ok": "#2e7d32"}
TEMPLATE = "plotly_white"


def _figure(chart: str, title: str, height: int = 420) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title=title, height=height, meta={"chart": chart},
                      margin={"l": 60, "r": 30, "t": 70, "b": 60},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0})
    return fig


def _ints(values: Iterable[Any]) -> list[int]:
    return [int(v) for v in values]


LOG_RATIO = 20          # when the largest bar is this many times the smallest (non-zero), the axis is log


def needs_log(values: Iterable[Any]) -> bool:
    """Whether counts differ by orders of magnitude (columns by the thousand, views by the dozen):
    then a linear axis would leave the small bars invisible."""
    positive = [v for v in values if v > 0]
    return bool(positive) and max(positive) >= LOG_RATIO * min(positive)


def _value_axis(fig: go.Figure, values: Iterable[Any], title: str, **where: Any) -> None:
    """A log axis (with readable ticks) when counts differ by orders of magnitude, else linear;
    some room above the tallest bar for its label."""
    values = [int(v) for v in values]
    top = max(values + [1])
    if needs_log(values):
        import math

        fig.update_yaxes(type="log", title=title, range=[-0.1, math.log10(top) + 0.35], dtick=1, **where)
    else:
        fig.update_yaxes(type="linear", title=title, range=[0, top * 1.18 + 0.5], **where)


# --- before/after statistics --------------------------------------------------------------------
def before_after_counts(source_counts: Mapping[str, int], target_counts: Mapping[str, int],
                        after_counts: Mapping[str, int] | None = None,
                        kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """Kinds x (source, target[, after]) exact counts.

    Default kinds: STAT_KINDS that every given side has counted (a snapshot limited to some kinds
    counts only those). Kinds asked for explicitly must be in every side: a typo fails loudly.
    """
    sides = {"source": source_counts, "target": target_counts}
    if after_counts is not None:
        sides["after"] = after_counts
    if kinds is None:
        kinds = [k for k in STAT_KINDS if all(k in counts for counts in sides.values())]
    else:
        for name, counts in sides.items():
            missing = [k for k in kinds if k not in counts]
            if missing:
                raise WorkbenchError(f"the {name} counts have no {', '.join(missing)} "
                                     f"(they have: {', '.join(counts)})")
    return pd.DataFrame({name: [int(counts[k]) for k in kinds] for name, counts in sides.items()},
                        index=pd.Index(list(kinds), name="kind"), dtype=int)


def before_after(source_counts: Mapping[str, int], target_counts: Mapping[str, int],
                 after_counts: Mapping[str, int] | None = None, kinds: Sequence[str] | None = None,
                 labels: Sequence[str] = ("legacy (source)", "current before (target)", "current after apply"),
                 ) -> go.Figure:
    """Grouped bars per kind: source counts, target counts and, when given, the target after apply."""
    table = before_after_counts(source_counts, target_counts, after_counts, kinds)
    title = "Objects per kind: before" + (" and after" if after_counts is not None else "")
    fig = _figure("before_after", title)
    for (side, values), label, color in zip(table.items(), labels, SIDE_COLORS):
        fig.add_bar(name=label, x=list(table.index), y=_ints(values), marker_color=color,
                    text=_ints(values), textposition="outside", meta={"side": side},
                    hovertemplate="%{x}: %{y}<extra>" + label + "</extra>")
    fig.update_layout(barmode="group", yaxis_title="objects", uniformtext={"minsize": 8, "mode": "hide"})
    return fig


# --- drift per kind -----------------------------------------------------------------------------
def drift_counts(drift: Drift | pd.DataFrame, statuses: Sequence[str] = DRIFT_STATUSES) -> pd.DataFrame:
    """Kind x status counts (from a Drift or its summary), only kinds with some object in `statuses`."""
    summary = drift.summary if isinstance(drift, Drift) else drift
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise WorkbenchError(f"unknown status {', '.join(unknown)} (known: {', '.join(STATUSES)})")
    table = summary[list(statuses)].astype(int)
    return table[table.sum(axis=1) > 0]


def drift_by_kind(drift: Drift | pd.DataFrame, statuses: Sequence[str] = DRIFT_STATUSES) -> go.Figure:
    """Grouped bars per kind: how many objects are to create, changed and extra in the target, each
    bar labelled with its number; a log axis when the kinds differ by orders of magnitude (columns
    by the thousand, views by the dozen), so that small categories stay visible."""
    table = drift_counts(drift, statuses)
    fig = _figure("drift_by_kind", "Drift per kind")
    for status in statuses:
        values = _ints(table[status])
        fig.add_bar(name=STATUS_LABELS[status], x=list(table.index), y=[v if v else None for v in values],
                    marker_color=STATUS_COLORS[status], meta={"status": status},
                    text=[str(v) if v else "" for v in values], textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}: %{y}<extra>" + STATUS_LABELS[status] + "</extra>")
    fig.update_layout(barmode="group", bargap=0.25, uniformtext={"minsize": 9, "mode": "show"})
    _value_axis(fig, table.to_numpy().ravel(), "objects (log scale)" if needs_log(table.to_numpy().ravel()) else "objects")
    if table.empty:
        _note(fig, "No drift: every compared object is identical.")
    return fig


def _note(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 16})


# --- top tables by columns added ----------------------------------------------------------------
def columns_added_by_table(drift: Drift, top: int | None = 10, existing_tables_only: bool = True) -> pd.Series:
    """Columns only in the source, counted per schema.table, largest first (ties by name).

    existing_tables_only: leave out the columns of tables that are new themselves (tables kind
    only_in_source): those are created with their table, not added by ALTER TABLE.
    """
    columns = drift["columns"]
    added = columns[columns["status"] == "only_in_source"]
    if existing_tables_only and "tables" in drift.frames:
        tables = drift["tables"]
        new = tables.loc[tables["status"] == "only_in_source", ["schema", "name"]]
        new_keys = set(zip(new["schema"], new["name"]))
        # a boolean Series (an empty list would select no columns, and the frame would lose them)
        added = added[pd.Series([key not in new_keys for key in zip(added["schema"], added["table"])],
                                index=added.index, dtype=bool)]
    labels = added["schema"].astype(str) + "." + added["table"].astype(str)
    order = sorted(labels.value_counts().items(), key=lambda item: (-item[1], item[0]))
    result = pd.Series([n for _, n in order], index=pd.Index([t for t, _ in order], name="table"),
                       name="columns_added", dtype=int)
    return result if top is None else result.head(top)


def top_tables_by_columns_added(drift: Drift, top: int = 10, existing_tables_only: bool = True) -> go.Figure:
    """Horizontal bars: the `top` tables that get the most new columns."""
    counts = columns_added_by_table(drift, top, existing_tables_only)
    where = "existing tables" if existing_tables_only else "tables"
    fig = _figure("top_tables_by_columns_added", f"Top {top} {where} by columns added",
                  height=max(300, 60 + 28 * max(len(counts), 1)))
    # plotly draws the first category at the bottom: reverse so that the largest is on top
    fig.add_bar(x=_ints(counts.values[::-1]), y=list(counts.index[::-1]), orientation="h",
                marker_color=STATUS_COLORS["only_in_source"], text=_ints(counts.values[::-1]),
                textposition="outside", name="columns added",
                hovertemplate="%{y}: %{x} columns<extra></extra>")
    fig.update_layout(xaxis_title="columns added", showlegend=False, margin={"l": 200})
    if counts.empty:
        _note(fig, "No column is added to an existing table.")
    return fig


# --- plan: statements and hazards per stage -----------------------------------------------------
def statements_per_stage(statements: pd.DataFrame | list[dict[str, Any]], stages: Sequence[str] | None = None) -> pd.DataFrame:
    """Stage x (statements, one column per hazard) counts; stages in `stages` order, else sorted."""
    frame = pd.DataFrame(statements) if not isinstance(statements, pd.DataFrame) else statements
    missing = [c for c in ("stage", "hazards") if c not in frame.columns]
    if missing:
        raise WorkbenchError(f"plan statements need columns stage and hazards (missing: {', '.join(missing)})")
    order = list(stages) if stages is not None else sorted(frame["stage"].astype(str).unique())
    unknown = sorted(set(frame["stage"].astype(str)) - set(order))
    if unknown:
        raise WorkbenchError(f"plan statements in unknown stage {', '.join(unknown)}")
    table = pd.DataFrame(index=pd.Index(order, name="stage"))
    table["statements"] = frame["stage"].astype(str).value_counts().reindex(order, fill_value=0).astype(int)
    hazards = frame[["stage", "hazards"]].explode("hazards").dropna(subset=["hazards"])
    for hazard in sorted(hazards["hazards"].astype(str).unique()):
        rows = hazards[hazards["hazards"] == hazard]
        table[hazard] = rows["stage"].astype(str).value_counts().reindex(order, fill_value=0).astype(int)
    return table


def stage_statements(statements: pd.DataFrame | list[dict[str, Any]], stages: Sequence[str] | None = None) -> go.Figure:
    """Per stage: the number of statements (top) and of statements carrying each hazard (bottom)."""
    from plotly.subplots import make_subplots

    table = statements_per_stage(statements, stages)
    hazards = [c for c in table.columns if c != "statements"]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=("statements", "statements with a hazard"))
    fig.update_layout(template=TEMPLATE, title="Statements and hazards per stage", height=560,
                      meta={"chart": "stage_statements"}, barmode="group",
                      margin={"l": 60, "r": 30, "t": 90, "b": 110},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "xanchor": "right", "x": 1.0})
    stages_shown = list(table.index)
    fig.add_bar(name="statements", x=stages_shown, y=_ints(table["statements"]), marker_color="#1565c0",
                text=_ints(table["statements"]), textposition="outside", cliponaxis=False,
                meta={"series": "statements"}, showlegend=False, row=1, col=1)
    for hazard in hazards:
        values = _ints(table[hazard])
        fig.add_bar(name=hazard, x=stages_shown, y=[v if v else None for v in values], meta={"series": hazard},
                    text=[str(v) if v else "" for v in values], textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}: %{y} statements<extra>" + hazard + "</extra>", row=2, col=1)
    fig.update_xaxes(tickangle=-30, row=2, col=1)
    _value_axis(fig, table["statements"], "statements", row=1, col=1)
    _value_axis(fig, table[hazards].to_numpy().ravel() if hazards else [0], "with a hazard", row=2, col=1)
    if not hazards:
        fig.add_annotation(text="no statement carries a hazard", showarrow=False, xref="x2 domain",
                           yref="y2 domain", x=0.5, y=0.5)
    return fig


# --- apply timeline -----------------------------------------------------------------------------
def apply_status(status: str) -> str:
    """An apply-log statement status in the chart's vocabulary (APPLY_STATUS_ORDER)."""
    key = str(status).strip().lower().replace(" ", "_").replace("-", "_")
    if key not in APPLY_STATUS_ALIASES:
        raise WorkbenchError(f"unknown apply status {status!r} (known: {', '.join(sorted(APPLY_STATUS_ALIASES))})")
    return APPLY_STATUS_ALIASES[key]


def stage_durations(log: list[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Per stage in order of first appearance: start_ms, ms (sum), statements, failed, status (worst)."""
    frame = pd.DataFrame(log) if not isinstance(log, pd.DataFrame) else log.copy()
    missing = [c for c in ("stage", "status", "ms") if c not in frame.columns]
    if missing:
        raise WorkbenchError(f"apply log entries need stage, status and ms (missing: {', '.join(missing)})")
    frame["status"] = [apply_status(s) for s in frame["status"]]
    frame["ms"] = pd.to_numeric(frame["ms"], errors="raise").fillna(0.0)
    rows = []
    start = 0.0
    for stage, group in frame.groupby("stage", sort=False):
        statuses = set(group["status"])
        worst = next(s for s in APPLY_STATUS_ORDER if s in statuses)
        ms = float(group["ms"].sum())
        rows.append({"stage": str(stage), "start_ms": start, "ms": ms, "statements": len(group),
                     "failed": int((group["status"] == "failed").sum()), "status": worst})
        start += ms
    return pd.DataFrame(rows, columns=["stage", "start_ms", "ms", "statements", "failed", "status"])


def apply_timeline(log: list[dict[str, Any]] | pd.DataFrame) -> go.Figure:
    """A Gantt-like bar per stage: when it ran and how long (ms), coloured by its worst status."""
    table = stage_durations(log)
    fig = _figure("apply_timeline", "Apply timeline per stage", height=max(300, 80 + 30 * len(table)))
    for status in APPLY_STATUS_ORDER:
        rows = table[table["status"] == status]
        if rows.empty:
            continue
        fig.add_bar(name=status.replace("_", " "), y=list(rows["stage"]), x=[float(v) for v in rows["ms"]],
                    base=[float(v) for v in rows["start_ms"]], orientation="h", marker_color=APPLY_COLORS[status],
                    meta={"status": status}, customdata=[[int(n), int(f)] for n, f in zip(rows["statements"], rows["failed"])],
                    hovertemplate="%{y}: %{x:.0f} ms, %{customdata[0]} statements, %{customdata[1]} failed<extra></extra>")
    fig.update_layout(xaxis_title="milliseconds since the apply started", barmode="overlay",
                      yaxis={"categoryorder": "array", "categoryarray": list(table["stage"])[::-1]},
                      margin={"l": 180})
    return fig


# --- residual drift after verify ----------------------------------------------------------------
def residual_counts(drift: Drift) -> pd.DataFrame:
    """Per kind with source objects: parity % and what is still missing or changed in the target."""
    parity = drift.parity
    parity = parity[parity["source_objects"] > 0]
    return pd.DataFrame({"parity_pct": [float(v) for v in parity["parity_pct"]],
                         "missing": _ints(parity["missing"]), "changed": _ints(parity["changed"]),
                         "source_objects": _ints(parity["source_objects"])},
                        index=parity.index)


def residual_drift(drift: Drift) -> go.Figure:
    """Parity per kind after verify: identical / source objects, with what is left to do."""
    table = residual_counts(drift)
    residual = int(table["missing"].sum() + table["changed"].sum())
    title = ("Parity after apply: 100% for every kind" if residual == 0
             else f"Residual drift after apply: {residual} objects still missing or changed")
    fig = _figure("residual_drift", title)
    colors = ["#2e7d32" if m + c == 0 else "#c62828" for m, c in zip(table["missing"], table["changed"])]
    labels = [percent(s - m - c, s) for m, c, s in zip(table["missing"], table["changed"], table["source_objects"])]
    fig.add_bar(name="parity %", x=list(table.index), y=list(table["parity_pct"]), marker_color=colors,
                text=labels, textposition="outside",
                customdata=[[m, c, s, t] for m, c, s, t in zip(table["missing"], table["changed"],
                                                              table["source_objects"], labels)],
                hovertemplate="%{x}: %{customdata[3]} (%{customdata[0]} missing, %{customdata[1]} changed "
                              "of %{customdata[2]})<extra></extra>")
    fig.update_layout(yaxis={"title": "parity %", "range": [0, 110]}, showlegend=False)
    return fig
