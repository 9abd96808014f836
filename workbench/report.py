"""`workbench report`: run the report notebooks with papermill and render one self-contained HTML.

    reports/NAME/
      report.html                     every report notebook, code hidden, plotly.js embedded once
      drift_report.ipynb              the executed notebooks (rerun them in JupyterLab)
      migration_plan.ipynb
      source.snapshot.json, target.snapshot.json[, target_after.snapshot.json]
      schema_differences.json         Drift.to_json()
      schema_comparison_report.txt    render.drift_report()
      plan/                           the plan (`workbench plan` files), unless --plan DIR
        apply_log.json | rehearsal_log.json   with --apply | --rehearse
      verify.json                     VerifyResult.to_json() after --apply

The pipeline: snapshot both sides, compare, plan, optionally apply (or rehearse) and verify, run
the notebooks, render. An apply that fails (a stage rolled back) or stops with an error (refused,
connection lost) is part of the report, not a crash: the report shows the failed statement, its
SQLSTATE and message, and `Report.exit_code` says 1 (a stage failed, parity < 100%) or 2 (error).

The notebooks read the snapshot files written here, never the DSNs: a password given in a DSN
would otherwise be injected into the executed notebook's parameters cell. Snapshots hold masked
DSNs only, and a last check refuses any output file that contains a password.

Kernels: papermill runs the notebooks in a kernel of *this* Python (sys.executable with
ipykernel), whatever kernelspecs the machine has, so a fresh `pip install -e .` is enough.
No network: nbconvert's lab template loads require.js, MathJax, Mermaid and widget managers
from CDNs; the template below drops those blocks and inlines plotly.js once in the head.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from workbench.errors import WorkbenchError

# The notebooks ship inside the package (workbench/notebooks/, package data), so that an installed
# workbench finds them as an editable checkout does; notebooks/ at the top of the repository holds
# the user-facing copies (identical: a test says so).
NOTEBOOKS_DIR = Path(__file__).resolve().parent / "notebooks"
REPORT_NOTEBOOKS = ("drift_report.ipynb", "migration_plan.ipynb")
PARAMETERS = ("source", "target", "schemas", "plan_dir", "apply_log", "target_after", "title")
PLAN_PARAMETERS = ("source", "target", "out_dir", "schemas", "allow_drops", "concurrently", "not_valid",
                   "with_privileges", "plan_dir", "apply_log", "apply_error", "verify_result", "with_overview",
                   "title")
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
    drift: object = None          # the Drift shown (workbench.compare.Drift)
    outcome: "Outcome | None" = None   # plan folder, apply, verify (see build)

    @property
    def exit_code(self) -> int:
        return self.outcome.exit_code if self.outcome is not None else 0


def notebook_path(name: str) -> Path:
    """A report notebook as the package ships it (the same in an editable checkout and an install)."""
    path = NOTEBOOKS_DIR / name
    if not path.is_file():
        raise WorkbenchError(f"notebook {path} is missing (the package ships its notebooks in workbench/notebooks/; "
                             f"reinstall drift-workbench)")
    return path


# --- running notebooks --------------------------------------------------------------------------
def _kernel_manager_class():
    """A kernel manager whose kernel is this Python with ipykernel, named python3 (so that the
    executed notebook keeps its usual kernelspec for reruns in JupyterLab). The kernel's own log
    (a warning that a local TCP kernel is unencrypted, on every start; now and then "ERROR |
    KeyboardInterrupt caught in kernel" when papermill shuts it down) is kept to critical
    messages: cell output and errors are in the executed notebook."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class ThisPythonKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                self._kernel_spec = KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                          "--IPKernelApp.log_level=CRITICAL"],
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
@dataclass
class Outcome:
    """What happened between planning and reporting (for the exit code and the terminal summary)."""

    plan_dir: Path
    planned: bool                       # this report wrote the plan (False: an existing plan folder)
    mode: str | None = None             # None, "apply" or "rehearse"
    apply: object = None                # workbench.apply.ApplyResult, when apply returned
    log_path: Path | None = None        # the apply or rehearsal log this run wrote
    error: str = ""                     # apply or verify stopped with an error (shown in the report)
    verify: object = None               # workbench.verify.VerifyResult after an apply

    @property
    def exit_code(self) -> int:
        """0 written (and applied with 100% parity), 1 a stage failed or parity < 100%, 2 an error."""
        if self.error:
            return 2
        if self.apply is not None and self.apply.exit_code != 0:
            return 1
        if self.verify is not None and not self.verify.ok:
            return 1
        return 0


def _log_stamp(path: Path):
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def _existing_plan(plan_dir: str, plan_options) -> bool:
    """Whether --plan DIR already holds a plan to use as it is (planning options are then an error)."""
    from workbench.planner import PlanOptions

    if not plan_dir or not (Path(plan_dir) / "plan.json").exists():
        return False
    if plan_options is not None and plan_options != PlanOptions():
        raise WorkbenchError(f"{plan_dir} already holds a plan (plan.json), used as it is: planning options "
                             f"are for a new plan (drop them, or give another --plan folder)")
    return True


def _plan_step(drift, out: Path, plan_dir: str, plan_options, step) -> tuple[Path, bool, list[Path]]:
    """Plan into the report's own plan/ folder (made anew every time), or into --plan DIR; a --plan
    folder that already holds a plan (reviewed, maybe edited) is used as it is."""
    from workbench.planner import STAGE_NAMES, PlanOptions, plan, write_plan_dir

    folder = Path(plan_dir) if plan_dir else out / "plan"
    if _existing_plan(plan_dir, plan_options):
        step(f"using the plan in {folder}")
        return folder, False, []
    step(f"planning into {folder}")
    write_plan_dir(plan(drift, plan_options or PlanOptions()), folder, drift)
    names = [f"{name}.sql" for name in STAGE_NAMES] + ["plan.json", "schema_migration.sql",
                                                       "schema_differences.json", "schema_comparison_report.txt"]
    return folder, True, [folder / name for name in names]


def _apply_step(outcome: Outcome, target: str, out: Path, source_file: Path, options, keep_going: bool,
                step) -> list[Path]:
    """Apply or rehearse the plan, then verify an apply; errors are kept for the report, not raised."""
    from workbench.apply import APPLY_LOG, REHEARSAL_LOG, apply
    from workbench.verify import verify

    rehearse = outcome.mode == "rehearse"
    log_path = outcome.plan_dir / (REHEARSAL_LOG if rehearse else APPLY_LOG)
    before = _log_stamp(log_path)
    verb = "rehearsing" if rehearse else "applying"
    step(f"{verb} the plan")
    try:
        outcome.apply = apply(outcome.plan_dir, target, rehearse=rehearse, keep_going=keep_going,
                              progress=lambda text: step(f"{verb} {text}" if text.startswith("stage") else text))
    except WorkbenchError as error:
        outcome.error = f"{'rehearsal' if rehearse else 'apply'}: {error}"
    stamp = _log_stamp(log_path)
    if stamp is not None and stamp != before:
        outcome.log_path = log_path                    # written by this run (also on a lost connection)
    written = [log_path] if outcome.log_path else []
    if outcome.mode == "apply" and outcome.apply is not None:
        step("verifying")
        try:
            outcome.verify = verify(str(source_file), target, options)
        except WorkbenchError as error:
            outcome.error = f"verify: {error}"
            return written
        written.append(outcome.verify.drift.target.save(out / "target_after.snapshot.json"))
        (out / "verify.json").write_text(json.dumps(outcome.verify.to_json(), indent=1, default=str) + "\n")
        written.append(out / "verify.json")
    return written


def build(source: str, target: str, out: str | Path, title: str = "", schemas: Sequence[str] = (),
          target_after: str = "", plan_dir: str = "", mode: str | None = None, plan_options=None,
          keep_going: bool = False, progress: Callable[[str], None] | None = None) -> Report:
    """Snapshot both sides, write the comparison files, plan (into plan_dir, default OUT/plan),
    optionally apply or rehearse the plan (mode "apply" / "rehearse") and verify an apply, then run
    the report notebooks and render report.html into `out`. A failing or refused apply does not
    raise: it is shown in the report and in `Report.outcome` (its exit code)."""
    from workbench.compare import CompareOptions, compare
    from workbench.render import drift_report
    from workbench.snapshot import Snapshot, is_snapshot_file, open_side

    if mode not in (None, "apply", "rehearse"):
        raise WorkbenchError(f"unknown report mode {mode!r} (apply, rehearse or none)")
    if mode and target_after:
        raise WorkbenchError("--after is for a target migrated elsewhere; with --apply or --rehearse the report "
                             "reads the target itself")
    if mode and is_snapshot_file(target):
        raise WorkbenchError(f"--{mode} needs a live target database, not the snapshot file {target}")
    _existing_plan(plan_dir, plan_options)              # options that cannot apply fail before any work
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
    for stale in ("target_after.snapshot.json", "verify.json"):        # a previous report's, not this one's
        (out / stale).unlink(missing_ok=True)
    for role, spec in sides.items():
        step(f"reading {role.replace('_', ' ')}")
        files[role] = f"{role}.snapshot.json"
        written.append(open_side(spec).save(out / files[role]))

    step("comparing")
    options = CompareOptions(schemas=tuple(schemas))
    drift = compare(Snapshot.load(out / files["source"]), Snapshot.load(out / files["target"]), options)
    (out / "schema_differences.json").write_text(json.dumps(drift.to_json(), indent=1, default=str) + "\n")
    (out / "schema_comparison_report.txt").write_text(drift_report(drift) + "\n")
    written += [out / "schema_differences.json", out / "schema_comparison_report.txt"]

    folder, planned, plan_files = _plan_step(drift, out, plan_dir, plan_options, step)
    written += plan_files
    outcome = Outcome(folder, planned, mode)
    if mode:
        written += _apply_step(outcome, target, out, out / files["source"], options, keep_going, step)
        if outcome.verify is not None:
            files["target_after"] = "target_after.snapshot.json"

    drift_parameters = {"source": files["source"], "target": files["target"], "schemas": list(schemas),
                        "plan_dir": "", "apply_log": "", "target_after": files.get("target_after", ""),
                        "title": title}
    plan_parameters = {"source": files["source"], "target": files["target"], "schemas": list(schemas),
                       "plan_dir": str(folder.resolve()),
                       "apply_log": str(outcome.log_path.resolve()) if outcome.log_path else "",
                       "apply_error": outcome.error, "verify_result": "verify.json" if outcome.verify else "",
                       "with_overview": False, "title": ""}
    executed, results = [], []
    for notebook, parameters in zip(notebooks, (drift_parameters, plan_parameters)):
        step(f"running {notebook.name}")
        results.append(execute(notebook, out / notebook.name, parameters, cwd=out))
        executed.append(out / notebook.name)
    written += executed

    step("rendering report.html")
    html_title = title or f"Schema drift: {drift.source.database} \u2192 {drift.target.database}"
    if mode:
        results[0] = with_outcome(results[0], outcome_view(out, outcome))
    html = render_html(results, out / "report.html", html_title)
    written.append(html)
    check_no_secrets(written, secrets_of([source, target, target_after]))
    return Report(out, html, executed, written, drift, outcome)


def outcome_view(out: Path, outcome: Outcome):
    """The plan folder, this run's apply log, its error and verify result, as the migration_plan
    notebook reads them (workbench.plan_notebook.PlanView)."""
    from workbench import plan_notebook

    return plan_notebook.prepare(
        plan_dir=str(outcome.plan_dir), apply_log=str(outcome.log_path) if outcome.log_path else "",
        apply_error=outcome.error, verify_result=str(out / "verify.json") if outcome.verify else "")


def with_outcome(notebook, view):
    """A copy of the executed drift_report notebook with the apply's outcome under its title
    (the header cell), so that a reader of report.html sees first what the apply did."""
    import copy

    from nbformat.v4 import new_code_cell, new_output

    from workbench import plan_notebook

    markup = plan_notebook.outcome_html(view, with_verify=False)
    result = copy.deepcopy(notebook)
    header = next((i for i, cell in enumerate(result.cells) if cell.cell_type == "code"
                   and any("<h1>" in out.get("data", {}).get("text/html", "") for out in cell.get("outputs", []))), 0)
    cell = new_code_cell("# the apply's outcome (added by workbench report)")
    cell.outputs = [new_output("display_data", data={"text/html": f"<div class='wb-outcome'>{markup}</div>",
                                                     "text/plain": "[the apply's outcome]"})]
    result.cells.insert(header + 1, cell)
    return result


def summary(report: Report, drift_table: bool = True) -> str:
    """The terminal's account of a report: drift per kind, counts before (and after), the traps and
    their outcome, the apply, the parity, and where report.html is."""
    from workbench import plan_notebook
    from workbench.notebook import ReportInputs, counts_frame
    from workbench.render import summary_table

    outcome = report.outcome
    lines = [summary_table(report.drift), ""] if drift_table else []
    after = outcome.verify.drift.target if outcome is not None and outcome.verify is not None else None
    counts = counts_frame(ReportInputs(report.drift, "", after=after))
    lines += [counts.to_string(), ""]
    if outcome is not None:
        view = outcome_view(report.directory, outcome)
        view.drift = report.drift
        where = "written to" if outcome.planned else "read from"
        lines.append(f"plan: {len(view.plan.statements)} statements, {where} {outcome.plan_dir}/")
        for trap, row in zip(view.plan.traps, plan_notebook.traps_frame(view).to_dict("records")):
            lines.append(f"trap {row['trap']}: {trap['kind']} {plan_notebook.identity_label(trap['kind'], trap['identity'])}")
            lines += [f"  over {change}" for change in plan_notebook.retyped_columns(view, trap)]
            lines.append(f"  {row['outcome']}")
        verdict = plan_notebook.apply_verdict(view)
        if verdict:
            lines.append(verdict)
        if view.verify is not None:
            lines.append(("verified: " if view.verify.get("ok") else "NOT verified: ")
                         + plan_notebook.parity_text(view.verify))
    lines.append(f"wrote {report.html}")
    return "\n".join(lines)


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
