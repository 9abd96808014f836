"""Sides: what a SOURCE or TARGET argument can be, and the one place that turns it into a Snapshot.

A side is
- a DSN (URL, libpq keywords, service name): captured live, read-only;
- a snapshot file (JSON written by `workbench snapshot`): loaded and validated;
- SQL: a `.sql` file, a `pg_dump -s` output, or a directory of `.sql` files applied in name order
  (a migrations folder): loaded with ON_ERROR_STOP into a scratch database, captured like any
  database and dropped (sqlfiles.py). The scratch database lives on the server given as `shadow`
  (a DSN, or a running sandbox.Server to reuse), else on an embedded PostgreSQL started at first
  need and stopped when the sides are read;
- a store entry: `DIR@latest`, `DIR@first`, `DIR@<fingerprint prefix>`, `DIR@<label>`, or the
  store DIR itself for its latest capture (store.py).

Every command and the Python API go through `open_side` / `open_pair`: what is live is captured
concurrently (two backends, two cores), including the scratch databases of SQL sides.
"""
from __future__ import annotations

import dataclasses
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Union

from workbench.errors import WorkbenchError, WorkbenchWarning

if TYPE_CHECKING:
    from workbench.sandbox import ScratchDatabases, Server
    from workbench.snapshot import Snapshot

SideKind = Literal["dsn", "snapshot", "sql", "store"]
Shadow = Union[str, "ScratchDatabases", None]
Progress = Callable[[str], None]

# DIR@REF without a URL scheme or a keyword: a store reference (a DSN's user@host has "://")
_STORE_REF = re.compile(r"^(?P<dir>[^=]+)@(?P<ref>[\w.:+-]+)$")


@dataclass(frozen=True)
class Side:
    """One SOURCE/TARGET argument, classified."""

    spec: str
    kind: SideKind
    path: Path | None = None
    ref: str = ""                    # store entries: latest, first, a fingerprint prefix or a label

    @property
    def is_live(self) -> bool:
        return self.kind == "dsn"

    @property
    def label(self) -> str:
        """How outputs name this side (a DSN masked)."""
        if self.kind == "dsn":
            from workbench.connect import mask

            return mask(self.spec)
        return self.spec


def _sniff(path: Path) -> SideKind:
    """An existing file that is neither *.sql nor *.json: JSON is a snapshot, anything else SQL."""
    try:
        with path.open("rb") as handle:
            head = handle.read(256).lstrip()
    except OSError:
        return "snapshot"
    return "snapshot" if head.startswith(b"{") else "sql"


def classify(spec: str) -> Side:
    """What kind of side `spec` is (nothing is opened or read beyond a file's first bytes)."""
    from workbench.catalog.fetch import is_snapshot_file
    from workbench.store import is_store

    spec = str(spec)
    if "://" not in spec:
        match = _STORE_REF.match(spec)
        if match and (is_store(Path(match["dir"])) or not Path(spec).exists()):
            if not is_store(Path(match["dir"])):
                raise WorkbenchError(f"{match['dir']}: not a snapshot store (no store.json; "
                                     f"make one with workbench snapshot DSN --store {match['dir']})")
            return Side(spec, "store", Path(match["dir"]), match["ref"])
    path = Path(spec)
    if path.is_dir():
        return Side(spec, "store", path, "latest") if is_store(path) else Side(spec, "sql", path)
    lowered = spec.lower()
    if lowered.endswith(".sql"):
        return Side(spec, "sql", path)
    if lowered.endswith(".json"):
        return Side(spec, "snapshot", path)
    if path.is_file():
        return Side(spec, _sniff(path), path)
    if is_snapshot_file(spec):
        return Side(spec, "snapshot", path)
    return Side(spec, "dsn")


def is_live(spec: str) -> bool:
    """Whether the side is a database to connect to (post-apply checks, apply targets need one)."""
    return classify(spec).is_live


# --- where SQL sides are loaded ----------------------------------------------------------------
class ScratchHost:
    """The server SQL sides are loaded on: a --shadow DSN, a server the caller already runs, or an
    embedded PostgreSQL started at first need. `close()` stops only a server it started."""

    def __init__(self, shadow: Shadow = None) -> None:
        self._shadow = shadow
        self._server: ScratchDatabases | None = None
        self._started: Server | None = None

    def server(self) -> "ScratchDatabases":
        if self._server is None:
            from workbench import sandbox

            if isinstance(self._shadow, str):
                self._server = sandbox.ShadowServer(self._shadow)
            elif self._shadow is not None:
                self._server = self._shadow
            else:
                self._started = sandbox.start()
                self._server = self._started
        return self._server

    @property
    def embedded(self) -> bool:
        """Whether the server is an embedded one (a throw-away cluster: roles may be made on it)."""
        from workbench.sandbox import Server

        return isinstance(self.server(), Server)

    def describe(self) -> str:
        if isinstance(self._shadow, str):
            from workbench.connect import mask

            return f"the shadow server {mask(self._shadow)}"
        return "the embedded PostgreSQL" if self._started is not None or self._shadow is None else "the scratch server"

    def close(self) -> None:
        if self._started is not None:
            self._started.stop()
            self._started = None
            self._server = None

    def __enter__(self) -> "ScratchHost":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _prepare(side: Side, host: ScratchHost) -> list[Path]:
    """A SQL side's files, checked against the scratch server before anything is made on it:
    plain SQL, no switch to another database, the extensions it creates available, its roles there
    (made NOLOGIN on an embedded server)."""
    from workbench import sqlfiles

    assert side.path is not None
    files = sqlfiles.side_files(side.path)
    for path in files:
        sqlfiles.check_plain_sql(path)
    found = sqlfiles.needs(files)
    server = host.server()
    with server.connect() as conn:
        missing = sqlfiles.missing_extensions(conn, found.extensions)
        if missing:
            raise WorkbenchError(f"{side.spec}: needs extension{'s' if len(missing) > 1 else ''} "
                                 f"{', '.join(missing)}, which {host.describe()} lacks "
                                 f"(load it on a server that has {'them' if len(missing) > 1 else 'it'}: --shadow DSN)")
        if host.embedded:
            sqlfiles.create_missing_roles(conn, found.roles)
        else:
            lacking = sqlfiles.missing_roles(conn, found.roles)
            if lacking:
                raise WorkbenchError(f"{side.spec}: needs role{'s' if len(lacking) > 1 else ''} {', '.join(lacking)} "
                                     f"(owners, grantees), which {host.describe()} lacks (create "
                                     f"{'them' if len(lacking) > 1 else 'it'} there, or dump with pg_dump -O -x)")
    return files


