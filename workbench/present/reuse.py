"""What `workbench report` hands the notebooks it runs in this process: the objects behind the files
the pipeline has just written, so that a notebook does not read, check and compare them again.

A report notebook takes file names as parameters (the snapshot files, the plan folder, the verify
result) and reads them: run by papermill or in JupyterLab it always does. When workbench.report
runs it in this process, right after the pipeline wrote those files, the pipeline's own objects
are handed over instead: a snapshot for the snapshot file it was saved to, the plan for its plan
folder, the comparison for that pair of files and options, the apply's log for its log file.
Each is taken only while its file is
the one written (same size, modification time and inode); any other file, or a file changed
since, is read as usual. The objects are shared, never changed: the present functions only read.

Relative file names in the parameters are the report folder's (the executed notebook reruns from
there); `path()` resolves them against the folder of the notebook being run in this thread.
"""
from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:
    from workbench.compare import CompareOptions, Drift
    from workbench.planner import Plan
    from workbench.snapshot import Snapshot

Stamp = tuple[int, int, int]


def stamp(path: str | Path) -> Stamp | None:
    """What identifies a file's content here: (size, mtime in ns, inode); None when it is gone."""
    try:
        status = Path(path).stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


@dataclass
class Handover:
    """The pipeline's objects by the files they were written to (absolute paths), and the folder
    that relative names in a notebook's parameters are read from."""

    folder: Path
    snapshots: dict[Path, tuple[Stamp, "Snapshot"]] = field(default_factory=dict)
    plans: dict[Path, tuple[Stamp, "Plan", dict[str, Any]]] = field(default_factory=dict)
    drifts: list[tuple[Path, Path, "CompareOptions", "Drift"]] = field(default_factory=list)
    logs: dict[Path, tuple[Stamp, dict[str, Any]]] = field(default_factory=dict)

    def add_snapshot(self, path: Path, snapshot: "Snapshot") -> None:
        found = stamp(path)
        if found is not None:
            self.snapshots[path.resolve()] = (found, snapshot)

    def add_plan(self, folder: Path, plan: "Plan", raw: dict[str, Any]) -> None:
        found = stamp(folder / "plan.json")
        if found is not None:
            self.plans[folder.resolve()] = (found, plan, raw)

    def add_log(self, path: Path, log: dict[str, Any]) -> None:
        found = stamp(path)
        if found is not None:
            self.logs[path.resolve()] = (found, log)

    def add_drift(self, source: Path, target: Path, options: "CompareOptions", drift: "Drift") -> None:
        self.drifts.append((source.resolve(), target.resolve(), options, drift))


_current = threading.local()


@contextlib.contextmanager
def given(handover: Handover) -> Iterator[Handover]:
    """The handover for the notebook run in this thread (workbench.report's in-process runner)."""
    previous = getattr(_current, "handover", None)
    _current.handover = handover
    try:
        yield handover
    finally:
        _current.handover = previous


def current() -> Handover | None:
    found: Handover | None = getattr(_current, "handover", None)
    return found


def path(name: str) -> str:
    """A file name from a notebook's parameters, as this process opens it: relative names are the
    report folder's when a report runs the notebook here; as given otherwise. DSNs, store entries
    and empty names are left as they are."""
    handover = current()
    if handover is None or not name or Path(name).is_absolute():
        return name
    candidate = handover.folder / name
    return str(candidate) if candidate.exists() else name


def _known_file(name: str) -> Path | None:
    handover = current()
    if handover is None or not name:
        return None
    resolved = Path(path(name))
    return resolved.resolve() if resolved.is_file() else None


def snapshot(name: str) -> "Snapshot | None":
    """The pipeline's snapshot for this snapshot file, when it is the file it saved."""
    handover, file = current(), _known_file(name)
    if handover is None or file is None or file not in handover.snapshots:
        return None
    written, found = handover.snapshots[file]
    return found if stamp(file) == written else None


def open_side(name: str, kinds: Iterable[str] | None = None, shadow: str | None = None) -> "Snapshot":
    """workbench.snapshot.open_side of a parameter, the handed-over snapshot when there is one
    (limited to `kinds` as a file is)."""
    found = snapshot(name)
    if found is not None:
        return found.filtered(kinds=kinds) if kinds is not None else found
    from workbench.snapshot import open_side as open_any

    return open_any(path(name), kinds, shadow=shadow)


def open_pair(source: str, target: str, kinds: Iterable[str] | None = None,
              shadow: str | None = None) -> tuple["Snapshot", "Snapshot"]:
    """Both sides (concurrently when they are read: workbench.snapshot.open_pair)."""
    if snapshot(source) is not None and snapshot(target) is not None:
        return open_side(source, kinds), open_side(target, kinds)
    from workbench.snapshot import open_pair as open_both

    return open_both(path(source), path(target), kinds, shadow=shadow)


def drift(source: str, target: str, options: "CompareOptions") -> "Drift | None":
    """The pipeline's comparison of these two files with these options, when both are its files."""
    handover = current()
    if handover is None or snapshot(source) is None or snapshot(target) is None:
        return None
    files = (_known_file(source), _known_file(target))
    return next((found for first, second, made_with, found in handover.drifts
                 if (first, second) == files and made_with == options), None)


def read_plan(folder: str | Path) -> tuple["Plan", dict[str, Any]]:
    """workbench.planner.read_plan, or the pipeline's plan for the plan folder it wrote."""
    handover = current()
    resolved = Path(path(str(folder)))
    if handover is not None:
        known = handover.plans.get(resolved.resolve())
        if known is not None and stamp(resolved / "plan.json") == known[0]:
            return known[1], known[2]
    from workbench.planner import read_plan as read

    return read(resolved)


def apply_log(name: str) -> dict[str, Any] | None:
    """The apply's own log for the apply or rehearsal log file it wrote (None: read the file)."""
    handover, file = current(), _known_file(name)
    if handover is None or file is None or file not in handover.logs:
        return None
    written, log = handover.logs[file]
    return log if stamp(file) == written else None
