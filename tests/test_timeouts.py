"""Catalog reads never hang behind a lock: introspection sets lock_timeout and statement_timeout
(configurable), the message says which fired and on what, and apply's fingerprint pre-check
honours --lock-timeout."""
from __future__ import annotations

import time

import psycopg
import pytest

from conftest import workbench_cli
from workbench import connect
from workbench.errors import WorkbenchError
from workbench.snapshot import capture

SCHEMA = "CREATE TABLE t (id int PRIMARY KEY, v text); CREATE VIEW tv AS SELECT id FROM t"
# a bound far below what the reads would otherwise wait (the statement timeout, 60 s or 10 min)
BOUND_S = 30


@pytest.fixture
def locked(make_db):
    """A database whose table t another session holds in ACCESS EXCLUSIVE mode (as a long
    ALTER TABLE would): reading the view's definition waits on it."""
    dsn = make_db(SCHEMA)
    holder = psycopg.connect(dsn)
    holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
    yield dsn
    holder.rollback()
    holder.close()


def test_introspection_gives_up_on_a_held_lock(locked):
    started = time.monotonic()
    with pytest.raises(WorkbenchError, match=r"^lock_timeout \(700 ms\) fired reading the views of "
                                             r"postgresql://.*: another session holds a lock that read waits on "
                                             r"\(AccessExclusiveLock on t held by pid \d+\)"):
        capture(locked, timeouts=connect.Timeouts(statement_ms=600_000, lock_ms=700))
    assert time.monotonic() - started < BOUND_S
    with pytest.raises(WorkbenchError, match=r"^statement_timeout \(900 ms\) fired reading the views of .*"
                                             r"raise WORKBENCH_STATEMENT_TIMEOUT_MS"):
        capture(locked, timeouts=connect.Timeouts(statement_ms=900, lock_ms=0))


def test_timeouts_come_from_the_environment(locked):
    result = workbench_cli("diff", locked, locked, env={"WORKBENCH_LOCK_TIMEOUT_MS": "800",
                                                        "WORKBENCH_STATEMENT_TIMEOUT_MS": "600000"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: lock_timeout (800 ms) fired reading the views of "), lines
    assert "raise WORKBENCH_LOCK_TIMEOUT_MS" in lines[0]
    bad = workbench_cli("diff", locked, locked, env={"WORKBENCH_LOCK_TIMEOUT_MS": "soon"})
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "error: WORKBENCH_LOCK_TIMEOUT_MS='soon': give milliseconds (0 for none)")
    session = connect.connect(locked, timeouts=connect.Timeouts(statement_ms=1234, lock_ms=567))
    with session:
        assert session.execute("SHOW lock_timeout").fetchone()[0] == "567ms"
        assert session.execute("SHOW statement_timeout").fetchone()[0] == "1234ms"


def test_apply_precheck_honours_lock_timeout(make_db, tmp_path):
    source = make_db(SCHEMA + "; CREATE TABLE extra (id int)")
    target = make_db(SCHEMA)
    assert workbench_cli("plan", source, target, "--out", str(tmp_path)).returncode == 0
    holder = psycopg.connect(target)
    try:
        holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = workbench_cli("apply", str(tmp_path), target, "--lock-timeout", "1000")
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: lock_timeout (1000 ms) fired reading the views of "), lines
    assert "raise --lock-timeout" in lines[0]
    assert elapsed < BOUND_S
    with psycopg.connect(target) as conn:          # nothing was applied
        assert conn.execute("SELECT to_regclass('public.extra')").fetchone()[0] is None
    assert workbench_cli("apply", str(tmp_path), target).returncode == 0       # the lock gone: it applies
