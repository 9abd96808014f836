"""The timeline of a snapshot store (workbench.store.History): the terminal text of `workbench
history`, and what notebooks/timeline.ipynb shows (object counts per kind over time, the change
events, the details of each step).

The figures are pure functions of a History, named in `layout.meta.chart` like the report's other
charts (`counts_over_time`, `change_events`) so that a rendered report can find them; the
`show_*` sections are what timeline.ipynb calls, one per cell.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from workbench.present.charts import _figure, needs_log
from workbench.present.drift_report import show, show_html, show_table
from workbench.present.html import box, escape, heading, table_html, toc
from workbench.present.labels import object_name
from workbench.present.text import CHANGE_MARKS, step_summary

if TYPE_CHECKING:
    from workbench.store import History, Step

CHANGE_COLORS = {"appeared": "#2e7d32", "disappeared": "#c62828", "changed": "#ef6c00"}
CHANGE_SYMBOLS = {"appeared": "triangle-up", "disappeared": "triangle-down", "changed": "diamond"}
SECTIONS = ("Objects per kind over time", "Changes of schema", "Each change")
NAMES_IN_HOVER = 12


@dataclass
class TimelineView:
    """What the timeline notebook shows: the history and a title."""

    history: "History"
    title: str


def load(store: str, since: str = "", until: str = "", title: str = "") -> TimelineView:
    from workbench.store import history

    result = history(store, since=since or None, until=until or None)
    return TimelineView(result, title or f"Schema history: {result.store.name}")


# --- figures ------------------------------------------------------------------------------------
def counts_frame(result: "History") -> pd.DataFrame:
    """Captures (rows, by time) x kinds (columns) that ever hold an object: exact counts."""
    frame = result.counts()
    kinds = [c for c in frame.columns if c not in ("at", "label", "fingerprint") and frame[c].astype(int).any()]
    return frame[["at", "label", "fingerprint", *kinds]]


def counts_over_time(result: "History") -> go.Figure:
    """One line per kind: how many objects each capture held (a step line: counts change at captures)."""
    frame = counts_frame(result)
    kinds = [c for c in frame.columns if c not in ("at", "label", "fingerprint")]
    fig = _figure("counts_over_time", f"Objects per kind over time ({len(frame)} captures)", height=460)
    at = [e.at for e in result.entries]
    for kind in kinds:
        values = [int(v) for v in frame[kind]]
        fig.add_trace(go.Scatter(x=at, y=values, name=kind, mode="lines+markers", line_shape="hv", meta={"kind": kind},
                                 customdata=[[e.label, e.fingerprint[:12]] for e in result.entries],
                                 hovertemplate=f"{kind}: %{{y}}<br>%{{x}}<br>%{{customdata[0]}} %{{customdata[1]}}"
                                               "<extra></extra>"))
    values = [int(v) for kind in kinds for v in frame[kind]]
    fig.update_yaxes(title="objects", type="log" if needs_log(values) else "linear", rangemode="tozero")
    fig.update_xaxes(title="capture time", range=_time_range(result))
    return fig


def events_frame(result: "History") -> pd.DataFrame:
    """One row per step, kind and change: at, step, label, kind, change, objects, names."""
    rows = []
    for number, step in enumerate(result.steps, 1):
        names: dict[tuple[str, str], list[str]] = {}
        for obj in step.changes:
            names.setdefault((obj["kind"], obj["status"]), []).append(object_name(obj["kind"], obj["identity"]))
        for (kind, change), found in names.items():
            rows.append({"at": step.after.at, "step": number, "label": step.after.label, "kind": kind,
                         "change": change, "objects": len(found), "names": found})
    return pd.DataFrame(rows, columns=["at", "step", "label", "kind", "change", "objects", "names"])


def change_events(result: "History") -> go.Figure:
    """The change events: one marker per step and kind and change (appeared, disappeared, changed),
    at the capture that saw it, sized by the number of objects; the names in the hover."""
    events = events_frame(result)
    fig = _figure("change_events", f"Changes of schema ({len(result.steps)} steps)", height=380)
    for change in CHANGE_MARKS:
        rows = events[events["change"] == change]
        if not len(rows):
            continue
        hover = ["<br>".join(names[:NAMES_IN_HOVER]) + (f"<br>... and {len(names) - NAMES_IN_HOVER} more"
                                                       if len(names) > NAMES_IN_HOVER else "")
                 for names in rows["names"]]
        fig.add_trace(go.Scatter(
            x=rows["at"].tolist(), y=rows["kind"].tolist(), mode="markers", name=change, meta={"change": change},
            marker={"symbol": CHANGE_SYMBOLS[change], "color": CHANGE_COLORS[change],
                    "size": [min(10 + 3 * int(n), 30) for n in rows["objects"]]},
            customdata=[[int(s), int(n), h] for s, n, h in zip(rows["step"], rows["objects"], hover)],
            hovertemplate=f"step %{{customdata[0]}}: %{{customdata[1]}} {change}<br>%{{customdata[2]}}<extra></extra>"))
    kinds = list(dict.fromkeys(events["kind"]))
    fig.update_yaxes(title="kind", type="category", categoryorder="array", categoryarray=kinds)
    fig.update_xaxes(title="capture time", range=_time_range(result))
    return fig


def _time_range(result: "History") -> list[str] | None:
    """The captures' span with a margin on both sides, so that a marker at either end is whole."""
    if len(result.entries) < 2:
        return None
    first, last = result.entries[0].moment, result.entries[-1].moment
    margin = (last - first) * 0.04
    return [(first - margin).isoformat(), (last + margin).isoformat()]


