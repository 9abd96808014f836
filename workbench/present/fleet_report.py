"""The sections of notebooks/fleet_report.ipynb: a fleet's report, read from the files
`workbench fleet --out DIR` writes (fleet.json, fleet_targets.json; workbench.fleet.read_files).

    header      the source, the verdict, how many targets in parity, drifted, failed
    parity      parity per target (identical / source objects), its group, its drift per kind
    heatmap     targets x kinds, the number of non-identical objects (chart `fleet_heatmap`)
    groups      each drift group: its targets and its objects (as diff lists them)
    failed      the targets that could not be read, each with its error
    timing      wall time, executor, jobs; per target snapshot and compare seconds (chart `fleet_timing`)

The figures are pure functions of the files' dicts, named in `layout.meta.chart` like the
report's other charts so that a rendered report can find them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from workbench.present.charts import _figure
from workbench.present.drift_report import show, show_html, show_interactive, show_table
from workbench.present.fleet import MARKS, kind_counts_text, names_text, parity_of
from workbench.present.html import box, escape, heading, table_html, toc
from workbench.present.labels import object_name

SECTIONS = ("Parity per target", "Drift per target and kind", "Groups", "Failed targets", "Timing")
HEATMAP_ROWS_MAX = 400          # a heatmap of more drifted targets shows the first ones, and says so


@dataclass
class FleetView:
    fleet: dict[str, Any]              # fleet.json
    targets: dict[str, Any]            # fleet_targets.json
    title: str

    @property
    def groups(self) -> list[dict[str, Any]]:
        return list(self.fleet["groups"])

    @property
    def drift_groups(self) -> list[dict[str, Any]]:
        return [group for group in self.groups if not group["identical"]]

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self.targets["targets"])


def load(fleet_dir: str, title: str = "") -> FleetView:
    from workbench.fleet import read_files
    from workbench.present import reuse

    fleet, targets = read_files(Path(reuse.path(fleet_dir) or "."))
    return FleetView(fleet, targets, title or f"Fleet drift: {len(targets['targets'])} targets "
                                               f"against {fleet['source']['dsn']}")


# --- frames and figures -------------------------------------------------------------------------
def group_names(view: FleetView) -> dict[str, str]:
    """drift fingerprint -> 'group N' (as the terminal numbers them), 'in parity' for the identical one."""
    names, number = {}, 0
    for group in view.groups:
        if group["identical"]:
            names[group["drift_fingerprint"]] = "in parity"
        else:
            number += 1
            names[group["drift_fingerprint"]] = f"group {number}"
    return names


def parity_frame(view: FleetView) -> pd.DataFrame:
    """One row per target, in the order given: parity, group, drift per kind, or the error."""
    names = group_names(view)
    rows = []
    for entry in view.entries:
        failed = bool(entry["error"])
        rows.append({"target": entry["target"], "parity": "failed" if failed else parity_of(entry),
                     "group": "failed" if failed else names.get(entry["drift_fingerprint"], ""),
                     "drift": entry["error"] if failed else ", ".join(f"{k} {n}" for k, n in entry["drift"].items()),
                     "PostgreSQL": entry["server_version"], "fingerprint": entry["fingerprint"][:12]})
    return pd.DataFrame(rows, columns=["target", "parity", "group", "drift", "PostgreSQL", "fingerprint"])


def heatmap_frame(view: FleetView) -> pd.DataFrame:
    """Drifted targets (rows, grouped as the groups are ordered) x kinds with any drift (columns):
    the number of non-identical objects, zeros included."""
    order = {group["drift_fingerprint"]: index for index, group in enumerate(view.groups)}
    drifted = [e for e in view.entries if not e["error"] and e["drift"]]
    drifted.sort(key=lambda e: order.get(e["drift_fingerprint"], len(order)))
    kinds = list(dict.fromkeys(kind for entry in drifted for kind in entry["drift"]))
    frame = pd.DataFrame([[int(entry["drift"].get(kind, 0)) for kind in kinds] for entry in drifted],
                         index=[entry["target"] for entry in drifted], columns=kinds, dtype=int)
    frame.index.name, frame.columns.name = "target", "kind"
    return frame


def drift_heatmap(view: FleetView) -> go.Figure:
    """Targets x kinds, colour = number of drifted objects; the hover names the target's group."""
    frame = heatmap_frame(view).head(HEATMAP_ROWS_MAX)
    names = group_names(view)
    group_of = {e["target"]: names.get(e["drift_fingerprint"], "") for e in view.entries}
    height = min(1800, 160 + 22 * max(len(frame), 1))
    fig = _figure("fleet_heatmap", f"Drifted objects per target and kind ({len(frame)} drifted targets)", height=height)
    z = [[int(v) for v in row] for row in frame.values.tolist()]
    fig.add_trace(go.Heatmap(
        z=z, x=list(frame.columns), y=list(frame.index), colorscale="OrRd", zmin=0, xgap=1, ygap=1,
        customdata=[[group_of.get(target, "")] * len(frame.columns) for target in frame.index],
        colorbar={"title": "objects"},
        hovertemplate="%{y} (%{customdata})<br>%{x}: %{z} drifted<extra></extra>"))
    fig.update_yaxes(autorange="reversed", type="category", title="target")
    fig.update_xaxes(side="top", type="category", title="kind")
    return fig


def group_frame(group: dict[str, Any]) -> pd.DataFrame:
    rows = [{"change": f"{MARKS.get(o['status'], '?')} {o['status']}", "kind": o["kind"],
             "object": object_name(o["kind"], o["identity"]), "fields": ", ".join(o["differences"])}
            for o in group["objects"]]
    return pd.DataFrame(rows, columns=["change", "kind", "object", "fields"])


