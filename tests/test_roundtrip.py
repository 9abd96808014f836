"""Plan -> apply -> verify, end to end with workbench.apply: the migra corpus round trips, the
seedscale scenario at scale 1 and 10, and a PostgreSQL 18 source planned onto a 15 target."""
from __future__ import annotations

import json

import pytest

from conftest import CONFORMANCE, conformance, conformance_cases, generate_seedscale, load_file, load_seedscale
from planner_helpers import copy_database
from test_conformance import ICU_CASES, ensure_role, options as case_options
from workbench.apply import apply
from workbench.compare import CompareOptions, compare
from workbench.planner import PlanOptions, plan, write_plan_dir
from workbench.snapshot import capture
from workbench.verify import verify

CASE_SPECS = json.loads((CONFORMANCE / "cases.json").read_text()) if (CONFORMANCE / "cases.json").exists() else {}


def plan_and_apply(source_dsn: str, target_dsn: str, out, compare_options: CompareOptions, **plan_options):
    drift = compare(capture(source_dsn), capture(target_dsn), compare_options)
    result = plan(drift, PlanOptions(**plan_options))
    write_plan_dir(result, out, drift)
    applied = apply(out, target_dsn)
    assert applied.exit_code == 0, applied.failed
    return result


@conformance
@pytest.mark.parametrize("case", conformance_cases())
def test_conformance_round_trip(case, pg, request, tmp_path):
    """b.sql is the source, a.sql (+ additions.sql) the target; after the plan is applied with
    drops allowed, the two compare equal."""
    server = request.getfixturevalue("pg15") if case in ICU_CASES else pg
    ensure_role(server.dsn("postgres"))
    source, target = server.dsn(server.create_database()), server.dsn(server.create_database())
    load_file(source, CONFORMANCE / case / "b.sql")
    load_file(target, CONFORMANCE / case / "a.sql")
    if (CONFORMANCE / case / "additions.sql").read_text().strip():
        load_file(target, CONFORMANCE / case / "additions.sql")
    spec = CASE_SPECS[case]
    opts = case_options(case)
    kinds_skipped = () if spec["with_privileges"] else ("privileges",)
    compare_options = CompareOptions(schemas=tuple(opts["schemas"]), exclude_schemas=tuple(opts["exclude_schemas"]),
                                     ignore_extension_versions=opts["ignore_extension_versions"],
                                     exclude_kinds=kinds_skipped)
    result = plan_and_apply(source, target, tmp_path, compare_options, allow_drops=True,
                            with_privileges=spec["with_privileges"])
    assert result.statements, "a pair that differs needs statements"
    after = compare(capture(source), capture(target), compare_options)
    assert not after.has_drift, after.objects()[:10]


@pytest.fixture(scope="module")
def seedscale10(pg, tmp_path_factory):
    """seedscale scale 10 loaded once for this module."""
    scenario = generate_seedscale(tmp_path_factory.mktemp("seedscale10"), 10)
    dsns = load_seedscale(pg, scenario, "seedscale10")
    dsns["expected"] = json.loads((scenario / "expected.json").read_text())
    return dsns


def _check_add_only(pair: dict, expected: dict, target: str, tmp_path) -> None:
    result = plan_and_apply(pair["legacy"], target, tmp_path, CompareOptions())
    assert {t["trap"] for t in result.traps} == {"unique_constraint_over_existing_index", "constraint_over_retyped_column"}
    verified = verify(pair["legacy"], target)
    assert verified.exit_code == 0, (verified.residual[:5], verified.failed_checks)
    assert (verified.parity["parity_pct"] == 100.0).all()
    counts = capture(target).counts
    assert {k: counts[k] for k in expected["counts"]["current_after"]} == expected["counts"]["current_after"]
    log = json.loads((tmp_path / "apply_log.json").read_text())
    assert log["status"] == "applied" and all(s["status"] == "applied" for s in log["stages"] if s["statements"])


def _check_with_drops(pair: dict, target: str, tmp_path, **options) -> None:
    plan_and_apply(pair["legacy"], target, tmp_path, CompareOptions(), allow_drops=True, **options)
    legacy, after = capture(pair["legacy"]), capture(target)
    assert not compare(legacy, after).has_drift
    assert not compare(after, legacy).has_drift


def test_seedscale1_apply_and_verify(pg, seedscale_pair, seedscale_dir, tmp_path):
    expected = json.loads((seedscale_dir / "expected.json").read_text())
    _check_add_only(seedscale_pair, expected, copy_database(pg, seedscale_pair["current"]), tmp_path)


def test_seedscale1_with_drops_is_identical_both_ways(pg, seedscale_pair, tmp_path):
    _check_with_drops(seedscale_pair, copy_database(pg, seedscale_pair["current"]), tmp_path,
                      concurrently=True, not_valid=True)


def test_seedscale10_apply_and_verify_then_with_drops_identical_both_ways(pg, seedscale10, tmp_path):
    """Scale 10 the way a team would run it: the add-only plan (traps resolved, verify 100%, the
    expected after counts), then a second plan with drops allowed takes away what only the target
    had, and the two databases compare identical both ways. One copy of the scale-10 target for
    both (each costs a minute on the CI machine; scale 1 tests each plan from the start)."""
    target = copy_database(pg, seedscale10["current"])
    _check_add_only(seedscale10, seedscale10["expected"], target, tmp_path / "add_only")
    _check_with_drops(seedscale10, target, tmp_path / "with_drops")


def test_pg18_source_onto_pg15_target(pg15, seedscale_pair, seedscale_dir, tmp_path):
    """legacy on the embedded PostgreSQL 18, current on the system PostgreSQL 15."""
    expected = json.loads((seedscale_dir / "expected.json").read_text())
    target = pg15.dsn(pg15.create_database())
    load_file(target, seedscale_dir / "current.sql")
    _check_add_only(seedscale_pair, expected, target, tmp_path)
