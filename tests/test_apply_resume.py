"""An apply stopped from outside (SIGKILL, Ctrl-C) resumes with a plain rerun: the target is
checked against the fingerprint recorded after the last committed stage, not waved through with
--force; --force stays the explicit override."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from conftest import REPO, run_sql, workbench_cli

SOURCE = "CREATE TABLE t (a int CHECK (a > 0)); CREATE TABLE other (id int); INSERT INTO t VALUES (1)"
TARGET = "CREATE TABLE t (a int); INSERT INTO t VALUES (1)"


def interruptible() -> None:
    """In the child: SIGINT as on a terminal (a background job inherits it ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def query(dsn: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(condition, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def apply_backends(dsn: str) -> list[tuple]:
    return query(dsn, "SELECT pid, wait_event_type FROM pg_stat_activity WHERE application_name = 'drift-workbench' "
                      "AND datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")


def own_log(plan_dir) -> dict | None:
    logs = list((plan_dir / "apply_logs").glob("*.json"))
    return json.loads(logs[0].read_text()) if logs else None


def stage(log: dict, name: str) -> dict:
    return next(s for s in log["stages"] if s["name"] == name)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_stopped_apply_resumes_without_force(make_db, tmp_path, sig):
    source, target = make_db(SOURCE), make_db(TARGET)
    plan_dir = tmp_path / "plan"
    assert workbench_cli("plan", source, target, "--out", str(plan_dir)).returncode == 0
    holder = psycopg.connect(target)
    holder.execute("LOCK TABLE t IN SHARE MODE")          # stage08's ADD CONSTRAINT waits on it
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "apply", str(plan_dir), target,
                                "--lock-timeout", "600000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, preexec_fn=interruptible)
    try:
        wait_for(lambda: (own_log(plan_dir) or {}).get("stages") and
                 stage(own_log(plan_dir), "stage02_tables")["status"] == "applied", "stage02 to commit")
        wait_for(lambda: any(w == "Lock" for _, w in apply_backends(target)), "the apply to wait on the lock")
        process.send_signal(sig)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        holder.rollback()
        holder.close()
    wait_for(lambda: not apply_backends(target), "the killed apply's session to end")
    stopped = own_log(plan_dir)
    assert stopped["status"] == ("running" if sig == signal.SIGKILL else "interrupted")
    assert stopped["target_fingerprint_after"] is None
    assert stage(stopped, "stage02_tables")["fingerprint_after"]
    assert query(target, "SELECT to_regclass('public.other') IS NOT NULL") == [(True,)]   # stage02 committed
    assert query(target, "SELECT count(*) FROM pg_constraint WHERE conname = 't_a_check'") == [(0,)]

    rerun = workbench_cli("apply", str(plan_dir), target)              # no --force
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    resumed = own_log(plan_dir)
    assert resumed["fingerprint_check"] == "matches_committed_stages"
    assert resumed["resumed_from"]["status"] == stopped["status"]
    assert stage(resumed, "stage02_tables")["status"] == "already_applied"
    assert stage(resumed, "stage08_constraints")["status"] == "applied"
    verified = workbench_cli("verify", source, target)
    assert verified.returncode == 0, verified.stdout


def test_a_target_changed_after_the_stop_still_needs_force(make_db, tmp_path):
    source, target = make_db(SOURCE), make_db(TARGET)
    plan_dir = tmp_path / "plan"
    assert workbench_cli("plan", source, target, "--out", str(plan_dir)).returncode == 0
    holder = psycopg.connect(target)
    holder.execute("LOCK TABLE t IN SHARE MODE")
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "apply", str(plan_dir), target,
                                "--lock-timeout", "600000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               cwd=REPO)
    try:
        wait_for(lambda: any(w == "Lock" for _, w in apply_backends(target)), "the apply to wait on the lock")
        process.kill()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        holder.rollback()
        holder.close()
    wait_for(lambda: not apply_backends(target), "the killed apply's session to end")
    run_sql(target, "CREATE TABLE surprise (id int)")        # someone changed the target meanwhile
    refused = workbench_cli("apply", str(plan_dir), target)
    assert refused.returncode == 2 and "changed since the plan was made" in refused.stderr, refused.stderr
    forced = workbench_cli("apply", str(plan_dir), target, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert own_log(plan_dir)["fingerprint_check"] == "forced"