def timing_frame(view: FleetView) -> pd.DataFrame:
    rows = [{"target": e["target"], "snapshot s": e["seconds"].get("snapshot"), "compare s": e["seconds"].get("compare"),
             "total s": e["seconds"].get("total"), "objects": e["objects_compared"], "worker": e["worker"]}
            for e in view.entries]
    return pd.DataFrame(rows, columns=["target", "snapshot s", "compare s", "total s", "objects", "worker"])


def timing_chart(view: FleetView) -> go.Figure:
    """Seconds per target, snapshot and compare stacked (failed targets: their total)."""
    frame = timing_frame(view)
    fig = _figure("fleet_timing", f"Seconds per target ({view.targets['run']['seconds']:.1f} s wall time in all)",
                  height=380)
    for column, color in (("snapshot s", "#1565c0"), ("compare s", "#ef6c00")):
        values = [float(v) if v == v and v is not None else 0.0 for v in frame[column]]
        fig.add_trace(go.Bar(x=frame["target"].tolist(), y=values, name=column.removesuffix(" s"),
                             marker_color=color))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category", showticklabels=len(frame) <= 60)
    fig.update_yaxes(title="seconds")
    return fig


# --- sections -----------------------------------------------------------------------------------
def header_html(view: FleetView) -> str:
    source = view.fleet["source"]
    entries = view.entries
    failed = sum(1 for e in entries if e["error"])
    parity = sum(len(g["targets"]) for g in view.groups if g["identical"])
    drifted = sum(len(g["targets"]) for g in view.drift_groups)
    groups = len(view.drift_groups)
    verdict = (f"{len(entries)} targets: {parity} in parity, {drifted} drifted in {groups} "
               f"group{'s' if groups != 1 else ''}, {failed} failed")
    kind = "ok" if parity == len(entries) else "bad"
    return (f"<h1>{escape(view.title)}</h1>"
            + box(f"<b>{escape(verdict)}</b>", kind)
            + f"<p>Source: {escape(source['dsn'])}, PostgreSQL {escape(source['server_version'])}, schema fingerprint "
              f"{escape(source['fingerprint'][:12])}. Targets whose drift is the same (the same objects, with the same "
              f"status and the same differing fields) form one group.</p>"
            + toc(SECTIONS))


def show_header(view: FleetView) -> None:
    from workbench.present import html as wbhtml

    show_html(f"<style>{wbhtml.CSS}</style>" + header_html(view))


def show_parity(view: FleetView) -> None:
    show_html(heading(SECTIONS[0]) + "<p>Parity: source objects the target has identically (never rounded "
              "up); objects only in the target are drift too, but take nothing from parity.</p>")
    show_interactive(parity_frame(view), "fleet-parity", caption="parity per target")


def show_heatmap(view: FleetView) -> None:
    show_html(heading(SECTIONS[1]))
    frame = heatmap_frame(view)
    if frame.empty:
        show_html(box("No target drifted: nothing to draw.", "ok"))
        return
    if len(frame) > HEATMAP_ROWS_MAX:
        show_html(box(f"The first {HEATMAP_ROWS_MAX} of {len(frame)} drifted targets, in group order.", "info"))
    show(drift_heatmap(view))


def group_html(name: str, group: dict[str, Any]) -> str:
    members = group["targets"]
    title = (f"{escape(name)}: {len(members)} target{'s' if len(members) != 1 else ''} &mdash; "
             f"{escape(kind_counts_text(group['summary']) or 'unmodelled objects')}")
    unmodeled = "".join(f"<p>Unmodelled {escape(e['label'])}: {e['source']} in the source, {e['target']} in the "
                        f"target</p>" for e in (group.get("unmodeled") or {}).values())
    return (f"<details class='wb-kind wb-group' open><summary>{title}</summary>"
            f"<p class='wb-mail-note'>drift fingerprint {escape(group['drift_fingerprint'][:12])}</p>"
            f"<p>Targets: {escape(names_text(members, 50))}</p>{table_html(group_frame(group), index=False)}"
            f"{unmodeled}</details>")


def show_groups(view: FleetView) -> None:
    names = group_names(view)
    parts = [heading(SECTIONS[2])]
    identical = [g for g in view.groups if g["identical"]]
    if identical:
        parts.append(box(f"In parity: {len(identical[0]['targets'])} targets "
                         f"({escape(names_text(identical[0]['targets'], 20))})", "ok"))
    if not view.drift_groups:
        parts.append(box("No drift group.", "ok"))
    parts += [group_html(names[g["drift_fingerprint"]], g) for g in view.drift_groups]
    show_html("".join(parts))


def show_failed(view: FleetView) -> None:
    failed = view.fleet["failed"]
    show_html(heading(SECTIONS[3]))
    if not failed:
        show_html(box("Every target was read.", "ok"))
        return
    show_html("<p>Targets that could not be read (unreachable, permission denied, a timeout): not compared, "
              "and the fleet's exit code is 1.</p>")
    show_table(pd.DataFrame(failed, columns=["target", "error"]), index=False)


def show_timing(view: FleetView) -> None:
    run = view.targets["run"]
    show_html(heading(SECTIONS[4]) + f"<p>{run['targets']} targets in {run['seconds']:.1f} s on {escape(run['executor'])} "
              f"({run['jobs']} at once, at most {run['per_server']} per server).</p>")
    show(timing_chart(view))
    show_interactive(timing_frame(view), "fleet-timing", caption="seconds per target")
