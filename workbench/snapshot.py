"""Snapshot: one pandas DataFrame per kind, captured from a database or loaded from a file.

A capture (catalog/fetch.py) runs every kind's catalog query once (no per-object queries) inside
one REPEATABLE READ READ ONLY transaction, so all frames describe the same moment. Frames keep the values exactly as
the server returned them (object dtype: Python str/int/bool/None), which makes a saved and reloaded
snapshot identical to the live one, fingerprint included.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

import pandas as pd

from workbench.catalog import fetch as fetch_mod
from workbench.catalog.fetch import is_snapshot_file  # noqa: F401 (re-exported)
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, SCHEMA_COLUMN, ignore_mask, resolve

if TYPE_CHECKING:
    from workbench.sides import Shadow

FORMAT = "drift-workbench/snapshot"
FORMAT_VERSION = 1

# The report's before/after statistics: which rows of which frame count (seedscale.py's rules).
_TABLE_LIKE = ("ordinary", "partitioned")
COUNT_RULES: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series] | None]] = {
    "tables": ("tables", lambda f: f["table_kind"].isin(_TABLE_LIKE)),
    "views": ("views", None),
    "materialized_views": ("materialized_views", None),
    "columns": ("columns", lambda f: f["table_kind"].isin(_TABLE_LIKE)),
    "sequences": ("sequences", None),
    "functions": ("functions", None),
    "triggers": ("triggers", None),
    "indexes": ("indexes", lambda f: f["table_kind"].isin(_TABLE_LIKE)),
    "constraints": ("constraints", None),
    "types": ("types", None),
}


@dataclass
class Snapshot:
    """The schema of one database at one moment, as frames per kind plus server facts."""

    frames: dict[str, pd.DataFrame]
    dsn: str                      # masked
    server_version: str
    server_version_num: int
    database: str
    captured_at: str
    settings: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self.frames:
            raise WorkbenchError(f"snapshot has no kind {kind} (it has: {', '.join(self.frames)})")
        return self.frames[kind]

    @property
    def kinds(self) -> list[str]:
        return list(self.frames)

    @cached_property
    def counts(self) -> dict[str, int]:
        """Exact object counts: the counting rules of seedscale.py for the kinds they cover, and the
        number of rows for the others."""
        counts: dict[str, int] = {}
        for name, (kind, rule) in COUNT_RULES.items():
            if kind in self.frames:
                frame = self.frames[kind]
                counts[name] = int(rule(frame).sum()) if rule is not None and len(frame) else len(frame)
        for kind, frame in self.frames.items():
            counts.setdefault(kind, len(frame))
        return counts

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the content (oids left out): equal for the same schema, whatever the order of
        capture, and unchanged by a save/load round trip (catalog.fetch.fingerprint)."""
        return fetch_mod.fingerprint({kind: (list(frame.columns), frame.values.tolist())
                                      for kind, frame in self.frames.items()})

    def facts(self) -> dict:
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
        frames = {}
        for kind in keep:
            if kind not in self.frames:
                continue
            frame = self.frames[kind]
            column = SCHEMA_COLUMN[kind]
            if schemas:
                frame = frame[frame[column].isin(schemas)]
            if exclude_schemas:
                frame = frame[~frame[column].isin(exclude_schemas)]
            if ignore:
                frame = frame[~ignore_mask(kind, frame, ignore)]
            frames[kind] = frame.reset_index(drop=True)
        return Snapshot(frames, self.dsn, self.server_version, self.server_version_num, self.database,
                        self.captured_at, dict(self.settings))

    # --- files -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "format": FORMAT, "version": FORMAT_VERSION,
            "dsn": self.dsn, "server_version": self.server_version,
            "server_version_num": self.server_version_num, "database": self.database,
            "captured_at": self.captured_at, "settings": self.settings,
            "counts": self.counts, "fingerprint": self.fingerprint,
            "kinds": {kind: {"columns": list(frame.columns), "rows": frame.values.tolist()}
                      for kind, frame in self.frames.items()},
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
    def from_dict(cls, data: dict, origin: str = "snapshot") -> "Snapshot":
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise WorkbenchError(f"{origin} is not a drift-workbench snapshot")
        if data.get("version") != FORMAT_VERSION:
            raise WorkbenchError(f"{origin} has snapshot format version {data.get('version')}, "
                                 f"this workbench reads version {FORMAT_VERSION}")
        try:
            frames = {}
            for kind, body in data["kinds"].items():
                if kind not in KINDS:
                    raise WorkbenchError(f"{origin} holds unknown kind {kind}")
                frames[kind] = _frame(body["rows"], body["columns"])
            snapshot = cls(frames, data["dsn"], data["server_version"], int(data["server_version_num"]),
                           data["database"], data["captured_at"], dict(data.get("settings") or {}))
        except (KeyError, TypeError, ValueError) as error:
            raise WorkbenchError(f"{origin} is corrupt ({type(error).__name__}: {error})") from None
        if data.get("fingerprint") and data["fingerprint"] != snapshot.fingerprint:
            raise WorkbenchError(f"{origin} is corrupt: its content does not match its fingerprint")
        return snapshot

    @classmethod
    def load(cls, path: str | Path) -> "Snapshot":
        path = Path(path)
        try:
            text = path.read_text()
        except FileNotFoundError:
            raise WorkbenchError(f"snapshot file {path} does not exist") from None
        except OSError as error:
            raise WorkbenchError(f"cannot read snapshot file {path}: {error.strerror}") from None
        try:
            data = json.loads(text)
        except ValueError as error:
            raise WorkbenchError(f"snapshot file {path} is corrupt (not JSON: {error})") from None
        return cls.from_dict(data, origin=f"snapshot file {path}")


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns, dtype=object)


def from_fetched(fetched: fetch_mod.Fetched, fingerprint: str | None = None) -> Snapshot:
    """A Snapshot of rows read by catalog.fetch (with their fingerprint when already computed)."""
    frames = {kind: _frame(rows, columns) for kind, (columns, rows) in fetched.tables.items()}
    snapshot = Snapshot(frames, fetched.dsn, fetched.server_version, fetched.server_version_num, fetched.database,
                        fetched.captured_at, fetched.settings)
    if fingerprint is not None:
        snapshot.__dict__["fingerprint"] = fingerprint          # the cached_property's slot
    return snapshot


def capture(dsn: str, kinds: Iterable[str] | None = None, schemas: Iterable[str] = (),
            exclude_schemas: Iterable[str] = (), progress: Callable[[str], None] | None = None) -> Snapshot:
    """Read every kind's catalog query from a live database into a Snapshot."""
    snapshot = from_fetched(fetch_mod.fetch(dsn, kinds, progress))
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
