"""An ipywidgets explorer over a Drift, for live use in JupyterLab.

The logic is in pure functions tested without a browser: `filter_objects` (kind, statuses, text)
gives the matching objects as a DataFrame, `object_lines` the text of one side of an object, and
`definition_diff` the side-by-side HTML diff of its source and target. `Explorer` only wires
widgets to them.
"""
from __future__ import annotations

import difflib
import html
from typing import Iterable, Mapping, Sequence

import pandas as pd

from workbench.compare import STATUSES, Drift
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.render import identity_label

DEFAULT_STATUSES = ("only_in_source", "only_in_target", "changed")
SIDE_LABELS = {"source": "source (legacy)", "target": "target (current)"}
# difflib.HtmlDiff's colours, scoped to the diff table so that they do not leak into the page
DIFF_CSS = """
table.diff {font-family: monospace; border: 1px solid #ddd; border-collapse: collapse; font-size: 12px}
table.diff td {padding: 0 4px; vertical-align: top; white-space: pre-wrap}
table.diff .diff_header {background-color: #e0e0e0; color: #555}
table.diff td.diff_header {text-align: right}
table.diff .diff_next {background-color: #c0c0c0}
table.diff .diff_add {background-color: #aaffaa}
table.diff .diff_chg {background-color: #ffff77}
table.diff .diff_sub {background-color: #ffaaaa}
"""


def _check_kind(drift: Drift, kind: str) -> pd.DataFrame:
    if kind not in drift.frames:
        raise WorkbenchError(f"unknown kind {kind!r} (this drift has: {', '.join(drift.frames)})")
    return drift.frames[kind]


def _check_statuses(statuses: Iterable[str]) -> list[str]:
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise WorkbenchError(f"unknown status {', '.join(map(repr, unknown))} (known: {', '.join(STATUSES)})")
    return statuses


def labels(kind: str, frame: pd.DataFrame) -> list[str]:
    """The readable name of every row (schema.table.name, schema.fn(args), ...)."""
    identity = list(KINDS[kind].identity)
    return [identity_label(kind, dict(zip(identity, values)))
            for values in frame[identity].itertuples(index=False, name=None)]


def _side_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith(("source_", "target_"))]


def filter_objects(drift: Drift, kind: str, statuses: Iterable[str] = DEFAULT_STATUSES, text: str = "",
                   in_definitions: bool = False) -> pd.DataFrame:
    """Objects of `kind` whose status is in `statuses` and whose name (or list of differing
    fields; with in_definitions also any source_*/target_* value) contains `text`, case-insensitive.

    Returns the identity columns, `object` (readable name), status and differences, in the
    drift's order (sorted by identity).
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


def object_lines(row: pd.Series, kind: str, side: str) -> list[str]:
    """The text of one side of an object: its definition (when the kind has one), then every
    other compared field as `field: value`. Empty when the object is not on that side."""
    if side not in SIDE_LABELS:
        raise WorkbenchError(f"side must be source or target, not {side!r}")
    absent = {"source": "only_in_target", "target": "only_in_source"}[side]
    if row["status"] == absent:
        return []
    lines: list[str] = []
    definition = row.get(f"{side}_definition")
    if isinstance(definition, str):
        lines.extend(definition.splitlines() or [""])
        lines.append("")
    for field in KINDS[kind].compared:
        if field == "definition" or (field == "body" and isinstance(definition, str)):
            continue
        value = row.get(f"{side}_{field}")
        if isinstance(value, str) and "\n" in value:
            lines.append(f"{field}:")
            lines.extend("    " + line for line in value.splitlines())
        else:
            lines.append(f"{field}: {'' if value is None else value}")
    if not KINDS[kind].compared and not isinstance(definition, str):
        lines.append("(this kind is compared by name only)")
    return lines


def definition_diff(drift: Drift, kind: str, identity: Mapping[str, object] | Sequence[object] | str,
                    context: bool = False) -> str:
    """A side-by-side HTML diff (difflib.HtmlDiff) of the source and target text of one object."""
    row = find_object(drift, kind, identity)
    name = identity_label(kind, {c: row[c] for c in KINDS[kind].identity})
    source, target = object_lines(row, kind, "source"), object_lines(row, kind, "target")
    differs = ", ".join(row["differences"]) or "nothing"
    table = difflib.HtmlDiff(tabsize=4, wrapcolumn=72).make_table(
        source, target, SIDE_LABELS["source"], SIDE_LABELS["target"], context=context, numlines=3)
    heading = (f"<p><b>{html.escape(kind)} {html.escape(name)}</b>: {html.escape(row['status'])}"
               f"; differs in: {html.escape(differs)}</p>")
    return f"<style>{DIFF_CSS}</style>{heading}{table}"


def objects_html(frame: pd.DataFrame, max_rows: int = 200) -> str:
    """The objects table of the explorer (escaped), at most max_rows rows and a line saying how many more."""
    shown = frame.head(max_rows)
    table = shown.to_html(index=False, escape=True, border=0, classes="wb-objects")
    more = len(frame) - len(shown)
    tail = f"<p>... and {more} more (narrow the filter)</p>" if more > 0 else ""
    return f"<p>{len(frame)} matching objects</p>{table}{tail}"


class Explorer:
    """Kind dropdown, status multi-select, text filter, table of matches and a definition diff."""

    def __init__(self, drift: Drift, max_rows: int = 200):
        import ipywidgets as w

        self.drift = drift
        self.max_rows = max_rows
        summary = drift.summary
        differing = summary[list(DEFAULT_STATUSES)].sum(axis=1)
        options = [(f"{kind} ({int(differing[kind])} differing)", kind) for kind in drift.frames]
        first = next((kind for kind in drift.frames if differing[kind] > 0), next(iter(drift.frames)))
        self.kind = w.Dropdown(options=options, value=first, description="kind")
        self.statuses = w.SelectMultiple(options=[(s.replace("_", " "), s) for s in STATUSES],
                                         value=DEFAULT_STATUSES, description="status", rows=4)
        self.text = w.Text(value="", placeholder="part of a name", description="filter", continuous_update=False)
        self.in_definitions = w.Checkbox(value=False, description="search definitions too")
        self.table = w.HTML()
        self.choice = w.Select(options=[], rows=10, description="object", layout=w.Layout(width="95%"))
        self.diff = w.HTML()
        for control in (self.kind, self.statuses, self.text, self.in_definitions):
            control.observe(self._on_filter, names="value")
        self.choice.observe(self._on_choice, names="value")
        self.widget = w.VBox([w.HBox([w.VBox([self.kind, self.text, self.in_definitions]), self.statuses]),
                              self.table, self.choice, self.diff])
        self.refresh()

    def matches(self) -> pd.DataFrame:
        return filter_objects(self.drift, self.kind.value, self.statuses.value, self.text.value,
                              self.in_definitions.value)

    def refresh(self) -> None:
        found = self.matches()
        self.table.value = objects_html(found, self.max_rows)
        names = list(found["object"].head(self.max_rows))
        self.choice.options = names
        self.choice.value = names[0] if names else None
        self._on_choice()

    def _on_filter(self, _change=None) -> None:
        self.refresh()

    def _on_choice(self, _change=None) -> None:
        name = self.choice.value
        self.diff.value = definition_diff(self.drift, self.kind.value, name) if name else "<p>no object selected</p>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
