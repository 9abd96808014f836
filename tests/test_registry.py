"""One place per kind: the kinds registry and the planner's builders agree at import, and each
kind's DROP statement is written in its own builder module only."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.kinds import KINDS
from workbench.planner.kinds import BUILDERS, RegistryError, builder
from workbench.planner.kinds.base import Builder, check_registry
from workbench.planner.model import STAGE_NAMES

PLANNER = Path(__file__).resolve().parent.parent / "workbench" / "planner"


def _import_after(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code + "\nimport workbench.planner\n"], capture_output=True,
                          text=True, timeout=120)


def test_a_registered_kind_without_a_builder_stops_the_import_naming_it():
    result = _import_after("import workbench.kinds as k\n"
                           "k.KINDS['gizmos'] = k.Kind('gizmos', ('schema', 'name'), (), stage='stage00_prerequisites')")
    assert result.returncode != 0
    assert "RegistryError: kind gizmos has no builder" in result.stderr


def test_a_kind_with_two_builders_is_refused_naming_it():
    from workbench.planner.kinds.base import builds

    with pytest.raises(RegistryError, match="kind tables has two builders: Tables and Second"):
        @builds
        class Second(Builder):
            kind = "tables"
    assert type(BUILDERS["tables"]).__name__ == "Tables"          # the first one stays


def test_every_kind_has_one_builder_and_a_stage():
    assert set(BUILDERS) == set(KINDS)
    check_registry(KINDS, BUILDERS, STAGE_NAMES)
    with pytest.raises(RegistryError, match="builder for ghosts, which is not a registered kind"):
        check_registry(KINDS, {**BUILDERS, "ghosts": Builder()}, STAGE_NAMES)


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("comments", "privileges", "default_privileges")])
def test_each_kind_writes_its_drop_sql_that_parses(kind):
    from pglast.parser import split

    identity = tuple(f"x{i}" for i in range(len(KINDS[kind].identity)))
    if kind == "operators":                      # an operator's name is a symbol
        identity = ("x0", "===", "x2", "x3")
    row = {"type_kind": "enum", "function_kind": "function"}
    sql = builder(kind).drop_sql(identity, row)
    assert len(split(sql)) == 1 and ("DROP" in sql)


def _string_constants(path: Path) -> list[str]:
    """The string literals of a module that can reach SQL (docstrings left out; an f-string as one)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node)}
    docstrings |= {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found = []
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append("".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)))
    return found


@pytest.mark.parametrize("words", ["DROP TRIGGER", "DROP CONSTRAINT", "DROP INDEX", "DROP TABLE",
                                   "DROP SEQUENCE", "DROP POLICY", "DROP COLUMN", "DROP SCHEMA", "DROP EXTENSION"])
def test_each_drop_statement_is_written_in_one_module(words):
    """(A domain's DROP CONSTRAINT is the domain's own: ALTER DOMAIN, in types.py; a publication's
    DROP TABLE(S) takes a table out of it: ALTER PUBLICATION, in publications.py and publication_tables.py.)"""
    writers = sorted(path.relative_to(PLANNER).as_posix() for path in PLANNER.rglob("*.py")
                     if any(words in text and "ALTER DOMAIN" not in text and "ALTER PUBLICATION" not in text
                            for text in _string_constants(path)))
    assert len(writers) == 1 and writers[0].startswith("kinds/"), writers
