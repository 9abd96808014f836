"""The notebooks as front doors: papermill runs them with injected parameters, on DSNs and on
snapshot files, and they produce no error cell."""
from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from conftest import REPO
from workbench import report
from workbench.errors import WorkbenchError
from workbench.snapshot import capture

NOTEBOOKS = REPO / "notebooks"
PLOTLY = "application/vnd.plotly.v1+json"


def outputs(nb, kind: str | None = None) -> list:
    found = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    return [out for out in found if kind is None or out.get("output_type") == kind]


def figures(nb) -> list[dict]:
    return [out["data"][PLOTLY] for out in outputs(nb) if PLOTLY in out.get("data", {})]


def html_of(nb) -> str:
    return "\n".join(out["data"].get("text/html", "") for out in outputs(nb) if "data" in out)


def assert_no_error(nb) -> None:
    errors = outputs(nb, "error")
    assert not errors, f"error cell: {errors[0]['ename']}: {errors[0]['evalue']}"
    streams = [out.get("text", "") for out in outputs(nb, "stream") if out.get("name") == "stderr"]
    assert not any("Traceback" in text for text in streams)


def papermill_cli(notebook: str, output, *args: str) -> subprocess.CompletedProcess:
    """`papermill NOTEBOOK OUTPUT -p ...`, as a user runs it."""
    result = subprocess.run([sys.executable, "-m", "papermill", str(NOTEBOOKS / notebook), str(output),
                             "--no-progress-bar", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


@pytest.mark.parametrize("name", ["drift_report.ipynb", "explore.ipynb"])
def test_notebooks_are_thin_and_clean(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    import papermill

    assert list(papermill.inspect_notebook(str(NOTEBOOKS / name))) == list(report.PARAMETERS)
    assert all(not cell.get("outputs") and cell.get("execution_count") is None for cell in code)
    # thin: every cell after the parameters is a few calls into the package
    assert all(len(cell.source.splitlines()) <= 6 for cell in code[1:])
    assert nb.metadata.kernelspec.name == "python3"


def test_drift_report_on_dsns(seedscale_pair, tmp_path):
    out = tmp_path / "drift_report.ipynb"
    nb = report.execute(NOTEBOOKS / "drift_report.ipynb", out,
                        {"source": seedscale_pair["legacy"], "target": seedscale_pair["current"],
                         "title": "Seedscale on DSNs"})
    assert_no_error(nb)
    assert out.exists() and nbformat.read(out, as_version=4).metadata.papermill.parameters["title"] == "Seedscale on DSNs"
    charts = [fig["layout"]["meta"]["chart"] for fig in figures(nb)]
    assert charts == ["before_after", "drift_by_kind", "top_tables_by_columns_added"]
    before_after = figures(nb)[0]
    shown = {trace["meta"]["side"]: dict(zip(trace["x"], trace["y"])) for trace in before_after["data"]}
    assert shown["source"]["functions"] == 149 and shown["target"]["functions"] == 555
    text = html_of(nb)
    assert "Seedscale on DSNs" in text and "seedscale_legacy" in text
    assert "public.profiles.role" in text and "user_role_simple" in text         # the changed objects table


def test_explore_on_dsns_with_the_papermill_command(seedscale_pair, tmp_path):
    out = tmp_path / "explore.ipynb"
    papermill_cli("explore.ipynb", out, "-p", "source", seedscale_pair["legacy"],
                  "-p", "target", seedscale_pair["current"])
    nb = nbformat.read(out, as_version=4)
    assert_no_error(nb)
    widgets = [o for o in outputs(nb) if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 1                                     # the explorer is displayed


def test_drift_report_on_snapshot_files_with_plan_and_apply_log(seedscale_pair, tmp_path):
    """Snapshot files instead of DSNs (and a schema filter, a plan and an apply log): the
    papermill command again."""
    source = capture(seedscale_pair["legacy"]).save(tmp_path / "legacy.snapshot.json")
    target = capture(seedscale_pair["current"]).save(tmp_path / "current.snapshot.json")
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "plan.json").write_text(json.dumps({
        "stages": [{"name": "stage02_tables"}, {"name": "stage03_columns"}, {"name": "stage08_constraints"}],
        "statements": [{"stage": "stage02_tables", "hazards": []},
                       {"stage": "stage03_columns", "hazards": ["table_rewrite", "access_exclusive_lock"]}],
        "traps": [{"name": "user_role_simple", "resolution": "type change planned in stage03"}]}))
    log = tmp_path / "apply_log.json"
    log.write_text(json.dumps([
        {"stage": "stage02_tables", "status": "ok", "ms": 12.5, "sql": "CREATE TABLE t ()"},
        {"stage": "stage03_columns", "status": "failed", "ms": 3, "sqlstate": "42883",
         "sql": "ALTER TABLE profiles ADD CONSTRAINT c CHECK (role <> 'banned'::user_role_simple)",
         "message": "operator does not exist: text <> user_role_simple"}]))
    out = tmp_path / "drift_report.ipynb"
    papermill_cli("drift_report.ipynb", out, "-p", "source", str(source), "-p", "target", str(target),
                  "-y", "schemas: [public]", "-p", "plan_dir", str(plan), "-p", "apply_log", str(log))
    nb = nbformat.read(out, as_version=4)
    assert_no_error(nb)
    charts = [fig["layout"]["meta"]["chart"] for fig in figures(nb)]
    assert charts == ["before_after", "drift_by_kind", "top_tables_by_columns_added", "stage_statements",
                      "apply_timeline"]
    text = html_of(nb)
    assert "Schemas: public." in text
    drift_kinds = figures(nb)[1]["data"][0]["x"]
    assert "functions" in drift_kinds and "schemas" not in drift_kinds       # schema gis is left out
    assert "operator does not exist: text &lt;&gt; user_role_simple" in text     # the failed statement
    assert "42883" in text and "user_role_simple" in text


def test_unknown_parameter_fails_loudly(tmp_path):
    with pytest.raises(WorkbenchError, match="drift_report.ipynb has no parameter sorce"):
        report.execute(NOTEBOOKS / "drift_report.ipynb", tmp_path / "out.ipynb", {"sorce": "x", "target": "y"})
    assert not (tmp_path / "out.ipynb").exists()


def test_a_failing_notebook_is_one_line_and_kept(tmp_path):
    out = tmp_path / "out.ipynb"
    with pytest.raises(WorkbenchError) as failure:
        report.execute(NOTEBOOKS / "drift_report.ipynb", out,
                       {"source": str(tmp_path / "missing.json"), "target": str(tmp_path / "missing.json")})
    message = str(failure.value)
    assert "\n" not in message
    assert "WorkbenchError" in message and "missing.json does not exist" in message and str(out) in message
    assert outputs(nbformat.read(out, as_version=4), "error")
