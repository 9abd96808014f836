"""A fleet's words: the terminal summary of `workbench fleet`, its progress bar, and the sections
of notebooks/fleet_report.ipynb (parity per target, the target x kind heatmap of drift counts,
the groups with their drift, the failed targets, timing).

Everything here reads a FleetResult or the files workbench.fleet writes (fleet.json,
fleet_targets.json); nothing is computed that the core does not already hold.
"""
from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Mapping, Sequence, TextIO

from workbench.present.labels import object_name, percent

if TYPE_CHECKING:
    from workbench.fleet import FleetResult
    from workbench.fleet.task import TargetResult

MARKS = {"only_in_source": "+", "only_in_target": "-", "changed": "~"}
WORDS = {"only_in_source": "missing in target", "only_in_target": "only in target", "changed": "changed"}
NAMES_SHOWN = 8


def names_text(names: Sequence[str], shown: int = NAMES_SHOWN) -> str:
    text = ", ".join(names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")


def kind_counts_text(summary: Mapping[str, Mapping[str, int]]) -> str:
    """'columns 1 missing in target, indexes 1 only in target': the drifted kinds of a summary."""
    parts = []
    for kind, counts in summary.items():
        words = ", ".join(f"{counts[s]} {WORDS[s]}" for s in WORDS if counts.get(s))
        if words:
            parts.append(f"{kind} {words}")
    return "; ".join(parts)


def object_line(obj: Mapping[str, Any]) -> str:
    fields = f"  [{', '.join(obj['differences'])}]" if obj.get("differences") else ""
    return f"{MARKS.get(obj['status'], '?')} {obj['kind']} {object_name(obj['kind'], obj['identity'])}{fields}"


def headline(result: "FleetResult") -> str:
    drift_groups = result.drift_groups
    drifted = sum(len(group.members) for group in drift_groups)
    parity = sum(len(group.members) for group in result.groups if group.identical)
    source = result.source
    return (f"fleet: {len(result.results)} targets against {source['dsn']} (PostgreSQL {source['server_version']}): "
            f"{parity} in parity, {drifted} drifted in {len(drift_groups)} group{'s' if len(drift_groups) != 1 else ''}, "
            f"{len(result.failed)} failed ({result.seconds:.1f} s, {result.executor}, {result.jobs} jobs, "
            f"at most {result.per_server} per server)")


def fleet_text(result: "FleetResult", limit: int | None = 20) -> str:
    """The terminal summary: the headline, each group (its targets and drift), the failures."""
    lines = [headline(result)]
    number = 0
    for group in result.groups:
        if group.identical:
            lines.append(f"in parity ({len(group.members)}): {names_text(group.targets)}")
            continue
        number += 1
        lines.append(f"group {number} ({len(group.members)} target{'s' if len(group.members) != 1 else ''}, "
                     f"drift {group.drift_fingerprint[:12]}): {kind_counts_text(group.summary) or 'unmodelled objects'}")
        lines.append(f"  targets: {names_text(group.targets)}")
        objects = group.objects if limit is None else group.objects[:limit]
        lines += [f"  {object_line(obj)}" for obj in objects]
        if len(objects) < len(group.objects):
            lines.append(f"  ... and {len(group.objects) - len(objects)} more objects")
        for kind, entry in group.unmodeled.items():
            lines.append(f"  unmodelled {entry['label']}: {entry['source']} in the source, {entry['target']} in the target")
    if result.failed:
        lines.append(f"failed ({len(result.failed)}):")
        lines += [f"  {r.name}: {r.error}" for r in result.failed]
    return "\n".join(lines)


class ProgressBar:
    """`fleet [#######.....] 23/50 targets, 2 failed` rewritten in place on a terminal."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.perf_counter()
        self.failed = 0

    def __call__(self, result: "TargetResult", done: int, total: int) -> None:
        self.failed += result.failed
        filled = int(self.WIDTH * done / max(total, 1))
        self.stream.write(f"\r\033[K  fleet [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} targets"
                          f"{f', {self.failed} failed' if self.failed else ''} "
                          f"({time.perf_counter() - self.started:.0f} s)")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def progress_bar(stream: TextIO | None = None) -> ProgressBar | None:
    """A ProgressBar when stderr is a terminal, else None (quiet when piped)."""
    stream = stream or sys.stderr
    try:
        return ProgressBar(stream) if stream.isatty() else None
    except (AttributeError, ValueError):
        return None


def parity_of(entry: Mapping[str, Any]) -> str:
    parity = entry.get("parity") or {}
    return percent(int(parity.get("identical", 0)), int(parity.get("source_objects", 0)))


def plan_lines(plans: Sequence[Any]) -> list[str]:
    """One line per group plan written (workbench.fleet.plans.GroupPlan)."""
    if not plans:
        return ["no drift group: nothing to plan"]
    return [f"plan group {p.number}: {p.directory}/ ({p.statements} statements, planned from {p.planned_from}; "
            f"for {len(p.members)} target{'s' if len(p.members) != 1 else ''})"
            + (f"; shadow validation: {p.validation['status']}: {p.validation['message']}" if p.validation else "")
            for p in plans]


def apply_lines(applied: Any) -> list[str]:
    """One line per member applied and verified (workbench.fleet.plans.FleetApply), then a verdict."""
    lines = []
    for o in applied.outcomes:
        if o.ok:
            how = " (pinned to its own fingerprint)" if o.check == "forced" else ""
            lines.append(f"applied group {o.group} to {o.target}{how}: verified, no residual drift")
        elif o.applied == "applied":
            lines.append(f"applied group {o.group} to {o.target}: NOT verified ({o.residual} residual objects"
                         f"{'; ' + o.error if o.error else ''})")
        else:
            lines.append(f"group {o.group} on {o.target}: {o.applied}: {o.error}")
    good = sum(o.ok for o in applied.outcomes)
    lines.append(f"{good} of {len(applied.outcomes)} drifted targets applied and verified")
    return lines
