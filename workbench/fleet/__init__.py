"""A fleet: one source against many targets, grouped by identical drift.

    result = workbench.fleet.run_fleet("legacy.snapshot.json", ["tenants.txt"])   # or Targets
    result.groups          # one Group per drift fingerprint; the targets in parity form one too
    result.failed          # the targets that could not be read, each with its one-line error
    result.to_json()       # what `workbench fleet --format json` prints

The source is read once (any side: a DSN, a snapshot file, SQL, a store entry); each target is
snapshotted and compared with it by a task (workbench.fleet.task.check_target) on an executor
(workbench.fleet.executors: a local thread pool by default, a Dask cluster on request), within
a bound on concurrent targets and on targets per server. What comes back per target is compact:
the summary and the drifted objects, not the snapshot. Targets whose drift fingerprint (the set
of (kind, identity, status, differing fields)) is equal form a group, so 500 tenants that drifted
in 3 ways read as 3 groups and the identical one. Plans per group: workbench.fleet.plans.

Files (`workbench fleet ... --out DIR`), each written here and read back by `read_files`:
    fleet.json           to_json(): the groups and the failures (the --format json output)
    fleet_targets.json   per target: facts, fingerprints, drift counts per kind, timings, error
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from workbench.errors import WorkbenchError
from workbench.fleet.targets import Target, read_targets_file, resolve_targets
from workbench.fleet.task import TargetResult, check_target, drift_fingerprint

if TYPE_CHECKING:
    from workbench.compare import CompareOptions
    from workbench.connect import Timeouts
    from workbench.sides import Shadow
    from workbench.snapshot import Snapshot

__all__ = ["Target", "TargetResult", "Group", "FleetResult", "run_fleet", "read_targets_file", "resolve_targets",
           "check_target", "drift_fingerprint", "write_files", "read_files"]

FORMAT = "drift-workbench/fleet"
VERSION = 1
TARGETS_FORMAT = "drift-workbench/fleet-targets"
FLEET_FILE = "fleet.json"
TARGETS_FILE = "fleet_targets.json"
EXIT_PARITY, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


@dataclass
class Group:
    """Targets that drifted the same way (or are all in parity: `identical`)."""

    drift_fingerprint: str
    members: list[TargetResult]

    @property
    def identical(self) -> bool:
        return self.members[0].in_parity

    @property
    def targets(self) -> list[str]:
        return [member.name for member in self.members]

    @property
    def summary(self) -> dict[str, dict[str, int]]:
        return self.members[0].summary

    @property
    def objects(self) -> list[dict[str, Any]]:
        return self.members[0].objects

    @property
    def unmodeled(self) -> dict[str, dict[str, Any]]:
        return self.members[0].unmodeled

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"drift_fingerprint": self.drift_fingerprint, "identical": self.identical,
                                 "targets": self.targets, "summary": self.summary, "objects": self.objects}
        if self.unmodeled:              # only when the census differs: the exact format otherwise
            found["unmodeled"] = self.unmodeled
        return found


@dataclass
class FleetResult:
    source: dict[str, Any]                       # dsn (masked), server_version, fingerprint
    results: list[TargetResult]                  # in the order the targets were given
    seconds: float = 0.0                         # wall time of the targets' tasks
    executor: str = ""
    jobs: int = 0
    per_server: int = 0
    source_snapshot: "Snapshot | None" = field(default=None, repr=False)
    targets: list[Target] = field(default_factory=list, repr=False)      # with their DSNs: never written
    options: "CompareOptions | None" = field(default=None, repr=False)

    def target(self, name: str) -> Target:
        """The Target a result names (its DSN, for a plan or an apply)."""
        return next(target for target in self.targets if target.name == name)

    @property
    def compared(self) -> list[TargetResult]:
        return [result for result in self.results if not result.failed]

    @property
    def failed(self) -> list[TargetResult]:
        return [result for result in self.results if result.failed]

    @property
    def groups(self) -> list[Group]:
        """The identical group first (when any target is in parity), then the drift groups, the
        largest first (ties by fingerprint: the same order every run)."""
        by_fingerprint: dict[str, list[TargetResult]] = {}
        for result in self.compared:
            by_fingerprint.setdefault(result.drift_fingerprint, []).append(result)
        groups = [Group(fingerprint, members) for fingerprint, members in by_fingerprint.items()]
        return sorted(groups, key=lambda g: (not g.identical, -len(g.members), g.drift_fingerprint))

    @property
    def drift_groups(self) -> list[Group]:
        return [group for group in self.groups if not group.identical]

    @property
    def in_parity(self) -> bool:
        return not self.failed and all(result.in_parity for result in self.results)

    @property
    def exit_code(self) -> int:
        """0 every target in parity, 1 any drifts or failed (2, an error, is raised before)."""
        return EXIT_PARITY if self.in_parity else EXIT_DRIFT

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "source": dict(self.source),
                "groups": [group.to_json() for group in self.groups],
                "failed": [{"target": result.name, "error": result.error} for result in self.failed]}

    def targets_json(self) -> dict[str, Any]:
        """Per target what the report shows beside the groups: facts, counts, timings."""
        groups = {member.name: index for index, group in enumerate(self.groups, 1) for member in group.members}
        return {"format": TARGETS_FORMAT, "version": VERSION, "source": dict(self.source),
                "run": {"seconds": round(self.seconds, 3), "executor": self.executor, "jobs": self.jobs,
                        "per_server": self.per_server, "targets": len(self.results), "failed": len(self.failed)},
                "targets": [{"target": r.name, "dsn": r.dsn, "server": r.server, "server_version": r.server_version,
                             "database": r.database, "fingerprint": r.fingerprint,
                             "drift_fingerprint": r.drift_fingerprint, "group": groups.get(r.name),
                             "in_parity": r.in_parity, "error": r.error, "objects_compared": r.objects_compared,
                             "drift": r.drift_counts(), "parity": _parity(r),
                             "seconds": {k: round(v, 4) for k, v in r.seconds.items()}, "worker": r.worker}
                            for r in self.results]}


def _parity(result: TargetResult) -> dict[str, int]:
    """Objects of the source and how many of them the target has identically (over every kind)."""
    return {"source_objects": sum(c["only_in_source"] + c["changed"] + c["identical"] for c in result.summary.values()),
            "identical": sum(c["identical"] for c in result.summary.values())}


def open_source(source: "str | Snapshot", options: "CompareOptions", shadow: "Shadow" = None) -> "Snapshot":
    """The source as a Snapshot (read once, with its fingerprint), in the options' kinds."""
    from workbench.sides import open_sides
    from workbench.snapshot import Snapshot

    if isinstance(source, Snapshot):
        return source
    return open_sides([source], options.selected_kinds(), fingerprints=True, shadow=shadow)[0]


