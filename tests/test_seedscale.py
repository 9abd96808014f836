"""seedscale scale 1: the CLI's JSON diff equals expected.json, and counts equal its before totals."""
from __future__ import annotations

import json

import psycopg

from importlib import resources

from conftest import workbench_cli
from workbench.snapshot import capture


def test_cli_json_summary_equals_expected(seedscale_pair, seedscale_dir):
    expected = json.loads((seedscale_dir / "expected.json").read_text())
    result = workbench_cli("diff", seedscale_pair["legacy"], seedscale_pair["current"], "--format", "json")
    assert result.returncode == 1, result.stderr          # drift found
    report = json.loads(result.stdout)
    for kind, statuses in expected["diff"].items():
        assert report["summary"][kind] == statuses, kind
    for side, key in (("source", "legacy"), ("target", "current_before")):
        for kind, n in expected["counts"][key].items():
            assert report[side]["counts"][kind] == n, (side, kind)
    listed = {(o["kind"], o["status"]) for o in report["objects"]}
    assert ("constraints", "only_in_source") in listed and ("indexes", "changed") in listed


def test_changed_objects_are_the_scenarios(seedscale_pair, seedscale_dir):
    """Every `changed` object of expected.json is changed here, and nothing else is."""
    from workbench.compare import compare
    from workbench.present.labels import object_name as identity_label

    expected = json.loads((seedscale_dir / "expected.json").read_text())
    drift = compare(capture(seedscale_pair["legacy"]), capture(seedscale_pair["current"]))
    found = {(o["kind"], identity_label(o["kind"], o["identity"])) for o in drift.objects(("changed",))}
    # a function's identity is its argument types, as expected.json spells it
    wanted = {(item["kind"], item["name"]) for item in expected["changed"]}
    assert found == wanted


def test_counts_follow_counts_sql(seedscale_pair):
    """The snapshot's counts equal counts.sql (the counting rule, shipped beside the package's
    seedscale generator) run on the same database."""
    counts_sql = resources.files("workbench.scenarios").joinpath("counts.sql").read_text()
    for dsn in seedscale_pair.values():
        with psycopg.connect(dsn) as conn:
            truth = dict(conn.execute(counts_sql).fetchall())
        counts = capture(dsn).counts
        assert {kind: counts[kind] for kind in truth} == truth
