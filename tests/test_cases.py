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


class CaseSource:
    """A case's source side, built once for both tests of the case (test_case and the edges-alone
    variant run one after the other on one worker: conftest orders and groups them): nothing
    writes to the source, so its database, its snapshot and its pg_dump -s are the same for both.
    `proven` is what test_case applied and the oracle passed: the target's snapshot before and
    the statements, in order. The source of the case before is dropped when the next case needs its own."""

    def __init__(self, pg):
        self.pg = pg
        self.name: str | None = None
        self.database: str | None = None
        self.snapshot = None
        self.dumps: dict = {}
        self.proven: tuple | None = None

    def dsn(self, name: str) -> str:
        if name != self.name:
            self.drop()
            self.database = self.pg.create_database(f"case_{uuid.uuid4().hex[:10]}")
            text = (CASES / name / "source.sql").read_text()
            if text.strip():
                with psycopg.connect(self.pg.dsn(self.database), autocommit=True) as conn:
                    conn.execute(text)
            self.name, self.snapshot, self.dumps, self.proven = name, None, {}, None
        return self.pg.dsn(self.database)

    def captured(self, name: str):
        source = self.dsn(name)
        if self.snapshot is None:
            self.snapshot = capture(source)
        return self.snapshot

    def schema(self, name: str, options: DumpOptions) -> list[str]:
        source = self.dsn(name)
        if options not in self.dumps:
            self.dumps[options] = schema_of(source, options)
        return self.dumps[options]

    def drop(self) -> None:
        if self.database is not None:
            self.pg.drop_database(self.database)
        self.name = self.database = None


@pytest.fixture(scope="session")
def case_source(pg):
    source = CaseSource(pg)
    yield source
    source.drop()


def _sides(name: str, pg, case_db, case_source) -> tuple[dict, str, str, CompareOptions]:
    """The case's options, its source and target databases, its compare options."""
    options, source, compare_options = _source_side(name, pg, case_source)
    return options, source, case_db((CASES / name / "target.sql").read_text()), compare_options


def _source_side(name: str, pg, case_source) -> tuple[dict, str, CompareOptions]:
    """The case's options, its source database, its compare options."""
    options = case_options(name)
    if options.get("since"):
        with pg.connect() as conn:
            version = int(conn.execute("SHOW server_version_num").fetchone()[0])
        if version < options["since"]:
            pytest.skip(f"needs PostgreSQL server_version_num {options['since']}, the server is {version}")
    ensure_roles(pg, options.get("roles", []))
    source = case_source.dsn(name)
    compare_options = CompareOptions(**{k: tuple(v) if isinstance(v, list) else v
                                        for k, v in options.get("compare", {}).items()})
    return options, source, compare_options


def _apply_and_ask_the_oracle(result, drift, options: dict, name: str, case_source, target: str, plan_dir) -> None:
    """Apply the plan to the target; then pg_dump -s of both sides must agree (but for what the
    case says is residual or kept)."""
    applied = apply(write_plan(result, plan_dir, drift), target)
    assert applied.exit_code == 0, "\n".join(f"{f['sql']}\n  -> {f.get('message')}" for f in applied.failed)
    dump_options = DumpOptions(**options.get("dump", {}))
    wanted, migrated = case_source.schema(name, dump_options), schema_of(target, dump_options)
    residual, kept = options.get("residual", []), options.get("kept", [])
    assert sorted(set(wanted) - set(migrated)) == sorted(residual), differences(wanted, migrated)
    assert sorted(set(migrated) - set(wanted)) == sorted(kept), differences(wanted, migrated)
    assert [s for s in wanted if s not in residual] == [s for s in migrated if s not in kept], \
        "the same statements, a different number of times"


@pytest.mark.parametrize("name", list(_params()))
def test_case(name, pg, case_db, case_source, tmp_path):
    folder = CASES / name
    options, source, target, compare_options = _sides(name, pg, case_db, case_source)
    plan_options = PlanOptions(**options.get("plan", {}))

    source_snapshot, target_snapshot = case_source.captured(name), capture(target)
    drift = compare(source_snapshot, target_snapshot, compare_options)
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

    _apply_and_ask_the_oracle(result, drift, options, name, case_source, target, tmp_path / "plan")
    case_source.proven = (target_snapshot, [s.sql for s in result.statements])
    again = plan(compare(source_snapshot, capture(target), compare_options), plan_options)
    assert again.statements == [], "a second plan is not empty:\n" + render_sql(again.statements)


def _edges_cases():
    for name in case_names():
        options = case_options(name)
        if options.get("xfail") or options.get("empty_plan"):
            continue
        reason = options.get("edges_xfail")
        yield pytest.param(name, id=name, marks=[pytest.mark.xfail(reason=reason, strict=True)] if reason else [])


@pytest.mark.parametrize("name", list(_edges_cases()))
def test_case_ordered_by_edges_alone(name, pg, case_db, case_source, tmp_path, monkeypatch):
    """Order from edges: the builders' statements handed to the sort in the reverse of the order
    they were written still make a plan that applies and leaves the oracle nothing to see, so no
    order rests on the order of writing (the tie-break among ready statements) instead of an edge.
    When the reversed hand-over gives the very statements in the very order that test_case just
    applied and the oracle passed (about 6 cases in 10), that proof stands and the plan is not
    applied a second time; otherwise it is applied to a target of its own and asked of the oracle."""
    from workbench.planner import build
    from workbench.planner.graph import order_statements

    monkeypatch.setattr(build, "order_statements",
                        lambda statements, extra=None: order_statements(statements[::-1], extra))
    options, source, compare_options = _source_side(name, pg, case_source)
    plan_options = PlanOptions(**options.get("plan", {}))
    if case_source.proven is not None:
        target_snapshot, applied = case_source.proven
        reversed_plan = plan(compare(case_source.captured(name), target_snapshot, compare_options), plan_options)
        if [s.sql for s in reversed_plan.statements] == applied:
            return
    target = case_db((CASES / name / "target.sql").read_text())
    drift = compare(case_source.captured(name), capture(target), compare_options)
    _apply_and_ask_the_oracle(plan(drift, plan_options), drift, options, name, case_source, target, tmp_path / "plan")
