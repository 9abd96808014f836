"""Snapshot: one pandas DataFrame per kind, captured from a database or loaded from a file.

A capture (catalog/fetch.py) runs every kind's catalog query once (no per-object queries) inside
one REPEATABLE READ READ ONLY transaction, so all frames describe the same moment. Frames keep the values exactly as
the server returned them (object dtype: Python str/int/bool/None), which makes a saved and reloaded
snapshot identical to the live one, fingerprint included.

The rows are what a snapshot holds; a kind's DataFrame is built from them the first time someone
asks for it (`Frames`). Counting, filtering, fingerprinting, saving and comparing work on the
rows, so that `workbench diff` never imports pandas (a third of its time at small scales) and a
plan at scale 100 does not hold every catalog row twice.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from workbench.catalog import fetch as fetch_mod
from workbench.census import Census
from workbench.catalog.fetch import Table, is_snapshot_file  # noqa: F401 (re-exported)
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, SCHEMA_COLUMN, ignore_filter, resolve

if TYPE_CHECKING:
    import pandas as pd

    from workbench.connect import Timeouts
    from workbench.sides import Shadow

FORMAT = "drift-workbench/snapshot"
FORMAT_VERSION = 2
# what changed since an older version: why its files are refused, not misread (an old file's
# functions would all look dropped and created again)
_OLDER_VERSIONS = {1: "function identities are their argument types since version 2 (f(integer), not f(x integer)); "
                      "capture the snapshot again"}

# The report's before/after statistics: which rows of which kind count (seedscale.py's rules):
# name -> (kind, column, the values of that column that count; None: every row counts).
_TABLE_LIKE = frozenset(("ordinary", "partitioned"))
COUNT_RULES: dict[str, tuple[str, str | None, frozenset[Any] | None]] = {
    "tables": ("tables", "table_kind", _TABLE_LIKE),
    "views": ("views", None, None),
    "materialized_views": ("materialized_views", None, None),
    "columns": ("columns", "table_kind", _TABLE_LIKE),
    "sequences": ("sequences", None, None),
    "functions": ("functions", None, None),
    "triggers": ("triggers", None, None),
    "indexes": ("indexes", "table_kind", _TABLE_LIKE),
    "constraints": ("constraints", None, None),
    "types": ("types", None, None),
}


class Frames(Mapping[str, "pd.DataFrame"]):
    """kind -> DataFrame, each built from its rows on first access (pandas is imported then, not
    before). `tables` holds the rows: (columns, rows) per kind, rows as the server or the file gave
    them (tuples or lists); treat both the rows and the frames as read-only."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, kind: str) -> "pd.DataFrame":
        frame = self._built.get(kind)
        if frame is None:
            columns, rows = self.tables[kind]
            frame = self._built[kind] = _frame(rows, columns)
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def __contains__(self, kind: object) -> bool:
        return kind in self.tables

    def __repr__(self) -> str:
        return f"Frames({', '.join(f'{kind}: {len(rows)} rows' for kind, (_, rows) in self.tables.items())})"


