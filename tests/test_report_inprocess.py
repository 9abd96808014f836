"""The report's notebooks run in this process (workbench.inprocess) and handed the pipeline's objects
(workbench.present.reuse): outputs as a kernel records them, failures as papermill reports them,
and what is handed over taken only for the files the pipeline wrote, unchanged."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

import workbench.report as report          # the module (workbench.report is also a function)
from conftest import REPO
from workbench.errors import WorkbenchError
from workbench.present import reuse


def notebook_file(tmp_path, *sources: str):
    cells = [new_code_cell("value = 1"), *[new_code_cell(source) for source in sources]]
    cells[0].metadata["tags"] = ["parameters"]
    path = tmp_path / "in.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                      "language": "python"}}), path)
    return path


def test_outputs_are_what_a_kernel_records(tmp_path):
    source = notebook_file(tmp_path,
                           "from IPython.display import HTML, display\ndisplay(HTML('<b>shown</b>'))\nprint('printed')",
                           "value * 21",
                           "import sys\nsys.stderr.write('warned\\n')",
                           "")
    nb = report.execute(source, tmp_path / "out.ipynb", {"value": 2}, in_process=True)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[1].metadata.tags == ["injected-parameters"] and "value = 2" in code[1].source
    assert [cell.execution_count for cell in code] == [1, 2, 3, 4, 5, None]       # an empty cell is not run
    html, printed = code[2].outputs
    assert html.output_type == "display_data" and html.data["text/html"] == "<b>shown</b>"
    assert printed.output_type == "stream" and printed.name == "stdout" and printed.text == "printed\n"
    result = code[3].outputs[0]
    assert result.output_type == "execute_result" and result.data["text/plain"] == "42" and result.execution_count == 4
    assert code[4].outputs[0].name == "stderr" and code[4].outputs[0].text == "warned\n"
    written = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    nbformat.validate(written)
    assert written.metadata.papermill.parameters == {"value": 2} and written.metadata.language_info.name == "python"
    assert written.cells[3].outputs[0].data["text/plain"] == "42"


def test_a_failing_cell_is_one_line_its_notebook_kept_and_nothing_after_runs(tmp_path):
    source = notebook_file(tmp_path, "print('before')", "raise ValueError('no such\\nthing')", "print('after')")
    out = tmp_path / "out.ipynb"
    with pytest.raises(WorkbenchError) as failure:
        report.execute(source, out, {}, in_process=True)
    assert str(failure.value) == f"in.ipynb failed in cell 3: ValueError: no such thing (see {out})"
    kept = nbformat.read(out, as_version=4)
    errors = [o for cell in kept.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
              if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ValueError"
    assert "ValueError: no such" in "\n".join(errors[0].traceback)
    assert not kept.cells[-1].get("outputs")                 # the cell after the failure did not run


def test_the_main_thread_keeps_its_terminal_while_a_notebook_runs(tmp_path, capsys):
    """A notebook runs in a worker thread while the main thread applies: the main thread's prints
    go on to the terminal, the notebook's into its outputs, and the streams are put back."""
    started, go_on = threading.Event(), threading.Event()
    source = notebook_file(tmp_path, "started.set()\ngo_on.wait(30)\nprint('from the notebook')")
    before = sys.stdout
    results: list = []

    def run() -> None:
        from workbench import inprocess

        inprocess.register()
        import builtins

        builtins.started, builtins.go_on = started, go_on       # what the cell waits on
        try:
            results.append(report.execute(source, tmp_path / "out.ipynb", {}, in_process=True))
        finally:
            del builtins.started, builtins.go_on

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(30)
    print("from the main thread")
    go_on.set()
    worker.join(30)
    assert sys.stdout is before
    assert "from the main thread" in capsys.readouterr().out
    assert results[0].cells[1].outputs[0].text == "from the notebook\n"


def test_handed_over_only_for_the_file_written(make_db, tmp_path):
    from workbench.snapshot import Snapshot, capture

    saved = capture(make_db("CREATE TABLE t (id int PRIMARY KEY, note text)")).save(tmp_path / "source.snapshot.json")
    snapshot = Snapshot.load(saved)
    handover = reuse.Handover(tmp_path)
    handover.add_snapshot(saved, snapshot)
    assert reuse.snapshot("source.snapshot.json") is None          # outside a report run: read the file
    with reuse.given(handover):
        assert reuse.path("source.snapshot.json") == str(saved)    # relative names: the report folder's
        assert reuse.path("elsewhere.json") == "elsewhere.json"
        assert reuse.snapshot("source.snapshot.json") is snapshot
        assert reuse.open_side(str(saved)) is snapshot
        saved.write_text(saved.read_text() + " ")                  # changed since it was written
        assert reuse.snapshot("source.snapshot.json") is None
        again = reuse.open_side("source.snapshot.json")            # read again, from the report folder
        assert again is not snapshot and again.fingerprint == snapshot.fingerprint
    assert reuse.current() is None


def test_a_report_hands_its_objects_to_the_notebooks(seedscale_pair, tmp_path, monkeypatch):
    """`workbench report` in one process: the notebooks read nothing the pipeline wrote (no snapshot
    file, no plan.json is loaded again), and what they show is what the same notebooks show when
    papermill runs them in a kernel on the files."""
    from workbench import snapshot as snapshot_module
    from workbench.planner import model

    loads: list[str] = []
    original_load, original_read = snapshot_module.Snapshot.load.__func__, model.read_plan
    monkeypatch.setattr(snapshot_module.Snapshot, "load",
                        classmethod(lambda cls, path: loads.append(str(path)) or original_load(cls, path)))
    monkeypatch.setattr(model, "read_plan", lambda folder: loads.append(str(folder)) or original_read(folder))
    monkeypatch.setattr("workbench.planner.read_plan", model.read_plan)
    out = tmp_path / "report"
    built = report.build(seedscale_pair["legacy"], seedscale_pair["current"], out)
    assert loads == []
    assert built.html.exists()
    monkeypatch.undo()
    for name, parameters in zip(report.REPORT_NOTEBOOKS, report.notebook_parameters(built.run, "", ())):
        in_kernel = report.execute(report.notebook_path(name), tmp_path / name, parameters, cwd=out)
        assert shown(nbformat.read(out / name, as_version=4)) == shown(in_kernel), name


def shown(nb) -> list[str]:
    """Each code cell's outputs, without what differs from run to run (element ids, times)."""
    text = [json.dumps(cell.get("outputs", []), sort_keys=True) for cell in nb.cells if cell.cell_type == "code"]
    return [re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d[.\d]*)?( UTC|\+00:00|Z)?", "TIME",
                   re.sub(r"wb-[\w-]*?-[0-9a-f]{6,8}\b", "wb-ID", t)) for t in text]


def test_light_jsonschema_leaves_out_the_iri_grammar():
    """Importing nbformat after report.light_jsonschema() builds no RFC 3987 grammar (0.8-1.2 s)."""
    code = ("import sys, workbench.report as r\n"
            "r.light_jsonschema()\n"
            "import nbformat, nbconvert, papermill\n"
            "nbformat.validate(nbformat.v4.new_notebook())\n"
            "print('lark' in sys.modules, sys.modules.get('rfc3987_syntax'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "None"]
