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

Execution: papermill runs the notebooks (parameters injected, its metadata, its error cell), with
workbench.inprocess as its engine: the kernel is this process, so no kernel starts and imports
pandas and plotly again, and each notebook is handed the objects behind the files the pipeline
has just written (workbench.present.reuse: snapshots, comparison, plan, apply log) instead of
reading and checking them again. They run one after the other in a worker thread: during a
rehearsal or an apply the drift report runs while the main thread applies. What the notebooks and
the rendering import, and the rendering's templates, are loaded while the pipeline waits on the
servers. `execute()` without in_process runs a notebook in a kernel of this Python (sys.executable
with ipykernel), whatever kernelspecs the machine has.
No network: nbconvert's lab template loads require.js, MathJax, Mermaid and widget managers
from CDNs; the template below drops those blocks and inlines plotly.js once in the head.
"""
from __future__ import annotations

import gc
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
    from workbench.present.reuse import Handover
    from workbench.sides import Shadow
    from workbench.present.migration_plan import PlanView

# The notebooks are in one place, the package (workbench/notebooks/, package data), so that an
# installed workbench finds them as an editable checkout does; notebooks/ at the top of the
# repository is a link to that folder (`make lab` opens it).
NOTEBOOKS_DIR = Path(__file__).resolve().parent / "notebooks"
REPORT_NOTEBOOKS = ("drift_report.ipynb", "migration_plan.ipynb")
PARAMETERS = ("source", "target", "schemas", "compare", "plan_dir", "target_after", "title", "shadow")
PLAN_PARAMETERS = ("source", "target", "out_dir", "schemas", "compare", "allow_drops", "concurrently", "not_valid",
                   "with_privileges", "plan_dir", "apply_log", "apply_error", "verify_result", "with_overview",
                   "title")
TIMELINE_NOTEBOOK = "timeline.ipynb"            # a store's timeline: `workbench report STORE`
TIMELINE_PARAMETERS = ("store", "since", "until", "title")
HISTORY_FILE = "history.json"
FLEET_NOTEBOOK = "fleet_report.ipynb"           # a fleet's report: `workbench fleet ... --out DIR`
FLEET_PARAMETERS = ("fleet_dir", "title")
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
def light_jsonschema() -> None:
    """Keep jsonschema from building its RFC 3987 grammar: nbformat, nbconvert and papermill import
    jsonschema, whose format checkers import rfc3987_syntax when it is installed, and that module
    compiles a lark grammar at import (0.8-1.2 s of CPU, the largest single import of a report).
    Nothing here validates an IRI: the "iri" format is left unchecked, as it is without that
    package. Only before jsonschema is first imported; a process that already has it keeps it.
    (None in sys.modules is Python's "this module cannot be imported".)"""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


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
    light_jsonschema()
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise WorkbenchError(f"{notebook.name} has no parameter {', '.join(unknown)} "
                             f"(it has: {', '.join(declared)})")


def execute(notebook: Path, output: Path, parameters: dict[str, Any], cwd: Path | None = None,
            in_process: bool = False) -> Any:
    """Run a notebook with papermill (parameters injected) into `output`; return the executed
    notebook. In a kernel of this Python (started in `cwd`), or `in_process` (workbench.inprocess:
    no kernel; relative file names are then read by workbench.present.reuse from the folder it is
    given). A failing cell raises a one-line WorkbenchError; the notebook with its error is kept."""
    light_jsonschema()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_parameters(notebook, parameters)
    if in_process:
        from workbench import inprocess

        how: dict[str, Any] = {"engine_name": inprocess.register(), "request_save_on_cell_execute": False}
    else:
        how = {"cwd": str(cwd) if cwd else None, "kernel_manager_class": _kernel_manager_class()}
    try:
        return papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name="python3", progress_bar=False,
            log_output=False, execution_timeout=CELL_TIMEOUT_S, **how)
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


def plotly_js(traces: Sequence[str] = ()) -> str:
    """plotly.js as one inline script: the vendored basic bundle (1.2 MB) when it is the version
    plotly.py was made for and draws every trace type given, else plotly.py's full bundle (4.8 MB:
    a heatmap, say)."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if basic_plotly_version() == get_plotlyjs_version() and set(traces) <= set(BASIC_TRACES):
        source = BASIC_PLOTLY.read_text(encoding="utf-8")
    else:
        source = get_plotlyjs()
    return f'<script type="text/javascript">{source}</script>'


def trace_types(notebooks: Sequence[Any]) -> list[str]:
    """The plotly trace types the notebooks' figures draw (a trace without a type is a scatter)."""
    found: set[str] = set()
    for notebook in notebooks:
        for cell in notebook.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                spec = output.get("data", {}).get("application/vnd.plotly.v1+json")
                if spec:
                    found.update(str(trace.get("type", "scatter")) for trace in spec.get("data", []))
    return sorted(found)


