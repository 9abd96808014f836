"""`workbench report`: run the pipeline, execute the report notebooks with papermill, render one
self-contained HTML, and check that no file holds a password. Three jobs here (execute, render,
the secret check); the steps before are workbench.pipeline's, the words workbench.present's.

    reports/NAME/
      report.html                     every report notebook, code hidden, plotly.js embedded once
      drift_report.ipynb              the executed notebooks (rerun them in JupyterLab)
      migration_plan.ipynb
      source.snapshot.json, target.snapshot.json[, target_after.snapshot.json]
      schema_differences.json         compare.write_differences (Drift.to_json())
      schema_comparison_report.txt    present.text.drift_report()
      plan/                           the plan (`workbench plan` files), unless --plan DIR
        apply_log.json | rehearsal_log.json   with --apply | --rehearse
      verify.json                     VerifyResult.to_json() after --apply

The pipeline (workbench.pipeline): snapshot both sides, compare, plan, optionally apply (or
rehearse) and verify; then the notebooks run, reading what it wrote, and are rendered. An apply that fails (a stage rolled back) or stops with an error (refused,
connection lost) is part of the report, not a crash: the report shows the failed statement, its
SQLSTATE and message, and `Report.exit_code` says 1 (a stage failed, parity < 100%) or 2 (error).

The notebooks read the snapshot files written here, never the DSNs: a password given in a DSN
would otherwise be injected into the executed notebook's parameters cell. Snapshots hold masked
DSNs only, and a last check refuses any output file that contains a password.

Kernels: papermill runs the notebooks in a kernel of *this* Python (sys.executable with
ipykernel), whatever kernelspecs the machine has, so a fresh `pip install -e .` is enough. The
kernels start (and import pandas, plotly and workbench.present) while the pipeline snapshots and
plans, and the two notebooks run concurrently, one kernel each.
No network: nbconvert's lab template loads require.js, MathJax, Mermaid and widget managers
from CDNs; the template below drops those blocks and inlines plotly.js once in the head.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from workbench.connect import secrets_of
from workbench.errors import WorkbenchError
from workbench.pipeline import check_no_secrets      # the one guard: every file, before any apply too

if TYPE_CHECKING:
    import threading

    from workbench.compare import CompareOptions, Drift
    from workbench.pipeline import Run
    from workbench.planner import PlanOptions
    from workbench.sides import Shadow
    from workbench.present.migration_plan import PlanView

# The notebooks are in one place, the package (workbench/notebooks/, package data), so that an
# installed workbench finds them as an editable checkout does; notebooks/ at the top of the
# repository is a link to that folder (`make lab` opens it).
NOTEBOOKS_DIR = Path(__file__).resolve().parent / "notebooks"
REPORT_NOTEBOOKS = ("drift_report.ipynb", "migration_plan.ipynb")
PARAMETERS = ("source", "target", "schemas", "plan_dir", "target_after", "title", "shadow")
PLAN_PARAMETERS = ("source", "target", "out_dir", "schemas", "allow_drops", "concurrently", "not_valid",
                   "with_privileges", "plan_dir", "apply_log", "apply_error", "verify_result", "with_overview",
                   "title")
TIMELINE_NOTEBOOK = "timeline.ipynb"            # a store's timeline: `workbench report STORE`
TIMELINE_PARAMETERS = ("store", "since", "until", "title")
HISTORY_FILE = "history.json"
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
.jp-OutputArea-output pre.wb-sql {max-height: 520px; overflow: auto; font-size: 11px; background: #f6f8fa; padding: 8px; margin: 4px 0}
div.wb-failure {border-left: 4px solid #c62828; padding: 2px 10px; margin: 8px 0}
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
    drift: "Drift | None" = None        # the Drift shown
    run: "Run | None" = None            # the pipeline's run: plan folder, apply, verify

    @property
    def exit_code(self) -> int:
        return self.run.exit_code if self.run is not None else 0


def notebook_path(name: str) -> Path:
    """A report notebook as the package ships it (the same in an editable checkout and an install)."""
    path = NOTEBOOKS_DIR / name
    if not path.is_file():
        raise WorkbenchError(f"notebook {path} is missing (the package ships its notebooks in workbench/notebooks/; "
                             f"reinstall drift-workbench)")
    return path


# --- running notebooks --------------------------------------------------------------------------
def _kernel_manager_class(asynchronous: bool = True) -> type[Any]:
    """A kernel manager whose kernel is this Python with ipykernel, named python3 (so that the
    executed notebook keeps its usual kernelspec for reruns in JupyterLab). The kernel's own log
    (a warning that a local TCP kernel is unencrypted, on every start; now and then "ERROR |
    KeyboardInterrupt caught in kernel" when papermill shuts it down) is kept to critical
    messages: cell output and errors are in the executed notebook."""
    from jupyter_client import AsyncKernelManager, KernelManager
    from jupyter_client.kernelspec import KernelSpec

    class ThisPythonKernelManager(AsyncKernelManager if asynchronous else KernelManager):  # type: ignore[misc]
        @property
        def kernel_spec(self) -> Any:
            if getattr(self, "_kernel_spec", None) is None:      # the base's attribute (untyped)
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                          "--IPKernelApp.log_level=CRITICAL"],
                    display_name="Python 3 (ipykernel)", language="python", name="python3", resource_dir="")
            return getattr(self, "_kernel_spec")

    return ThisPythonKernelManager


def check_parameters(notebook: Path, parameters: dict[str, Any]) -> None:
    """Every parameter must be declared in the notebook's `parameters` cell: a typo fails loudly
    (papermill itself only warns)."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise WorkbenchError(f"{notebook.name} has no parameter {', '.join(unknown)} "
                             f"(it has: {', '.join(declared)})")


