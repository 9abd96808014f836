"""What the notebooks call: read their parameters into a drift, and display tables and figures.

The notebooks in `notebooks/` are thin (a `parameters` cell, then one call per section); every
decision is here, tested like the rest of the package. Display goes through `show*` functions
so that the same cell looks right in JupyterLab (plotly's own mime type, interactive) and in the
rendered report (HTML whose plotly.js is embedded once by workbench.report).
"""
from __future__ import annotations

import html
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pandas as pd

from workbench.compare import STATUSES, CompareOptions, Drift, compare
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.snapshot import Snapshot, open_side

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
STATUS_ORDER = {"changed": 0, "only_in_source": 1, "only_in_target": 2, "identical": 3}
STATUS_WORDS = {"only_in_source": "to create", "changed": "changed", "only_in_target": "extra in target",
                "identical": "identical"}
CELL_LIMIT = 300          # characters of a definition shown in a table cell (the JSON file has all)


@dataclass
class ReportInputs:
    """Everything a report notebook shows, read from its parameters."""

    drift: Drift
    title: str
    after: Snapshot | None = None          # the target after apply (scoped like drift.target)
    residual: Drift | None = None          # source compared with the target after apply
    statements: pd.DataFrame | None = None  # plan statements (stage, hazards, ...)
    stages: list[str] | None = None        # the plan's stage order (empty stages included)
    traps: list[dict] | None = None        # what the plan says about known traps
    apply_log: list[dict] | None = None    # apply log entries (stage, status, ms, ...)

    @property
    def after_counts(self) -> dict | None:
        return self.after.counts if self.after is not None else None


