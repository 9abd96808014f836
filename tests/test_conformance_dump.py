"""The migra corpus round trips judged by the independent oracle, owners and grants included: b.sql
is the source, a.sql (+ additions.sql) the target, planned with drops allowed, `--with-owners` and
`--with-privileges`, applied, and then `pg_dump -s` of the migrated target (OWNER TO and GRANT
lines kept) must equal that of the source. The pairs whose dumps still differ are listed in
NOT_EQUAL with what the dumps show (strict xfail: a pair that becomes equal must leave the list).
A case scoped to a schema (cases.json `schema` / `exclude_schema`) is dumped with the same scope.
"""
from __future__ import annotations

import pytest

from conftest import CONFORMANCE, conformance, conformance_cases, load_file
from oracle import DumpOptions, differences, schema_of
from test_conformance import ICU_CASES, ensure_role, options as case_options
from test_roundtrip import CASE_SPECS
from workbench.apply import apply
from workbench.compare import CompareOptions, compare
from workbench.planner import PlanOptions, plan, write_plan_dir
from workbench.snapshot import capture

NOT_EQUAL: dict[str, str] = {}


def _params():
    for case in conformance_cases():
        reason = NOT_EQUAL.get(case)
        yield pytest.param(case, id=case, marks=[pytest.mark.xfail(reason=reason, strict=True)] if reason else [])


@conformance
@pytest.mark.parametrize("case", list(_params()))
def test_conformance_dump_equal_with_owners_and_privileges(case, pg, request, tmp_path):
    server = request.getfixturevalue("pg15") if case in ICU_CASES else pg
    ensure_role(server.dsn("postgres"))
    source, target = server.dsn(server.create_database()), server.dsn(server.create_database())
    load_file(source, CONFORMANCE / case / "b.sql")
    load_file(target, CONFORMANCE / case / "a.sql")
    if (CONFORMANCE / case / "additions.sql").read_text().strip():
        load_file(target, CONFORMANCE / case / "additions.sql")
    opts = case_options(case)
    compare_options = CompareOptions(schemas=tuple(opts["schemas"]), exclude_schemas=tuple(opts["exclude_schemas"]),
                                     ignore_extension_versions=opts["ignore_extension_versions"], with_owners=True)
    drift = compare(capture(source), capture(target), compare_options)
    result = plan(drift, PlanOptions(allow_drops=True, with_privileges=True))
    write_plan_dir(result, tmp_path, drift)
    applied = apply(tmp_path, target)
    assert applied.exit_code == 0, applied.failed
    dump = DumpOptions(owners=True, privileges=True, schemas=tuple(opts["schemas"]),
                       exclude_schemas=tuple(opts["exclude_schemas"]))
    wanted, migrated = schema_of(source, dump), schema_of(target, dump)
    assert wanted == migrated, differences(wanted, migrated)
