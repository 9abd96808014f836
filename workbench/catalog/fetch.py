"""Running the catalog queries: one read-only REPEATABLE READ transaction, one query per kind.

This module returns plain rows (lists of tuples) and needs neither pandas nor numpy; snapshot.py
turns the rows into frames. The fingerprint is computed here, on the rows, so that a capture can
hash its side in its own thread while the other side still waits on its server.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable

from workbench import connect as connect_mod
from workbench.census import Census, census_sql
from workbench.errors import WorkbenchError
from workbench.gcpause import paused
from workbench.kinds import KINDS, resolve
from workbench.ordering import by_identity

MINIMUM_SERVER_VERSION = 140000
# rows turned into Python values at a time: the driver's fresh objects of one chunk are freed (and
# their memory reused by the next) before the next is made, instead of a whole kind's at once
CHUNK = 5000

Table = tuple[list[str], list[Any]]     # column names, rows


@dataclass
class Fetched:
    """What one capture read: rows per kind and the server's facts."""

    tables: dict[str, Table]
    dsn: str                             # masked
    server_version: str
    server_version_num: int
    database: str
    captured_at: str
    settings: dict[str, Any]
    census: Census | None = None        # what no kind models (census.py), read in the same transaction


def fetch(dsn: str, kinds: Iterable[str] | None = None, progress: Callable[[str], None] | None = None,
          timeouts: "connect_mod.Timeouts | None" = None) -> Fetched:
    """Every wanted kind's catalog query on a live database (with statement and lock timeouts:
    connect.Timeouts; a timeout that fires says which, and on which kind)."""
    import psycopg

    wanted = resolve(list(kinds) if kinds is not None else None)
    masked = connect_mod.mask(dsn)
    timeouts = timeouts or connect_mod.Timeouts.from_environment()
    tables: dict[str, Table] = {}
    shared: dict[type, dict[Any, Any]] = {str: {}, int: {}}
    reading = f"the server facts of {masked}"
    with connect_mod.connect(dsn, timeouts=timeouts) as conn:
        try:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            version_num = int(connect_mod.one(conn.execute("SELECT current_setting('server_version_num')"))[0])
            if version_num < MINIMUM_SERVER_VERSION:
                raise WorkbenchError(f"{masked} runs PostgreSQL {version_num // 10000}; "
                                     f"drift-workbench needs 14 or newer")
            version, database, settings = connect_mod.one(conn.execute(
                "SELECT current_setting('server_version'), current_database(), "
                "json_build_object('server_encoding', current_setting('server_encoding'),"
                " 'lc_collate', (SELECT datcollate FROM pg_database WHERE datname = current_database()),"
                " 'search_path', current_setting('search_path'))::text"))
            # an empty search_path makes format_type() and the pg_get_*def() functions qualify every
            # name outside pg_catalog, so definitions mean the same whatever the applying session's path
            conn.execute("SELECT set_config('search_path', '', true)")
            cursor = conn.cursor()
            with paused():
                for kind in wanted:
                    if progress:
                        progress(kind)
                    reading = f"the {KINDS[kind].label} of {masked}"
                    cursor.execute(KINDS[kind].sql)
                    rows: list[tuple[Any, ...]] = []
                    while chunk := cursor.fetchmany(CHUNK):       # rows made and shared a chunk at a time
                        rows += shared_values(chunk, shared)
                    tables[kind] = (connect_mod.column_names(cursor), rows)
                cursor.execute(census_sql())
                census = Census.from_rows(cursor.fetchall())
        except psycopg.errors.InsufficientPrivilege as error:
            raise WorkbenchError(f"permission denied reading the catalog of {masked}: "
                                 f"{connect_mod.describe(error, dsn)}") from None
        except psycopg.Error as error:
            holders = connect_mod.lock_holders(conn) if isinstance(error, psycopg.errors.LockNotAvailable) else ""
            timed_out = timeouts.describe(error, reading, holders)
            if timed_out:
                raise WorkbenchError(timed_out) from None
            raise WorkbenchError(f"cannot read the catalog of {masked}: {connect_mod.describe(error, dsn)}") from None
    return Fetched(tables, masked, version.split()[0], version_num, database,
                   datetime.now(timezone.utc).isoformat(timespec="seconds"), json.loads(settings), census)


