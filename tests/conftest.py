"""Fixtures: one embedded PostgreSQL 18 per test session, a fresh database per test, and the
system PostgreSQL 15 (127.0.0.1:5432) for cross-version tests when it is reachable."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from workbench import sandbox

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DRIFT_SHARED", REPO.parent / "shared"))
CONFORMANCE = SHARED / "conformance" / "migra"
PG15_DSN = os.environ.get("DRIFT_PG15_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
CONFORMANCE_CASES = (sorted(json.loads((CONFORMANCE / "cases.json").read_text()))
                     if (CONFORMANCE / "cases.json").exists() else [])
NO_CORPUS = "(no migra corpus)"
# the migra conformance corpus is the peer's, in ../shared (not in a user's clone): tests over it
# are parametrized with conformance_cases() and marked `conformance`; without the corpus they are
# left out and the run says so in one line of its summary (pytest_terminal_summary below)
conformance = pytest.mark.conformance


def conformance_cases() -> list[str]:
    return CONFORMANCE_CASES or [NO_CORPUS]


def pytest_collection_modifyitems(config, items):
    _pair_the_corpus_cases(items)
    _group_module_fixture_users(items)
    if CONFORMANCE_CASES:
        return
    left_out = [item for item in items if item.get_closest_marker("conformance")]
    if left_out:
        items[:] = [item for item in items if not item.get_closest_marker("conformance")]
        config.hook.pytest_deselected(items=left_out)
        config._drift_conformance_left_out = sorted({item.originalname for item in left_out})


def pytest_sessionfinish(session):
    """A test worker (pytest-xdist) hands what it left out to the controller, which prints it."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["drift_conformance_left_out"] = getattr(
            session.config, "_drift_conformance_left_out", [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    left_out = getattr(node, "workeroutput", {}).get("drift_conformance_left_out", [])
    config = node.config
    config._drift_conformance_left_out = sorted({*getattr(config, "_drift_conformance_left_out", []), *left_out})


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left_out = getattr(config, "_drift_conformance_left_out", [])
    if left_out:
        terminalreporter.write_line(f"migra conformance corpus not found at {CONFORMANCE} (the peer corpus in "
                                    f"../shared; DRIFT_SHARED points elsewhere): not run: {', '.join(left_out)}",
                                    yellow=True)


def _pair_the_corpus_cases(items) -> None:
    """test_cases.py's two tests of one case run one after the other on one worker (they share the
    case's source side: test_cases.CaseSource), in the order of the cases."""
    corpus = [i for i, item in enumerate(items) if item.module.__name__ == "test_cases"
              and "name" in getattr(getattr(item, "callspec", None), "params", {})]
    if not corpus:
        return
    ordered = sorted((items[i] for i in corpus), key=lambda item: item.callspec.params["name"])
    for item in ordered:
        item.add_marker(pytest.mark.xdist_group(f"case-{item.callspec.params['name']}"))
    for i, item in zip(corpus, ordered):
        items[i] = item


def _group_module_fixture_users(items) -> None:
    """`make test` runs the suite on every core (pytest-xdist, --dist loadgroup): the tests that
    share a module-scoped fixture (a scale-10 pair, a rendered report, fifty fleet databases) go to
    one worker, so the fixture is built once instead of once per worker; every other test goes
    wherever a worker is free. The tests on the system PostgreSQL 15 (one server for all workers:
    cluster-wide roles, "no scratch database left" checks) go to one worker, one after another."""
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        if "pg15" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("pg15"))
        elif any(definition.scope == "module" for definitions in info.name2fixturedefs.values()
               for definition in definitions):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture(scope="session")
def pg() -> sandbox.Server:
    """The session's embedded PostgreSQL 18."""
    server = sandbox.start()
    yield server
    server.stop()


@pytest.fixture
def db(pg) -> str:
    """DSN of a fresh, empty database on the embedded server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg.create_database(name)
    yield pg.dsn(name)
    pg.drop_database(name)


@pytest.fixture
def make_db(pg):
    """Factory: make_db(sql=None) -> DSN of a new database, loaded with `sql` when given."""
    made = []

    def make(sql: str | None = None, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        pg.create_database(name)
        made.append(name)
        dsn = pg.dsn(name)
        if sql:
            run_sql(dsn, sql)
        return dsn

    yield make
    for name in made:
        pg.drop_database(name)


def run_sql(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


class SystemServer:
    """The system PostgreSQL 15, with scratch databases like the sandbox's."""

    def __init__(self, dsn: str):
        self.admin_dsn = dsn
        self.made: list[str] = []

    def dsn(self, name: str) -> str:
        return self.admin_dsn.rsplit("/", 1)[0] + "/" + name

    def create_database(self, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return name

    def drop_all(self) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            for name in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg15() -> SystemServer:
    """The system PostgreSQL 15 server, or a skip that says why it is not used."""
    try:
        with psycopg.connect(PG15_DSN, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version_num").fetchone()[0]
    except psycopg.Error as error:
        pytest.skip(f"system PostgreSQL at {PG15_DSN} is not reachable: {str(error).strip().splitlines()[-1]}")
    if not version.startswith("15"):
        pytest.skip(f"system PostgreSQL at {PG15_DSN} is version {version}, not 15")
    server = SystemServer(PG15_DSN)
    yield server
    server.drop_all()


def load_file(dsn: str, path: Path) -> None:
    """Load a SQL file with the bundled psql, stopping at the first error."""
    result = subprocess.run([str(sandbox.binaries_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                             "-d", dsn, "-f", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"loading {path} failed: {result.stderr[-500:]}")


def generate_seedscale(out: Path, scale: int) -> Path:
    """seedscale output (legacy.sql, current.sql, after.sql, expected.json) at a scale, from the
    package's own generator (workbench/scenarios/seedscale.py), so a fresh clone runs every test."""
    subprocess.run([sys.executable, "-m", "workbench.scenarios.seedscale", "--scale", str(scale), "--out", str(out)],
                   check=True, capture_output=True)
    return out


def load_seedscale(server, scenario: Path, prefix: str) -> dict:
    """PREFIX_legacy and PREFIX_current, made anew on the server from a scenario directory."""
    dsns = {}
    for side in ("legacy", "current"):
        name = f"{prefix}_{side}"
        server.drop_database(name)
        server.create_database(name)
        load_file(server.dsn(name), scenario / f"{side}.sql")
        dsns[side] = server.dsn(name)
    return dsns


@pytest.fixture(scope="session")
def seedscale_dir(tmp_path_factory) -> Path:
    """seedscale.py scale 1 output (legacy.sql, current.sql, after.sql, expected.json)."""
    return generate_seedscale(tmp_path_factory.mktemp("seedscale1"), 1)


@pytest.fixture(scope="session")
def seedscale_pair(pg, seedscale_dir) -> dict:
    """legacy and current of seedscale scale 1 loaded once per session; do not modify them."""
    return load_seedscale(pg, seedscale_dir, "seedscale")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by playwright (no browser download), or one clear skip line."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def workbench_cli(*args: str, env: dict | None = None, input: str | None = None,
                  cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the `workbench` command as a separate process, as a user would. `plan` and `report`
    run with --no-validate unless the test says --validate: shadow validation (an embedded server
    of its own, the plan applied there) is tested in test_validate.py, and other tests of `plan`
    and `report` test what they write, which validation leaves as it is (it adds plan.json's
    `validation` entry)."""
    if args and args[0] in ("plan", "report") and "--validate" not in args and "--no-validate" not in args:
        args = (*args, "--no-validate")
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=input, timeout=600, cwd=cwd)
