"""report.py and the report sections (workbench.present) without a kernel: HTML rendering,
secrets, parameters, the readers beside their writers, the CLI's errors."""
from __future__ import annotations

import io
import json
import re
import sys

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import workbench.report as report          # the module (workbench.report is also a function)
from conftest import workbench_cli
from workbench.errors import WorkbenchError
from workbench.present import charts
from workbench.present import drift_report as notebook


def executed_notebook(code: str = "secret_code_line()") -> nbformat.NotebookNode:
    """A notebook as papermill leaves it: a code cell with a figure output and a markdown cell."""
    figure = charts.before_after({"tables": 3, "views": 1}, {"tables": 2, "views": 1})
    cell = new_code_cell(code, execution_count=1)
    cell.outputs = [new_output("display_data", data=notebook.figure_bundle(figure))]
    return new_notebook(cells=[new_markdown_cell("## A heading"), cell],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def test_render_html_embeds_plotly_once_and_hides_code(tmp_path):
    out = report.render_html([executed_notebook(), executed_notebook()], tmp_path / "report.html", "A <title>")
    html = out.read_text()
    marker = "* plotly.js (basic - minified) v"                                       # the vendored bundle
    assert html.count(marker) == 1 and html.count('class="plotly-graph-div"') == 2
    assert html.index(marker) < html.index('class="plotly-graph-div"')               # defined before use
    assert "secret_code_line" not in html and "A heading" in html
    assert "<title>A &lt;title&gt;</title>" in html
    assert not re.search(r"<script[^>]+src=", html)
    for cdn in ("require.js", "mathjax", "mermaid.esm", "@jupyter-widgets/html-manager"):
        assert cdn not in html.replace(report.plotly_js(), "")


def test_the_datatables_bundle_is_kept_once(tmp_path):
    """Each interactive table's output carries the bundle (it works alone in JupyterLab); the
    rendered report keeps its first copy only, before the first table."""
    from workbench.present import html as wbhtml

    def with_table(name: str):
        nb = executed_notebook()
        markup = wbhtml.interactive_tables_init() + wbhtml.interactive_table(pd.DataFrame({"a": [name]}), f"t-{name}")
        nb.cells[1].outputs.append(new_output("display_data", data={"text/html": markup, "text/plain": ""}))
        return nb

    html = report.render_html([with_table("one"), with_table("two")], tmp_path / "report.html", "t").read_text()
    assert html.count(wbhtml.BUNDLE_MARK) == 1 and html.count(wbhtml.BUNDLE_END) == 1
    assert html.index(wbhtml.BUNDLE_END) < html.index('id="t-one"') < html.index('id="t-two"')


def test_figure_bundle_has_lab_json_and_html_without_plotly_js():
    fig = charts.before_after({"tables": 3}, {"tables": 2})
    bundle = notebook.figure_bundle(fig)
    assert bundle["application/vnd.plotly.v1+json"]["data"][0]["y"] == [3]
    assert "Plotly.newPlot" in bundle["text/html"] and "plotly.js v" not in bundle["text/html"]
    assert 'id="wb-before_after-' in bundle["text/html"] and "height:420px" in bundle["text/html"]
    assert bundle["text/plain"] == "[chart: Objects per kind: before]"


def test_secrets_are_found_and_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    dsns = ["postgresql://u:pw-one@h/db", "host=h password='pw two' dbname=d", "service_name", "file.json", ""]
    assert set(report.secrets_of(dsns)) >= {"pw-one", "pw two", "pw%20two", "pw+two"}
    monkeypatch.setenv("PGPASSWORD", "from-env")
    assert report.secrets_of([]) == ["from-env"]
    clean, leaky, also = tmp_path / "clean.txt", tmp_path / "leaky.txt", tmp_path / "also.txt"
    clean.write_text("postgresql://u:***@h/db")
    leaky.write_text("postgresql://u:pw-one@h/db")
    also.write_text("pw-one")
    report.check_no_secrets([clean], ["pw-one"])
    with pytest.raises(WorkbenchError, match="leaky.txt, also.txt would contain a password; they were deleted"):
        report.check_no_secrets([clean, leaky, also], ["pw-one"])
    assert clean.exists() and not leaky.exists() and not also.exists()     # every leaky file, not the first


def test_kernel_is_this_python():
    manager = report._kernel_manager_class()(kernel_name="python3")
    assert manager.kernel_spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert manager.kernel_spec.name == "python3"


def test_terminal_progress_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    from workbench.present.progress import end, on_terminal

    assert on_terminal(io.StringIO()) is None
    stream = Tty()
    show = on_terminal(stream)
    show("reading source")
    show("comparing")
    assert re.fullmatch(r"\[\s*\d+\.\ds\] reading source\n\[\s*\d+\.\ds\] comparing\n", stream.getvalue())
    inline = Tty()
    kinds = on_terminal(inline, transient=True, prefix="reading ")
    kinds("tables")
    kinds("columns")
    end()                                              # every transient line cleared before an error line
    assert inline.getvalue() == "\r\033[K  reading tables ...\r\033[K  reading columns ...\r\033[K"


def test_notebook_parameters_are_checked():
    with pytest.raises(WorkbenchError, match="parameter source is empty"):
        notebook.load("", "x.json")
    with pytest.raises(WorkbenchError, match="parameter target is empty"):
        notebook.load("x.json", "  ")
    assert notebook.schema_list("public, sales") == ("public", "sales")
    assert notebook.schema_list(["a"]) == ("a",) and notebook.schema_list(None) == ()
    with pytest.raises(WorkbenchError, match="list of schema names"):
        notebook.schema_list([1])


def test_one_reader_per_format_beside_its_writer(tmp_path):
    """plan.json, apply logs and verify.json are read by the module that writes them; a wrong or
    missing file is named in one line."""
    from workbench import jsonfile
    from workbench.apply import read_log
    from workbench.planner import read_plan
    from workbench.present import migration_plan
    from workbench.verify import VERIFY_FORMAT, read_result

    with pytest.raises(WorkbenchError, match="plan.json"):
        read_plan(tmp_path)
    assert read_log(tmp_path / "apply_log.json") is None                     # none yet: apply starts afresh
    with pytest.raises(WorkbenchError, match=r"apply log .*apply_log.json does not exist"):
        migration_plan.read_apply_log(tmp_path / "apply_log.json")
    (tmp_path / "apply_log.json").write_text('"not a log"')
    with pytest.raises(WorkbenchError, match="apply_log.json: not a drift-workbench apply log"):
        migration_plan.read_apply_log(tmp_path / "apply_log.json")
    jsonfile.write(tmp_path / "verify.json", {"format": VERIFY_FORMAT, "ok": True, "residual": [{"kind": "x"}]}, "residual")
    assert read_result(tmp_path / "verify.json")["residual"] == [{"kind": "x"}]
    jsonfile.write(tmp_path / "other.json", {"format": "something else"})
    with pytest.raises(WorkbenchError, match=r"other.json: not a verify result"):
        read_result(tmp_path / "other.json")


def test_table_html_escapes_and_flattens_a_named_index():
    frame = pd.DataFrame({"n": [1]}, index=pd.Index(["<b>"], name="kind"))
    markup = notebook.table_html(frame)
    assert "&lt;b&gt;" in markup and "<b>" not in markup
    assert markup.count("<tr") == 2                              # header and one row: no index-name row


# --- the command --------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--apply", "--rehearse"])
def test_report_apply_and_rehearse_need_a_live_target(flag, tmp_path):
    result = workbench_cli("report", "a.json", "b.json", "--out", str(tmp_path / "r"), flag)
    assert result.returncode == 2
    assert result.stderr == f"error: {flag} needs a live target database, not the snapshot file b.json\n"
    assert not (tmp_path / "r").exists()


def test_report_option_conflicts_are_one_line(tmp_path):
    result = workbench_cli("report", "a.json", "postgresql://u@h/db", "--out", str(tmp_path / "r"), "--apply",
                           "--after", "c.json")
    assert result.returncode == 2 and result.stderr.startswith("error: --after is for a target migrated elsewhere")
    result = workbench_cli("report", "a.json", "b.json", "--out", str(tmp_path / "r"), "--keep-going")
    assert result.returncode == 2 and result.stderr == "error: --keep-going is for --apply or --rehearse\n"
    result = workbench_cli("report", "a.json", "b.json", "--out", str(tmp_path / "r"), "--apply", "--rehearse")
    assert result.returncode == 2 and "not allowed with argument" in result.stderr
    assert not (tmp_path / "r").exists()


def test_report_errors_are_one_line(tmp_path):
    result = workbench_cli("report", str(tmp_path / "missing.json"), str(tmp_path / "missing.json"),
                           "--out", str(tmp_path / "r"))
    assert result.returncode == 2
    assert result.stderr == f"error: snapshot file {tmp_path / 'missing.json'} does not exist\n"
    result = workbench_cli("report", "a.json", "b.json")
    assert result.returncode == 2 and "--out" in result.stderr and "Traceback" not in result.stderr


# --- migration_plan: what migration_plan.ipynb shows ---------------------------------------------
from workbench.present import migration_plan as plan_notebook  # noqa: E402
from workbench.planner import PlanOptions, plan, write_plan_dir  # noqa: E402


@pytest.fixture(scope="module")
def seedscale_plan_dir(seedscale_pair, tmp_path_factory):
    """The seedscale plan written once for the module (read-only for the tests)."""
    from report_helpers import seedscale_drift

    drift = seedscale_drift(seedscale_pair)
    return write_plan_dir(plan(drift, PlanOptions()), tmp_path_factory.mktemp("plan") / "plan"), drift


def trap_ids(view, name: str) -> list[str]:
    trap = next(t for t in view.plan.traps if t["trap"] == name)
    return [s.id for s in plan_notebook.trap_statements(view, trap)]


def log_of(view, statuses: dict[str, str], mode: str = "apply", **failed) -> dict:
    """An apply log of the plan: every statement ok unless `statuses` says otherwise (by id)."""
    entries = [{"stage": s.stage, "index": i, "id": s.id, "kind": s.kind, "identity": s.identity,
                "action": s.action, "sql": s.sql, "status": statuses.get(s.id, "ok"), "sqlstate": None,
                "message": None, "ms": 1.0}
               for i, s in enumerate(view.plan.statements, 1)]
    for entry in entries:
        if entry["status"] == "failed":
            entry.update(failed)
    stages = [{"name": name, "status": "failed" if any(e["stage"] == name and e["status"] == "failed" for e in entries)
               else "applied", "statements": sum(e["stage"] == name for e in entries), "ms": 1.0}
              for name in plan_notebook.STAGE_NAMES]
    return {"format": "drift-workbench/apply-log", "mode": mode, "status": "applied", "ms": 10.0,
            "stages": stages, "statements": entries}


def test_prepare_checks_its_parameters(seedscale_plan_dir, tmp_path):
    folder, _ = seedscale_plan_dir
    with pytest.raises(WorkbenchError, match="give out_dir .* or plan_dir .*, not both"):
        plan_notebook.prepare("a.json", "b.json", out_dir=str(tmp_path), plan_dir=str(folder))
    with pytest.raises(WorkbenchError, match="parameter target is empty"):
        plan_notebook.prepare("a.json", "", out_dir=str(tmp_path))
    with pytest.raises(WorkbenchError, match="parameter allow_drops must be True or False, not 'maybe'"):
        plan_notebook.prepare(plan_dir=str(folder), allow_drops="maybe")
    with pytest.raises(WorkbenchError, match="log.json: not a drift-workbench apply log"):
        (tmp_path / "log.json").write_text("[]")
        plan_notebook.prepare(plan_dir=str(folder), apply_log=str(tmp_path / "log.json"))
    view = plan_notebook.prepare(plan_dir=str(folder))               # a plan folder alone is enough
    assert view.drift is None and view.title == "Migration plan" and view.edited == []
    assert view.stage_texts["stage08_constraints"] == (folder / "stage08_constraints.sql").read_text()


def test_an_edited_stage_file_is_shown_as_it_is_on_disk(seedscale_plan_dir, tmp_path):
    import shutil

    folder = shutil.copytree(seedscale_plan_dir[0], tmp_path / "plan")
    stage = folder / "stage09_finishing.sql"
    stage.write_text(stage.read_text().replace("COMMIT;", "SELECT 'reviewed <here>';\nCOMMIT;"))
    view = plan_notebook.prepare(plan_dir=str(folder))
    assert view.edited == ["stage09_finishing"]
    assert "edited after planning" in plan_notebook.header_html(view)
    frame = plan_notebook.stage_frame(view).set_index("stage")
    assert frame.loc["stage09_finishing", "edited"] == "edited after planning"
    assert frame.loc["stage08_constraints", "edited"] == ""
    markup = plan_notebook.stage_sql_html(view)
    assert "SELECT &#x27;reviewed &lt;here&gt;&#x27;;" in markup and markup.count("<details") == 11


def test_traps_are_resolved_only_when_applied_and_verified(seedscale_plan_dir):
    folder, drift = seedscale_plan_dir
    view = plan_notebook.prepare(plan_dir=str(folder))
    view.drift = drift
    frame = plan_notebook.traps_frame(view).set_index("trap")
    assert list(frame.index) == ["constraint_over_retyped_column", "unique_constraint_over_existing_index"]  # plan order
    retyped = frame.loc["constraint_over_retyped_column"]
    assert retyped["object"] == ("constraints public.profiles.profiles_role_not_banned "
                                 "(over role: text \u2192 public.user_role_simple)")
    assert retyped["planned as"].splitlines()[0].startswith(
        "stage03_columns: ALTER TABLE public.profiles ALTER COLUMN role TYPE public.user_role_simple")
    assert retyped["planned as"].splitlines()[-1].startswith("stage08_constraints: ALTER TABLE public.profiles "
                                                             "ADD CONSTRAINT profiles_role_not_banned")
    assert set(frame["outcome"]) == {"planned (not applied)"}

    view.apply_log = log_of(view, {})
    view.verify = {"ok": True, "parity": {}, "residual": []}
    assert set(plan_notebook.traps_frame(view)["outcome"]) == {
        "resolved: applied without error, identical to the source after apply"}
    # verify still finds the constraint different: not resolved, whatever the log says
    view.verify = {"ok": False, "parity": {}, "residual": [
        {"kind": "constraints", "identity": {"schema": "public", "table": "wishlist_items", "name": "unique_wishlist_item"},
         "status": "only_in_source"}]}
    outcome = plan_notebook.traps_frame(view).set_index("trap")["outcome"]
    assert outcome["unique_constraint_over_existing_index"] == ("NOT resolved: applied, but verify finds constraints "
                                                                "still only_in_source")
    assert outcome["constraint_over_retyped_column"].startswith("resolved")
    # the type change failed: the trap is not resolved, and says why
    first = trap_ids(view, "constraint_over_retyped_column")[0]
    view.apply_log = log_of(view, {first: "failed"}, sqlstate="22P02", message='invalid input value for enum')
    view.verify = None
    outcome = plan_notebook.traps_frame(view).set_index("trap")["outcome"]
    assert outcome["constraint_over_retyped_column"].startswith("NOT resolved: stage03_columns statement ")
    assert outcome["constraint_over_retyped_column"].endswith("failed: SQLSTATE 22P02: invalid input value for enum")
    # a rehearsal that ran everything
    view.apply_log = log_of(view, {}, mode="rehearse")
    assert set(plan_notebook.traps_frame(view)["outcome"]) == {
        "resolved in the rehearsal: every statement ran without error (rolled back)"}
    assert "resolved in the rehearsal" in plan_notebook.traps_html(view)


def test_failures_and_verdicts(seedscale_plan_dir):
    view = plan_notebook.prepare(plan_dir=str(seedscale_plan_dir[0]))
    assert plan_notebook.apply_verdict(view) == "" and plan_notebook.failures_html(view) == ""
    view.apply_error = "apply: target postgresql://u:***@h/db changed since the plan was made"
    assert plan_notebook.apply_verdict(view) == f"The apply did not run: {view.apply_error}"
    assert "Stopped with an error:</b> apply: target postgresql://u:***@h/db" in plan_notebook.failures_html(view)
    assert set(plan_notebook.traps_frame(view)["outcome"]) == {"not applied: the apply did not run (see Apply)"}
    view.apply_error = ""
    stage08 = [s.id for s in view.plan.statements if s.stage == "stage08_constraints"]
    view.apply_log = log_of(view, {stage08[2]: "failed", **{i: "rolled_back" for i in stage08[:2]},
                                   **{i: "not_run" for i in stage08[3:]}},
                            sqlstate="23514", message='check constraint "c" of relation "t" is violated by some row')
    failed = plan_notebook.failures(view.apply_log)
    assert [(f["stage"], f["sqlstate"]) for f in failed] == [("stage08_constraints", "23514")]
    verdict = plan_notebook.apply_verdict(view)
    assert verdict.startswith("Apply failed in stage08_constraints statement ")
    assert ': SQLSTATE 23514: check constraint "c" of relation "t" is violated by some row.' in verdict
    markup = plan_notebook.failures_html(view)
    sql = next(s.sql for s in view.plan.statements if s.id == stage08[2])
    assert "<code class='wb-sqlstate'>23514</code>" in markup and html_escape(sql) in markup
    stages = plan_notebook.apply_stage_frame(view.apply_log).set_index("stage")
    assert stages.loc["stage08_constraints", "status"] == "failed"
    assert stages.loc["stage08_constraints", "statements"] == f"1 failed, {len(stage08) - 3} not_run, 2 rolled_back"
    # a stage that failed at COMMIT, without a failed statement, is listed too
    log = {"statements": [], "stages": [{"name": "stage08_constraints", "status": "failed", "sqlstate": "23503",
                                         "message": "deferred FK violated"}]}
    assert plan_notebook.failures(log)[0] == {"stage": "stage08_constraints", "statement": None,
                                               "object": "at COMMIT", "sqlstate": "23503",
                                               "message": "deferred FK violated", "sql": "", "hint": ""}


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def test_parity_is_never_rounded_up_to_100():
    from workbench.present.labels import parity_text, percent

    assert parity_text(4155, 4155) == "100% parity (4,155 of 4,155 source objects identical in the target)"
    assert parity_text(9999, 10000).startswith("99.99% parity (9,999 of 10,000")
    assert percent(99999, 100000) == "99.99%" and percent(1, 3) == "33.33%" and percent(1, 2) == "50%"
    assert parity_text(0, 0).startswith("100% parity")
    verify = {"parity": {"tables": {"source_objects": 3, "identical": 3}, "columns": {"source_objects": 5, "identical": 4}}}
    assert plan_notebook.overall_parity(verify) == (87.5, 7, 8)
    assert plan_notebook.parity_text(verify) == "87.5% parity (7 of 8 source objects identical in the target)"


def test_prepare_plans_like_workbench_plan_with_options(seedscale_pair, tmp_path):
    """allow_drops and a schema list reach the planner as `workbench plan --allow-drops --schema`."""
    result = workbench_cli("plan", seedscale_pair["legacy"], seedscale_pair["current"], "--out", str(tmp_path / "cli"),
                           "--allow-drops", "--schema", "public")
    assert result.returncode == 0, result.stderr
    view = plan_notebook.prepare(seedscale_pair["legacy"], seedscale_pair["current"], out_dir=str(tmp_path / "nb"),
                                 allow_drops=True, schemas="public")
    assert view.written and view.plan.options["allow_drops"] is True and view.plan.options["schemas"] == ["public"]
    for name in [f"{stage}.sql" for stage in plan_notebook.STAGE_NAMES]:
        assert (tmp_path / "nb" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    assert "DROP " in (tmp_path / "nb" / "stage10_drops.sql").read_text()
    assert "Options: allow_drops." in plan_notebook.header_html(view)


class _Tables(__import__("html.parser").parser.HTMLParser):
    """The cells of every <table> in some HTML, row by row (the report's tables are plain ones)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _report_summary(folder) -> dict[str, dict[str, int]]:
    """The drift report's Summary table (kind -> status -> count), read from its executed notebook."""
    nb = nbformat.read(folder / "drift_report.ipynb", as_version=4)
    outputs = [o.data["text/html"] for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
               if "text/html" in o.get("data", {})]
    heading = next(i for i, markup in enumerate(outputs) if "id='wb-summary'" in markup)
    parser = _Tables()
    parser.feed(outputs[heading + 1])
    header, *rows = parser.tables[0]
    words = {word: status for status, word in notebook.STATUS_WORDS.items()}
    return {row[0]: {words[h]: int(v) for h, v in zip(header[1:], row[1:]) if h in words} for row in rows
            if row[0] != "total"}


def test_the_report_counts_what_diff_counts_with_the_same_options(make_db, tmp_path):
    """`workbench report` with comparison options shows the drift `workbench diff` shows with them:
    the notebooks are given the options the pipeline compared with (here an owner compared, a
    table ignored, a kind left out), where they used to compare with --schema alone."""
    from conftest import run_sql

    run_sql(make_db(), "DO $$ BEGIN CREATE ROLE drift_report_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    source = make_db("CREATE TABLE t (a int); ALTER TABLE t OWNER TO drift_report_owner; CREATE TABLE tmp_x (a int);"
                     "CREATE VIEW v AS SELECT 1 AS x;")
    target = make_db("CREATE TABLE t (a int, b int);")
    flags = ["--with-owners", "--ignore", "*.tmp_*", "--skip-kind", "views"]
    made = workbench_cli("report", source, target, "--out", str(tmp_path / "r"), *flags)
    assert made.returncode == 0, made.stderr
    diffed = workbench_cli("diff", source, target, "--format", "json", *flags)
    assert diffed.returncode == 1, diffed.stderr
    wanted = {kind: {status: int(count) for status, count in counts.items()}
              for kind, counts in json.loads(diffed.stdout)["summary"].items()}
    shown = _report_summary(tmp_path / "r")
    assert shown == {kind: {s: counts[s] for s in notebook.STATUS_WORDS} for kind, counts in wanted.items()}
    assert "views" not in shown and shown["tables"]["changed"] == 1 and shown["tables"]["only_in_source"] == 0
    # without the options the counts differ: the options are what the report shows
    plain = json.loads(workbench_cli("diff", source, target, "--format", "json").stdout)["summary"]
    assert plain["tables"]["only_in_source"] == 1 and plain["tables"]["changed"] == 0 and "views" in plain


def test_the_notebooks_compare_options_round_trip_and_refuse_a_typo():
    """The `compare` parameter: what as_parameters writes reads back as the same options; an unknown
    option, a wrong type or a schemas given twice is one error naming it (never a silent default)."""
    from workbench.compare import CompareOptions

    options = CompareOptions(schemas=("app",), kinds=("tables", "columns"), ignore=("*.tmp_*",), with_owners=True,
                             ignore_extension_versions=False)
    given = {k: v for k, v in options.as_parameters().items() if k != "schemas"}
    assert given == {"kinds": ["tables", "columns"], "ignore": ["*.tmp_*"], "with_owners": True,
                     "ignore_extension_versions": False}
    assert CompareOptions.from_parameters(given, schemas=("app",)) == options
    assert CompareOptions.from_parameters({}) == CompareOptions.from_parameters(None) == CompareOptions()
    for wrong, message in [({"with_owner": True}, "has no option 'with_owner'"),
                           ({"with_owners": "yes"}, "with_owners must be true or false"),
                           ({"ignore": "*.tmp_*"}, "ignore must be a list of names"),
                           ({"schemas": ["x"]}, "give schemas as its own parameter"),
                           (["with_owners"], "must be a dict")]:
        with pytest.raises(WorkbenchError, match=re.escape(message)):
            CompareOptions.from_parameters(wrong, schemas=())