@dataclass
class Snapshot:
    """The schema of one database at one moment, as frames per kind plus server facts. `frames` is
    a plain dict of DataFrames or, for captured and loaded snapshots, `Frames` over the rows."""

    frames: Mapping[str, pd.DataFrame]
    dsn: str                      # masked
    server_version: str
    server_version_num: int
    database: str
    captured_at: str
    settings: dict[str, str] = field(default_factory=dict)
    # what no kind models, counted and named (census.py); None for a snapshot file older than it
    census: Census | None = None
    origin: str = ""              # the file it was loaded from (errors about its content name it)

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self.frames:
            raise WorkbenchError(f"snapshot has no kind {kind} (it has: {', '.join(self.frames)})")
        return self.frames[kind]

    @property
    def kinds(self) -> list[str]:
        return list(self.frames)

    def table(self, kind: str) -> Table:
        """A kind's (columns, rows) without building its DataFrame when the rows are at hand."""
        if isinstance(self.frames, Frames):
            return self.frames.tables[kind]
        frame = self.frames[kind]
        return list(frame.columns), frame.values.tolist()

    @property
    def tables(self) -> dict[str, Table]:
        return {kind: self.table(kind) for kind in self.frames}

    @cached_property
    def counts(self) -> dict[str, int]:
        """Exact object counts: the counting rules of seedscale.py for the kinds they cover, and the
        number of rows for the others."""
        counts: dict[str, int] = {}
        for name, (kind, column, counted) in COUNT_RULES.items():
            if kind in self.frames:
                columns, rows = self.table(kind)
                if column is None or counted is None:
                    counts[name] = len(rows)
                else:
                    position = columns.index(column)
                    counts[name] = sum(1 for row in rows if row[position] in counted)
        for kind in self.frames:
            counts.setdefault(kind, len(self.table(kind)[1]))
        return counts

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the content (oids left out): equal for the same schema, whatever the order of
        capture, and unchanged by a save/load round trip (catalog.fetch.fingerprint)."""
        return fetch_mod.fingerprint(self.tables, self.census)

    def facts(self) -> dict[str, Any]:
        """What reports and JSON outputs say about this side."""
        return {"dsn": self.dsn, "server_version": self.server_version, "database": self.database,
                "captured_at": self.captured_at, "fingerprint": self.fingerprint, "counts": self.counts}

    def filtered(self, schemas: Iterable[str] = (), exclude_schemas: Iterable[str] = (),
                 kinds: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> "Snapshot":
        """The same snapshot limited to some schemas and kinds, without the objects that --ignore
        patterns name (a new Snapshot; self is unchanged)."""
        schemas, exclude_schemas, ignore = list(schemas), list(exclude_schemas), list(ignore)
        keep = resolve(list(kinds)) if kinds is not None else list(self.frames)
        if not schemas and not exclude_schemas and not ignore and set(keep) >= set(self.frames):
            return self                  # nothing to take out: keep the object (and its cached fingerprint)
        census = self.census.filtered(schemas, exclude_schemas) if self.census is not None else None
        wanted, unwanted = set(schemas), set(exclude_schemas)
        tables: dict[str, Table] = {}
        for kind in keep:
            if kind not in self.frames:
                continue
            columns, rows = self.table(kind)
            position = columns.index(SCHEMA_COLUMN[kind])
            if wanted:
                rows = [row for row in rows if row[position] in wanted]
            if unwanted:
                rows = [row for row in rows if row[position] not in unwanted]
            ignored = ignore_filter(kind, columns, ignore) if ignore else None
            if ignored is not None:
                rows = [row for row in rows if not ignored(row)]
            tables[kind] = (columns, rows)
        return Snapshot(Frames(tables), self.dsn, self.server_version, self.server_version_num, self.database,
                        self.captured_at, dict(self.settings), census, self.origin)

    # --- files -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "version": FORMAT_VERSION,
            "dsn": self.dsn, "server_version": self.server_version,
            "server_version_num": self.server_version_num, "database": self.database,
            "captured_at": self.captured_at, "settings": self.settings,
            "counts": self.counts, "fingerprint": self.fingerprint, "captured_kinds": list(self.frames),
            "kinds": {kind: {"columns": columns, "rows": rows} for kind, (columns, rows) in self.tables.items()},
            **({"census": self.census.to_dict()} if self.census is not None else {}),
        }

    def save(self, path: str | Path) -> Path:
        """Write the snapshot as versioned JSON (atomically: a crash leaves no half file)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(self.to_dict(), default=str))
            os.replace(tmp, path)
        except OSError as error:
            raise WorkbenchError(f"cannot write snapshot {path}: {error.strerror}") from None
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "snapshot", consume: bool = False) -> "Snapshot":
        """A snapshot from its JSON form, checked as untrusted input (workbench.snapshotcheck):
        format and version, every kind it was captured with, the columns and value types of each,
        the server facts, and the fingerprint of its content. Errors are `ORIGIN: what is wrong`.
        `consume`: data was parsed for this call alone; each kind's parsed rows are let go as soon
        as the snapshot's own are made (the two at once were the peak of a plan from files)."""
        from workbench import snapshotcheck

        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise WorkbenchError(f"{origin}: not a drift-workbench snapshot (its format is not {FORMAT})")
        if data.get("version") != FORMAT_VERSION:
            why = _OLDER_VERSIONS.get(data.get("version"))           # type: ignore[arg-type]
            raise WorkbenchError(f"{origin}: snapshot format version {data.get('version')}, "
                                 f"this workbench reads version {FORMAT_VERSION}" + (f": {why}" if why else ""))
        kinds = data.get("kinds")
        if not isinstance(kinds, dict):
            raise WorkbenchError(f"{origin}: no kinds object")
        snapshotcheck.check_kinds_present(origin, kinds, data.get("captured_kinds"))
        shared: dict[type, dict[Any, Any]] = {str: {}, int: {}}          # equal values made one object
        tables: dict[str, Table] = {}
        for kind in list(kinds):
            tables[kind] = snapshotcheck.check_kind(origin, kind, kinds[kind], shared)
            if consume:
                kinds[kind] = None
        for name, wanted in (("dsn", str), ("server_version", str), ("server_version_num", int), ("database", str),
                             ("captured_at", str)):
            if type(data.get(name)) is not wanted:
                raise WorkbenchError(f"{origin}: {name} must be {'an integer' if wanted is int else 'text'}")
        settings = data.get("settings") or {}
        if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
            raise WorkbenchError(f"{origin}: settings must be an object of text values")
        try:
            census = Census.from_dict(data["census"]) if data.get("census") is not None else None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            raise WorkbenchError(f"{origin}: corrupt census ({type(error).__name__}: {error})") from None
        snapshot = cls(Frames(tables), data["dsn"], data["server_version"], data["server_version_num"],
                       data["database"], data["captured_at"], dict(settings), census, origin)
        if not isinstance(data.get("fingerprint"), str) or not data["fingerprint"]:
            raise WorkbenchError(f"{origin}: no fingerprint (a snapshot file carries the fingerprint of its content)")
        if data["fingerprint"] != snapshot.fingerprint:
            raise WorkbenchError(f"{origin}: its content does not match its fingerprint (edited after capture?)")
        return snapshot

    @classmethod
    def load(cls, path: str | Path) -> "Snapshot":
        from workbench import jsonfile

        path = Path(path)
        text = jsonfile.read_text(path, "snapshot", missing=f"snapshot file {path} does not exist")
        try:
            data = json.loads(text)
        except ValueError as error:
            raise WorkbenchError(f"{path}: not a snapshot: not JSON ({error})") from None
        del text                                         # the parsed rows are all that is needed now
        return cls.from_dict(data, origin=str(path), consume=True)


