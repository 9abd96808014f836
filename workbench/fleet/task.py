"""One target of a fleet: snapshot it, compare it with the source, keep what the fleet needs.

`check_target` is the task an executor runs (a thread of the local pool, a Dask worker): it
returns a TargetResult, small and picklable (the summary, the drifted objects as diff's JSON
lists them, the drifted rows as frames, timings), never the target's whole snapshot, so that
hundreds of results travel back to the client cheaply. A target that cannot be read (unreachable,
permission denied, a timeout, a server too old) is a result with its one-line error, never an
exception: one bad target must not stop the others.

The **drift fingerprint** of a target is the sha256 of the set of (kind, identity, status,
differing fields) of its non-identical objects, and of the names one side lacks in what no kind
models (the census): two targets with the same fingerprint drifted the same way, and the targets
in parity share the fingerprint of the empty set.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import pandas as pd

    from workbench.compare import CompareOptions, Drift
    from workbench.connect import Timeouts
    from workbench.fleet.targets import Target
    from workbench.snapshot import Snapshot


@dataclass
class TargetResult:
    """What one target's snapshot and comparison left: enough to group, report and plan."""

    name: str                                 # label or masked DSN
    dsn: str                                  # masked
    server: str                               # host:port, for the per-server cap and the report
    error: str = ""                           # one line; the target was not compared
    server_version: str = ""
    database: str = ""
    fingerprint: str = ""                     # the target's schema fingerprint (apply pins plans to it)
    drift_fingerprint: str = ""
    summary: dict[str, dict[str, int]] = field(default_factory=dict)      # kind -> status -> n
    objects: list[dict[str, Any]] = field(default_factory=list)           # as in diff's JSON
    unmodeled: dict[str, dict[str, Any]] = field(default_factory=dict)    # compare.Drift.unmodeled, when it differs
    frames: dict[str, "pd.DataFrame"] = field(default_factory=dict, repr=False)   # kind -> drifted rows
    objects_compared: int = 0
    seconds: dict[str, float] = field(default_factory=dict)              # snapshot, compare, total
    worker: str = ""                          # where it ran (a thread, a Dask worker)

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def in_parity(self) -> bool:
        return not self.error and not self.objects and not self.unmodeled

    def drift_counts(self) -> dict[str, int]:
        """kind -> non-identical objects (the fleet heatmap's cells), kinds with none left out."""
        found: dict[str, int] = {}
        for obj in self.objects:
            found[obj["kind"]] = found.get(obj["kind"], 0) + 1
        for kind, entry in self.unmodeled.items():
            found[f"unmodeled {kind}"] = len(entry["only_in_source"]) + len(entry["only_in_target"]) or 1
        return found


def drift_fingerprint(objects: list[dict[str, Any]], unmodeled: dict[str, dict[str, Any]] | None = None) -> str:
    """sha256 of the set of (kind, identity, status, differing fields), census names beside them;
    independent of the order objects were listed in."""
    entries = sorted(json.dumps([obj["kind"], sorted(obj["identity"].items()), obj["status"],
                                 sorted(obj["differences"])], default=str) for obj in objects)
    for kind, entry in sorted((unmodeled or {}).items()):
        entries.append(json.dumps(["unmodeled", kind, entry["source"], entry["target"],
                                   sorted(entry["only_in_source"]), sorted(entry["only_in_target"])], default=str))
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def summarize(name: str, server: str, drift: "Drift", seconds: dict[str, float], frames: bool = True) -> TargetResult:
    """A TargetResult of a comparison (its target snapshot's facts, the drifted objects and rows)."""
    from workbench.census import differs

    objects = drift.objects()
    unmodeled = drift.unmodeled if differs(drift.unmodeled) else {}
    target = drift.target
    kept: dict[str, pd.DataFrame] = {}
    if frames:
        for kind, compared in drift.comparisons.items():
            if any(status != "identical" for status in compared.statuses):
                frame = compared.frame()
                kept[kind] = frame[frame["status"] != "identical"].reset_index(drop=True)
    return TargetResult(name=name, dsn=target.dsn, server=server, server_version=target.server_version,
                        database=target.database, fingerprint=target.fingerprint,
                        drift_fingerprint=drift_fingerprint(objects, unmodeled),
                        summary={kind: dict(counts) for kind, counts in drift.counts.items()},
                        objects=objects, unmodeled=unmodeled, frames=kept,
                        objects_compared=sum(sum(counts.values()) for counts in drift.counts.values()),
                        seconds=seconds)


def check_target(source: "Snapshot", target: "Target", options: "CompareOptions",
                 timeouts: "Timeouts | None" = None, frames: bool = True) -> TargetResult:
    """Snapshot `target` (read-only, with `timeouts`) and compare it with `source`: the task each
    executor runs. Every failure is kept in the result as one line without a password."""
    from workbench.connect import mask, scrub

    started = time.perf_counter()
    worker = _worker_name()
    try:
        from workbench.catalog.fetch import fetch, fingerprint
        from workbench.compare import compare
        from workbench.snapshot import from_fetched

        fetched = fetch(target.dsn, options.selected_kinds(), timeouts=timeouts)
        snapshot = from_fetched(fetched, fingerprint(fetched.tables, fetched.census))
        read = time.perf_counter()
        drift = compare(source, snapshot, options)
        result = summarize(target.name, target.server, drift, {}, frames)
        done = time.perf_counter()
        result.seconds = {"snapshot": read - started, "compare": done - read, "total": done - started}
    except WorkbenchError as error:
        result = TargetResult(target.name, mask(target.dsn), target.server, error=scrub(str(error), target.dsn),
                              seconds={"total": time.perf_counter() - started})
    except Exception as error:          # a bug on one target is still that target's failure, named
        message = scrub(f"internal error {type(error).__name__}: {error}", target.dsn)
        result = TargetResult(target.name, mask(target.dsn), target.server, error=message,
                              seconds={"total": time.perf_counter() - started})
    result.worker = worker
    return result


def _worker_name() -> str:
    """The Dask worker's address when run by one, else this process and thread."""
    import os
    import threading

    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()} {threading.current_thread().name}"