def _load_all(sql_sides: dict[int, Side], host: ScratchHost, made: list[str],
              progress: Progress | None) -> dict[int, str]:
    """Load every SQL side into a scratch database of its own, concurrently (one psql each); the
    names go into `made` as they are created, for the caller to drop. The first failure, in side
    order, is raised once all loads ended."""
    from concurrent.futures import ThreadPoolExecutor

    from workbench import sqlfiles

    prepared = {index: _prepare(side, host) for index, side in sql_sides.items()}
    server = host.server()
    dsns: dict[int, str] = {}
    for index, side in sql_sides.items():
        if progress:
            progress(f"{side.spec} into a scratch database")
        name = server.create_database()
        made.append(name)
        dsns[index] = server.dsn(name)
    with ThreadPoolExecutor(max_workers=len(dsns)) as pool:
        futures = {index: pool.submit(sqlfiles.load, dsns[index], prepared[index]) for index in dsns}
    for future in futures.values():
        future.result()
    return dsns


def _drop(server: "ScratchDatabases", name: str) -> None:
    import psycopg

    try:
        server.drop_database(name)
    except (psycopg.Error, WorkbenchError) as error:
        warnings.warn(f"scratch database {name} could not be dropped: {' '.join(str(error).split())}",
                      WorkbenchWarning, stacklevel=2)


# --- opening sides -------------------------------------------------------------------------------
def open_sides(specs: Iterable[str], kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
               exclude_schemas: Iterable[str] = (), progress: Progress | None = None,
               fingerprints: bool = False, shadow: Shadow = None) -> list["Snapshot"]:
    """One Snapshot per spec, in order. SQL sides are loaded first (one scratch host for all), then
    every live database and scratch database is captured concurrently; `fingerprints` hashes
    each capture in its own thread."""
    from workbench.catalog.fetch import fetch_in_background
    from workbench.snapshot import from_fetched

    sides = [classify(spec) for spec in specs]
    kinds = list(kinds) if kinds is not None else None
    schemas, exclude_schemas = list(schemas), list(exclude_schemas)
    results: list[Snapshot | None] = [None] * len(sides)
    sql_sides = {index: side for index, side in enumerate(sides) if side.kind == "sql"}
    made: list[str] = []
    with ScratchHost(shadow) as host:
        try:
            scratch = _load_all(sql_sides, host, made, progress) if sql_sides else {}
            live = {index: scratch.get(index, side.spec) for index, side in enumerate(sides)
                    if side.kind in ("dsn", "sql")}
            futures = fetch_in_background(list(live.values()), kinds, progress, fingerprints)
            for index, future in zip(live, futures, strict=True):
                assert future is not None
                fetched, fingerprint = future.result()
                side = sides[index]
                if side.kind == "sql":           # named after its files, not after the scratch database
                    assert side.path is not None
                    fetched = dataclasses.replace(fetched, dsn=side.spec, database=side.path.name)
                results[index] = _scoped(from_fetched(fetched, fingerprint), None, schemas, exclude_schemas)
        finally:
            for name in made:
                _drop(host.server(), name)
    for index, side in enumerate(sides):
        if results[index] is None:
            results[index] = _scoped(_stored(side), kinds, schemas, exclude_schemas)
    return [snapshot for snapshot in results if snapshot is not None]


def _stored(side: Side) -> "Snapshot":
    """A side that is already a snapshot: a file or a store entry."""
    from workbench.snapshot import Snapshot

    if side.kind == "store":
        from workbench.store import Store

        assert side.path is not None
        return Store(side.path).snapshot(side.ref)
    return Snapshot.load(side.spec)


def _scoped(snapshot: "Snapshot", kinds: list[str] | None, schemas: list[str],
            exclude_schemas: list[str]) -> "Snapshot":
    if kinds is not None or schemas or exclude_schemas:
        return snapshot.filtered(schemas, exclude_schemas, kinds)
    return snapshot


def open_side(spec: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
              exclude_schemas: Iterable[str] = (), progress: Progress | None = None,
              shadow: Shadow = None) -> "Snapshot":
    """The Snapshot of one side (see the module docstring for what a side can be)."""
    return open_sides([spec], kinds, schemas, exclude_schemas, progress, shadow=shadow)[0]


def open_pair(source: str, target: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
              exclude_schemas: Iterable[str] = (), progress: Progress | None = None,
              fingerprints: bool = False, shadow: Shadow = None) -> tuple["Snapshot", "Snapshot"]:
    """Both sides at once: live captures (and the scratch databases of SQL sides) run concurrently,
    which halves the wait that dominates a diff."""
    first, second = open_sides([source, target], kinds, schemas, exclude_schemas, progress, fingerprints, shadow)
    return first, second
