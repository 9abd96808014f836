"""The embedded PostgreSQL sandbox: start, scratch databases, clean shutdown on every path."""
from __future__ import annotations

import os
import pwd
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
    import sys, time
    from workbench import sandbox
    server = sandbox.start()
    print(server.port, server.data_dir, flush=True)
    time.sleep(120)
""")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_server_stops_when_its_process_is_interrupted(sig):
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    try:
        port_text, data_dir = child.stdout.readline().split()
        port = int(port_text)
        assert port_open(port)
        child.send_signal(sig)
        child.wait(timeout=60)
        deadline = time.monotonic() + 30
        while port_open(port) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not port_open(port), "the server outlived its process"
        assert not os.path.exists(data_dir), "the temporary data directory was left behind"
    finally:
        if child.poll() is None:
            child.kill()
