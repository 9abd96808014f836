"""The embedded PostgreSQL sandbox: start, scratch databases, clean shutdown on every path."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time

import psycopg
import pytest

from workbench import sandbox


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_server_runs_postgres_18_as_an_unprivileged_user(pg):
    with pg.connect() as conn:
        assert conn.execute("SHOW server_version_num").fetchone()[0].startswith("18")
    owner = pwd.getpwuid(pg.data_dir.stat().st_uid).pw_name
    expected = sandbox.SANDBOX_USER if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    assert owner == expected


def test_scratch_database_is_dropped(pg):
    with pg.scratch_database() as dsn:
        name = dsn.rsplit("/", 1)[1]
        with psycopg.connect(dsn) as conn:
            conn.execute("CREATE TABLE x (a int)")
    with pg.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()[0] == 0


def test_chosen_data_directory_survives_a_restart(tmp_path):
    data = tmp_path / "pgdata"
    with sandbox.start(data) as server:
        name = server.create_database("kept")
        with psycopg.connect(server.dsn(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE kept_table (a int)")
        port = server.port
    assert not port_open(port)
    assert (data / "PG_VERSION").exists()
    with sandbox.start(data) as server:
        with psycopg.connect(server.dsn("kept")) as conn:
            assert conn.execute("SELECT to_regclass('kept_table') IS NOT NULL").fetchone()[0]


CHILD = textwrap.dedent("""
    import signal, sys, time
    from workbench import sandbox
    # as an interactive Python: a job started in the background (`make test &`, CI) inherits
    # SIGINT ignored, and Python then leaves it ignored: the interrupt would never arrive
    signal.signal(signal.SIGINT, signal.default_int_handler)
    server = sandbox.start()
    print(server.port, server.data_dir, flush=True)
    time.sleep(120)
""")


def wait_closed(port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not port_open(port)


def start_child() -> tuple[subprocess.Popen, int, str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    port_text, data_dir = child.stdout.readline().split()
    return child, int(port_text), data_dir


def stop_leftover(child: subprocess.Popen, data_dir: str) -> None:
    """On any failure (a timeout too): no server outlives the test."""
    if child.poll() is None:
        child.kill()
        child.wait(timeout=30)
    if os.path.exists(os.path.join(data_dir, "postmaster.pid")):
        subprocess.run([str(sandbox.binaries_dir() / "pg_ctl"), "-D", data_dir, "-m", "immediate", "-w", "stop"],
                       capture_output=True, **sandbox._run_as())
    shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL],
                         ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_server_stops_when_its_process_is_interrupted(sig):
    """SIGTERM (a handler), SIGINT (KeyboardInterrupt, then atexit) and SIGKILL (nothing runs in
    the process: its watchdog stops the server when the process is gone)."""
    child, port, data_dir = start_child()
    try:
        assert port_open(port)
        child.send_signal(sig)
        child.wait(timeout=60)
        assert wait_closed(port), "the server outlived its process"
        deadline = time.monotonic() + 10
        while os.path.exists(data_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not os.path.exists(data_dir), "the temporary data directory was left behind"
    finally:
        stop_leftover(child, data_dir)