def execute(notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path | None = None,
            km: Any = None) -> Any:
    """Run a notebook with papermill (parameters injected) into `output`; return the executed
    notebook. A failing cell raises a one-line WorkbenchError; the notebook with its error is kept."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(notebook, parameters)
    try:
        return papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name="python3",
            cwd=str(cwd) if cwd else None, progress_bar=False, log_output=False,
            execution_timeout=CELL_TIMEOUT_S, kernel_manager_class=_kernel_manager_class(), km=km)
    except PapermillExecutionError as error:
        message = " ".join(str(error.evalue).split())
        raise WorkbenchError(f"{notebook.name} failed in cell {error.exec_count}: {error.ename}: {message} "
                             f"(see {output})") from None


# --- rendering ----------------------------------------------------------------------------------
BASIC_PLOTLY = Path(__file__).resolve().parent / "present" / "vendor" / "plotly-basic.min.js"
BASIC_TRACES = ("bar", "pie", "scatter")       # what the basic bundle draws (the report only draws bars)


def basic_plotly_version() -> str | None:
    """The version in the vendored basic bundle's header (`plotly.js (basic - minified) vX.Y.Z`)."""
    import re

    try:
        head = BASIC_PLOTLY.read_text(encoding="utf-8")[:300]
    except FileNotFoundError:
        return None
    found = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


