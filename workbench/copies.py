"""A rehearsal on a copy: `CREATE DATABASE copy TEMPLATE target` on the target's own server, the
plan rehearsed there, the copy dropped. The rehearsal's locks are taken on the copy, not on
production; the target is only read by the server's copy of its files.

PostgreSQL copies a database only when no other session is connected to it, and only for a role
with CREATEDB (or a superuser). Both are checked first, and the CREATE DATABASE itself can still
lose the race to a session that connects meanwhile: each case is explained in one line. The
rehearsal never connects to the target: its fingerprint check runs on the copy, which holds the
target's schema as it was at the copy.
"""
from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")
MAINTENANCE_DATABASES = ("postgres", "template1")


def _admin(target_dsn: str) -> tuple["psycopg.Connection", str]:
    """A session on the target's server, in a maintenance database (not the target: a session
    there would itself block the copy), and the target's database name."""
    from psycopg.conninfo import make_conninfo

    from workbench import connect as connect_mod

    params = connect_mod.check_dsn(target_dsn)
    database = params.get("dbname") or params.get("user") or os.environ.get("PGDATABASE") or ""
    last: WorkbenchError | None = None
    for maintenance in MAINTENANCE_DATABASES:
        if maintenance == database:
            continue
        try:
            conn = connect_mod.connect(make_conninfo(connect_mod.normalize_dsn(target_dsn), dbname=maintenance),
                                       read_only=False, autocommit=True)
        except WorkbenchError as error:
            last = error
            continue
        return conn, database
    raise WorkbenchError(f"cannot rehearse on a copy: no maintenance database of the server to make it from ({last})")


def copy_name(database: str) -> str:
    return f"{database[:30]}_rehearsal_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def rehearse_on_copy(target_dsn: str, rehearse: Callable[[str, dict[str, Any]], T],
                     progress: Callable[[str], None] | None = None) -> T:
    """Make the copy, run `rehearse(copy_dsn, facts)` on it, drop it (also on failure)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from workbench.connect import describe, mask, normalize_dsn

    masked = mask(target_dsn)
    conn, database = _admin(target_dsn)
    try:
        may = conn.execute("SELECT rolcreatedb OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user"
                           ).fetchone()
        if not may or not may[0]:
            raise WorkbenchError(f"cannot rehearse on a copy of {masked}: role {conn.info.user} lacks CREATEDB "
                                 f"(CREATE DATABASE ... TEMPLATE needs it); rehearse without --on-copy")
        others = conn.execute("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE datname = %s "
                              "AND pid <> pg_catalog.pg_backend_pid()", (database,)).fetchone()
        if others and others[0]:
            raise WorkbenchError(f"cannot rehearse on a copy of {masked}: {others[0]} other session(s) are connected "
                                 f"to it, and CREATE DATABASE ... TEMPLATE needs none; rehearse when it is idle, "
                                 f"or without --on-copy (on the target itself, rolled back)")
        name = copy_name(database)
        if progress:
            progress(f"copying {database} to {name} (CREATE DATABASE ... TEMPLATE)")
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(database)))
        except psycopg.Error as error:
            raise WorkbenchError(f"cannot rehearse on a copy of {masked}: {describe(error, target_dsn)}; rehearse "
                                 f"when it is idle, or without --on-copy") from None
        try:
            copy_dsn = make_conninfo(normalize_dsn(target_dsn), dbname=name)
            return rehearse(copy_dsn, {"target": masked, "database": database, "copy": name, "dropped": True})
        finally:
            try:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            except psycopg.Error as error:
                raise WorkbenchError(f"the rehearsal's copy {name} of {masked} could not be dropped: "
                                     f"{describe(error, target_dsn)}; drop it by hand") from None
    finally:
        conn.close()
