"""What `notebooks/drift_report.ipynb` calls: read its parameters into a drift, and show its sections.

The notebook is thin (a `parameters` cell, then one call per section); every decision is here,
tested like the rest of the package. Display goes through `show*` functions so that the same cell
looks right in JupyterLab (plotly's own mime type, interactive) and in the rendered report (HTML
whose plotly.js is embedded once by workbench.report).

In a report the notebook reads what the pipeline wrote: the snapshot files (already scoped as
compared) and the plan folder (for the statements planned per object); it captures nothing.
"""
from __future__ import annotations

import html
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable

import pandas as pd

from workbench.compare import CompareOptions, Drift
from workbench.compare import compare as compare_snapshots
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.present import html as wbhtml
from workbench.present import reuse
from workbench.present.labels import STATUS_ORDER, STATUS_WORDS, field_word, key_name, object_name, parity_text
from workbench.snapshot import Snapshot

if TYPE_CHECKING:
    from workbench.planner.model import Plan

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
CELL_LIMIT = 300          # characters of a value shown in a table cell (the JSON file has all)
SECTIONS = ("Summary", "Before and after", "Drift per kind", "Top tables by columns added", "After apply",
            "Changed objects", "Objects that differ")
table_html = wbhtml.table_html


@dataclass
class ReportInputs:
    """Everything a drift report shows, read from its parameters."""

    drift: Drift
    title: str
    after: Snapshot | None = None          # the target after apply (scoped like drift.target)
    residual: Drift | None = None          # source compared with the target after apply
    plan: "Plan | None" = None             # the plan (statements per object, for the three panes)
    planned: dict[tuple[str, tuple[Any, ...]], list[str]] = field(default_factory=dict)

    @property
    def after_counts(self) -> dict[str, int] | None:
        return self.after.counts if self.after is not None else None