# --- parameters ---------------------------------------------------------------------------------
def _side(name: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WorkbenchError(f"parameter {name} is empty: give a DSN or a snapshot file")
    return value.strip()


def schema_list(schemas) -> tuple[str, ...]:
    """`schemas` as papermill passes it: a list, or one string (`-p schemas public,sales`)."""
    if schemas is None:
        return ()
    if isinstance(schemas, str):
        return tuple(s.strip() for s in schemas.split(",") if s.strip())
    if isinstance(schemas, (list, tuple)) and all(isinstance(s, str) for s in schemas):
        return tuple(schemas)
    raise WorkbenchError(f"parameter schemas must be a list of schema names, not {schemas!r}")


def load(source: str, target: str, schemas=(), plan_dir: str = "", apply_log: str = "",
         target_after: str = "", title: str = "") -> ReportInputs:
    """Open both sides (DSN or snapshot file), compare them, and read the optional plan, apply
    log and after-apply target."""
    source, target = _side("source", source), _side("target", target)
    target_after = _side("target_after", target_after) if target_after else ""
    options = CompareOptions(schemas=schema_list(schemas))
    kinds = options.selected_kinds()
    drift = compare(open_side(source, kinds), open_side(target, kinds), options)
    inputs = ReportInputs(drift, title.strip() if isinstance(title, str) and title.strip()
                          else f"Schema drift: {drift.source.database} \u2192 {drift.target.database}")
    if target_after:
        inputs.residual = compare(drift.source, open_side(target_after, kinds), options)
        inputs.after = inputs.residual.target
    if plan_dir:
        inputs.statements, inputs.stages, inputs.traps = load_plan(plan_dir)
    if apply_log:
        inputs.apply_log = load_apply_log(apply_log)
    return inputs


def read_json(path: Path, what: str):
    """A JSON file the notebooks were given, or a one-line WorkbenchError that names it."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise WorkbenchError(f"{what} {path} does not exist") from None
    except (OSError, ValueError) as error:
        raise WorkbenchError(f"cannot read {what} {path}: {error}") from None


def load_plan(plan_dir: str | Path) -> tuple[pd.DataFrame, list[str] | None, list[dict]]:
    """A plan folder's plan.json: its statements as a DataFrame (one row per statement), its
    stage names in order (None when it lists none) and its traps."""
    path = Path(plan_dir) / "plan.json"
    data = read_json(path, "plan file")
    statements = data.get("statements") if isinstance(data, dict) else None
    if not isinstance(statements, list):
        raise WorkbenchError(f"{path} has no list of statements")
    frame = pd.DataFrame(statements, columns=None if statements else ["stage", "hazards"])
    for column in ("stage", "hazards"):
        if column not in frame.columns:
            raise WorkbenchError(f"the statements of {path} have no {column}")
    stages = [stage["name"] for stage in data["stages"]] if isinstance(data.get("stages"), list) else None
    return frame, stages, list(data.get("traps") or [])


def load_apply_log(path: str | Path) -> list[dict]:
    """apply_log.json: a list of statement entries, or an object holding them under `statements`."""
    data = read_json(Path(path), "apply log")
    entries = data.get("statements") if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise WorkbenchError(f"apply log {path} is not a list of statement entries")
    return entries


# --- display ------------------------------------------------------------------------------------
def figure_bundle(fig) -> dict:
    """The mime bundle of a figure: plotly's JSON for JupyterLab, HTML (without plotly.js) for
    nbconvert, and its title as text."""
    import plotly.io as pio

    spec = json.loads(pio.to_json(fig, validate=False))
    spec["config"] = PLOTLY_CONFIG
    chart = (fig.layout.meta or {}).get("chart", "figure") if isinstance(fig.layout.meta, dict) else "figure"
    height = fig.layout.height or 450
    div = pio.to_html(fig, full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG,
                      default_height=f"{height}px", div_id=f"wb-{chart}-{uuid.uuid4().hex[:8]}")
    title = fig.layout.title.text or chart
    return {"application/vnd.plotly.v1+json": spec, "text/html": div, "text/plain": f"[chart: {title}]"}


def show(fig) -> None:
    from IPython.display import display

    display(figure_bundle(fig), raw=True)


def show_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def table_html(frame: pd.DataFrame, index: bool = True) -> str:
    """An escaped HTML table; a named index becomes the first column (no extra header row)."""
    if index and frame.index.name:
        frame, index = frame.reset_index(), False
    return frame.to_html(index=index, escape=True, border=0, classes="wb-table")


def show_table(frame: pd.DataFrame, index: bool = True) -> None:
    show_html(table_html(frame, index))


# --- sections -----------------------------------------------------------------------------------
def _facts_row(role: str, snapshot: Snapshot) -> dict:
    return {"": role, "database": snapshot.database, "DSN": snapshot.dsn,
            "PostgreSQL": snapshot.server_version, "captured": snapshot.captured_at,
            "fingerprint": snapshot.fingerprint[:12]}


def header_html(inputs: ReportInputs) -> str:
    """Title, the compared sides and a one-line verdict."""
    drift = inputs.drift
    rows = [_facts_row("source (legacy)", drift.source), _facts_row("target (current)", drift.target)]
    if inputs.after is not None:
        rows.append(_facts_row("target after apply", inputs.after))
    totals = drift.summary.sum()
    if drift.has_drift:
        verdict = (f"{int(totals['only_in_source'])} objects to create, {int(totals['changed'])} changed, "
                   f"{int(totals['only_in_target'])} extra in the target; "
                   f"{int(totals['identical'])} identical.")
    else:
        verdict = "No drift: the target matches the source for every compared kind."
    schemas = ", ".join(drift.options.schemas) or "all user schemas"
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    after = ""
    if inputs.residual is not None:
        parity = inputs.residual.parity
        after = (f"<p class='wb-verdict'><b>After apply: "
                 f"{html.escape(parity_text(int(parity['identical'].sum()), int(parity['source_objects'].sum())))}"
                 f".</b></p>")
    return (f"<h1>{html.escape(inputs.title)}</h1>"
            f"<p>Generated {generated} by Drift Workbench. Schemas: {html.escape(schemas)}.</p>"
            f"{table_html(pd.DataFrame(rows), index=False)}"
            f"<p class='wb-verdict'><b>{html.escape(verdict)}</b></p>{after}")


def parity_text(identical: int, total: int) -> str:
    """'100% parity (...)' only when every source object is identical: never rounded up to 100%."""
    share = 100.0 * identical / total if total else 100.0
    shown = "100%" if identical == total else f"{min(share, 99.9):.1f}%"
    return f"{shown} parity ({identical:,} of {total:,} source objects identical in the target)"


def summary_frame(drift: Drift) -> pd.DataFrame:
    """Kind x status counts with readable column names and a total row."""
    table = drift.summary.copy()
    table.loc["total"] = table.sum()
    table.columns.name = None
    return table.rename(columns=STATUS_WORDS)


def counts_frame(inputs: ReportInputs, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """The numbers behind the before/after chart, plus what the comparison says is to create."""
    from workbench.charts import before_after_counts

    drift = inputs.drift
    table = before_after_counts(drift.source.counts, drift.target.counts, inputs.after_counts,
                                list(kinds) if kinds is not None else None)
    to_create = drift.summary["only_in_source"]
    table["to create"] = [int(to_create.get(kind, 0)) for kind in table.index]
    return table.rename(columns={"source": "legacy (source)", "target": "current before (target)",
                                 "after": "current after apply"})


def _short(value) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 1] + "\u2026"


def _describe(row: pd.Series, kind: str, side: str, fields: Iterable[str]) -> str:
    if f"{side}_definition" in row.index and "definition" in fields:
        return _short(row[f"{side}_definition"])
    parts = [f"{field}: {_short(row[f'{side}_{field}'])}" for field in fields
             if f"{side}_{field}" in row.index and row[f"{side}_{field}"] not in (None, "")]
    return "; ".join(parts)


def kind_objects(drift: Drift, kind: str) -> pd.DataFrame:
    """Non-identical objects of one kind: name, status, what differs, and the source/target
    values (of the differing fields for changed objects; of the whole object otherwise)."""
    from workbench.explore import labels

    frame = drift[kind]
    rows = frame[frame["status"] != "identical"]
    rows = rows.iloc[sorted(range(len(rows)), key=lambda i: STATUS_ORDER[rows["status"].iat[i]])]
    compared = [c for c in KINDS[kind].compared] + (["definition"] if "source_definition" in frame.columns else [])
    source, target = [], []
    for _, row in rows.iterrows():
        fields = list(row["differences"]) if row["status"] == "changed" else compared
        source.append(_describe(row, kind, "source", fields) if row["status"] != "only_in_target" else "")
        target.append(_describe(row, kind, "target", fields) if row["status"] != "only_in_source" else "")
    return pd.DataFrame({"object": labels(kind, rows), "status": [STATUS_WORDS[s] for s in rows["status"]],
                         "differs in": [", ".join(d) for d in rows["differences"]],
                         "source (legacy)": source, "target (current)": target})


def changed_objects(drift: Drift) -> pd.DataFrame:
    """Every changed object of every kind, with the source and target values of what differs."""
    frames = []
    for kind, frame in drift.frames.items():
        if (frame["status"] == "changed").any():
            objects = kind_objects(drift, kind)
            objects = objects[objects["status"] == STATUS_WORDS["changed"]].drop(columns="status")
            objects.insert(0, "kind", kind)
            frames.append(objects)
    columns = ["kind", "object", "differs in", "source (legacy)", "target (current)"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def objects_html(drift: Drift) -> str:
    """One collapsible table per kind with differing objects (closed: a click opens one)."""
    parts = []
    summary = drift.summary
    for kind in drift.frames:
        counts = summary.loc[kind]
        differing = int(counts["only_in_source"] + counts["changed"] + counts["only_in_target"])
        if not differing:
            continue
        detail = ", ".join(f"{int(counts[s])} {STATUS_WORDS[s]}" for s in STATUSES[:3] if counts[s])
        parts.append(f"<details class='wb-kind'><summary><b>{html.escape(kind)}</b>: {differing} "
                     f"differing ({detail})</summary>{table_html(kind_objects(drift, kind), index=False)}</details>")
    return "".join(parts) or "<p>No drift: nothing to list.</p>"


def failures_frame(log: list[dict]) -> pd.DataFrame:
    """Failed statements of an apply log: stage, statement, SQLSTATE and message."""
    from workbench.charts import apply_status

    rows = [{"stage": e.get("stage"), "statement": _short(e.get("sql") or e.get("statement") or ""),
             "sqlstate": e.get("sqlstate") or "", "message": e.get("message") or e.get("error") or ""}
            for e in log if apply_status(e.get("status", "")) == "failed"]
    return pd.DataFrame(rows, columns=["stage", "statement", "sqlstate", "message"])


def traps_frame(traps: list[dict]) -> pd.DataFrame:
    """The plan's traps: which, on what object, the problem and how the plan resolves it."""
    def name(trap: dict) -> str:
        identity = trap.get("identity")
        label = ".".join(str(v) for v in identity.values()) if isinstance(identity, dict) else str(identity or "")
        return f"{trap.get('kind', '')} {label}".strip()

    return pd.DataFrame([{"trap": t.get("trap") or t.get("name", ""), "object": name(t),
                          "problem": t.get("problem", ""), "resolution": t.get("resolution", "")} for t in traps],
                        columns=["trap", "object", "problem", "resolution"])


def show_optional_sections(inputs: ReportInputs) -> None:
    """The plan, apply and after-apply sections, each only when its parameter was given."""
    from workbench import charts

    if inputs.statements is not None:
        show_html("<h2>Plan: statements and hazards per stage</h2>")
        show(charts.stage_statements(inputs.statements, inputs.stages))
        show_table(charts.statements_per_stage(inputs.statements, inputs.stages))
        if inputs.traps:
            show_html("<h3>Known traps</h3>")
            show_table(traps_frame(inputs.traps), index=False)
    if inputs.apply_log is not None:
        show_html("<h2>Apply</h2>")
        show(charts.apply_timeline(inputs.apply_log))
        failures = failures_frame(inputs.apply_log)
        if failures.empty:
            show_html(f"<p>All {len(inputs.apply_log)} statements applied.</p>")
        else:
            show_html(f"<p><b>{len(failures)} statements failed:</b></p>")
            show_table(failures, index=False)
    if inputs.residual is not None:
        show_html("<h2>After apply: residual drift</h2>")
        show(charts.residual_drift(inputs.residual))
        show_table(inputs.residual.parity.round(1))
