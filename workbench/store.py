"""A snapshot store: the schema history of one database, content-addressed, and its timeline.

Layout of a store directory (format `drift-workbench/store`, version 1):

    DIR/store.json                       {"format": "drift-workbench/store", "version": 1, "created_at": ...}
    DIR/snapshots/<fingerprint>.json.gz  one snapshot per distinct schema: the snapshot file format
                                         (`drift-workbench/snapshot`), gzip-compressed
    DIR/entries/<seq>-<fp12>.json        one per capture: {"format": "drift-workbench/store-entry",
                                         "version": 1, "seq", "at", "label", "fingerprint", "dsn",
                                         "server_version", "database", "counts"}

A capture whose schema did not change adds an entry that names the existing snapshot, not a copy.
Entries are numbered (`seq`, created exclusively, so two captures at once never share a number)
and ordered by capture time, then number. Every file is written to a temporary name and renamed:
a crash leaves no half file. Snapshots are read through Snapshot.from_dict, the validated loader of
snapshot files, and must match the fingerprint they are named by. An entry or snapshot that cannot
be read is named in a WorkbenchWarning and skipped; the rest of the history stands.

The timeline (`history`) has one step per change of fingerprint between consecutive captures:
what appeared (only in the later capture), disappeared (only in the earlier one) and changed.
"""
from __future__ import annotations

import gzip
import json
import os
import uuid
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError, WorkbenchWarning

if TYPE_CHECKING:
    import pandas as pd

    from workbench.compare import Drift
    from workbench.snapshot import Snapshot

STORE_FORMAT = "drift-workbench/store"
STORE_VERSION = 1
ENTRY_FORMAT = "drift-workbench/store-entry"
ENTRY_VERSION = 1
HISTORY_FORMAT = "drift-workbench/history"
HISTORY_VERSION = 1
STORE_FILE = "store.json"
SNAPSHOTS = "snapshots"
ENTRIES = "entries"
# compare() statuses of (earlier capture as source, later capture as target) -> history's words
CHANGE_STATUSES = {"only_in_target": "appeared", "only_in_source": "disappeared", "changed": "changed"}
CHANGES = tuple(CHANGE_STATUSES.values())


def is_store(path: str | Path) -> bool:
    return (Path(path) / STORE_FILE).is_file()


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise WorkbenchError(f"cannot write {path}: {error.strerror}") from None


def _warn(message: str) -> None:
    warnings.warn(message, WorkbenchWarning, stacklevel=3)


@dataclass(frozen=True)
class Entry:
    """One capture in a store."""

    seq: int
    at: str                       # ISO 8601 capture time (the snapshot's captured_at)
    label: str
    fingerprint: str
    dsn: str                      # masked
    server_version: str
    database: str
    counts: dict[str, int] = field(default_factory=dict)
    file: str = ""                # entries/<name>, for messages

    @property
    def moment(self) -> datetime:
        return parse_time(self.at)

    def to_json(self) -> dict[str, Any]:
        return {"format": ENTRY_FORMAT, "version": ENTRY_VERSION, "seq": self.seq, "at": self.at,
                "label": self.label, "fingerprint": self.fingerprint, "dsn": self.dsn,
                "server_version": self.server_version, "database": self.database, "counts": self.counts}

    @classmethod
    def from_json(cls, data: Any, file: str) -> "Entry":
        if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
            raise ValueError("not a drift-workbench store entry")
        if data.get("version") != ENTRY_VERSION:
            raise ValueError(f"entry format version {data.get('version')}, this workbench reads {ENTRY_VERSION}")
        fingerprint = data["fingerprint"]
        if not isinstance(fingerprint, str) or len(fingerprint) != 64 or set(fingerprint) - set("0123456789abcdef"):
            raise ValueError("its fingerprint is not a sha256")
        parse_time(data["at"])
        return cls(int(data["seq"]), str(data["at"]), str(data.get("label") or ""), fingerprint,
                   str(data.get("dsn") or ""), str(data.get("server_version") or ""), str(data.get("database") or ""),
                   {str(k): int(v) for k, v in (data.get("counts") or {}).items()}, file)