def plotly_js() -> str:
    """plotly.js as one inline script: the vendored basic bundle (1.2 MB) when it is the version
    plotly.py was made for, else plotly.py's full bundle (4.8 MB)."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if basic_plotly_version() == get_plotlyjs_version():
        source = BASIC_PLOTLY.read_text(encoding="utf-8")
    else:
        source = get_plotlyjs()
    return f'<script type="text/javascript">{source}</script>'


def combine(notebooks: Sequence[Any], title: str) -> Any:
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


def render_html(notebooks: Sequence[Any], output: Path, title: str) -> Path:
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
    from workbench.present.html import once

    body = once(body).replace(PLOTLY_PLACEHOLDER, plotly_js())
    output.write_text(body, encoding="utf-8")
    return output


# --- kernels, started while the pipeline works ----------------------------------------------------
WARM_UP = ("import pandas, plotly.graph_objects, plotly.io, workbench.compare, workbench.snapshot, "
           "workbench.present.drift_report, workbench.present.migration_plan, workbench.present.charts")


class Kernels:
    """Kernels of this Python started in the background (each then imports what the notebooks use),
    so that starting them costs nothing while the pipeline snapshots, compares and plans."""

    def __init__(self, count: int, cwd: Path) -> None:
        import threading

        self.managers: list[Any] = []
        self.errors: list[BaseException] = []
        self.cwd = cwd
        self.threads = [threading.Thread(target=self._start, daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def _start(self) -> None:
        try:
            manager = _kernel_manager_class(asynchronous=False)(kernel_name="python3")
            manager.start_kernel(cwd=str(self.cwd))
            self.managers.append(manager)
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)
                client.execute_interactive(WARM_UP, store_history=False, timeout=120)
            finally:
                client.stop_channels()
        except BaseException as error:          # a kernel that cannot start: papermill starts its own
            self.errors.append(error)

    def take(self) -> list[Any]:
        for thread in self.threads:
            thread.join()
        return list(self.managers)

    def shutdown(self) -> None:
        for thread in self.threads:
            thread.join()
        for manager in self.managers:
            try:
                manager.shutdown_kernel(now=True)
            except Exception:
                pass
        self.managers = []


class Runner:
    """Notebooks run in threads, each in its own pre-started kernel (or a fresh one when none could
    start): submit() returns at once, results() waits and raises the first failure."""

    def __init__(self, kernels: Kernels, cwd: Path, jobs: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.kernels, self.cwd = kernels, cwd
        self.pool = ThreadPoolExecutor(max_workers=jobs)
        self.futures: list[Any] = []

    def submit(self, notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
        index = len(self.futures)
        self.futures.append(self.pool.submit(self._one, index, notebook, output, parameters))

    def _one(self, index: int, notebook: Path, output: Path, parameters: dict[str, Any]) -> Any:
        managers = self.kernels.take()
        manager = managers[index] if index < len(managers) else None
        # a pre-started kernel already runs in cwd; papermill's own cwd would chdir this process
        return execute(notebook, output, parameters, cwd=None if manager is not None else self.cwd, km=manager)

    def results(self) -> list[Any]:
        errors = [future.exception() for future in self.futures]
        self.pool.shutdown()
        for error in errors:
            if error is not None:
                raise error
        return [future.result() for future in self.futures]


def _preload() -> "threading.Thread":
    """Import papermill and nbconvert (about 2 s) in a thread while the pipeline waits on the servers."""
    import threading

    def load() -> None:
        import nbconvert  # noqa: F401  (the import is the point: warm the module cache)
        import papermill  # noqa: F401

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


# --- the command --------------------------------------------------------------------------------
def notebook_parameters(run: "Run", title: str, schemas: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What each report notebook is given: the files the pipeline wrote (never a DSN)."""
    files = {role: path.name for role, path in run.snapshots.items()}
    drift = {"source": files["source"], "target": files["target"], "schemas": list(schemas),
             "plan_dir": str(run.plan_dir.resolve()), "target_after": files.get("target_after", ""), "title": title}
    plan = {"source": files["source"], "target": files["target"], "schemas": list(schemas),
            "plan_dir": str(run.plan_dir.resolve()),
            "apply_log": str(run.log_path.resolve()) if run.log_path else "",
            "apply_error": run.error, "verify_result": run.verify_path.name if run.verify_path else "",
            "with_overview": False, "title": ""}
    return drift, plan


