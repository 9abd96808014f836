"""HTML pieces shared by the report sections and the explorer: escaped tables, verdict boxes, the
words that differ marked, the three panes of an object, and interactive tables.

Interactive tables are itables (DataTables) in offline mode: the DataTables bundle is inlined once
by `interactive_tables_init()` (no CDN), each table carries its rows as JSON and builds only the
page it shows, so that a report of 50,000 objects stays small and opens fast.
"""
from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    import pandas as pd

BOX_COLORS = {"ok": ("#e8f5e9", "#2e7d32"), "bad": ("#ffebee", "#c62828"), "info": ("#f0f3f6", "#57606a")}
PAGE_LENGTH = 15
# what marks a differing word: the same neutral highlight on both sides (neither side is "wrong")
MARK_CLASS = "wb-mark"
CSS = """
.wb-panes {display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; margin: 4px 0 10px}
.wb-pane {min-width: 0; border: 1px solid #d0d7de; border-radius: 4px; background: #fbfcfd}
.wb-pane h4 {margin: 0; padding: 3px 8px; font-size: 12px; background: #eef1f4; border-bottom: 1px solid #d0d7de}
.wb-pane pre {margin: 0; padding: 6px 8px; font-size: 11.5px; white-space: pre-wrap; overflow-wrap: anywhere;
  text-align: left; max-height: 360px; overflow: auto}
mark.wb-mark {background: #fff0b3; color: inherit; border-radius: 2px; padding: 0 1px;
  box-shadow: inset 0 -1px 0 #d4a72c}
details.wb-object {margin: 3px 0; border: 1px solid #e1e4e8; border-radius: 4px; padding: 2px 8px}
details.wb-object > summary {cursor: pointer; font-family: monospace; font-size: 12.5px}
nav.wb-toc {border: 1px solid #d0d7de; border-radius: 4px; padding: 4px 14px; margin: 8px 0 14px; background: #f6f8fa}
nav.wb-toc ol {margin: 4px 0; columns: 2}
table.dataTable td, table.dataTable th {text-align: left !important; font-size: 12px}
table.dataTable td {max-width: 560px; overflow-wrap: break-word; word-break: normal}
"""


def escape(value: object) -> str:
    return html.escape("" if value is None else str(value))


def table_html(frame: "pd.DataFrame", index: bool = True, classes: str = "wb-table") -> str:
    """An escaped static HTML table; a named index becomes the first column (no extra header row)."""
    if index and frame.index.name:
        frame, index = frame.reset_index(), False
    return str(frame.to_html(index=index, escape=True, border=0, classes=classes))


def box(markup: str, kind: str) -> str:
    """A verdict paragraph: green (ok), red (bad) or grey (info), with a matching left border."""
    background, border = BOX_COLORS[kind]
    return (f"<p class='wb-verdict wb-{kind}' style='background:{background};border-left:4px solid {border};"
            f"padding:6px 10px'>{markup}</p>")


def anchor(text: str) -> str:
    return "wb-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def heading(text: str, level: int = 2) -> str:
    """A section heading with an id the table of contents links to."""
    return f"<h{level} id='{anchor(text)}'>{escape(text)}</h{level}>"


def toc(titles: Sequence[str]) -> str:
    items = "".join(f"<li><a href='#{anchor(t)}'>{escape(t)}</a></li>" for t in titles)
    return f"<nav class='wb-toc'><b>Contents</b><ol>{items}</ol></nav>"


# --- what differs, marked -----------------------------------------------------------------------
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def marked_pair(source: str, target: str) -> tuple[str, str]:
    """Both texts escaped, the words that differ between them in <mark class='wb-mark'>: a word
    diff (difflib over words, spaces and punctuation), so that a changed view shows which words
    changed rather than two whole blocks."""
    a, b = _tokens(source), _tokens(target)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        one, two = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(escape(one))
            right.append(escape(two))
            continue
        if one:
            left.append(_mark(one))
        if two:
            right.append(_mark(two))
    return "".join(left), "".join(right)


def _mark(text: str) -> str:
    """Mark a run of tokens, keeping line breaks outside the mark (a mark over a newline looks odd)."""
    parts = re.split(r"(\n)", text)
    return "".join(part if part == "\n" else (f"<mark class='{MARK_CLASS}'>{escape(part)}</mark>" if part.strip()
                                              else escape(part)) for part in parts)


def panes(source_text: str | None, target_text: str | None, planned: Iterable[str],
          labels: Sequence[str] = ("source (legacy)", "target (current)", "planned statements")) -> str:
    """pgAdmin's three panes: the object in the source, in the target (the words that differ marked
    on both sides) and the statements the plan runs for it."""
    if source_text is not None and target_text is not None:
        left, right = marked_pair(source_text, target_text)
    else:
        left = escape(source_text) if source_text is not None else "<i>(not in the source)</i>"
        right = escape(target_text) if target_text is not None else "<i>(not in the target)</i>"
    statements = "\n\n".join(planned)
    plan = escape(statements) if statements else "<i>(nothing planned for this object)</i>"
    return ("<div class='wb-panes'>"
            + "".join(f"<div class='wb-pane wb-pane-{name}'><h4>{escape(label)}</h4><pre>{body}</pre></div>"
                      for name, label, body in zip(("source", "target", "plan"), labels, (left, right, plan)))
            + "</div>")


