"""The explorer: an ipywidgets app over a Drift, for JupyterLab and, served by Voilà, for the browser
(`workbench explore SOURCE TARGET`).

The logic is in pure functions tested without a browser: `filter_objects` (kind, statuses, text)
gives the matching objects as a DataFrame, `page_of` one page of them, `detail_html` the three
panes of one object (source and target with the words that differ marked, the planned
statements) and what it depends on and what depends on it. `Explorer` only wires widgets to them.
Source and target get the same neutral colours: neither side is "wrong", the differing words are
marked alike on both.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import pandas as pd

from workbench.compare import STATUSES, Drift
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.present import html as wbhtml
from workbench.present.labels import STATUS_MARK, STATUS_WORDS, field_word, object_name
from workbench.present.text import object_lines, object_text  # noqa: F401 (object_lines: part of the explorer's API)

if TYPE_CHECKING:
    from workbench.dependencies import Dependencies

DEFAULT_STATUSES = ("changed", "only_in_source", "only_in_target")
PAGE_SIZE = 15
STATUS_COLORS = {"changed": "#b36b00", "only_in_source": "#1f6feb", "only_in_target": "#6e7781", "identical": "#8c959f"}
CSS = wbhtml.CSS + """
.wb-explorer {width: 100%; max-width: 100%; box-sizing: border-box}
.wb-explorer .widget-toggle-buttons .widget-toggle-button {width: auto; padding: 0 10px}
.wb-row button {text-align: left; font-family: monospace; font-size: 12.5px; justify-content: flex-start}
.wb-row .jupyter-button {text-align: left}
.wb-row.wb-selected button {background: #ddf4ff; border-color: #54aeff}
.wb-cell {font-size: 12px; line-height: 28px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis}
.wb-status {display: inline-block; border-radius: 10px; padding: 0 8px; color: white; line-height: 18px}
.wb-deps ul {margin: 2px 0 6px 0; padding-left: 20px; font-family: monospace; font-size: 12px}
.wb-objects-head {font-weight: bold; font-size: 12px; border-bottom: 1px solid #d0d7de}
"""


def _check_kind(drift: Drift, kind: str) -> pd.DataFrame:
    if kind not in drift.frames:
        raise WorkbenchError(f"unknown kind {kind!r} (this drift has: {', '.join(drift.frames)})")
    return drift.frames[kind]


def _check_statuses(statuses: Iterable[str] | str) -> list[str]:
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise WorkbenchError(f"unknown status {', '.join(map(repr, unknown))} (known: {', '.join(STATUSES)})")
    return statuses


def labels(kind: str, frame: pd.DataFrame) -> list[str]:
    """The readable name of every row (schema.table.name, schema.fn(args), ...)."""
    identity = list(KINDS[kind].identity)
    return [object_name(kind, dict(zip(identity, values)))
            for values in frame[identity].itertuples(index=False, name=None)]


def _side_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(("source_", "target_"))]


def filter_objects(drift: Drift, kind: str, statuses: Iterable[str] | str = DEFAULT_STATUSES, text: str = "",
                   in_definitions: bool = False) -> pd.DataFrame:
    """Objects of `kind` whose status is in `statuses` and whose name (or list of differing
    fields; with in_definitions also any source_*/target_* value) contains `text`, case-insensitive.

    Returns `object` (readable name), the identity columns, status and differences, in the drift's
    order (sorted by identity).
    """
    frame = _check_kind(drift, kind)
    statuses = _check_statuses(statuses)
    identity = list(KINDS[kind].identity)
    rows = frame[frame["status"].isin(statuses)]
    names = pd.Series(labels(kind, rows), index=rows.index, dtype=object)
    needle = text.strip().lower()
    if needle:
        haystack = names.str.lower() + " " + rows["differences"].map(lambda d: " ".join(d)).str.lower()
        if in_definitions:
            for column in _side_columns(rows):
                haystack = haystack + " " + rows[column].map(lambda v: "" if v is None else str(v)).str.lower()
        keep = haystack.str.contains(needle, regex=False)
        rows, names = rows[keep], names[keep]
    result = rows[identity].copy()
    result.insert(0, "object", names)
    result["status"] = rows["status"]
    result["differences"] = rows["differences"].map(lambda d: ", ".join(d))
    return result.reset_index(drop=True)


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> tuple[pd.DataFrame, int, int]:
    """(rows of page `page`, the page actually shown (clamped), the number of pages)."""
    pages = max(1, -(-len(frame) // size))
    page = min(max(page, 0), pages - 1)
    return frame.iloc[page * size:(page + 1) * size], page, pages


def find_object(drift: Drift, kind: str, identity: Mapping[str, object] | Sequence[object] | str) -> pd.Series:
    """One row of drift[kind], named by an identity dict, a tuple of identity values or its label."""
    frame = _check_kind(drift, kind)
    columns = list(KINDS[kind].identity)
    if isinstance(identity, str):
        mask = pd.Series(labels(kind, frame), index=frame.index) == identity
    else:
        values = [identity[c] for c in columns] if isinstance(identity, Mapping) else list(identity)
        if len(values) != len(columns):
            raise WorkbenchError(f"{kind} are named by {', '.join(columns)}; got {values!r}")
        mask = pd.Series(True, index=frame.index)
        for column, value in zip(columns, values):
            mask &= frame[column] == value
    found = frame[mask]
    if found.empty:
        raise WorkbenchError(f"no {kind} object {identity!r} in this drift")
    return found.iloc[0]


@dataclass
class Context:
    """What the detail of an object shows besides the drift: planned statements and dependencies."""

    planned: dict[tuple[str, tuple[Any, ...]], list[str]] = field(default_factory=dict)
    source_deps: "Dependencies | None" = None
    target_deps: "Dependencies | None" = None


def _ref_label(ref: tuple[str, tuple[str, ...]]) -> str:
    kind, values = ref
    try:
        return f"{kind} {object_name(kind, dict(zip(KINDS[kind].identity, values)))}"
    except (KeyError, IndexError):
        return f"{kind} {'.'.join(values)}"


def dependencies_html(kind: str, identity: Sequence[object], context: Context) -> str:
    """What the object depends on and what depends on it, from pg_depend on both sides: an entry
    that only one side has says which (a constraint the migration brings is "source only")."""
    graphs = {"source": context.source_deps, "target": context.target_deps}
    if not any(graphs.values()):
        return ""
    parts = []
    for title, method in (("depends on", "depends_on"), ("depended on by", "dependents")):
        sides: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        for side, graph in graphs.items():
            for ref in (getattr(graph, method)(kind, identity) if graph is not None else ()):
                sides.setdefault(ref, []).append(side)
        items = "".join(f"<li>{html.escape(_ref_label(ref))}"
                        + (f" <i>({which[0]} only)</i>" if len(which) == 1 and all(graphs.values()) else "") + "</li>"
                        for ref, which in sorted(sides.items())) or "<li><i>nothing</i></li>"
        parts.append(f"<div class='wb-deps wb-{title.replace(' ', '-')}'><b>{title}</b> (from pg_depend)"
                     f"<ul>{items}</ul></div>")
    return "".join(parts)


def detail_html(drift: Drift, kind: str, identity: Mapping[str, object] | Sequence[object] | str,
                context: Context | None = None) -> str:
    """One object: a heading, the three panes (source and target with the differing words marked,
    the planned statements) and its dependencies."""
    context = context or Context()
    row = find_object(drift, kind, identity)
    ident = {c: row[c] for c in KINDS[kind].identity}
    name = object_name(kind, ident)
    record = row.to_dict()
    differs = ", ".join(field_word(f) for f in row["differences"]) or "nothing"
    planned = context.planned.get((kind, tuple(ident.values())), [])
    heading = (f"<p class='wb-detail-head'><b>{html.escape(kind)} {html.escape(name)}</b>: "
               f"{html.escape(STATUS_WORDS[row['status']])}; differs in: {html.escape(differs)}</p>")
    heading += rename_html(drift, kind, tuple(ident.values()))
    return (f"<div class='wb-detail'>{heading}"
            f"{wbhtml.panes(object_text(record, kind, 'source'), object_text(record, kind, 'target'), planned)}"
            f"{dependencies_html(kind, list(ident.values()), context)}</div>")


def rename_html(drift: Drift, kind: str, identity: tuple[object, ...]) -> str:
    """A line for an object that is one end of a rename candidate: what it may be renamed from or to."""
    lines = []
    for candidate in drift.rename_candidates:
        if candidate.kind != kind or identity not in (candidate.old, candidate.new):
            continue
        other, how = ((candidate.new_label, "renamed to") if identity == candidate.old
                      else (candidate.old_label, "renamed from"))
        lines.append(f"<p class='wb-rename'>Rename candidate: may be {how} <b>{html.escape(other)}</b> "
                     f"(score {candidate.score:.2f}{', ambiguous' if candidate.ambiguous else ''}); "
                     f"plan it with <code>--rename {html.escape(candidate.spec)}</code></p>")
    return "".join(lines)


def definition_diff(drift: Drift, kind: str, identity: Mapping[str, object] | Sequence[object] | str,
                    context: Context | None = None) -> str:
    """detail_html under the name earlier versions had (the side-by-side view of one object)."""
    return detail_html(drift, kind, identity, context)


def status_chip(status: str) -> str:
    return (f"<span class='wb-status' style='background:{STATUS_COLORS[status]}'>"
            f"{html.escape(STATUS_WORDS[status])}</span>")


class Explorer:
    """Kind and status toggles, a name filter, a paged table of the matches (click a row) and the
    selected object's panes and dependencies."""

    def __init__(self, drift: Drift, context: Context | None = None, page_size: int = PAGE_SIZE) -> None:
        import ipywidgets as w

        self.drift = drift
        self.context = context or Context()
        self.page_size = page_size
        self.page = 0
        self.found = pd.DataFrame()
        self.selected: str | None = None
        summary = drift.summary
        differing = summary[list(DEFAULT_STATUSES)].sum(axis=1)
        options = [(f"{kind} ({int(differing[kind])})", kind) for kind in drift.frames]
        first = next((kind for kind in drift.frames if differing[kind] > 0), next(iter(drift.frames)))
        self.kind = w.ToggleButtons(options=options, value=first, description="", style={"button_width": "auto"})
        self.kind.add_class("wb-kinds")
        self.status_buttons = {s: w.ToggleButton(value=s in DEFAULT_STATUSES, description=STATUS_WORDS[s],
                                                 tooltip=s, layout=w.Layout(width="auto"))
                               for s in ("changed", "only_in_source", "only_in_target", "identical")}
        for status, button in self.status_buttons.items():
            button.add_class(f"wb-status-{status}")
        self.text = w.Text(value="", placeholder="part of a name", description="filter", continuous_update=True)
        self.in_definitions = w.Checkbox(value=False, description="search definitions too", indent=False)
        self.count = w.HTML()
        self.rows = w.VBox(layout=w.Layout(width="100%"))
        self.previous = w.Button(description="\u2039 previous", layout=w.Layout(width="auto"))
        self.next = w.Button(description="next \u203a", layout=w.Layout(width="auto"))
        self.pages = w.HTML()
        self.detail = w.HTML(layout=w.Layout(width="100%"))
        self.previous.on_click(lambda _b: self.show_page(self.page - 1))
        self.next.on_click(lambda _b: self.show_page(self.page + 1))
        for control in (self.kind, self.text, self.in_definitions, *self.status_buttons.values()):
            control.observe(self._on_filter, names="value")
        self.widget = w.VBox([w.HTML(f"<style>{CSS}</style>"), self.kind,
                              w.HBox([w.HTML("<b>status</b>&nbsp;"), *self.status_buttons.values()]),
                              w.HBox([self.text, self.in_definitions]), self.count, self.rows,
                              w.HBox([self.previous, self.pages, self.next]), self.detail],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("wb-explorer")
        self.refresh()

    @classmethod
    def open(cls, source: str, target: str, schemas: object = (), plan_dir: str = "") -> "Explorer":
        """An explorer over SOURCE and TARGET (DSNs or snapshot files): compared, planned (or the
        plan of plan_dir read), and both sides' dependencies."""
        from workbench.compare import CompareOptions, compare
        from workbench.dependencies import Dependencies
        from workbench.present.drift_report import schema_list, statements_by_object
        from workbench.snapshot import open_pair

        if not isinstance(source, str) or not source.strip() or not isinstance(target, str) or not target.strip():
            raise WorkbenchError("parameters source and target are needed: a DSN or a snapshot file each")
        options = CompareOptions(schemas=schema_list(schemas))
        drift = compare(*open_pair(source.strip(), target.strip(), options.selected_kinds()), options)
        if plan_dir:
            from workbench.planner import read_plan

            the_plan, _ = read_plan(plan_dir)
        else:
            from workbench.planner import plan

            the_plan = plan(drift)
        context = Context(statements_by_object(the_plan), Dependencies.of(drift.source), Dependencies.of(drift.target))
        return cls(drift, context)

    @property
    def statuses(self) -> list[str]:
        return [s for s, button in self.status_buttons.items() if button.value]

    def matches(self) -> pd.DataFrame:
        return filter_objects(self.drift, self.kind.value, self.statuses, self.text.value, self.in_definitions.value)

    def refresh(self) -> None:
        self.found = self.matches()
        self.count.value = f"<b>{len(self.found)}</b> matching {html.escape(self.kind.value)}"
        self.show_page(0)
        names = list(self.found["object"].head(1))
        self.select(names[0] if names else None)

    def show_page(self, page: int) -> None:
        import ipywidgets as w

        rows, self.page, pages = page_of(self.found, page, self.page_size)
        self.pages.value = f"&nbsp;page {self.page + 1} of {pages}&nbsp;"
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1
        widgets = [w.HBox([w.HTML("object", layout=w.Layout(width="55%")), w.HTML("status", layout=w.Layout(width="15%")),
                           w.HTML("differs in", layout=w.Layout(width="30%"))])]
        widgets[0].add_class("wb-objects-head")
        for record in rows.to_dict("records"):
            button = w.Button(description=f"{STATUS_MARK[record['status']]} {record['object']}",
                              tooltip=record["object"], layout=w.Layout(width="55%"))
            button.on_click(lambda _b, name=record["object"]: self.select(name))
            line = w.HBox([button, w.HTML(status_chip(record["status"]), layout=w.Layout(width="15%")),
                           w.HTML(f"<span class='wb-cell'>{html.escape(', '.join(field_word(f) for f in record['differences'].split(', ') if f))}</span>",
                                  layout=w.Layout(width="30%"))])
            line.add_class("wb-row")
            if record["object"] == self.selected:
                line.add_class("wb-selected")
            widgets.append(line)
        self.rows.children = widgets

    def select(self, name: str | None) -> None:
        self.selected = name
        for line in self.rows.children[1:]:
            button = line.children[0]
            if button.tooltip == name:
                line.add_class("wb-selected")
            else:
                line.remove_class("wb-selected")
        self.detail.value = (detail_html(self.drift, self.kind.value, name, self.context) if name
                             else "<p>No object matches: widen the statuses or the filter.</p>")

    def _on_filter(self, _change: object = None) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