# --- parameters ---------------------------------------------------------------------------------
def _side(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WorkbenchError(f"parameter {name} is empty: give a DSN or a snapshot file")
    return value.strip()


def schema_list(schemas: object) -> tuple[str, ...]:
    """`schemas` as papermill passes it: a list, or one string (`-p schemas public,sales`)."""
    if schemas is None:
        return ()
    if isinstance(schemas, str):
        return tuple(s.strip() for s in schemas.split(",") if s.strip())
    if isinstance(schemas, (list, tuple)) and all(isinstance(s, str) for s in schemas):
        return tuple(schemas)
    raise WorkbenchError(f"parameter schemas must be a list of schema names, not {schemas!r}")


def statements_by_object(plan: "Plan") -> dict[tuple[str, tuple[Any, ...]], list[str]]:
    """(kind, identity values) -> the SQL of the plan's statements for that object, in plan order."""
    found: dict[tuple[str, tuple[Any, ...]], list[str]] = {}
    for statement in plan.statements:
        key = (statement.kind, tuple(statement.identity.values()))
        found.setdefault(key, []).append(statement.sql.rstrip().rstrip(";") + ";")
    return found


def load(source: str, target: str, schemas: object = (), plan_dir: str = "", target_after: str = "",
         title: str = "", shadow: str = "", compare: object = None) -> ReportInputs:
    """Open both sides (any side of workbench.sides: DSN, snapshot file, SQL files on `shadow`, a
    store entry), compare them with the options `compare` names (CompareOptions.from_parameters:
    what `workbench report` was given, so the report shows the drift `workbench diff` does with
    them), and read the optional plan folder and after-apply target."""
    source, target = _side("source", source), _side("target", target)
    target_after = _side("target_after", target_after) if target_after else ""
    options = CompareOptions.from_parameters(compare, schemas=schema_list(schemas))
    kinds = options.selected_kinds()
    drift = (reuse.drift(source, target, options)          # `workbench report`'s own, for the files it wrote
             or compare_snapshots(*reuse.open_pair(source, target, kinds, shadow=shadow or None), options))
    inputs = ReportInputs(drift, title.strip() if isinstance(title, str) and title.strip()
                          else f"Schema drift: {drift.source.database} \u2192 {drift.target.database}")
    if target_after:
        inputs.residual = compare_snapshots(drift.source, reuse.open_side(target_after, kinds, shadow=shadow or None),
                                            options)
        inputs.after = inputs.residual.target
    if plan_dir:
        inputs.plan, _ = reuse.read_plan(plan_dir)
        inputs.planned = statements_by_object(inputs.plan)
    return inputs


# --- display ------------------------------------------------------------------------------------
def figure_bundle(fig: Any) -> dict[str, Any]:
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


def show(fig: Any) -> None:
    from IPython.display import display

    display(figure_bundle(fig), raw=True)


def show_html(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def show_table(frame: pd.DataFrame, index: bool = True) -> None:
    show_html(table_html(frame, index))


def show_interactive(frame: pd.DataFrame, name: str, caption: str | None = None) -> None:
    """A searchable, sortable, paged table, the DataTables bundle before it (each output works on
    its own in JupyterLab; workbench.report keeps the bundle's first copy only)."""
    show_html(wbhtml.interactive_tables_init() + f"<style>{wbhtml.CSS}</style>"
              + wbhtml.interactive_table(frame, f"wb-{name}-{uuid.uuid4().hex[:6]}", caption=caption))


# --- sections -----------------------------------------------------------------------------------
def _facts_row(role: str, snapshot: Snapshot) -> dict[str, object]:
    return {"": role, "database": snapshot.database, "DSN": snapshot.dsn,
            "PostgreSQL": snapshot.server_version, "captured": snapshot.captured_at,
            "fingerprint": snapshot.fingerprint[:12]}


def verdict_text(drift: Drift) -> str:
    totals = drift.summary.sum()
    unmodeled = (f" The sides also differ in {', '.join(drift.unmodeled)} (not compared in detail: see the summary)."
                 if drift.has_unmodeled_drift else "")
    asked = "".join(f" Not compared (not asked): {entry['field']} ({entry['option']})." for entry in drift.not_compared)
    if not drift.has_drift:
        return ("No drift in the compared kinds." + unmodeled if unmodeled
                else "No drift: the target matches the source for every compared kind.") + asked
    return (f"{int(totals['only_in_source'])} objects to create, {int(totals['changed'])} changed, "
            f"{int(totals['only_in_target'])} extra in the target; {int(totals['identical'])} identical."
            + unmodeled + asked)


def unmodeled_frame(drift: Drift) -> pd.DataFrame:
    """The census of what no kind models (census.py): per kind, the count on each side and the
    names one side lacks."""
    return pd.DataFrame([{"kind": kind, "source": entry["source"], "target": entry["target"],
                          "only in source": ", ".join(entry["only_in_source"]),
                          "only in target": ", ".join(entry["only_in_target"])}
                         for kind, entry in drift.unmodeled.items()],
                        columns=["kind", "source", "target", "only in source", "only in target"])


def header_html(inputs: ReportInputs) -> str:
    """Title, the compared sides, a one-line verdict and the table of contents."""
    drift = inputs.drift
    rows = [_facts_row("source (legacy)", drift.source), _facts_row("target (current)", drift.target)]
    if inputs.after is not None:
        rows.append(_facts_row("target after apply", inputs.after))
    schemas = ", ".join(drift.options.schemas) or "all user schemas"
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    after = ""
    if inputs.residual is not None:
        parity = inputs.residual.parity
        after = (f"<p class='wb-verdict'><b>After apply: "
                 f"{html.escape(parity_text(int(parity['identical'].sum()), int(parity['source_objects'].sum())))}"
                 f".</b></p>")
    sections = [s for s in SECTIONS if s != "After apply" or inputs.residual is not None]
    return (f"<h1>{html.escape(inputs.title)}</h1>"
            f"<p>Generated {generated} by Drift Workbench. Schemas: {html.escape(schemas)}.</p>"
            f"{table_html(pd.DataFrame(rows), index=False)}"
            f"<p class='wb-verdict'><b>{html.escape(verdict_text(drift))}</b></p>{after}"
            f"{wbhtml.toc(sections + (['Migration plan'] if inputs.plan is not None else []))}")


def summary_frame(drift: Drift) -> pd.DataFrame:
    """Kind x status counts with readable column names and a total row."""
    table = drift.summary.copy()
    table.loc["total"] = table.sum()
    table.columns.name = None
    return table.rename(columns=STATUS_WORDS)


def counts_frame(drift: Drift, after: Snapshot | None = None, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """The numbers behind the before/after chart, plus what the comparison says is to create."""
    from workbench.present.charts import before_after_counts

    table = before_after_counts(drift.source.counts, drift.target.counts, after.counts if after is not None else None,
                                list(kinds) if kinds is not None else None)
    to_create = drift.summary["only_in_source"]
    table["to create"] = [int(to_create.get(kind, 0)) for kind in table.index]
    return table.rename(columns={"source": "legacy (source)", "target": "current before (target)",
                                 "after": "current after apply"})


def _short(value: object) -> str:
    from workbench.present.text import value_text

    text = " ".join(value_text(value).split()) if value is not None else ""
    return text if len(text) <= CELL_LIMIT else text[:CELL_LIMIT - 1] + "\u2026"


def _describe(values: tuple[Any, ...], shown: list[str], fields: Iterable[str]) -> str:
    """One side of an object in a cell: its definition when it has one and it is asked for, else
    `field: value` for each asked-for field that has a value (values in the order of `shown`)."""
    fields = list(fields)
    if "definition" in shown and "definition" in fields:
        return _short(values[shown.index("definition")])
    parts = [f"{field_word(f)}: {_short(values[shown.index(f)])}" for f in fields
             if f in shown and values[shown.index(f)] not in (None, "")]
    return "; ".join(parts)


def kind_objects(drift: Drift, kind: str, statuses: Iterable[str] = ("changed", "only_in_source", "only_in_target"),
                 ) -> pd.DataFrame:
    """Objects of one kind (changed first): name, status, what differs, and the source/target
    values (of the differing fields for changed objects; of the whole object otherwise). Read from
    the comparison's rows (compare.KindDrift), not from its DataFrame: a report lists tens of
    thousands of objects."""
    compared = drift.comparisons[kind]
    shown = list(compared.shown)
    wanted = set(statuses)
    chosen = sorted((i for i, status in enumerate(compared.statuses) if status in wanted),
                    key=lambda i: STATUS_ORDER[compared.statuses[i]])
    every = list(KINDS[kind].compared) + (["definition"] if "definition" in shown
                                          and "definition" not in KINDS[kind].compared else [])
    names, source, target, status_words, differs = [], [], [], [], []
    for i in chosen:
        status, differences = compared.statuses[i], compared.differences[i]
        fields = list(differences) if status == "changed" else every
        names.append(key_name(kind, compared.key_at(i)))
        left, right = compared.source[i], compared.target[i]
        source.append(_describe(left, shown, fields) if status != "only_in_target" and left is not None else "")
        target.append(_describe(right, shown, fields) if status != "only_in_source" and right is not None else "")
        status_words.append(STATUS_WORDS[status])
        differs.append(", ".join(field_word(f) for f in differences))
    return pd.DataFrame({"kind": [kind] * len(chosen), "object": names, "status": status_words,
                         "differs in": differs, "source (legacy)": source, "target (current)": target})


def differing_objects(drift: Drift) -> pd.DataFrame:
    """Every non-identical object of every kind (the report's object table)."""
    frames = [kind_objects(drift, kind) for kind in drift.frames]
    columns = ["kind", "object", "status", "differs in", "source (legacy)", "target (current)"]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def changed_objects(drift: Drift) -> pd.DataFrame:
    """Every changed object of every kind, with the source and target values of what differs."""
    frames = [kind_objects(drift, kind, ("changed",)).drop(columns="status") for kind in drift.frames
              if (drift[kind]["status"] == "changed").any()]
    columns = ["kind", "object", "differs in", "source (legacy)", "target (current)"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def changed_html(inputs: ReportInputs) -> str:
    """Every changed object, closed: a click opens its three panes (source, target with the words
    that differ marked, the planned statements)."""
    from workbench.present.text import object_text

    drift = inputs.drift
    parts = []
    for kind in drift.frames:
        frame = drift[kind]
        rows = frame[frame["status"] == "changed"]
        identity = list(KINDS[kind].identity)
        for row in rows.to_dict("records"):
            ident = {c: row[c] for c in identity}
            name = object_name(kind, ident)
            planned = inputs.planned.get((kind, tuple(ident.values())), [])
            differs = ", ".join(field_word(f) for f in row["differences"])
            parts.append(f"<details class='wb-object wb-changed' data-kind='{html.escape(kind)}' "
                         f"data-object='{html.escape(name)}'><summary>~ {html.escape(kind)} <b>{html.escape(name)}"
                         f"</b> <span class='wb-differs'>[{html.escape(differs)}]</span></summary>"
                         f"{wbhtml.panes(object_text(row, kind, 'source'), object_text(row, kind, 'target'), planned)}"
                         f"</details>")
    if not parts:
        return "<p>No object is defined differently on the two sides.</p>"
    note = ("" if inputs.plan is not None else
            "<p>No plan was given (plan_dir): the third pane stays empty.</p>")
    return f"<p>{len(parts)} changed objects. Click one to see both sides and what the plan runs.</p>{note}" + \
        "".join(parts)


def show_header(inputs: ReportInputs) -> None:
    show_html(f"<style>{wbhtml.CSS}</style>" + header_html(inputs))


def show_summary(inputs: ReportInputs) -> None:
    show_html(wbhtml.heading("Summary") + "<p>Objects per kind and status. <i>To create</i>: only in the source "
              "(legacy); <i>extra in target</i>: only in the target (current), never dropped unless asked; "
              "<i>changed</i>: on both sides, defined differently.</p>")
    show_table(summary_frame(inputs.drift))
    if inputs.drift.unmodeled:
        show_html("<h3>Unmodeled</h3><p>Objects of kinds the workbench does not compare in detail (nor plan), "
                  "counted by a census of the catalogs: a difference here is drift the tables above cannot "
                  "show.</p>")
        show_table(unmodeled_frame(inputs.drift), index=False)


def renames_frame(drift: Drift) -> pd.DataFrame:
    """The rename candidates (Drift.rename_candidates) as a table: kind, old (target), new (source), score."""
    import pandas as pd

    return pd.DataFrame([{"kind": c.kind, "target (old name)": c.old_label, "source (new name)": c.new_label,
                          "score": f"{c.score:.2f}", "ambiguous": "yes" if c.ambiguous else "",
                          "plan with": f"--rename {c.spec}"} for c in drift.rename_candidates],
                        columns=["kind", "target (old name)", "source (new name)", "score", "ambiguous", "plan with"])


def show_renames(inputs: ReportInputs) -> None:
    """Rename candidates, when there are any: without a rename, the plan drops and adds them."""
    if not inputs.drift.rename_candidates:
        return
    show_html("<h3>Rename candidates</h3><p>Objects only in the source paired with objects only in the target, "
              "of one kind and parent, defined alike apart from the name (score: 0.5 for equal definitions plus "
              "up to 0.5 for alike names). Planned as <code>ALTER ... RENAME</code> with <code>--rename</code> "
              "or <code>--accept-renames</code> (which leaves ambiguous ones out); else as a drop and an add.</p>")
    show_table(renames_frame(inputs.drift), index=False)


def show_counts(inputs: ReportInputs) -> None:
    from workbench.present import charts

    drift = inputs.drift
    show_html(wbhtml.heading("Before and after") + "<p>Exact object counts per kind, by the counting rules of the "
              "design (the numbers are in the table below the chart too).</p>")
    show(charts.before_after(drift.source.counts, drift.target.counts, inputs.after_counts))
    show_table(counts_frame(drift, inputs.after))


def show_drift(inputs: ReportInputs) -> None:
    from workbench.present import charts

    show_html(wbhtml.heading("Drift per kind"))
    show(charts.drift_by_kind(inputs.drift))
    show_html(wbhtml.heading("Top tables by columns added") + "<p>Columns that the source has and the target "
              "lacks, on tables that exist on both sides.</p>")
    show(charts.top_tables_by_columns_added(inputs.drift))


def show_after(inputs: ReportInputs) -> None:
    from workbench.present import charts
    from workbench.present.labels import percent

    if inputs.residual is None:
        return
    show_html(wbhtml.heading("After apply") + "<p>The source compared with the target after apply.</p>")
    show(charts.residual_drift(inputs.residual))
    parity = inputs.residual.parity.copy()
    parity["parity"] = [percent(int(i), int(s)) for i, s in zip(parity["identical"], parity["source_objects"])]
    show_table(parity.drop(columns="parity_pct"))


def show_changed(inputs: ReportInputs) -> None:
    show_html(wbhtml.heading("Changed objects") + changed_html(inputs))


def show_objects(inputs: ReportInputs) -> None:
    show_html(wbhtml.heading("Objects that differ") + "<p>Every object that is not identical on both sides: type "
              "in the search box to filter (by kind, name, status or value), click a column to sort. Every "
              "object is also in <code>schema_differences.json</code> and "
              "<code>schema_comparison_report.txt</code> beside this report.</p>")
    objects = differing_objects(inputs.drift)
    if objects.empty:
        show_html("<p>No drift: nothing to list.</p>")
        return
    show_interactive(objects, "objects")


def show_all(inputs: ReportInputs) -> None:
    """Every section, in the report's order."""
    show_header(inputs)
    show_summary(inputs)
    show_counts(inputs)
    show_drift(inputs)
    show_after(inputs)
    show_changed(inputs)
    show_objects(inputs)