def _frame(rows: list[Any], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns, dtype=object)


def from_fetched(fetched: fetch_mod.Fetched, fingerprint: str | None = None) -> Snapshot:
    """A Snapshot of rows read by catalog.fetch (with their fingerprint when already computed)."""
    snapshot = Snapshot(Frames(dict(fetched.tables)), fetched.dsn, fetched.server_version, fetched.server_version_num, fetched.database,
                        fetched.captured_at, fetched.settings, fetched.census)
    if fingerprint is not None:
        snapshot.__dict__["fingerprint"] = fingerprint          # the cached_property's slot
    return snapshot


def capture(dsn: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
            exclude_schemas: Iterable[str] = (), progress: Callable[[str], None] | None = None,
            timeouts: "Timeouts | None" = None) -> Snapshot:
    """Read every kind's catalog query from a live database into a Snapshot (timeouts:
    connect.Timeouts, default from the environment)."""
    snapshot = from_fetched(fetch_mod.fetch(dsn, kinds, progress, timeouts))
    if list(schemas) or list(exclude_schemas):
        snapshot = snapshot.filtered(schemas, exclude_schemas)
    return snapshot


def open_side(spec: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
              exclude_schemas: Iterable[str] = (), progress: Callable[[str], None] | None = None,
              shadow: "Shadow" = None) -> Snapshot:
    """A snapshot of any side (DSN, snapshot file, SQL file or folder, store entry): sides.open_side."""
    from workbench import sides

    return sides.open_side(spec, kinds, schemas, exclude_schemas, progress, shadow=shadow)


def open_pair(source: str, target: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
              exclude_schemas: Iterable[str] = (), progress: Callable[[str], None] | None = None,
              fingerprints: bool = False, shadow: "Shadow" = None) -> tuple[Snapshot, Snapshot]:
    """Both sides at once, live ones captured concurrently: sides.open_pair."""
    from workbench import sides

    return sides.open_pair(source, target, kinds, schemas, exclude_schemas, progress, fingerprints, shadow)
