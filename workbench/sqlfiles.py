"""SQL files as a side: which files, the extensions they need, and loading them with ON_ERROR_STOP.

A SQL side is a `.sql` file, a `pg_dump -s` output (plain format) or a directory of `.sql` files
applied in name order (a migrations folder). It is loaded with the same psql that the stage files
are written for (`psql -v ON_ERROR_STOP=1 -f`), so psql meta-commands of a dump (`\\connect`,
`\\restrict`) work and the first error stops the load. That error becomes one line that names the
file, the line the server complained about and the server's message.

psql reports the line where the failing statement *ends*; with `-b` it also echoes the statement,
and the server's `LINE n:` says where inside the statement the error is. The file line is then
`end - (lines of the statement - 1) + (n - 1)`: the line of a syntax error, the first line of a
statement that failed as a whole.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

SQL_SUFFIX = ".sql"
CUSTOM_DUMP_MAGIC = b"PGDMP"
LOAD_TIMEOUT_S = 3600


@dataclass(frozen=True)
class LoadFailure:
    """Where and why a load stopped."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


def _natural_key(path: Path) -> list[int | str]:
    """Name order, with runs of digits compared as numbers (2_x.sql before 10_x.sql)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def side_files(path: Path) -> list[Path]:
    """The files a SQL side loads, in order: the file itself, or a directory's *.sql files in name
    order (not its subdirectories). An empty directory or a missing file is an error."""
    if path.is_dir():
        files = sorted((p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(SQL_SUFFIX)),
                       key=_natural_key)
        if not files:
            raise WorkbenchError(f"{path}: the directory holds no .sql files")
        return files
    if not path.is_file():
        raise WorkbenchError(f"{path}: SQL file does not exist")
    return [path]


def check_plain_sql(path: Path) -> None:
    """A pg_dump custom-format archive is not SQL: say how to get the plain form."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(CUSTOM_DUMP_MAGIC))
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot read: {error.strerror}") from None
    if head == CUSTOM_DUMP_MAGIC:
        raise WorkbenchError(f"{path}: a pg_dump custom-format archive, not SQL "
                             f"(make a plain one: pg_restore -s -f schema.sql {path.name}, or pg_dump -s -Fp)")


# --- what the files need, and what they must not do -----------------------------------------------
_SWITCHES_DATABASE = ("c", "connect")


def _meta_command(line: str) -> str:
    """The name of a psql meta-command line (`\\connect app` -> connect), or ''."""
    stripped = line.lstrip()
    if not stripped.startswith("\\"):
        return ""
    return stripped[1:].split(None, 1)[0] if len(stripped) > 1 else ""


@dataclass
class Needs:
    """What the files need from the server they load on."""

    extensions: list[str] = field(default_factory=list)   # CREATE EXTENSION names, in order
    roles: list[str] = field(default_factory=list)        # roles named (owners, grantees) and not created


# statements worth parsing, by a word they must hold (the parser decides what they are)
_WORDS = ("extension", "database", "owner", "grant", "revoke", "policy", "authorization", "role")


def needs(files: Iterable[Path]) -> Needs:
    """The extensions and roles the files need. Statements are found by pglast's scanner and read by
    its parser, psql meta-command lines blanked. A file that leaves the scratch database
    (`\\connect`, CREATE DATABASE, as a dump made with --create has) is refused: it would load
    elsewhere and leave a database behind. A file the scanner cannot read (COPY data, an error
    the load will report) adds what it can."""
    from pglast import parser

    found = Needs()
    created_roles: set[str] = set()
    for path in files:
        lines = path.read_text(errors="replace").split("\n")
        kept = []
        problems: list[tuple[int, str]] = []      # (line, message): the first one is raised
        for number, line in enumerate(lines, 1):
            command = _meta_command(line)
            if command in _SWITCHES_DATABASE:
                problems.append((number, f"\\{command} switches to another database"))
            kept.append("" if command or line.lstrip().startswith("\\") else line)
        text = "\n".join(kept)
        try:
            spans = list(parser.split(text, with_parser=False, only_slices=True))
        except Exception:               # noqa: BLE001 (pglast raises its own error types; the load reports it)
            spans = []
        for span in spans:
            statement = text[span]
            lowered = statement.lower()
            if not any(word in lowered for word in _WORDS):
                continue
            try:
                tree = json.loads(parser.parse_sql_json(statement))
            except Exception:            # noqa: BLE001
                continue
            for item in tree.get("stmts", []):
                node = item.get("stmt", {})
                if "CreatedbStmt" in node:
                    problems.append((text.count("\n", 0, span.start) + 1, "CREATE DATABASE"))
                if "CreateRoleStmt" in node:
                    created_roles.add(node["CreateRoleStmt"]["role"])
                create = node.get("CreateExtensionStmt")
                if create and create["extname"] not in found.extensions:
                    found.extensions.append(create["extname"])
                for role in _role_names(node):
                    if role not in found.roles:
                        found.roles.append(role)
        if problems:
            first, message = min(problems)
            raise WorkbenchError(f"{path}:{first}: {message}; a SQL side loads into one scratch database "
                                 f"(a pg_dump made without -C/--create)")
    found.roles = [role for role in found.roles if role not in created_roles]
    return found


def roles_in(statements: Iterable[str]) -> list[str]:
    """The roles SQL statements name (owners, grantees, policy roles, FOR ROLE ...), in order of
    first mention, read from their parse trees; only statements holding a word that can name one
    are parsed."""
    from pglast import parser

    found: list[str] = []
    for statement in statements:
        lowered = statement.lower()
        if not any(word in lowered for word in _WORDS):
            continue
        for role in _role_names(json.loads(parser.parse_sql_json(statement))):
            if role not in found:
                found.append(role)
    return found


