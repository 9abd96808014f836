"""The notebooks as front doors: papermill runs them with injected parameters, on DSNs and on
snapshot files, and they produce no error cell. migration_plan.ipynb writes the files `workbench
plan` writes. The notebooks are in one place, the package (workbench/notebooks/, shipped in the
wheel); notebooks/ at the top of the repository is a link to it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import nbformat
import pytest

import workbench.report as report          # the module (workbench.report is also a function)
from conftest import REPO, workbench_cli
from report_helpers import after_dsn
from workbench.errors import WorkbenchError
from workbench.planner import STAGE_NAMES
from workbench.snapshot import capture

NOTEBOOKS = REPO / "notebooks"
PACKAGE_NOTEBOOKS = REPO / "workbench" / "notebooks"
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


@pytest.mark.parametrize("name, parameters", [("drift_report.ipynb", report.PARAMETERS),
                                              ("explore.ipynb", ("source", "target", "schemas", "plan_dir")),
                                              ("migration_plan.ipynb", report.PLAN_PARAMETERS),
                                              (report.TIMELINE_NOTEBOOK, report.TIMELINE_PARAMETERS),
                                              (report.FLEET_NOTEBOOK, report.FLEET_PARAMETERS)])
def test_notebooks_are_thin_and_clean(name, parameters):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    import papermill

    assert list(papermill.inspect_notebook(str(NOTEBOOKS / name))) == list(parameters)
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


def test_drift_report_on_snapshot_files_with_a_plan_and_the_target_after(seedscale_pair, pg, seedscale_dir, tmp_path):
    """Snapshot files instead of DSNs (and a schema filter, a plan folder and the target after a
    migration): the papermill command again."""
    from workbench.pipeline import write_plan
    from workbench.planner import plan
    from report_helpers import seedscale_drift

    source = capture(seedscale_pair["legacy"]).save(tmp_path / "legacy.snapshot.json")
    target = capture(seedscale_pair["current"]).save(tmp_path / "current.snapshot.json")
    after = capture(after_dsn(pg, seedscale_dir)).save(tmp_path / "after.snapshot.json")
    drift = seedscale_drift(seedscale_pair)
    folder = write_plan(plan(drift), tmp_path / "plan", drift)
    out = tmp_path / "drift_report.ipynb"
    papermill_cli("drift_report.ipynb", out, "-p", "source", str(source), "-p", "target", str(target),
                  "-y", "schemas: [public]", "-p", "plan_dir", str(folder), "-p", "target_after", str(after))
    nb = nbformat.read(out, as_version=4)
    assert_no_error(nb)
    charts = [fig["layout"]["meta"]["chart"] for fig in figures(nb)]
    assert charts == ["before_after", "drift_by_kind", "top_tables_by_columns_added", "residual_drift"]
    text = html_of(nb)
    assert "Schemas: public." in text
    assert "<b>After apply: 100% parity (" in text                 # after.sql is the migrated current
    drift_kinds = figures(nb)[1]["data"][0]["x"]
    assert "functions" in drift_kinds and "schemas" not in drift_kinds       # schema gis is left out
    # the changed column's planned statements, from the plan folder, in its third pane
    role = text[text.index("data-object='public.profiles.role'"):]
    role = role[:role.index("</details>")]
    assert "ALTER TABLE public.profiles ALTER COLUMN role TYPE public.user_role_simple" in role


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


# --- migration_plan.ipynb -------------------------------------------------------------------------
def plan_files(folder: Path) -> dict[str, bytes]:
    """The stage files and schema_migration.sql of a plan folder."""
    return {name: (folder / name).read_bytes() for name in [f"{s}.sql" for s in STAGE_NAMES] + ["schema_migration.sql"]}


def without_created_at(folder: Path) -> dict:
    data = json.loads((folder / "plan.json").read_text())
    assert data.pop("created_at")
    return data


@pytest.fixture(scope="module")
def cli_plan(seedscale_pair, tmp_path_factory) -> Path:
    """`workbench plan LEGACY CURRENT --out DIR`, the reference the notebook must match."""
    out = tmp_path_factory.mktemp("cli_plan") / "plan"
    result = workbench_cli("plan", seedscale_pair["legacy"], seedscale_pair["current"], "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_migration_plan_writes_the_files_of_workbench_plan(seedscale_pair, cli_plan, tmp_path):
    out_dir = tmp_path / "plan"
    papermill_cli("migration_plan.ipynb", tmp_path / "out.ipynb", "-p", "source", seedscale_pair["legacy"],
                  "-p", "target", seedscale_pair["current"], "-p", "out_dir", str(out_dir))
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert_no_error(nb)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in cli_plan.iterdir())
    assert plan_files(out_dir) == plan_files(cli_plan)                       # byte for byte
    assert without_created_at(out_dir) == without_created_at(cli_plan)
    assert [fig["layout"]["meta"]["chart"] for fig in figures(nb)] == ["before_after", "stage_statements"]
    stages = figures(nb)[1]["data"][0]
    plan = json.loads((cli_plan / "plan.json").read_text())
    assert stages["x"] == STAGE_NAMES and stages["y"] == [s["statements"] for s in plan["stages"]]
    text = html_of(nb)
    assert "Migration plan: seedscale_legacy \u2192 seedscale_current" in text
    assert f"written to <code>{out_dir}</code>" in text
    # both traps, what they are about and how the plan resolves them; not applied yet
    assert "unique_constraint_over_existing_index" in text and "constraint_over_retyped_column" in text
    assert "public.wishlist_items.unique_wishlist_item" in text and "public.profiles.profiles_role_not_banned" in text
    assert "role: text \u2192 public.user_role_simple" in text
    assert "UNIQUE USING INDEX unique_wishlist_item" in text
    assert text.count("planned (not applied)") == 2
    assert "Nothing was left out of the plan." in text
    # every stage file, collapsible, as written
    assert text.count("<details class='wb-kind wb-stage'") == len(STAGE_NAMES)
    stage08 = (out_dir / "stage08_constraints.sql").read_text()
    import html

    assert html.escape(stage08) in text


def test_migration_plan_with_a_snapshot_file_as_source(seedscale_pair, cli_plan, tmp_path):
    source = capture(seedscale_pair["legacy"]).save(tmp_path / "legacy.snapshot.json")
    out_dir = tmp_path / "plan"
    papermill_cli("migration_plan.ipynb", tmp_path / "out.ipynb", "-p", "source", str(source),
                  "-p", "target", seedscale_pair["current"], "-p", "out_dir", str(out_dir),
                  "-p", "title", "From a snapshot")
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert_no_error(nb)
    assert plan_files(out_dir) == plan_files(cli_plan)
    assert without_created_at(out_dir) == without_created_at(cli_plan)
    assert "<h1 id='wb-migration-plan'>From a snapshot</h1>" in html_of(nb)


def test_migration_plan_without_source_fails_in_one_line(tmp_path):
    with pytest.raises(WorkbenchError, match="parameters source and target are empty"):
        report.execute(NOTEBOOKS / "migration_plan.ipynb", tmp_path / "out.ipynb", {"out_dir": str(tmp_path / "p")})
    assert not (tmp_path / "p").exists()


# --- where the notebooks come from --------------------------------------------------------------
def test_the_notebooks_are_in_one_place():
    """notebooks/ (what users open, `make lab`) is a link to workbench/notebooks/ (what `workbench
    report` runs, in a checkout and when installed): one copy."""
    assert NOTEBOOKS.is_symlink() and NOTEBOOKS.resolve() == PACKAGE_NOTEBOOKS.resolve()
    assert set(report.REPORT_NOTEBOOKS) | {"explore.ipynb", report.TIMELINE_NOTEBOOK, report.FLEET_NOTEBOOK} == {
        p.name for p in PACKAGE_NOTEBOOKS.glob("*.ipynb")}
    assert [report.notebook_path(n) for n in report.REPORT_NOTEBOOKS] == [PACKAGE_NOTEBOOKS / n
                                                                         for n in report.REPORT_NOTEBOOKS]
    with pytest.raises(WorkbenchError, match="notebook .*nope.ipynb is missing"):
        report.notebook_path("nope.ipynb")


def test_an_installed_package_finds_its_notebooks(tmp_path):
    """What setuptools installs (the package's .py files and the package-data globs of
    pyproject.toml), away from the repository: the report notebooks are found there."""
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["workbench"]
    package, site = REPO / "workbench", tmp_path / "site"
    for path in package.rglob("*"):
        relative = path.relative_to(package)
        if (path.is_file() and "__pycache__" not in relative.parts
                and (path.suffix == ".py" or any(fnmatch(relative.as_posix(), g) for g in globs))):
            (site / "workbench" / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, site / "workbench" / relative)
    code = ("import workbench.report as r\nprint(r.__file__)\n"
            "for name in r.REPORT_NOTEBOOKS: print(r.notebook_path(name))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stderr
    installed = (site / "workbench").resolve()
    assert result.stdout.split() == [str(installed / "report.py")] + [str(installed / "notebooks" / n)
                                                                         for n in report.REPORT_NOTEBOOKS]


def test_make_lab_has_jupyterlab_and_a_kernel_that_imports_workbench():
    """`make lab` runs the venv's `jupyter lab notebooks/`; the python3 kernel that JupyterLab
    starts (as jupyter_client resolves it in the venv's jupyter process) must import workbench."""
    assert "$(BIN)/jupyter lab notebooks/" in (REPO / "Makefile").read_text()
    jupyter = Path(sys.executable).with_name("jupyter")
    result = subprocess.run([str(jupyter), "lab", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "JupyterLab" in result.stdout
    interpreter = jupyter.read_text().splitlines()[0].removeprefix("#!")           # the jupyter process
    kernel = subprocess.run([interpreter, "-c", "from jupyter_client import KernelManager\n"
                             "print(KernelManager(kernel_name='python3').format_kernel_cmd()[0])"],
                            capture_output=True, text=True, timeout=120, cwd="/")
    assert kernel.returncode == 0, kernel.stderr
    probe = subprocess.run([kernel.stdout.strip(), "-c", "import workbench.present.migration_plan, workbench.report; print('ok')"],
                           capture_output=True, text=True, cwd="/", timeout=120)
    assert probe.stdout.strip() == "ok", probe.stderr
