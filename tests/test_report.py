"""report.py and notebook.py without a kernel: HTML rendering, secrets, parameters, the CLI's errors."""
from __future__ import annotations

import io
import re
import sys

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from conftest import workbench_cli
from workbench import charts, notebook, report
from workbench.errors import WorkbenchError


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
    assert html.count("plotly.js v") == 1 and html.count('class="plotly-graph-div"') == 2
    assert html.index("plotly.js v") < html.index('class="plotly-graph-div"')       # defined before use
    assert "secret_code_line" not in html and "A heading" in html
    assert "<title>A &lt;title&gt;</title>" in html
    assert not re.search(r"<script[^>]+src=", html)
    for cdn in ("require.js", "mathjax", "mermaid.esm", "@jupyter-widgets/html-manager"):
        assert cdn not in html.replace(report.plotly_js(), "")


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
    assert report.secrets_of(dsns) == ["pw-one", "pw two"]
    monkeypatch.setenv("PGPASSWORD", "from-env")
    assert report.secrets_of([]) == ["from-env"]
    clean, leaky = tmp_path / "clean.txt", tmp_path / "leaky.txt"
    clean.write_text("postgresql://u:***@h/db")
    leaky.write_text("postgresql://u:pw-one@h/db")
    report.check_no_secrets([clean], ["pw-one"])
    with pytest.raises(WorkbenchError, match="leaky.txt would contain a password"):
        report.check_no_secrets([clean, leaky], ["pw-one"])
    assert clean.exists() and not leaky.exists()


def test_kernel_is_this_python():
    manager = report._kernel_manager_class()(kernel_name="python3")
    assert manager.kernel_spec.argv[:3] == [sys.executable, "-m", "ipykernel_launcher"]
    assert manager.kernel_spec.name == "python3"


def test_terminal_progress_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert report.terminal_progress(io.StringIO()) is None
    stream = Tty()
    show = report.terminal_progress(stream)
    show("reading source")
    show("comparing")
    assert re.fullmatch(r"\[\s*\d+\.\ds\] reading source\n\[\s*\d+\.\ds\] comparing\n", stream.getvalue())


def test_notebook_parameters_are_checked():
    with pytest.raises(WorkbenchError, match="parameter source is empty"):
        notebook.load("", "x.json")
    with pytest.raises(WorkbenchError, match="parameter target is empty"):
        notebook.load("x.json", "  ")
    assert notebook.schema_list("public, sales") == ("public", "sales")
    assert notebook.schema_list(["a"]) == ("a",) and notebook.schema_list(None) == ()
    with pytest.raises(WorkbenchError, match="list of schema names"):
        notebook.schema_list([1])


def test_plan_and_apply_log_files(tmp_path):
    with pytest.raises(WorkbenchError, match="plan file .*plan.json does not exist"):
        notebook.load_plan(tmp_path)
    (tmp_path / "plan.json").write_text('{"stages": [{"name": "stage00"}, {"name": "stage01"}], '
                                        '"statements": [{"stage": "stage01", "hazards": ["data_loss"]}], '
                                        '"traps": [{"name": "t"}]}')
    statements, stages, traps = notebook.load_plan(tmp_path)
    assert statements.to_dict("records") == [{"stage": "stage01", "hazards": ["data_loss"]}]
    assert stages == ["stage00", "stage01"] and traps == [{"name": "t"}]
    (tmp_path / "plan.json").write_text('{"statements": [{"sql": "x"}]}')
    with pytest.raises(WorkbenchError, match="have no stage"):
        notebook.load_plan(tmp_path)
    log = tmp_path / "apply_log.json"
    log.write_text('{"statements": [{"stage": "s", "status": "error", "ms": 1, "sql": "ALTER x", '
                   '"sqlstate": "42P07", "message": "relation exists"}, {"stage": "s", "status": "ok", "ms": 2}]}')
    entries = notebook.load_apply_log(log)
    failures = notebook.failures_frame(entries)
    assert failures.to_dict("records") == [{"stage": "s", "statement": "ALTER x", "sqlstate": "42P07",
                                            "message": "relation exists"}]
    log.write_text('"not a log"')
    with pytest.raises(WorkbenchError, match="not a list of statement entries"):
        notebook.load_apply_log(log)


def test_table_html_escapes_and_flattens_a_named_index():
    frame = pd.DataFrame({"n": [1]}, index=pd.Index(["<b>"], name="kind"))
    markup = notebook.table_html(frame)
    assert "&lt;b&gt;" in markup and "<b>" not in markup
    assert markup.count("<tr") == 2                              # header and one row: no index-name row


# --- the command --------------------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--apply", "--rehearse"])
def test_report_apply_and_rehearse_wait_for_the_planner(flag, tmp_path):
    result = workbench_cli("report", "a.json", "b.json", "--out", str(tmp_path / "r"), flag)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: report {flag} ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "r").exists()


def test_report_errors_are_one_line(tmp_path):
    result = workbench_cli("report", str(tmp_path / "missing.json"), str(tmp_path / "missing.json"),
                           "--out", str(tmp_path / "r"))
    assert result.returncode == 2
    assert result.stderr == f"error: snapshot file {tmp_path / 'missing.json'} does not exist\n"
    result = workbench_cli("report", "a.json", "b.json")
    assert result.returncode == 2 and "--out" in result.stderr and "Traceback" not in result.stderr


def test_traps_frame_names_the_object_and_the_resolution():
    traps = [{"trap": "unique_constraint_over_existing_index", "kind": "constraints",
              "identity": {"schema": "public", "table": "wishlist_items", "name": "unique_wishlist_item"},
              "problem": "relation already exists", "resolution": "ADD CONSTRAINT ... USING INDEX"}]
    frame = notebook.traps_frame(traps)
    assert frame.to_dict("records") == [{"trap": "unique_constraint_over_existing_index",
                                         "object": "constraints public.wishlist_items.unique_wishlist_item",
                                         "problem": "relation already exists",
                                         "resolution": "ADD CONSTRAINT ... USING INDEX"}]
    assert notebook.traps_frame([]).columns.tolist() == ["trap", "object", "problem", "resolution"]