# --- interactive tables ---------------------------------------------------------------------------
def _packed(text: str) -> str:
    """gzip + base64: what `_INFLATE` turns back into text in the browser."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(text.encode("utf-8"), 6, mtime=0)).decode("ascii")


# text from _packed(), inflated by the browser's own DecompressionStream (no library)
_INFLATE = ("async function wbInflate(b64) { const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));"
            "const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));"
            "return await new Response(stream).text(); }")


BUNDLE_MARK, BUNDLE_END = "<!-- workbench: datatables bundle -->", "<!-- workbench: end of the bundle -->"


def once(markup: str) -> str:
    """A page with the DataTables bundle kept once (its first copy): every table's output carries
    it so that each works alone in JupyterLab, a rendered report needs it once."""
    first = markup.find(BUNDLE_MARK)
    if first < 0:
        return markup
    head_end = markup.index(BUNDLE_END, first) + len(BUNDLE_END)
    rest = re.sub(re.escape(BUNDLE_MARK) + r".*?" + re.escape(BUNDLE_END), "", markup[head_end:], flags=re.S)
    return markup[:head_end] + rest


def interactive_tables_init() -> str:
    """The DataTables bundle (itables' offline bundle, JS and CSS, inlined gzipped: no CDN) that
    every interactive table uses; shown once per page, before the first table. It defines the
    global and fires the event itables' own offline init does, so its tables find it."""
    from itables.options import dt_bundle

    module, ready = _itables_names()
    bundle = Path(dt_bundle)
    js, css = _packed(bundle.read_text(encoding="utf-8")), _packed(bundle.with_suffix(".css").read_text(encoding="utf-8"))
    return (f"{BUNDLE_MARK}<script>{_INFLATE}\n"
            f"if (!window.{module}) {{ window.{module} = (async () => {{"
            f"const style = document.createElement('style'); style.textContent = await wbInflate('{css}');"
            f"document.head.appendChild(style);"
            f"const url = URL.createObjectURL(new Blob([await wbInflate('{js}')], {{type: 'application/javascript'}}));"
            f"const module = await import(url); URL.revokeObjectURL(url); return module; }})();"
            f"window.{module}.then(() => window.dispatchEvent(new Event('{ready}'))); }}</script>{BUNDLE_END}")


def _itables_names() -> tuple[str, str]:
    """The global the offline bundle defines and the event it fires when ready (itables' own names)."""
    import itables

    version = str(itables.__version__)
    return f"_itables_{version.replace('.', '_')}", f"itables-{version}-ready"


def interactive_table(frame: "pd.DataFrame", table_id: str, page_length: int = PAGE_LENGTH,
                      caption: str | None = None) -> str:
    """A searchable, sortable, paged table of a DataFrame: every row kept (no downsampling), the
    cells escaped text, the rows as one JSON array that DataTables pages through (only the page
    shown becomes DOM). The arguments are those itables' to_html_datatable writes; the rows are
    formatted here, 20x faster than through pandas' formatters."""
    import json

    module, ready = _itables_names()
    columns = [str(c) for c in frame.columns]
    rows = [[escape(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    # the rows travel gzipped (repetitive text: 8-10x smaller) and are inflated by the browser's
    # own DecompressionStream before DataTables reads them
    packed = _packed(json.dumps(rows, ensure_ascii=False))
    arguments = {
        "classes": ["display", "compact", "cell-border"],
        "layout": {"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"},
        "order": [], "pageLength": page_length, "lengthMenu": [10, 15, 25, 50, 100], "autoWidth": False,
        "style": {"table-layout": "auto", "width": "100%", "margin": "0", "caption-side": "bottom"},
        "table_html": f"<table><thead><tr>{head}</tr></thead></table>",
        "text_in_header_can_be_selected": True,
    }
    if caption:
        arguments["caption"] = caption
    # the rows are escaped (no "<"), so no "</script>" can end the script early
    payload = json.dumps(arguments, ensure_ascii=False)
    return (f"<table id='{table_id}' class='wb-interactive' data-rows='{len(rows)}'></table>"
            f"<script type='module'>(async () => {{"
            f"{_INFLATE}"
            f"async function init() {{ const {{ ITable }} = await window.{module};"
            f"const table = document.getElementById('{table_id}');"
            f"if (!table || table.classList.contains('dataTable')) return;"
            f"const args = {payload}; args.data_json = await wbInflate('{packed}'); new ITable(table, args); }}"
            f"if (window.{module}) init(); else window.addEventListener('{ready}', () => init());"
            f"}})();</script>")
