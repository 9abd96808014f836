"""The project as a newcomer meets it: README, dependencies, entry points."""
from __future__ import annotations

import re
import tomllib

from conftest import REPO, workbench_cli


def test_environment_yml_lists_the_pyproject_dependencies():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (REPO / "environment.yml").read_text().splitlines()
    pip_section = [line.strip()[2:].strip() for line in lines[lines.index("  - pip:") + 1:] if line.strip().startswith("- ")]
    assert sorted(pip_section) == sorted(pyproject)


def test_readme_starts_with_the_two_commands():
    head = (REPO / "README.md").read_text().splitlines()[:8]
    text = "\n".join(head)
    assert re.search(r"^make demo\b", text, re.M) and re.search(r"^make test\b", text, re.M)


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_console_script_is_declared():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"workbench": "workbench.cli:run"}
    assert workbench_cli("diff", "--help").returncode == 0


def test_catalog_sql_files_match_the_registry():
    from workbench.kinds import KINDS
    files = {p.stem for p in (REPO / "workbench" / "catalog").glob("*.sql")}
    assert files == set(KINDS) | {"census"}          # census.sql: what no kind models (census.py)