def shared_values(rows: list[tuple[Any, ...]], shared: dict[type, dict[Any, Any]]) -> list[tuple[Any, ...]]:
    """The rows with equal str and int values made one object: the driver makes a new object for
    every value of every row, and a schema, a table name, a type or a table's oid repeats in
    thousands of rows (two thirds of a snapshot's memory at scale 30). One cache per type, shared
    by the kinds of a capture (True == 1: a bool never meets an int's cache); column by column, in C
    (map over itemgetter and dict.setdefault), then the rows zipped back (tuples, as fetched)."""
    if not rows:
        return rows
    columns: list[Iterable[Any]] = []
    for i in range(len(rows[0])):
        values = list(map(itemgetter(i), rows))
        cache = shared.get(type(next((v for v in values if v is not None), None)))
        columns.append(values if cache is None else map(cache.setdefault, values, values))
    return list(zip(*columns))


def fingerprint(tables: dict[str, Table], census: Census | None = None) -> str:
    """sha256 of the content (oid columns left out), rows in identity order: equal for the same
    schema whatever order the server returned, and the same from live rows as from a saved file.
    The pickle stream goes straight into the digest (the same bytes as pickling into a buffer).
    The census (what no kind models) is part of the content: a publication added since a plan was
    made makes the plan stale, and a store sees the change."""
    digest = hashlib.sha256()
    with paused():
        for kind in sorted(tables):
            columns, rows = tables[kind]
            kept = [i for i, c in enumerate(columns) if not c.endswith("oid")]
            key = [columns.index(c) for c in KINDS[kind].identity]
            ordered = by_identity(rows, key)
            # lists, as a snapshot file's rows were when the format was fixed (the bytes hashed);
            # made by map in C, not a comprehension (a third of the fingerprint's time)
            if len(kept) == len(columns):
                values = list(map(list, ordered))
            else:
                take = itemgetter(*kept) if len(kept) > 1 else (lambda row, i=kept[0]: (row[i],))
                values = list(map(list, map(take, ordered)))
            pickler = pickle.Pickler(_Digest(digest), protocol=4)
            pickler.fast = True           # no memo: the bytes depend on the values only, not on object identity
            pickler.dump([kind, [columns[i] for i in kept], values])
        if census is not None:
            pickler = pickle.Pickler(_Digest(digest), protocol=4)
            pickler.fast = True
            pickler.dump(["census", census.to_dict()])
    return digest.hexdigest()


class _Digest:
    """A file for pickle.Pickler whose writes feed a hash."""

    def __init__(self, digest: "hashlib._Hash"):
        self.write = digest.update


def is_snapshot_file(spec: str) -> bool:
    """SOURCE/TARGET arguments: an existing file or a *.json name is a snapshot, anything else a DSN."""
    return spec.endswith(".json") or (os.sep in spec and "=" not in spec and "://" not in spec) or Path(spec).is_file()


def fetch_in_background(specs: Iterable[str], kinds: Iterable[str] | None = None,
                        progress: Callable[[str], None] | None = None,
                        fingerprints: bool = False) -> list[Future[Any] | None]:
    """Start reading every DSN among specs, each in its own thread (two backends work on two
    cores); None for a snapshot file. A future gives (Fetched, fingerprint or None)."""
    kinds = list(kinds) if kinds is not None else None
    specs = list(specs)
    live = [spec for spec in specs if not is_snapshot_file(spec)]
    if not live:
        return [None for _ in specs]
    pool = ThreadPoolExecutor(max_workers=len(live))

    def read(spec: str) -> tuple[Fetched, str | None]:
        fetched = fetch(spec, kinds, progress)
        return fetched, (fingerprint(fetched.tables, fetched.census) if fingerprints else None)

    futures = [None if is_snapshot_file(spec) else pool.submit(read, spec) for spec in specs]
    pool.shutdown(wait=False)
    return futures
