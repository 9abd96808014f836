"""The planner corpus: every folder under tests/cases/ is one case, and this one test runs them all.

A case is `source.sql` (the schema wanted), `target.sql` (the schema to change), `options.json`
and optionally `expected.sql` (the plan's statements, in order) and `hazards.json` (each planned
statement's hazards). The test builds both databases on the session's embedded server, plans,
writes the plan folder, applies it with workbench.apply, and then asks the independent oracle
(tests/oracle.py: `pg_dump -s` of the migrated target against `pg_dump -s` of the source) whether
the two databases are now the same; a second plan must be empty. Adding a case adds no code.

options.json (every key optional but `description`):
    description   what the case is about (one line)
    plan          PlanOptions keywords, e.g. {"allow_drops": true}
    compare       CompareOptions keywords, e.g. {"schemas": ["app"]}
    dump          {"owners": true, "privileges": true}: what of the schema the oracle also compares
    roles         roles the case's SQL uses, made on the server when missing (roles are cluster-wide)
    empty_plan    true when the case expects no statement at all (the plan must then be empty)
    skipped       what the plan must report as deliberately not planned: "KIND LABEL" strings,
                  e.g. "types public.d" (compared with plan.skipped, all of it, when given)
    residual      normalised statements the oracle expects in the source's dump only, and
    kept          ... in the migrated target's only: what the plan deliberately leaves alone
                  (target-only objects without allow_drops, say), the reason in `description`
    xfail         the reason the case is known to fail: a planner bug, reported, not hidden
    edges_xfail   the reason the case fails when ordered by edges alone (statements handed to the
                  sort in reverse): an order that still rests on the order of writing, reported
    since         the server version (server_version_num) the case's SQL needs, e.g. 180000 for
                  NOT NULL ... NO INHERIT: on an older server the case is skipped, saying so

DRIFT_UPDATE_CASES=1 rewrites the expected.sql / hazards.json files that exist from the current
plan (review the git diff: the files are the expectation, not a record).
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from oracle import DumpOptions, differences, schema_of
from workbench.apply import apply
from workbench.compare import CompareOptions, compare
from workbench.kinds import object_label
from workbench.pipeline import write_plan
from workbench.planner import PlanOptions, plan
from workbench.snapshot import capture

CASES = Path(__file__).parent / "cases"
CASE_KEYS = {"description", "plan", "compare", "dump", "roles", "empty_plan", "skipped", "residual", "kept", "xfail", "edges_xfail",
             "since"}
UPDATE = os.environ.get("DRIFT_UPDATE_CASES") == "1"


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if (p / "source.sql").exists())


def case_options(name: str) -> dict:
    options = json.loads((CASES / name / "options.json").read_text())
    unknown = set(options) - CASE_KEYS
    assert not unknown, f"{name}/options.json: unknown keys {sorted(unknown)}"
    assert options.get("description"), f"{name}/options.json: a case says what it is about"
    return options


def _params():
    for name in case_names():
        reason = case_options(name).get("xfail")
        yield pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=reason, strict=True)] if reason else [])


def render_sql(statements) -> str:
    """expected.sql's form: each statement, `;` and a newline, a `-- stage` line at each new stage."""
    lines, stage = [], None
    for statement in statements:
        if statement.stage != stage:
            stage = statement.stage
            lines.append(f"-- {stage}")
        lines.append(f"{statement.sql};")
    return "\n".join(lines) + "\n"


def skipped_labels(result) -> list[str]:
    """plan.skipped as "KIND LABEL" strings (the label as listings show it: kinds.object_label)."""
    return [f"{entry['kind']} {object_label(entry['kind'], tuple(entry['identity'].values()))}" for entry in result.skipped]


def ensure_roles(pg, roles) -> None:
    with pg.connect() as conn:
        for role in roles:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {}").format(sql.Identifier(role)))


@pytest.fixture
def case_db(pg):
    """Factory: case_db(sql_text) -> DSN of a new database built from the text; dropped after."""
    made = []

    def make(text: str) -> str:
        name = pg.create_database(f"case_{uuid.uuid4().hex[:10]}")
        made.append(name)
        dsn = pg.dsn(name)
        if text.strip():
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(text)
        return dsn

    yield make
    for name in made:
        pg.drop_database(name)


