"""`workbench report`: run the report notebooks with papermill and render one self-contained HTML.

    reports/NAME/
      report.html                     every report notebook, code hidden, plotly.js embedded once
      drift_report.ipynb              the executed notebook (rerun it in JupyterLab)
      source.snapshot.json, target.snapshot.json[, target_after.snapshot.json]
      schema_differences.json         Drift.to_json()
      schema_comparison_report.txt    render.drift_report()

The notebooks read the snapshot files written here, never the DSNs: a password given in a DSN
would otherwise be injected into the executed notebook's parameters cell. Snapshots hold masked
DSNs only, and a last check refuses any output file that contains a password.

Kernels: papermill runs the notebooks in a kernel of *this* Python (sys.executable with
ipykernel), whatever kernelspecs the machine has, so a fresh `pip install -e .` is enough.
No network: nbconvert's lab template loads require.js, MathJax, Mermaid and widget managers
from CDNs; the template below drops those blocks and inlines plotly.js once in the head.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from workbench.errors import WorkbenchError

REPO_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REPORT_NOTEBOOKS = ("drift_report.ipynb",)          # migration_plan.ipynb joins with the planner
PARAMETERS = ("source", "target", "schemas", "plan_dir", "apply_log", "target_after", "title")
PLOTLY_PLACEHOLDER = "<!-- workbench: plotly.js -->"
CELL_TIMEOUT_S = 600

REPORT_CSS = """
body.jp-Notebook main {max-width: 1200px; margin: 0 auto; padding: 12px 24px}
.jp-OutputArea-output table.wb-table {border-collapse: collapse; font-size: 12px; margin: 6px 0 12px}
.jp-OutputArea-output table.wb-table th, .jp-OutputArea-output table.wb-table td {
  border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; max-width: 480px;
  overflow-wrap: anywhere}