def step_frame(step: "Step") -> pd.DataFrame:
    """What one step changed: change, kind, object, fields."""
    rows = [{"change": f"{CHANGE_MARKS[o['status']]} {o['status']}", "kind": o["kind"],
             "object": object_name(o["kind"], o["identity"]), "fields": ", ".join(o["differences"])}
            for o in step.changes]
    return pd.DataFrame(rows, columns=["change", "kind", "object", "fields"])


# --- sections -----------------------------------------------------------------------------------
def header_html(view: TimelineView) -> str:
    result = view.history
    entries = result.entries
    parts = [f"<h1>{escape(view.title)}</h1>"]
    if not entries:
        return "".join(parts) + box(f"The store {escape(result.store)} holds no capture in this window.", "info")
    schemas = len({e.fingerprint for e in entries})
    parts.append(box(f"{len(entries)} captures from {escape(entries[0].at)} to {escape(entries[-1].at)}: "
                     f"{len(result.steps)} changes of schema, {schemas} distinct schemas "
                     f"(store {escape(result.store)}, database {escape(entries[-1].database)}, "
                     f"PostgreSQL {escape(entries[-1].server_version)})", "info"))
    parts.append(toc(SECTIONS))
    return "".join(parts)


def captures_frame(result: "History") -> pd.DataFrame:
    changed = {step.after.seq for step in result.steps}
    return pd.DataFrame([{"at": e.at, "label": e.label, "fingerprint": e.fingerprint[:12],
                          "schema": "changed" if e.seq in changed else ("first" if i == 0 else "unchanged")}
                         for i, e in enumerate(result.entries)], columns=["at", "label", "fingerprint", "schema"])


def show_header(view: TimelineView) -> None:
    show_html(header_html(view))


def show_counts(view: TimelineView) -> None:
    show_html(heading(SECTIONS[0]))
    if view.history.entries:
        show(counts_over_time(view.history))
        show_table(captures_frame(view.history), index=False)


def show_events(view: TimelineView) -> None:
    show_html(heading(SECTIONS[1]))
    if view.history.steps:
        show(change_events(view.history))
    else:
        show_html(box("No change of schema between the captures of this window.", "ok"))


def step_html(number: int, step: "Step") -> str:
    summary = step_summary(step)
    title = (f"Step {number}: {escape(step.after.at)}" + (f" ({escape(step.after.label)})" if step.after.label else "")
             + f" &mdash; {escape(summary) or 'no compared field changed'}")
    return (f"<details class='wb-kind' open><summary>{title}</summary>"
            f"<p class='wb-mail-note'>fingerprint {escape(step.before.fingerprint[:12])} &rarr; "
            f"{escape(step.after.fingerprint[:12])}</p>{table_html(step_frame(step), index=False)}</details>")


def show_steps(view: TimelineView) -> None:
    show_html(heading(SECTIONS[2]) + "".join(step_html(n, s) for n, s in enumerate(view.history.steps, 1)))


def show_all(view: TimelineView) -> None:
    show_header(view)
    show_counts(view)
    show_events(view)
    show_steps(view)
