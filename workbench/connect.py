"""DSNs: parsing, masking, and the read-only sessions that introspection runs in.

A DSN is a URL (`postgresql://user:pw@host/db`), a libpq keyword string (`host=h dbname=d`) or a
bare service name (`legacy`, read from pg_service.conf). Passwords come from the DSN, PGPASSWORD or
~/.pgpass; libpq finds them, and this module makes sure no password is ever shown: `mask()` is
applied to every DSN that reaches a message, a file or a log, and connection errors are scrubbed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg
    import sqlalchemy

MASK = "***"
APPLICATION_NAME = "drift-workbench"
INTROSPECTION_TIMEOUT_MS = 60_000
INTROSPECTION_LOCK_TIMEOUT_MS = 10_000
TIMEOUT_ENV = {"statement_timeout": "WORKBENCH_STATEMENT_TIMEOUT_MS", "lock_timeout": "WORKBENCH_LOCK_TIMEOUT_MS"}


@dataclass(frozen=True)
class Timeouts:
    """statement_timeout and lock_timeout of a catalog read, in ms: a snapshot never hangs behind
    a lock (an ALTER TABLE holding ACCESS EXCLUSIVE, say) nor on a slow catalog. Defaults 60 s and
    10 s, or WORKBENCH_STATEMENT_TIMEOUT_MS / WORKBENCH_LOCK_TIMEOUT_MS; apply's fingerprint
    check reads with its own --statement-timeout and --lock-timeout."""

    statement_ms: int = INTROSPECTION_TIMEOUT_MS
    lock_ms: int = INTROSPECTION_LOCK_TIMEOUT_MS
    # where a user sets them, for the message when one fires
    knobs: tuple[str, str] = (TIMEOUT_ENV["statement_timeout"], TIMEOUT_ENV["lock_timeout"])

    @classmethod
    def from_environment(cls) -> "Timeouts":
        import os

        values: dict[str, Any] = {}
        for setting, field_name in (("statement_timeout", "statement_ms"), ("lock_timeout", "lock_ms")):
            text = os.environ.get(TIMEOUT_ENV[setting], "").strip()
            if text:
                if not text.isdigit():
                    raise WorkbenchError(f"{TIMEOUT_ENV[setting]}={text!r}: give milliseconds (0 for none)")
                values[field_name] = int(text)
        return cls(**values)

    def options(self) -> str:
        return f"-c statement_timeout={int(self.statement_ms)} -c lock_timeout={int(self.lock_ms)}"

    def describe(self, error: BaseException, reading: str, holders: str = "") -> str | None:
        """'lock_timeout (2000 ms) fired reading the indexes of DSN: ...' for a timeout, else None;
        holders: the locks other sessions hold that such a read waits on (lock_holders)."""
        import psycopg

        if isinstance(error, psycopg.errors.LockNotAvailable):
            held = f" ({holders})" if holders else " (a long ALTER TABLE or LOCK TABLE?)"
            return (f"lock_timeout ({self.lock_ms} ms) fired reading {reading}: another session holds a lock "
                    f"that read waits on{held}; try again when it is released, or raise {self.knobs[1]}")
        if isinstance(error, psycopg.errors.QueryCanceled) and "statement timeout" in str(error):
            return (f"statement_timeout ({self.statement_ms} ms) fired reading {reading}; raise "
                    f"{self.knobs[0]} for a catalog this large or this slow")
        return None


def normalize_dsn(dsn: str) -> str:
    """A bare word is a service name: libpq wants it as `service=NAME`."""
    dsn = dsn.strip()
    if not dsn:
        raise WorkbenchError("empty DSN")
    if "://" in dsn or "=" in dsn:
        return dsn
    return f"service={dsn}"


def _parsed(dsn: str) -> dict[str, str] | None:
    """libpq's own reading of the DSN (PQconninfoParse), or None when libpq rejects it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(normalize_dsn(dsn)).items()}
    except Exception:
        return None


_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.S)
_KEYWORD_PASSWORD = re.compile(r"password\s*=\s*('(?:\\.|[^'\\])*'?|(?:\\.|\S)+)", re.S)