def _role_names(node: Any) -> Iterator[str]:
    """Role names in a parse tree: RoleSpec nodes (owners, grantees, policy roles, AUTHORIZATION)
    and the roles a GRANT role TO role grants."""
    if isinstance(node, dict):
        if node.get("roletype") == "ROLESPEC_CSTRING" and "rolename" in node:
            yield node["rolename"]
        granted = node.get("GrantRoleStmt", {}).get("granted_roles", []) if "GrantRoleStmt" in node else []
        for privilege in granted:
            name = privilege.get("AccessPriv", {}).get("priv_name")
            if name:
                yield name
        for value in node.values():
            yield from _role_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _role_names(item)


def missing_extensions(conn: "psycopg.Connection", wanted: list[str]) -> list[str]:
    """The wanted extensions the server cannot create (not in pg_available_extensions)."""
    if not wanted:
        return []
    available = {row[0] for row in conn.execute(
        "SELECT name FROM pg_catalog.pg_available_extensions WHERE name = ANY(%s)", (wanted,))}
    return [name for name in wanted if name not in available]


def missing_roles(conn: "psycopg.Connection", roles: list[str]) -> list[str]:
    """The roles the server does not have."""
    if not roles:
        return []
    existing = {row[0] for row in conn.execute("SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%s)",
                                               (roles,))}
    return [role for role in roles if role not in existing]


def create_missing_roles(conn: "psycopg.Connection", roles: list[str]) -> list[str]:
    """Make the roles the server lacks, NOLOGIN (on an embedded server only: roles belong to the
    whole cluster, and a throw-away server's vanish with it). Returns those made."""
    from psycopg import sql

    made = missing_roles(conn, roles)
    for role in made:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    return made


# --- loading ------------------------------------------------------------------------------------
def _psql() -> str:
    from workbench.sandbox import binaries_dir

    return str(binaries_dir() / "psql")


def _conninfo_and_env(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password (which goes into PGPASSWORD): the command line of a process
    is visible to every user of the machine."""
    from psycopg.conninfo import make_conninfo

    from workbench.connect import APPLICATION_NAME, check_dsn

    params = check_dsn(dsn)
    env = {**os.environ, "LC_MESSAGES": "C", "LANGUAGE": "C", "PGAPPNAME": APPLICATION_NAME,
           # notices of a long dump are noise; warnings and errors are kept
           "PGOPTIONS": (os.environ.get("PGOPTIONS", "") + " -c client_min_messages=warning").strip()}
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**{k: str(v) for k, v in params.items()}), env


def load(dsn: str, files: list[Path]) -> None:
    """Run the files in order against dsn with one psql (`-v ON_ERROR_STOP=1`); the first error
    raises a WorkbenchError `FILE:LINE: message`."""
    from workbench.connect import scrub

    conninfo, env = _conninfo_and_env(dsn)
    command = [_psql(), "-X", "-q", "-b", "-v", "ON_ERROR_STOP=1", "-d", conninfo]
    for path in files:
        command += ["-f", str(path)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace", env=env,
                                stdin=subprocess.DEVNULL, timeout=LOAD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise WorkbenchError(f"{files[0]}: loading took longer than {LOAD_TIMEOUT_S} s") from None
    if result.returncode == 0:
        return
    failure = parse_failure(result.stderr, files)
    raise WorkbenchError(scrub(str(failure), dsn))


_PREFIX = re.compile(r"^psql:(?P<file>.*?):(?P<line>\d+): (?P<severity>ERROR|FATAL|PANIC|error):\s+(?P<message>.*)$")


def parse_failure(stderr: str, files: list[Path]) -> LoadFailure:
    """Where psql stopped, from its error output (see the module docstring)."""
    lines = stderr.splitlines()
    known = {str(path): path for path in files}
    start = None
    for index in range(len(lines) - 1, -1, -1):
        match = _PREFIX.match(lines[index])
        if match and match.group("file") in known:
            start = index
            break
    if start is None:
        tail = " ".join(line.strip() for line in lines if line.strip()) or "psql failed"
        tail = re.sub(r"^psql: error: ", "", tail)
        return LoadFailure(files[0] if len(files) == 1 else files[0].parent, None, tail)
    match = _PREFIX.match(lines[start])
    assert match is not None
    path, end_line, message = known[match.group("file")], int(match.group("line")), match.group("message").strip()
    statement_prefix = f"psql:{match.group('file')}:{match.group('line')}: STATEMENT:  "
    position_line = None
    internal_query = False
    detail: list[str] = []
    statement: list[str] | None = None
    for line in lines[start + 1:]:
        if statement is not None:
            statement.append(line)
        elif line.startswith(statement_prefix):
            statement = [line[len(statement_prefix):]]
        elif line.startswith("QUERY:  "):
            internal_query = True        # a LINE n: then points into a function's query, not the file
        elif line.startswith("LINE ") and position_line is None and not internal_query:
            head = line[5:].split(":", 1)[0]
            position_line = int(head) if head.isdigit() else None
        elif line.startswith(("DETAIL:  ", "HINT:  ")):
            detail.append(line.split(":  ", 1)[1].strip())
    line_no = end_line
    if statement is not None and match.group("severity") != "error":
        first = end_line - (len(statement) - 1)
        line_no = first + ((position_line - 1) if position_line and position_line <= len(statement) else 0)
    text = message + "".join(f" ({part})" for part in detail[:1])
    return LoadFailure(path, max(line_no, 1), text)