def _sides(name: str, pg, case_db) -> tuple[dict, str, str, CompareOptions]:
    """The case's options, its source and target databases, its compare options."""
    folder = CASES / name
    options = case_options(name)
    if options.get("since"):
        with pg.connect() as conn:
            version = int(conn.execute("SHOW server_version_num").fetchone()[0])
        if version < options["since"]:
            pytest.skip(f"needs PostgreSQL server_version_num {options['since']}, the server is {version}")
    ensure_roles(pg, options.get("roles", []))
    source = case_db((folder / "source.sql").read_text())
    target = case_db((folder / "target.sql").read_text())
    compare_options = CompareOptions(**{k: tuple(v) if isinstance(v, list) else v
                                        for k, v in options.get("compare", {}).items()})
    return options, source, target, compare_options


def _apply_and_ask_the_oracle(result, drift, options: dict, source: str, target: str, plan_dir) -> None:
    """Apply the plan to the target; then pg_dump -s of both sides must agree (but for what the
    case says is residual or kept)."""
    applied = apply(write_plan(result, plan_dir, drift), target)
    assert applied.exit_code == 0, "\n".join(f"{f['sql']}\n  -> {f.get('message')}" for f in applied.failed)
    dump_options = DumpOptions(**options.get("dump", {}))
    wanted, migrated = schema_of(source, dump_options), schema_of(target, dump_options)
    residual, kept = options.get("residual", []), options.get("kept", [])
    assert sorted(set(wanted) - set(migrated)) == sorted(residual), differences(wanted, migrated)
    assert sorted(set(migrated) - set(wanted)) == sorted(kept), differences(wanted, migrated)
    assert [s for s in wanted if s not in residual] == [s for s in migrated if s not in kept], \
        "the same statements, a different number of times"


@pytest.mark.parametrize("name", list(_params()))
def test_case(name, pg, case_db, tmp_path):
    folder = CASES / name
    options, source, target, compare_options = _sides(name, pg, case_db)
    plan_options = PlanOptions(**options.get("plan", {}))

    source_snapshot = capture(source)
    drift = compare(source_snapshot, capture(target), compare_options)
    # every object of the case is of a kind the registry models (the census names none), but the
    # kinds a case says are skipped (the unmodelled examples)
    allowed = {entry.split(" ", 1)[0] for entry in options.get("skipped", [])}
    for side, snapshot in (("source", drift.source), ("target", drift.target)):
        unmodeled = {kind: names for kind, names in (snapshot.census.unmodeled() if snapshot.census else {}).items()
                     if kind not in allowed}
        assert not unmodeled, f"the {side} holds objects no kind models: {unmodeled}"
    result = plan(drift, plan_options)
    if options.get("empty_plan"):
        assert result.statements == [], render_sql(result.statements)
    else:
        assert result.statements, "the case plans nothing: it tests nothing (say empty_plan if meant)"

    if "skipped" in options:
        assert sorted(skipped_labels(result)) == sorted(options["skipped"])

    expected_sql, hazards_file = folder / "expected.sql", folder / "hazards.json"
    hazards = {s.sql: sorted(s.hazards) for s in result.statements}
    if UPDATE:
        if expected_sql.exists():
            expected_sql.write_text(render_sql(result.statements))
        if hazards_file.exists():
            hazards_file.write_text(json.dumps(hazards, indent=2, ensure_ascii=False) + "\n")
    if expected_sql.exists():
        assert render_sql(result.statements) == expected_sql.read_text()
    if hazards_file.exists():
        assert hazards == json.loads(hazards_file.read_text())

    _apply_and_ask_the_oracle(result, drift, options, source, target, tmp_path / "plan")
    again = plan(compare(source_snapshot, capture(target), compare_options), plan_options)
    assert again.statements == [], "a second plan is not empty:\n" + render_sql(again.statements)


def _edges_cases():
    for name in case_names():
        options = case_options(name)
        if options.get("xfail") or options.get("empty_plan"):
            continue
        reason = options.get("edges_xfail")
        yield pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=reason, strict=True)] if reason else [])


@pytest.mark.parametrize("name", _edges_cases())
def test_case_ordered_by_edges_alone(name, pg, case_db, tmp_path, monkeypatch):
    """Order from edges: the builders' statements handed to the sort in the reverse of the order
    they were written still make a plan that applies and leaves the oracle nothing to see, so no
    order rests on the order of writing (the tie-break among ready statements) instead of an edge."""
    from workbench.planner import build
    from workbench.planner.graph import order_statements

    monkeypatch.setattr(build, "order_statements",
                        lambda statements, extra=None: order_statements(statements[::-1], extra))
    options, source, target, compare_options = _sides(name, pg, case_db)
    drift = compare(capture(source), capture(target), compare_options)
    _apply_and_ask_the_oracle(plan(drift, PlanOptions(**options.get("plan", {}))), drift, options, source, target,
                              tmp_path / "plan")