def _written_passwords(dsn: str) -> list[str]:
    """The password as the DSN's text holds it, read without libpq: what a user meant even where
    libpq reads it otherwise (`u:p@ss@host`: libpq takes `p` and a host `ss@host`) or not at all
    (`%zz`, a raw space). Generous on purpose: it only ever removes text."""
    found: list[str] = []
    url = _URL.match(dsn.strip())
    if url:
        rest = url["rest"]
        if "@" in rest:                          # userinfo: up to the last @ (a raw @ in a password)
            userinfo = rest.rpartition("@")[0]
            if ":" in userinfo:
                found.append(userinfo.split(":", 1)[1])
        for match in re.finditer(r"[?&]password=([^&#]*)", rest):
            found.append(match[1])
    else:
        for match in _KEYWORD_PASSWORD.finditer(dsn):
            found.append(match[1])
    return [value for value in found if value]


def _spellings(password: str) -> set[str]:
    """A password as it may be written: raw, percent-encoded, quoted and backslash-escaped."""
    from urllib.parse import quote, quote_plus, unquote

    forms = {password, unquote(password), quote(password, safe=""), quote(password), quote_plus(password)}
    if len(password) >= 2 and password[0] == password[-1] == "'":
        forms.add(password[1:-1])
    for form in list(forms):
        unescaped = re.sub(r"\\(.)", r"\1", form)
        forms |= {unescaped, form.replace("\\", "\\\\").replace("'", "\\'"),
                  re.sub(r"([\s'\\])", r"\\\1", form)}
    return {form for form in forms if form}


_PART_SEPARATORS = re.compile(r"[\s@/:?#&=%'\"\\]+")
MIN_SECRET = 3        # shorter strings (a 1-2 character part) would match in any message


def secrets(dsn: str, parts: bool = False) -> list[str]:
    """Every spelling of the DSN's password (libpq's reading and the text's), longest first; with
    `parts`, also each piece of it between separators (a message may quote only a piece: libpq cuts
    a keyword value at an unescaped space, a URL at the first @)."""
    if not dsn:
        return []
    passwords = _written_passwords(dsn)
    parsed = _parsed(dsn)
    if parsed and parsed.get("password"):
        passwords.append(parsed["password"])
    found: set[str] = set()
    for password in passwords:
        found |= _spellings(password)
    if parts:
        found |= {piece for form in list(found) for piece in _PART_SEPARATORS.split(form)}
    return sorted((s for s in found if len(s) >= MIN_SECRET), key=lambda s: (-len(s), s))


def secrets_of(specs: Iterable[str | None]) -> list[str]:
    """Every spelling of every password of these sides (DSNs; files have none) and of PGPASSWORD:
    the strings no output file may hold."""
    import os

    found: set[str] = set()
    for spec in specs:
        if spec and not _is_file(spec):
            found.update(secrets(spec))
    if len(os.environ.get("PGPASSWORD", "")) >= MIN_SECRET:
        found.update(s for s in _spellings(os.environ["PGPASSWORD"]) if len(s) >= MIN_SECRET)
    return sorted(found, key=lambda s: (-len(s), s))


def _is_file(spec: str) -> bool:
    from pathlib import Path

    try:
        return "://" not in spec and "=" not in spec and Path(spec).exists()
    except OSError:
        return False


def scrub(message: str, dsn: str) -> str:
    """A message (libpq's, the server's, ours) as one line, with every spelling and every piece of
    the DSN's password replaced by ***."""
    for secret in secrets(dsn, parts=True):
        message = message.replace(secret, MASK)
    return " ".join(message.split())


def mask(dsn: str) -> str:
    """The DSN with its password replaced by ***, in the form it came in (URL or keywords).

    libpq parses it (psycopg.conninfo.conninfo_to_dict) and the DSN is written anew from what it
    read, so a password is found wherever libpq finds one; what remains is scrubbed of every
    spelling of the password as written. A DSN libpq rejects keeps only its text without the
    password (the error that follows says what is wrong with it)."""
    dsn = dsn.strip()
    if "://" not in dsn and "=" not in dsn:
        return dsn                                   # a service name: nothing secret in it
    parsed = _parsed(dsn)
    if parsed is None:
        shown = dsn
        url = _URL.match(dsn)
        if url and "@" in url["rest"]:
            userinfo, _, hostinfo = url["rest"].rpartition("@")
            shown = f"{url['scheme']}://{userinfo.split(':', 1)[0]}{':' + MASK if ':' in userinfo else ''}@{hostinfo}"
        return scrub(re.sub(r"(password\s*=\s*)('(?:\\.|[^'\\])*'?|(?:\\.|[^\s&])+)", rf"\g<1>{MASK}", shown), dsn)
    if "password" in parsed:
        parsed["password"] = MASK
    url = _URL.match(dsn)
    text = _as_url(url["scheme"], parsed) if url else _as_keywords(parsed, dsn)
    return scrub(text, dsn)