def combine(notebooks: Sequence[Any], title: str) -> Any:
    """One notebook holding the cells of all, in order (the first one's metadata, titled)."""
    light_jsonschema()
    import copy

    import nbformat

    combined = copy.deepcopy(notebooks[0])
    for nb in notebooks[1:]:
        combined.cells.extend(copy.deepcopy(nb.cells))
    combined.metadata["title"] = title
    combined.metadata.pop("widgets", None)
    nbformat.validate(combined)
    return combined


_exporters: list[Any] = []            # one HTML exporter per process: its compiled templates kept


def html_exporter() -> Any:
    """nbconvert's HTML exporter with the report's template, its templates compiled (rendering an
    empty notebook once: half a second that the preload spends while the pipeline waits)."""
    if not _exporters:
        light_jsonschema()
        import jinja2
        import nbformat
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab", template_file=TEMPLATE_NAME,
                                extra_loaders=[jinja2.DictLoader({TEMPLATE_NAME: TEMPLATE})],
                                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                                embed_images=True)
        exporter.from_notebook_node(nbformat.v4.new_notebook())
        _exporters.append(exporter)
    return _exporters[0]


def render_html(notebooks: Sequence[Any], output: Path, title: str) -> Path:
    """The executed notebooks as one HTML file: code hidden, plotly.js inline, no network."""
    body, _ = html_exporter().from_notebook_node(combine(notebooks, title))
    if body.count(PLOTLY_PLACEHOLDER) != 1:
        raise WorkbenchError("the report template lost its plotly.js placeholder")
    from workbench.present.html import once

    body = once(body).replace(PLOTLY_PLACEHOLDER, plotly_js(trace_types(notebooks)))
    output.write_text(body, encoding="utf-8")
    return output


# --- notebooks in this process, handed what the pipeline made ------------------------------------
class Runner:
    """The report's notebooks, one after the other in one worker thread of this process
    (workbench.inprocess), each handed the pipeline's objects (workbench.present.reuse): submit()
    returns at once (the main thread goes on applying), results() waits and raises the first
    failure."""

    def __init__(self, handover: "Handover") -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.handover = handover
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-notebook")
        self.futures: list[Any] = []

    def submit(self, notebook: Path, output: Path, parameters: dict[str, Any]) -> None:
        self.futures.append(self.pool.submit(self._one, notebook, output, parameters))

    def _one(self, notebook: Path, output: Path, parameters: dict[str, Any]) -> Any:
        from workbench.present import reuse

        with reuse.given(self.handover):
            return execute(notebook, output, parameters, in_process=True)

    def results(self) -> list[Any]:
        errors = [future.exception() for future in self.futures]
        self.pool.shutdown()
        for error in errors:
            if error is not None:
                raise error
        return [future.result() for future in self.futures]

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def handover_of(run: "Run") -> "Handover":
    """What the notebooks are handed: the snapshots behind the snapshot files, the comparison of
    the two, and the plan behind the plan folder this run wrote (with the hashes of the stage files
    as written: what plan.json records of them)."""
    from workbench.planner import STAGE_NAMES
    from workbench.planner.model import sha256_text
    from workbench.planner.stagecheck import read_stage_file
    from workbench.present.reuse import Handover

    handover = Handover(run.out.resolve())
    for role, path in run.snapshots.items():
        if role in run.captured:
            handover.add_snapshot(path, run.captured[role])
    if "source" in run.captured and "target" in run.captured:
        handover.add_drift(run.snapshots["source"], run.snapshots["target"], run.drift.options, run.drift)
    if run.plan is not None:
        stages = [{"name": name, "sha256": sha256_text(read_stage_file(run.plan_dir / f"{name}.sql"))}
                  for name in STAGE_NAMES]
        handover.add_plan(run.plan_dir, run.plan, {"stages": stages})
    return handover


def _preload() -> "threading.Thread":
    """Import what the notebooks and the rendering use (papermill, nbconvert, IPython, pandas,
    plotly and the figure classes it loads on first use, workbench.present: about a second) and
    compile the report's templates, in a thread while the pipeline waits on the servers."""
    import threading

    light_jsonschema()

    def load() -> None:
        # the imports are the point: warm the module cache
        import papermill.engines  # noqa: F401
        from IPython.core import interactiveshell  # noqa: F401

        from workbench.present import charts, drift_report, migration_plan  # noqa: F401
        drift_report.figure_bundle(charts.before_after({"tables": 1}, {"tables": 1}))  # plotly's lazy modules
        html_exporter()

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    return thread


