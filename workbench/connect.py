"""DSNs: parsing, masking, and the read-only sessions that introspection runs in.

A DSN is a URL (`postgresql://user:pw@host/db`), a libpq keyword string (`host=h dbname=d`) or a
bare service name (`legacy`, read from pg_service.conf). Passwords come from the DSN, PGPASSWORD or
~/.pgpass; libpq finds them, and this module makes sure no password is ever shown: `mask()` is
applied to every DSN that reaches a message, a file or a log, and connection errors are scrubbed.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg
    import sqlalchemy

MASK = "***"
APPLICATION_NAME = "drift-workbench"
INTROSPECTION_TIMEOUT_MS = 60_000


def normalize_dsn(dsn: str) -> str:
    """A bare word is a service name: libpq wants it as `service=NAME`."""
    dsn = dsn.strip()
    if not dsn:
        raise WorkbenchError("empty DSN")
    if "://" in dsn or "=" in dsn:
        return dsn
    return f"service={dsn}"


def _password_of(dsn: str) -> str | None:
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(normalize_dsn(dsn)).get("password")
        return None if password is None else str(password)
    except Exception:
        return None


def mask(dsn: str) -> str:
    """The DSN with any password replaced by ***; keeps the form (URL or keywords) it came in."""
    dsn = dsn.strip()
    if "://" in dsn:
        parts = urlsplit(dsn)
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _, hostinfo = netloc.rpartition("@")
            if ":" in userinfo:
                userinfo = userinfo.split(":", 1)[0] + ":" + MASK
            netloc = f"{userinfo}@{hostinfo}"
        query = urlencode([(k, MASK if k == "password" else v) for k, v in parse_qsl(parts.query)],
                          safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    # keyword form: password=value or password='quoted value'
    return re.sub(r"(password\s*=\s*)('(?:\\.|[^'])*'|\S+)", rf"\g<1>{MASK}", dsn)


def scrub(message: str, dsn: str) -> str:
    """A server or libpq message with the DSN's password (if it leaked into it) removed."""
    password = _password_of(dsn)
    if password:
        message = message.replace(password, MASK)
    return " ".join(message.split())


def connect(dsn: str, *, read_only: bool = True, autocommit: bool = False,
            statement_timeout_ms: int = INTROSPECTION_TIMEOUT_MS, connect_timeout: int = 10) -> "psycopg.Connection":
    """Open a psycopg connection, or raise a one-line WorkbenchError naming the masked DSN.

    read_only sessions (introspection) get `default_transaction_read_only` and a statement timeout
    so that a snapshot can neither change a database nor hang on a lock forever.
    """
    import psycopg

    options = f"-c statement_timeout={int(statement_timeout_ms)}"
    if read_only:
        options += " -c default_transaction_read_only=on"
    try:
        conn = psycopg.connect(normalize_dsn(dsn), autocommit=autocommit, connect_timeout=connect_timeout,
                               application_name=APPLICATION_NAME, options=options)
    except psycopg.Error as error:
        raise WorkbenchError(f"cannot connect to {mask(dsn)}: {describe(error, dsn)}") from None
    return conn


def one(cursor: "psycopg.Cursor[Any]") -> Any:
    """The row of a query that always returns one (SHOW, a catalog function call): never None."""
    row = cursor.fetchone()
    if row is None:
        raise WorkbenchError("the server returned no row for a query that always returns one")
    return row


def column_names(cursor: "psycopg.Cursor[Any]") -> list[str]:
    """The names of the columns of a cursor's last result."""
    return [column.name for column in cursor.description or ()]


def describe(error: BaseException, dsn: str = "") -> str:
    """A psycopg error as one line: libpq's reason (and detail), scrubbed of passwords."""
    text = str(error) or type(error).__name__
    parts: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^connection to server .*? failed: ", "", line.strip())
        line = re.sub(r"^(FATAL|ERROR|DETAIL|HINT):\s+", "", line)
        if line and line not in parts:
            parts.append(line)
    text = "; ".join(parts) or type(error).__name__
    return scrub(text, dsn) if dsn else " ".join(text.split())


def engine(dsn: str) -> "sqlalchemy.engine.Engine":
    """A SQLAlchemy engine (psycopg 3 driver) for ad-hoc `pandas.read_sql` in notebooks."""
    import sqlalchemy
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(normalize_dsn(dsn))
    return sqlalchemy.create_engine("postgresql+psycopg://", connect_args=params)