.jp-OutputArea-output table.wb-table td:first-child {white-space: nowrap}
.jp-OutputArea-output table.wb-table thead th {background: #f0f3f6}
details.wb-kind {margin: 6px 0; padding: 4px 8px; border: 1px solid #d0d7de; border-radius: 4px}
details.wb-kind summary {cursor: pointer; font-size: 14px}
p.wb-verdict {font-size: 15px}
.wb-mail-note {color: #57606a; font-size: 12px}
"""

# The lab template, without any network reference.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
""" + PLOTLY_PLACEHOLDER + """
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<style type="text/css">""" + REPORT_CSS + """</style>{% endblock extra_css %}
"""
TEMPLATE_NAME = "workbench_report.html.j2"


@dataclass
class Report:
    directory: Path
    html: Path
    notebooks: list[Path]
    files: list[Path] = field(default_factory=list)
    drift: object = None          # the Drift shown (workbench.compare.Drift)


def notebook_path(name: str) -> Path:
    path = REPO_NOTEBOOKS / name
    if not path.is_file():
        raise WorkbenchError(f"notebook {path} is missing (the report notebooks live in the repository's notebooks/)")
    return path


# --- running notebooks --------------------------------------------------------------------------
def _kernel_manager_class():
    """A kernel manager whose kernel is this Python with ipykernel, named python3 (so that the
    executed notebook keeps its usual kernelspec for reruns in JupyterLab). The kernel's own log
    (a warning that a local TCP kernel is unencrypted, on every start) is kept to errors: cell
    output and errors are in the executed notebook."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                          "--IPKernelApp.log_level=ERROR"],
                    display_name="Python 3 (ipykernel)", language="python", name="python3", resource_dir="")
            return self._kernel_spec

    return ThisPythonKernelManager


def check_parameters(notebook: Path, parameters: dict) -> None:
    """Every parameter must be declared in the notebook's `parameters` cell: a typo fails loudly
    (papermill itself only warns)."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise WorkbenchError(f"{notebook.name} has no parameter {', '.join(unknown)} "
                             f"(it has: {', '.join(declared)})")


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path | None = None):
    """Run a notebook with papermill (parameters injected) into `output`; return the executed
    notebook. A failing cell raises a one-line WorkbenchError; the notebook with its error is kept."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(notebook, parameters)
    try:
        return papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name="python3",
            cwd=str(cwd) if cwd else None, progress_bar=False, log_output=False,
            execution_timeout=CELL_TIMEOUT_S, kernel_manager_class=_kernel_manager_class())
    except PapermillExecutionError as error:
        message = " ".join(str(error.evalue).split())
        raise WorkbenchError(f"{notebook.name} failed in cell {error.exec_count}: {error.ename}: {message} "
                             f"(see {output})") from None


# --- rendering ----------------------------------------------------------------------------------
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return f'<script type="text/javascript">{get_plotlyjs()}</script>'


def combine(notebooks: Sequence, title: str):
    """One notebook holding the cells of all, in order (the first one's metadata, titled)."""
    import copy

    import nbformat

    combined = copy.deepcopy(notebooks[0])
    for nb in notebooks[1:]:
        combined.cells.extend(copy.deepcopy(nb.cells))
    combined.metadata["title"] = title
    combined.metadata.pop("widgets", None)
    nbformat.validate(combined)
    return combined


def render_html(notebooks: Sequence, output: Path, title: str) -> Path:
    """The executed notebooks as one HTML file: code hidden, plotly.js inline, no network."""
    import jinja2
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", template_file=TEMPLATE_NAME,
                            extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True)
    body, _ = exporter.from_notebook_node(combine(notebooks, title))
    if body.count(PLOTLY_PLACEHOLDER) != 1:
        raise WorkbenchError("the report template lost its plotly.js placeholder")
    body = body.replace(PLOTLY_PLACEHOLDER, plotly_js())
    output.write_text(body, encoding="utf-8")
    return output


# --- secrets ------------------------------------------------------------------------------------
def secrets_of(specs: Iterable[str | None]) -> list[str]:
    """Passwords in DSNs (and PGPASSWORD): strings that must never reach a report file."""
    from psycopg.conninfo import conninfo_to_dict

    from workbench.connect import normalize_dsn
    from workbench.snapshot import is_snapshot_file

    found = []
    for spec in specs:
        if not spec or is_snapshot_file(spec):
            continue
        try:
            password = conninfo_to_dict(normalize_dsn(spec)).get("password")
        except Exception:
            password = None
        if password:
            found.append(password)
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    return [s for s in found if len(s) >= 3]        # a 1-2 character "password" matches anything


def check_no_secrets(files: Iterable[Path], secrets: Sequence[str]) -> None:
    """Delete and refuse any file that holds a password."""
    for path in files:
        text = path.read_text(errors="replace")
        if any(secret in text for secret in secrets):
            path.unlink()
            raise WorkbenchError(f"{path.name} would contain a password; it was deleted (please report this bug)")


# --- the command --------------------------------------------------------------------------------
def build(source: str, target: str, out: str | Path, title: str = "", schemas: Sequence[str] = (),
          target_after: str = "", plan_dir: str = "", apply_log: str = "",
          progress: Callable[[str], None] | None = None) -> Report:
    """Snapshot both sides, write the comparison files, run the report notebooks and render
    report.html into `out`. Returns what was written."""
    import json

    from workbench.compare import CompareOptions, compare
    from workbench.render import drift_report
    from workbench.snapshot import open_side

    step = progress or (lambda _text: None)
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkbenchError(f"cannot create {out}: {error.strerror}") from None
    notebooks = [notebook_path(name) for name in REPORT_NOTEBOOKS]
    written: list[Path] = []

    sides = {"source": source, "target": target}
    if target_after:
        sides["target_after"] = target_after
    files = {}
    (out / "target_after.snapshot.json").unlink(missing_ok=True)      # a previous report's, not this one's
    for role, spec in sides.items():
        step(f"reading {role.replace('_', ' ')}")
        files[role] = f"{role}.snapshot.json"
        written.append(open_side(spec).save(out / files[role]))

    step("comparing")
    from workbench.snapshot import Snapshot

    options = CompareOptions(schemas=tuple(schemas))
    drift = compare(Snapshot.load(out / files["source"]), Snapshot.load(out / files["target"]), options)
    (out / "schema_differences.json").write_text(json.dumps(drift.to_json(), indent=1, default=str) + "\n")
    (out / "schema_comparison_report.txt").write_text(drift_report(drift) + "\n")
    written += [out / "schema_differences.json", out / "schema_comparison_report.txt"]

    parameters = {"source": files["source"], "target": files["target"], "schemas": list(schemas),
                  "plan_dir": str(Path(plan_dir).resolve()) if plan_dir else "",
                  "apply_log": str(Path(apply_log).resolve()) if apply_log else "",
                  "target_after": files.get("target_after", ""), "title": title}
    executed, results = [], []
    for notebook in notebooks:
        step(f"running {notebook.name}")
        results.append(execute(notebook, out / notebook.name, parameters, cwd=out))
        executed.append(out / notebook.name)
    written += executed

    step("rendering report.html")
    html_title = title or f"Schema drift: {drift.source.database} \u2192 {drift.target.database}"
    html = render_html(results, out / "report.html", html_title)
    written.append(html)
    check_no_secrets(written, secrets_of([source, target, target_after]))
    return Report(out, html, executed, written, drift)


def terminal_progress(stream=None) -> Callable[[str], None] | None:
    """One line per step with the elapsed time, on a terminal only (quiet when piped)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    started = time.perf_counter()

    def show(text: str) -> None:
        stream.write(f"[{time.perf_counter() - started:5.1f}s] {text}\n")
        stream.flush()

    return show