# --- the command --------------------------------------------------------------------------------
def notebook_parameters(run: "Run", title: str, schemas: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What each report notebook is given: the files the pipeline wrote (never a DSN), and the
    comparison options it compared them with (--with-owners, --kind, --ignore, ...), so that the
    notebooks show the drift `workbench diff` shows with those options."""
    files = {role: path.name for role, path in run.snapshots.items()}
    compare = {name: value for name, value in run.drift.options.as_parameters().items() if name != "schemas"}
    drift = {"source": files["source"], "target": files["target"], "schemas": list(schemas), "compare": compare,
             "plan_dir": str(run.plan_dir.resolve()), "target_after": files.get("target_after", ""), "title": title}
    plan = {"source": files["source"], "target": files["target"], "schemas": list(schemas), "compare": compare,
            "plan_dir": str(run.plan_dir.resolve()),
            "apply_log": str(run.log_path.resolve()) if run.log_path else "",
            "apply_error": run.error, "verify_result": run.verify_path.name if run.verify_path else "",
            "with_overview": False, "title": ""}
    return drift, plan


def build(source: str, target: str, out: str | Path, title: str = "", schemas: Sequence[str] = (),
          target_after: str = "", plan_dir: str = "", mode: str | None = None,
          plan_options: "PlanOptions | None" = None, keep_going: bool = False,
          progress: Callable[[str], None] | None = None, options: "CompareOptions | None" = None,
          shadow: "Shadow | None" = None, accept_edits: bool = False) -> Report:
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
    pipeline.check_request(target, target_after, mode, plan_dir, plan_options)   # before any work
    preload = _preload()
    from workbench.gcpause import paused

    with paused():       # snapshots, comparison and plan: no cycles among them (see cli._BATCH_COMMANDS)
        run = pipeline.prepare(source, target, out, options, target_after=target_after, plan_dir=plan_dir,
                               mode=mode, plan_options=plan_options, progress=progress, shadow=shadow,
                               settle=preload.join)     # done while the servers worked; then the children fork
    preload.join()
    runner = Runner(handover_of(run))
    # The snapshots, comparison and plan (millions of objects at scale 10) live until the end: out
    # of the cyclic collector's sight, so that its full passes while the notebooks run and the
    # report renders do not walk them again and again (put back afterwards).
    gc.freeze()
    try:
        drift_parameters, _ = notebook_parameters(run, title, schemas)
        if mode != "apply":          # the drift report needs nothing of a rehearsal: it runs meanwhile
            step(f"running {notebooks[0].name}")
            runner.submit(notebooks[0], out / notebooks[0].name, drift_parameters)
        if mode:
            pipeline.apply_and_verify(run, target, run.drift.options, keep_going, step, accept_edits)
            if run.apply is not None and run.log_path is not None and run.apply.path == run.log_path:
                runner.handover.add_log(run.log_path, run.apply.log)
        drift_parameters, plan_parameters = notebook_parameters(run, title, schemas)
        if mode == "apply":           # after verify: its target_after
            if "target_after" in run.captured:
                runner.handover.add_snapshot(run.snapshots["target_after"], run.captured["target_after"])
            step(f"running {notebooks[0].name}")
            runner.submit(notebooks[0], out / notebooks[0].name, drift_parameters)
        step(f"running {notebooks[1].name}")
        runner.submit(notebooks[1], out / notebooks[1].name, plan_parameters)
        results = runner.results()
    finally:
        runner.shutdown()
        gc.unfreeze()
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
    from workbench.present import reuse

    with reuse.given(reuse.Handover(out.resolve())):
        notebook = execute(notebook_path(TIMELINE_NOTEBOOK), executed,
                           {"store": str(store_dir), "since": since, "until": until, "title": title}, in_process=True)
    step("rendering report.html")
    html = render_html([notebook], out / "report.html", title or f"Schema history: {store_dir.name}")
    written += [executed, html]
    check_no_secrets(written, secrets_of([]))
    return Report(out, html, [executed], written)


def build_fleet(fleet_dir: str | Path, title: str = "", progress: Callable[[str], None] | None = None,
                secrets: Sequence[str] = ()) -> Report:
    """The report of a fleet folder (fleet.json, fleet_targets.json written by workbench.fleet):
    fleet_report.ipynb run on it and rendered into FLEET_DIR/report.html; `secrets` (the
    targets' passwords, connect.secrets_of) are in no file it writes."""
    from workbench.present import reuse

    step = progress or (lambda _text: None)
    out = Path(fleet_dir).resolve()
    step(f"running {FLEET_NOTEBOOK}")
    executed = out / FLEET_NOTEBOOK
    with reuse.given(reuse.Handover(out)):
        notebook = execute(notebook_path(FLEET_NOTEBOOK), executed, {"fleet_dir": ".", "title": title}, in_process=True)
    step("rendering report.html")
    html = render_html([notebook], out / "report.html", title or f"Fleet drift: {out.name}")
    written = [executed, html]
    check_no_secrets(written, [*secrets, *secrets_of([])])
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
