"""Shared by the chart, explorer, notebook and report tests: the seedscale scale-1 pair captured
once per test process (captures cost about a second each), and its after-migration database."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from conftest import load_file
from workbench.compare import Drift, compare
from workbench.snapshot import Snapshot, capture


@lru_cache(maxsize=None)
def _snapshot(dsn: str) -> Snapshot:
    return capture(dsn)


def seedscale_drift(pair: dict) -> Drift:
    """legacy (source) compared with current (target)."""
    return compare(_snapshot(pair["legacy"]), _snapshot(pair["current"]))


def expected(seedscale_dir: Path) -> dict:
    return json.loads((seedscale_dir / "expected.json").read_text())


_after_dsns: dict[tuple[int, str], str] = {}


def after_dsn(pg, seedscale_dir: Path) -> str:
    """A database loaded with after.sql (current as a correct add-only migration leaves it), made
    once per test process on the session's server; like seedscale_pair, do not modify it."""
    key = (pg.port, str(seedscale_dir))
    if key not in _after_dsns:
        name = "seedscale_after"
        pg.drop_database(name)
        pg.create_database(name)
        load_file(pg.dsn(name), seedscale_dir / "after.sql")
        _after_dsns[key] = pg.dsn(name)
    return _after_dsns[key]


def after_snapshot(pg, seedscale_dir: Path) -> Snapshot:
    return _snapshot(after_dsn(pg, seedscale_dir))


# --- passwords ---------------------------------------------------------------------------------
# a password full of what DSNs treat specially: ://, @, a space, %, both quotes, a backslash
NASTY_PASSWORD = "Qz7kx://Pa7Mq@Ss9Lw Wk9rd%zzJq4Vx'Hy6Nb\"Cd3Fg\\Bk8Sl"


def url_with_password(dsn: str, password: str = NASTY_PASSWORD, user: str = "postgres") -> str:
    """The URL DSN `postgresql://postgres@host:port/db` with user:password (percent-encoded)."""
    from urllib.parse import quote

    assert "://postgres@" in dsn
    return dsn.replace("://postgres@", f"://{user}:{quote(password, safe='')}@", 1)


def keywords_with_password(dsn: str, password: str = NASTY_PASSWORD, user: str = "postgres") -> str:
    """The same database as libpq keywords, the password quoted and backslash-escaped."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(dsn)
    value = "'" + password.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"host={params['host']} port={params['port']} dbname={params['dbname']} user={user} password={value}"


def password_spellings(password: str = NASTY_PASSWORD) -> list[str]:
    """The password and its encodings, as a grep for it would look: raw, percent-encoded (three
    ways), backslash-escaped, JSON-escaped, and each of its pieces (5 characters or more: shorter
    ones turn up in any 3 MB of plotly.js)."""
    import re
    from urllib.parse import quote, quote_plus

    escaped = password.replace("\\", "\\\\").replace("'", "\\'")
    pieces = [p for p in re.split(r"[\s@/:%'\"\\]+", password) if len(p) >= 5]
    return [password, quote(password, safe=""), quote(password), quote_plus(password), escaped,
            json.dumps(password)[1:-1], *pieces]


def assert_no_password(text: str, where: object, password: str = NASTY_PASSWORD) -> None:
    for form in password_spellings(password):
        assert form not in text, (form, str(where), text[:1000])


def assert_no_password_in_files(*folders: Path, password: str = NASTY_PASSWORD) -> int:
    """Every file under the folders; returns how many were read."""
    count = 0
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_file():
                assert_no_password(path.read_text(errors="replace"), path, password)
                count += 1
    return count