def _as_keywords(params: dict[str, str], written: str) -> str:
    """params as libpq keywords, in the order the DSN wrote them."""
    from psycopg.conninfo import make_conninfo

    def position(key: str) -> int:
        found = re.search(rf"(?:^|\s){re.escape(key)}\s*=", written)
        return found.start() if found else len(written)

    return make_conninfo(**dict(sorted(params.items(), key=lambda item: position(item[0]))))


def _as_url(scheme: str, params: dict[str, str]) -> str:
    """params as a URL: user[:password]@host:port,host:port/dbname?other=value."""
    from urllib.parse import quote, urlencode

    params = dict(params)
    user, password = params.pop("user", None), params.pop("password", None)
    hosts = params.pop("host", "").split(",")
    ports = params.pop("port", "").split(",")
    dbname = params.pop("dbname", None)
    if any(h.startswith("/") for h in hosts):        # a socket directory goes in the query
        params["host"] = ",".join(hosts)
        hosts = [""]
    if len(ports) == 1 and len(hosts) > 1:
        ports = ports * len(hosts)
    hostlist = []
    for index, host in enumerate(hosts):
        host = f"[{host}]" if ":" in host else quote(host, safe="")
        port = ports[index] if index < len(ports) else ""
        hostlist.append(host + (f":{port}" if port else ""))
    userinfo = ""
    if user is not None or password is not None:
        userinfo = quote(user or "", safe="") + (f":{password}" if password is not None else "") + "@"
    path = "/" + quote(dbname, safe="") if dbname is not None else ""
    query = ("?" + urlencode(params, safe="*/")) if params else ""
    return f"{scheme}://{userinfo}{','.join(hostlist)}{path}{query}"


# the relation locks of other sessions that block a catalog read (ACCESS EXCLUSIVE: ALTER TABLE,
# LOCK TABLE, DROP, ...), held in the current database
LOCK_HOLDERS_SQL = """
SELECT format('%s on %s held by pid %s', l.mode, l.relation::regclass, l.pid)
FROM pg_locks l
WHERE l.locktype = 'relation' AND l.granted AND l.mode = 'AccessExclusiveLock'
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.pid <> pg_backend_pid()
ORDER BY l.pid, 1
LIMIT 3
"""


def lock_holders(conn: "psycopg.Connection") -> str:
    """'AccessExclusiveLock on public.t held by pid 123': what a read that timed out waited on,
    best effort (empty when it cannot tell)."""
    import psycopg

    try:
        conn.rollback()
        return "; ".join(row[0] for row in conn.execute(LOCK_HOLDERS_SQL).fetchall())
    except psycopg.Error:
        return ""


def check_dsn(dsn: str) -> dict[str, str]:
    """libpq's reading of a DSN, or a one-line WorkbenchError saying what is wrong with it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(normalize_dsn(dsn)).items()}
    except Exception as error:
        raise WorkbenchError(f"invalid DSN {mask(dsn)}: {describe(error, dsn)}") from None


def connect(dsn: str, *, read_only: bool = True, autocommit: bool = False,
            statement_timeout_ms: int | None = None, connect_timeout: int = 10,
            timeouts: Timeouts | None = None) -> "psycopg.Connection":
    """Open a psycopg connection, or raise a one-line WorkbenchError naming the masked DSN.

    Every session gets a statement_timeout and a lock_timeout (`timeouts`, default
    Timeouts.from_environment(); statement_timeout_ms overrides the first), read_only sessions
    (introspection) `default_transaction_read_only` too, so that a snapshot can neither change a
    database nor hang on a lock.
    """
    import psycopg

    check_dsn(dsn)
    timeouts = timeouts or Timeouts.from_environment()
    if statement_timeout_ms is not None:
        timeouts = Timeouts(int(statement_timeout_ms), timeouts.lock_ms, timeouts.knobs)
    options = timeouts.options()
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

    params = check_dsn(dsn)
    return sqlalchemy.create_engine("postgresql+psycopg://", connect_args=params)