def build(source: str, target: str, out: str | Path, title: str = "", schemas: Sequence[str] = (),
          target_after: str = "", plan_dir: str = "", mode: str | None = None,
          plan_options: "PlanOptions | None" = None, keep_going: bool = False,
          progress: Callable[[str], None] | None = None, options: "CompareOptions | None" = None,
          shadow: "Shadow | None" = None) -> Report:
    """workbench.pipeline.run (snapshot, compare, plan, apply or rehearse, verify), then the report
    notebooks on what it wrote, rendered into OUT/report.html. A failing or refused apply does not
    raise: it is shown in the report and in `Report.run` (its exit code). SQL sides are loaded on
    `shadow` (workbench.sides)."""
    from workbench import pipeline
    from workbench.compare import CompareOptions

    options = options or CompareOptions(schemas=tuple(schemas))
    schemas = options.schemas
    notebooks = [notebook_path(name) for name in REPORT_NOTEBOOKS]
    out = Path(out)
    step = progress or (lambda _text: None)
    pipeline.check_request(target, target_after, mode, plan_dir, plan_options)   # before any kernel starts
    kernels = Kernels(len(notebooks), pipeline.make_folder(out).resolve())
    preload = _preload()
    runner = Runner(kernels, out, len(notebooks))
    try:
        run = pipeline.prepare(source, target, out, options, target_after=target_after, plan_dir=plan_dir,
                               mode=mode, plan_options=plan_options, progress=progress, shadow=shadow)
        preload.join()
        drift_parameters, _ = notebook_parameters(run, title, schemas)
        if mode != "apply":          # the drift report needs nothing of a rehearsal: it runs meanwhile
            step(f"running {notebooks[0].name}")
            runner.submit(notebooks[0], out / notebooks[0].name, drift_parameters)
        if mode:
            pipeline.apply_and_verify(run, target, run.drift.options, keep_going, step)
        drift_parameters, plan_parameters = notebook_parameters(run, title, schemas)
        if mode == "apply":           # after verify: its target_after
            step(f"running {notebooks[0].name}")
            runner.submit(notebooks[0], out / notebooks[0].name, drift_parameters)
        step(f"running {notebooks[1].name}")
        runner.submit(notebooks[1], out / notebooks[1].name, plan_parameters)
        results = runner.results()
    finally:
        kernels.shutdown()
    executed = [out / notebook.name for notebook in notebooks]
    (progress or (lambda _text: None))("rendering report.html")
    html_title = title or f"Schema drift: {run.drift.source.database} \u2192 {run.drift.target.database}"
    if mode:
        results[0] = with_outcome(results[0], outcome_view(run))
    html = render_html(results, out / "report.html", html_title)
    written = run.wait().written + executed + [html]
    check_no_secrets(written, secrets_of([source, target, target_after]))
    return Report(out, html, executed, written, run.drift, run)


def build_timeline(store: str | Path, out: str | Path, since: str = "", until: str = "", title: str = "",
                   progress: Callable[[str], None] | None = None) -> Report:
    """The timeline report of a snapshot store: OUT/history.json (store.History.to_json()), then
    timeline.ipynb run on the store and rendered into OUT/report.html."""
    from workbench import pipeline
    from workbench.store import Store, history, write_history

    step = progress or (lambda _text: None)
    store_dir = Store(store).path.resolve()             # not a store: fails before any kernel starts
    step(f"reading the history of {store_dir}")
    timeline = history(store_dir, since=since or None, until=until or None)
    out = pipeline.make_folder(out)
    written = [write_history(timeline, out / HISTORY_FILE)]
    step(f"running {TIMELINE_NOTEBOOK}")
    executed = out / TIMELINE_NOTEBOOK
    notebook = execute(notebook_path(TIMELINE_NOTEBOOK), executed,
                       {"store": str(store_dir), "since": since, "until": until, "title": title}, cwd=out)
    step("rendering report.html")
    html = render_html([notebook], out / "report.html", title or f"Schema history: {store_dir.name}")
    written += [executed, html]
    check_no_secrets(written, secrets_of([]))
    return Report(out, html, [executed], written)


def outcome_view(run: "Run") -> "PlanView":
    """The plan folder, this run's apply log, its error and verify result, as the migration_plan
    notebook reads them (workbench.present.migration_plan.PlanView)."""
    from workbench.present import migration_plan

    return migration_plan.prepare(
        plan_dir=str(run.plan_dir), apply_log=str(run.log_path) if run.log_path else "",
        apply_error=run.error, verify_result=str(run.verify_path) if run.verify_path else "")


def with_outcome(notebook: Any, view: "PlanView") -> Any:
    """A copy of the executed drift_report notebook with the apply's outcome under its title
    (the header cell), so that a reader of report.html sees first what the apply did."""
    import copy

    from nbformat.v4 import new_code_cell, new_output

    from workbench.present import migration_plan

    markup = migration_plan.outcome_html(view, with_verify=False)
    result = copy.deepcopy(notebook)
    header = next((i for i, cell in enumerate(result.cells) if cell.cell_type == "code"
                   and any("<h1>" in out.get("data", {}).get("text/html", "") for out in cell.get("outputs", []))), 0)
    cell = new_code_cell("# the apply's outcome (added by workbench report)")
    cell.outputs = [new_output("display_data", data={"text/html": f"<div class='wb-outcome'>{markup}</div>",
                                                     "text/plain": "[the apply's outcome]"})]
    result.cells.insert(header + 1, cell)
    return result
