"""Typed, loud contracts: the public functions have real signatures, errors are WorkbenchError
subclasses that carry their data, and a planner failure names the kind and the object."""
from __future__ import annotations

import inspect

import psycopg
import pytest

import workbench
from workbench.compare import compare
from workbench.errors import PlannerBug, StalePlan, StatementFailed, WorkbenchError
from workbench.planner import PlanOptions, Statement, plan
from workbench.planner.graph import order_statements
from workbench.planner.kinds import BUILDERS
from workbench.snapshot import capture


@pytest.mark.parametrize("name", workbench.__all__)
def test_public_functions_have_real_signatures(name):
    value = getattr(workbench, name)
    if isinstance(value, type):
        assert issubclass(value, WorkbenchError)
        return
    parameters = inspect.signature(value).parameters.values()
    assert all(p.kind is not inspect.Parameter.VAR_KEYWORD for p in parameters), name
    assert all(p.annotation is not inspect.Parameter.empty for p in parameters), name
    assert inspect.signature(value).return_annotation is not inspect.Signature.empty, name


def test_options_or_keywords_not_both(make_db):
    drift = workbench.diff(make_db("CREATE TABLE t (a int)"), make_db(), kinds=["tables"])
    assert list(drift.frames) == ["tables"]
    assert workbench.plan(drift, allow_drops=True).options["allow_drops"] is True
    with pytest.raises(WorkbenchError, match="not both"):
        workbench.plan(drift, PlanOptions(), allow_drops=True)


def test_a_changed_target_raises_stale_plan_with_both_fingerprints(make_db, tmp_path):
    source, target = make_db("CREATE TABLE t (a int)"), make_db()
    planned = workbench.plan(workbench.diff(source, target))
    workbench.write_plan_dir(planned, tmp_path)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE meanwhile (b int)")
    with pytest.raises(StalePlan) as raised:
        workbench.apply_plan(tmp_path, target)
    assert raised.value.planned == planned.target_fingerprint
    assert raised.value.found and raised.value.found != raised.value.planned
    assert raised.value.target and isinstance(raised.value, WorkbenchError)          # still exit 2 in the CLI


def test_a_failed_statement_raises_statement_failed_with_check(make_db, tmp_path):
    source = make_db("CREATE TABLE t (a int NOT NULL)")
    target = make_db("CREATE TABLE t (a int); INSERT INTO t VALUES (NULL)")
    workbench.write_plan_dir(workbench.plan(workbench.diff(source, target)), tmp_path)
    assert workbench.apply_plan(tmp_path, target, rehearse=True).exit_code == 1      # no check: an exit code
    with pytest.raises(StatementFailed) as raised:
        workbench.apply_plan(tmp_path, target, rehearse=True, check=True)
    assert raised.value.sqlstate == "23502" and raised.value.stage == "stage03_columns"
    assert "columns:public.t.a" in raised.value.statement_id


def test_a_failing_builder_is_a_planner_bug_naming_kind_and_object(make_db, monkeypatch):
    drift = compare(capture(make_db("CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t")),
                    capture(make_db("CREATE TABLE t (a int)")))

    def broken(ctx, row):
        raise KeyError("definition")

    monkeypatch.setattr(BUILDERS["views"], "create", broken)
    with pytest.raises(PlannerBug, match=r"the views builder failed on public\.v: KeyError") as raised:
        plan(drift)
    assert (raised.value.kind, raised.value.label) == ("views", "public.v")


def test_a_dependency_cycle_names_its_objects():
    one = Statement("stage05_views", "views", {"schema": "s", "name": "a"}, "create", "SELECT 1", id="a",
                    depends_on=("b",))
    two = Statement("stage05_views", "views", {"schema": "s", "name": "b"}, "create", "SELECT 1", id="b",
                    depends_on=("a",))
    with pytest.raises(PlannerBug, match=r"cycle between create views s\.(a|b) -> create views s\.(a|b)"):
        order_statements([one, two])


def test_mypy_is_strict_over_the_whole_package():
    """make test runs mypy as pyproject.toml configures it: strict, and no override of the
    package's own modules (relaxed rules or ignored errors) that would make a part of it unchecked."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True and config["files"] == ["workbench"]
    own = [override for override in config.get("overrides", [])
           if any(module == "workbench" or module.startswith("workbench.") for module in override["module"])]
    assert own == []
