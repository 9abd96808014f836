"""ICU collations (the embedded PostgreSQL 18 has no ICU: these run on the system PostgreSQL 15,
and skip with the reason when it is not reachable). libc and builtin collations are corpus cases
(tests/cases/collations_*)."""
from __future__ import annotations

import psycopg

from planner_helpers import run_stage_files
from workbench.compare import compare
from workbench.planner import plan, write_plan_dir
from workbench.snapshot import capture

ICU = """
CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');
CREATE COLLATION "Case Blind" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE t (a text, b text COLLATE numeric, c text COLLATE "Case Blind");
"""


def test_icu_collations_are_created_before_their_columns_and_round_trip(pg15, tmp_path):
    source, target = pg15.dsn(pg15.create_database()), pg15.dsn(pg15.create_database())
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(ICU)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (a text)")
    drift = compare(capture(source), capture(target))
    assert {o["identity"]["name"] for o in drift.objects(("only_in_source",)) if o["kind"] == "collations"} == {
        "numeric", "Case Blind"}
    result = plan(drift)
    collations = [s for s in result.statements if s.kind == "collations"]
    assert [s.sql for s in collations] == [
        "CREATE COLLATION public.\"Case Blind\" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
        'CREATE COLLATION public."numeric" (provider = icu, locale = \'en-u-kn-true\')']
    assert {s.stage for s in collations} == {"stage00_prerequisites"}
    write_plan_dir(result, tmp_path, drift)
    run_stage_files(tmp_path, target)
    after = compare(capture(source), capture(target))
    assert not after.has_drift, after.objects(("only_in_source", "only_in_target", "changed"))
    with psycopg.connect(target) as conn:            # the nondeterministic collation works as made
        assert conn.execute("SELECT 'ABC' = 'abc' COLLATE \"Case Blind\"").fetchone()[0] is True