def parse_time(text: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or time as an aware datetime (no zone means UTC). A bare date is the start
    of that day, or with end_of_day its end (so --until 2025-06-30 includes the 30th)."""
    text = str(text).strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.min, timezone.utc)
            return moment + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else moment
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise WorkbenchError(f"{text!r} is not an ISO 8601 date or time "
                             f"(e.g. 2025-06-30 or 2025-06-30T14:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Store:
    """A snapshot store directory (see the module docstring)."""

    def __init__(self, path: str | Path, create: bool = False) -> None:
        self.path = Path(path)
        if create and not is_store(self.path):
            self._create()
        self._check()

    def _create(self) -> None:
        if self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir())):
            raise WorkbenchError(f"{self.path}: not a snapshot store (no {STORE_FILE}) and not an empty directory")
        try:
            (self.path / SNAPSHOTS).mkdir(parents=True, exist_ok=True)
            (self.path / ENTRIES).mkdir(exist_ok=True)
        except OSError as error:
            raise WorkbenchError(f"cannot create the store {self.path}: {error.strerror}") from None
        header = {"format": STORE_FORMAT, "version": STORE_VERSION,
                  "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_atomically(self.path / STORE_FILE, (json.dumps(header, indent=1) + "\n").encode())

    def _check(self) -> None:
        file = self.path / STORE_FILE
        try:
            header = json.loads(file.read_text())
        except FileNotFoundError:
            raise WorkbenchError(f"{self.path}: not a snapshot store (no {STORE_FILE}; "
                                 f"make one with workbench snapshot DSN --store {self.path})") from None
        except (OSError, ValueError) as error:
            raise WorkbenchError(f"{file}: cannot read the store header ({error})") from None
        if not isinstance(header, dict) or header.get("format") != STORE_FORMAT:
            raise WorkbenchError(f"{file}: not a drift-workbench store")
        if header.get("version") != STORE_VERSION:
            raise WorkbenchError(f"{file}: store format version {header.get('version')}, "
                                 f"this workbench reads version {STORE_VERSION}")

    # --- writing ---------------------------------------------------------------------------------
    def snapshot_file(self, fingerprint: str) -> Path:
        return self.path / SNAPSHOTS / f"{fingerprint}.json.gz"

    def add(self, snapshot: "Snapshot", label: str = "") -> tuple[Entry, bool]:
        """Record a capture; returns the entry and whether a new snapshot file was written (False:
        the schema is one the store already holds)."""
        fingerprint = snapshot.fingerprint
        target = self.snapshot_file(fingerprint)
        written = False
        if not self._readable(target, fingerprint):
            body = json.dumps(snapshot.to_dict(), default=str).encode()
            _write_atomically(target, gzip.compress(body, compresslevel=6, mtime=0))
            written = True
        entries = self.path / ENTRIES
        seq = 1 + max((_seq_of(p) for p in entries.glob("*.json")), default=0)
        while True:                       # exclusive creation: a concurrent capture takes the next number
            entry = Entry(seq, snapshot.captured_at, label, fingerprint, snapshot.dsn, snapshot.server_version,
                          snapshot.database, dict(snapshot.counts), f"{ENTRIES}/{seq:06d}-{fingerprint[:12]}.json")
            try:
                fd = os.open(self.path / entry.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                seq += 1
                continue
            except OSError as error:
                raise WorkbenchError(f"cannot write {self.path / entry.file}: {error.strerror}") from None
            with os.fdopen(fd, "w") as handle:
                handle.write(json.dumps(entry.to_json(), indent=1) + "\n")
            return entry, written

    def _readable(self, path: Path, fingerprint: str) -> bool:
        """Whether the snapshot file exists and holds that fingerprint (a corrupt one is replaced)."""
        if not path.exists():
            return False
        try:
            self._load(path, fingerprint)
        except WorkbenchError as error:
            _warn(f"{error}; writing it anew")
            return False
        return True

    # --- reading ---------------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        """Every readable entry, oldest first; an unreadable one is named in a warning and skipped."""
        found = []
        for path in sorted((self.path / ENTRIES).glob("*.json")):
            name = f"{ENTRIES}/{path.name}"
            try:
                found.append(Entry.from_json(json.loads(path.read_text()), name))
            except (OSError, ValueError, KeyError, TypeError) as error:
                _warn(f"store {self.path}: entry {name} is corrupt ({type(error).__name__}: {error}); skipped")
        return sorted(found, key=lambda e: (e.moment, e.seq))

    def _load(self, path: Path, fingerprint: str) -> "Snapshot":
        from workbench.snapshot import Snapshot

        origin = f"store {self.path}: snapshot {SNAPSHOTS}/{path.name}"
        try:
            data = json.loads(gzip.decompress(path.read_bytes()))
        except FileNotFoundError:
            raise WorkbenchError(f"{origin} is missing") from None
        except (OSError, EOFError, ValueError) as error:
            raise WorkbenchError(f"{origin} is corrupt ({type(error).__name__}: {error})") from None
        snapshot = Snapshot.from_dict(data, origin=origin, consume=True)
        if snapshot.fingerprint != fingerprint:
            raise WorkbenchError(f"{origin} is corrupt: it holds another schema than its name says")
        return snapshot

    def load(self, entry: Entry) -> "Snapshot":
        """The snapshot of an entry (raises a WorkbenchError naming the file when it is corrupt)."""
        return self._load(self.snapshot_file(entry.fingerprint), entry.fingerprint)

    def resolve(self, ref: str) -> Entry:
        """An entry by reference: latest, first, a fingerprint prefix (4+ hex digits) or a label
        (the latest capture with it)."""
        entries = self.entries()
        if not entries:
            raise WorkbenchError(f"store {self.path} holds no captures")
        if ref in ("", "latest"):
            return entries[-1]
        if ref == "first":
            return entries[0]
        labelled = [e for e in entries if e.label == ref]
        if labelled:
            return labelled[-1]
        lowered = ref.lower()
        matches = {e.fingerprint for e in entries if len(lowered) >= 4 and e.fingerprint.startswith(lowered)}
        if len(matches) == 1:
            return [e for e in entries if e.fingerprint in matches][-1]
        if len(matches) > 1:
            raise WorkbenchError(f"{self.path}@{ref}: ambiguous, fingerprints "
                                 f"{', '.join(sorted(m[:12] for m in matches))} match; give more digits")
        raise WorkbenchError(f"{self.path}@{ref}: no capture with that label or fingerprint "
                             f"(use latest, first, a label or 4+ digits of a fingerprint)")

    def snapshot(self, ref: str = "latest") -> "Snapshot":
        return self.load(self.resolve(ref))


def _seq_of(path: Path) -> int:
    head = path.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


# --- the timeline --------------------------------------------------------------------------------
@dataclass
class Step:
    """A change of fingerprint between two consecutive captures."""

    before: Entry
    after: Entry
    drift: "Drift"                 # earlier capture as source, later as target

    @property
    def changes(self) -> list[dict[str, Any]]:
        """What changed, as diff's JSON lists objects; status is appeared, disappeared or changed."""
        return [{**obj, "status": CHANGE_STATUSES[obj["status"]]} for obj in self.drift.objects()]

    @property
    def summary(self) -> dict[str, dict[str, int]]:
        """kind -> {appeared, disappeared, changed} counts, every compared kind, zeros included."""
        return {kind: {CHANGE_STATUSES[status]: counts[status] for status in CHANGE_STATUSES}
                for kind, counts in self.drift.counts.items()}

    def to_json(self) -> dict[str, Any]:
        return {"from": self.before.fingerprint, "to": self.after.fingerprint, "at": self.after.at,
                "summary": self.summary, "changes": self.changes}


@dataclass
class History:
    """The captures of a store in a time window and the steps between them."""

    store: Path
    entries: list[Entry]
    steps: list[Step]

    def to_json(self) -> dict[str, Any]:
        return {"format": HISTORY_FORMAT, "version": HISTORY_VERSION,
                "entries": [{"at": e.at, "label": e.label, "fingerprint": e.fingerprint} for e in self.entries],
                "steps": [step.to_json() for step in self.steps]}

    def counts(self) -> "pd.DataFrame":
        """Object counts per kind (columns) at each capture (rows: at, label, fingerprint first)."""
        import pandas as pd

        rows = [{"at": e.moment, "label": e.label, "fingerprint": e.fingerprint[:12], **e.counts} for e in self.entries]
        frame = pd.DataFrame(rows)
        return frame.fillna(0) if len(frame) else pd.DataFrame(columns=["at", "label", "fingerprint"])

    def events(self) -> "pd.DataFrame":
        """One row per kind and change of each step: at, step number, kind, change, objects."""
        import pandas as pd

        rows = [{"at": step.after.moment, "step": number, "label": step.after.label, "kind": kind,
                 "change": change, "objects": n}
                for number, step in enumerate(self.steps, 1)
                for kind, statuses in step.summary.items() for change, n in statuses.items() if n]
        return pd.DataFrame(rows, columns=["at", "step", "label", "kind", "change", "objects"])


def history(store: str | Path | Store, since: str | None = None, until: str | None = None) -> History:
    """The timeline of a store: captures whose time is in [since, until], and one step for each
    of them whose fingerprint differs from the capture before it (which may lie before `since`:
    a change on the first day of the window is still a change). A capture whose snapshot cannot be
    read is named in a warning and left out; the steps go around it."""
    from workbench.compare import CompareOptions, compare

    store = store if isinstance(store, Store) else Store(store)
    start = parse_time(since) if since else None
    end = parse_time(until, end_of_day=True) if until else None
    options = CompareOptions(ignore_extension_versions=False)   # a history shows every version change
    entries: list[Entry] = []
    steps: list[Step] = []
    previous: tuple[Entry, Snapshot] | None = None
    bad: set[str] = set()
    for entry in store.entries():
        if end is not None and entry.moment > end:
            break
        if entry.fingerprint in bad:
            continue
        if previous is not None and previous[0].fingerprint == entry.fingerprint:
            snapshot = previous[1]
        else:
            try:
                snapshot = store.load(entry)
            except WorkbenchError as error:
                bad.add(entry.fingerprint)
                _warn(f"{error}; capture {entry.file} ({entry.at}) skipped")
                continue
        in_window = start is None or entry.moment >= start
        if in_window:
            entries.append(entry)
            if previous is not None and previous[0].fingerprint != entry.fingerprint:
                # a capture made before a kind was added to the registry does not hold it: the step
                # compares the kinds both captures hold (a kind newly read is not a change of schema)
                held = [kind for kind in snapshot.frames if kind in previous[1].frames]
                steps.append(Step(previous[0], entry, compare(previous[1], snapshot,
                                                              replace(options, kinds=tuple(held)))))
        previous = (entry, snapshot)
    return History(store.path, entries, steps)


def write_history(result: History, path: str | Path) -> Path:
    """The history's JSON (History.to_json()) as a file: one step per line."""
    from workbench import jsonfile

    return jsonfile.write(path, result.to_json(), "steps")