def run_fleet(source: "str | Snapshot", targets: Iterable["str | Target"], options: "CompareOptions | None" = None,
              *, jobs: int | None = None, per_server: int | None = None, executor: Any = None,
              timeouts: "Timeouts | None" = None, shadow: "Shadow" = None, frames: bool = True,
              on_result: Callable[[TargetResult, int, int], None] | None = None) -> FleetResult:
    """Compare every target with the source (see the module docstring). `targets`: DSNs, service
    names, targets files, Target objects; `executor`: None (local threads), "dask://HOST:PORT",
    a distributed.Client or a concurrent.futures Executor; `on_result(result, done, total)` is
    called as each target finishes. A bad source or targets list raises WorkbenchError."""
    from workbench.compare import CompareOptions
    from workbench.fleet.executors import DEFAULT_PER_SERVER, backend_for, default_jobs, run_tasks

    options = options or CompareOptions()
    resolved = resolve_targets(list(targets))
    jobs = jobs or default_jobs()
    per_server = per_server or DEFAULT_PER_SERVER
    snapshot = open_source(source, options, shadow)
    backend = backend_for(executor, jobs)
    started = time.perf_counter()
    position = {target.name: index for index, target in enumerate(resolved)}
    found: list[TargetResult | None] = [None] * len(resolved)
    try:
        for done, result in enumerate(run_tasks(backend, snapshot, resolved, options, timeouts, jobs, per_server,
                                                frames), 1):
            found[position[result.name]] = result
            if on_result is not None:
                on_result(result, done, len(resolved))
    finally:
        backend.close()
    seconds = time.perf_counter() - started
    source_facts = {"dsn": snapshot.dsn, "server_version": snapshot.server_version, "fingerprint": snapshot.fingerprint}
    return FleetResult(source_facts, [r for r in found if r is not None], seconds, backend.name, jobs, per_server,
                       snapshot, resolved, options)


def write_files(result: FleetResult, out: str | Path) -> list[Path]:
    """OUT/fleet.json and OUT/fleet_targets.json (the one writer; read_files reads them)."""
    from workbench import jsonfile

    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkbenchError(f"cannot create {folder}: {error.strerror}") from None
    return [jsonfile.write(folder / FLEET_FILE, result.to_json(), "groups"),
            jsonfile.write(folder / TARGETS_FILE, result.targets_json(), "targets")]


def read_files(folder: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fleet.json, fleet_targets.json) of a fleet folder, their formats checked."""
    from workbench import jsonfile

    folder = Path(folder)
    return (jsonfile.read(folder / FLEET_FILE, "fleet file", FORMAT),
            jsonfile.read(folder / TARGETS_FILE, "fleet targets file", TARGETS_FORMAT))

