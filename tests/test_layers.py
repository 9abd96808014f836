"""The layers the design draws: the core imports nothing of presentation, and every file format has
one reader, beside its writer."""
from __future__ import annotations

import ast
import json
import subprocess
import sys

from conftest import REPO

PACKAGE = REPO / "workbench"
# the core: snapshot -> compare -> plan -> apply -> verify, and what they stand on
CORE = ["workbench.errors", "workbench.connect", "workbench.kinds", "workbench.census", "workbench.catalog.fetch", "workbench.snapshot",
        "workbench.normalize", "workbench.compare", "workbench.planner", "workbench.apply", "workbench.verify",
        "workbench.jsonfile", "workbench.dependencies", "workbench.sandbox", "workbench.sides", "workbench.sqlfiles",
        "workbench.store", "workbench.ignorefile"]
PRESENTATION = ("workbench.present", "workbench.report", "workbench.cli", "workbench.pipeline", "workbench.demo",
                "workbench.explore_app")
DISPLAY_LIBRARIES = ("plotly", "ipywidgets", "itables", "IPython", "nbconvert", "papermill", "voila")


def module_name(path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def core_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if any(name == core or name.startswith(core + ".") for core in CORE) and "scenarios" not in name:
            yield name, path


def imported_names(path) -> set[str]:
    """Every module an import statement names, at the top or inside a function (lazy imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_core_imports_nothing_of_presentation():
    offenders = {}
    for name, path in core_files():
        bad = sorted(m for m in imported_names(path)
                     if any(m == p or m.startswith(p + ".") for p in PRESENTATION + DISPLAY_LIBRARIES))
        if bad:
            offenders[name] = bad
    assert offenders == {}
    assert len(list(core_files())) >= 20                  # the walk found the core (planner/*, catalog/*, ...)


def test_importing_the_core_loads_no_presentation():
    """And at run time: importing the core modules, one after the other, pulls in no display
    library and nothing of presentation (the first module that would is named)."""
    code = ("import importlib, sys\n"
            f"for module in {CORE!r}:\n"
            "    importlib.import_module(module)\n"
            f"    bad = sorted(m for m in sys.modules if m.split('.')[0] in {DISPLAY_LIBRARIES!r} "
            f"or m.startswith(('workbench.present', 'workbench.report', 'workbench.cli', 'workbench.pipeline')))\n"
            "    if bad:\n"
            "        print(module, ' '.join(bad))\n"
            "        break\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


# Where JSON is decoded, and why. A file format is read in one place, beside its writer; the other
# json.loads calls decode strings (a catalog column, the parser's JSON), never a file.
JSON_DECODERS = {
    "workbench.snapshot": "snapshot files: Snapshot.load beside Snapshot.save",
    "workbench.planner.model": "plan.json: read_plan (written by planner.files.write_plan_dir)",
    "workbench.apply": "apply_log.json / rehearsal_log.json: read_log beside the log writer",
    "workbench.jsonfile": "the one JSON reader of verify.json (verify.read_result) and schema_differences.json "
                          "(compare.read_differences), beside their writers",
    "workbench.demo": "the scenario's expected.json, written beside it by write_scenario",
    "workbench.store": "a snapshot store's entries and snapshots, beside their writer (Store.add)",
    "workbench.sqlfiles": "pglast's parse tree as JSON",
    "workbench.catalog.fetch": "a catalog column (the server's settings as JSON text)",
    "workbench.normalize": "pglast's parse tree as JSON",
    "workbench.planner.expressions": "pglast's parse tree as JSON",
    "workbench.fragments": "pglast's parse tree as JSON, and snapshot columns holding JSON lists",
    "workbench.snapshotcheck": "snapshot columns holding JSON lists (their shape checked)",
    "workbench.planner.context": "catalog columns holding JSON lists",
    "workbench.dependencies": "catalog columns holding JSON lists (pg_depend)",
    "workbench.present.drift_report": "plotly's figure JSON (figure_bundle)",
    "workbench.aside": "a forked child's result over its pipe, written by the child (aside.run), no file",
}


def json_decoders() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "scenarios" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("load", "loads")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "json"):
                found[module_name(path)] = found.get(module_name(path), 0) + 1
    return found


def test_one_reader_per_file_format():
    assert set(json_decoders()) == set(JSON_DECODERS)
    # and the readers a notebook uses are those: no second reader of an apply log or a verify result
    from workbench.present import migration_plan

    source = (PACKAGE / "present" / "migration_plan.py").read_text()
    assert "from workbench.apply import read_log" in source and "from workbench.verify import read_result" in source
    assert migration_plan.read_apply_log.__module__ == "workbench.present.migration_plan"


def test_the_readme_maps_each_format_to_its_module():
    readme = (REPO / "README.md").read_text()
    for needle in ("compare.write_differences", "verify.write_result", "planner.write_plan_dir",
                   "Snapshot.save", "apply.read_log", "present.text.drift_report"):
        assert needle in readme, needle


# What the commands that answer on a terminal must not load: pandas and numpy alone cost about
# 0.35 s of every run, sqlalchemy is for notebooks' ad-hoc queries (workbench.connect.engine()).
HEAVY_LIBRARIES = ("pandas", "numpy", "sqlalchemy", *DISPLAY_LIBRARIES)


def test_diff_plan_and_snapshot_commands_load_no_pandas(seedscale_pair, tmp_path):
    """`workbench diff` (both formats), `plan` (files and --print) and `snapshot` on the seedscale
    pair, in one interpreter: each command's work done, none of them imports pandas, numpy,
    sqlalchemy or a display library (their import is a fixed cost the CLI does not pay)."""
    legacy, current = seedscale_pair["legacy"], seedscale_pair["current"]
    runs = [["diff", legacy, current, "--format", "json"], ["diff", legacy, current],
            ["plan", legacy, current, "--out", str(tmp_path / "plan"), "--no-validate"],
            ["plan", legacy, current, "--print", "--no-validate"],
            ["snapshot", legacy, "-o", str(tmp_path / "legacy.json")], ["diff", str(tmp_path / "legacy.json"), current]]
    code = ("import contextlib, io, json, sys\n"
            "from workbench.cli import main\n"
            "codes, loaded = [], []\n"
            f"for argv in {runs!r}:\n"
            "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "        codes.append(main(argv))\n"
            "    codes.append(len(out.getvalue()) > 1000)\n"
            f"    loaded.append(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY_LIBRARIES!r})))\n"
            "print(json.dumps({'codes': codes, 'loaded': loaded}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # drift found (1), plans written (0), output of substance: the work was done, not skipped
    assert report["codes"] == [1, True, 1, True, 0, True, 0, True, 0, False, 1, True]
    assert (tmp_path / "plan" / "plan.json").exists() and (tmp_path / "legacy.json").exists()
    assert report["loaded"] == [[]] * len(runs)


def test_showing_names_loads_no_planner():
    """What `workbench diff` imports to compare and show names loads nothing of the planner (its
    per-kind builders and pglast's parse trees cost about a tenth of a second of every run):
    names are escaped by workbench.escapes, outside the planner package."""
    code = ("import sys\n"
            "import workbench.cli, workbench.compare, workbench.present.text, workbench.sides, workbench.store\n"
            "print(sorted(m for m in sys.modules if m.startswith(('workbench.planner', 'pglast'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
