"""The independent oracle of the planner corpus: `pg_dump -s`, not the tool's own compare.

The tool's compare cannot see what the tool does not model (a lost storage parameter, a column
collation no kind reads, a cast): comparing the two databases through pg_dump, which knows every
object PostgreSQL has, catches what the planner forgot as well as what it got wrong.

Normalised as pg-schema-diff's acceptance tests do, made a little stricter: psql meta-commands
(`\\restrict`), `SET` / `set_config` lines and `--` comment lines are dropped; the rest is split
into statements (pglast's scanner, so dollar-quoted bodies stay whole) with whitespace collapsed;
the column lines of a CREATE TABLE are sorted (an added column lands last, and column order is
not a thing the planner promises), and the statements are sorted. Owners and privileges are left
out (`--no-owner --no-privileges`) unless asked for: the sandbox's superuser owns everything the
test built, so only a case about them should see them.
"""
from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pglast import parser

from workbench import sandbox

_DROPPED_LINE = re.compile(r"^(--|\\|SET |SELECT pg_catalog\.set_config\()")
_CREATE_TABLE = re.compile(r"^CREATE (UNLOGGED |FOREIGN )?TABLE ")


@dataclass(frozen=True)
class DumpOptions:
    """What of a schema the oracle looks at beyond the DDL itself."""

    owners: bool = False
    privileges: bool = False
    schemas: tuple[str, ...] = ()           # pg_dump --schema, for a comparison scoped to schemas
    exclude_schemas: tuple[str, ...] = ()   # pg_dump --exclude-schema


def pg_dump_schema(dsn: str, options: DumpOptions = DumpOptions()) -> str:
    """`pg_dump -s` of a database, with the pg_dump of the server's own major version when one is
    installed (the system server's; Debian's PostgreSQL 15 stamps every column with a build option,
    pg_attver, that its own pg_dump leaves out and a newer one writes), else the embedded server's."""
    command = [_pg_dump_for(dsn), "--schema-only", "--dbname", dsn]
    if not options.owners:
        command.append("--no-owner")
    if not options.privileges:
        command.append("--no-privileges")
    command += [f"--schema={schema}" for schema in options.schemas]
    command += [f"--exclude-schema={schema}" for schema in options.exclude_schemas]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    return result.stdout


@functools.lru_cache(maxsize=None)
def _major_of(server: str) -> int:
    with psycopg.connect(server) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def _pg_dump_for(dsn: str) -> str:
    """The server's own major's pg_dump (/usr/lib/postgresql/N/bin), else the embedded one."""
    server = dsn.rsplit("/", 1)[0] + "/postgres" if dsn.startswith("postgresql://") else dsn
    own = Path(f"/usr/lib/postgresql/{_major_of(server)}/bin/pg_dump")
    return str(own) if own.exists() else str(sandbox.binaries_dir() / "pg_dump")


def normalise(dump: str) -> list[str]:
    """A pg_dump -s text as sorted statements, each with its whitespace collapsed."""
    kept = "\n".join(line for line in dump.splitlines() if line.strip() and not _DROPPED_LINE.match(line))
    statements = []
    for piece in parser.split(kept, with_parser=False, only_slices=True):
        text = kept[piece].strip().rstrip(";")
        if _CREATE_TABLE.match(text) and "(" in text:
            head, _, rest = text.partition("(\n")
            body, _, tail = rest.rpartition("\n)")
            columns = sorted(line.strip().rstrip(",") for line in body.splitlines())
            text = f"{head}({', '.join(columns)}){tail}"
        statements.append(" ".join(text.split()))
    return sorted(statements)


def schema_of(dsn: str, options: DumpOptions = DumpOptions()) -> list[str]:
    """The normalised schema of a live database: what two databases must share to be the same."""
    return normalise(pg_dump_schema(dsn, options))


def differences(expected: list[str], actual: list[str]) -> str:
    """A readable account of two normalised schemas' differences: the statements each lacks."""
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    lines = [f"  - only in the expected (source) schema: {s}" for s in missing]
    lines += [f"  + only in the migrated target: {s}" for s in extra]
    if not lines and expected != actual:
        lines.append("  the same statements, a different number of times")
    return "\n".join(lines)
