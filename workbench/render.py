"""Text renderings of a Drift for terminals, e-mails and `schema_comparison_report.txt`.

Rendering is separate from computing: these functions only read a Drift.
"""
from __future__ import annotations

from workbench.compare import STATUSES, Drift
from workbench.kinds import KINDS, object_label

_STATUS_MARK = {"only_in_source": "+", "only_in_target": "-", "changed": "~"}
_HEADINGS = {"only_in_source": "in source only", "only_in_target": "in target only",
             "changed": "changed", "identical": "identical"}


def identity_label(kind: str, identity: dict) -> str:
    """schema.table.name / schema.name(args): one readable name for an object."""
    values = [str(identity[c]) for c in KINDS[kind].identity]
    if kind == "privileges":
        return f"{values[3]} on {identity['object_kind']} {values[1]} to {values[2]}"
    if kind == "comments":
        return f"{values[0]} {values[1]}"
    return object_label(kind, values)


def summary_table(drift: Drift) -> str:
    counts = drift.counts
    width = max(len(k) for k in counts) if counts else 5
    header = f"{'kind':<{width}}  " + "  ".join(f"{_HEADINGS[s]:>14}" for s in STATUSES)
    lines = [header, "-" * len(header)]
    for kind, row in counts.items():
        lines.append(f"{kind:<{width}}  " + "  ".join(f"{row[s]:>14}" for s in STATUSES))
    lines.append("-" * len(header))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{sum(row[s] for row in counts.values()):>14}" for s in STATUSES))
    return "\n".join(lines)


def side_line(label: str, facts: dict) -> str:
    return (f"{label}: {facts['dsn']} (PostgreSQL {facts['server_version']}, "
            f"fingerprint {facts['fingerprint'][:12]})")


def drift_report(drift: Drift, limit_per_kind: int | None = None) -> str:
    """Summary per kind, then every non-identical object with what differs."""
    lines = [side_line("source", drift.source.facts()), side_line("target", drift.target.facts()), "",
             summary_table(drift), ""]
    if not drift.has_drift:
        lines.append("No drift: the target matches the source for every compared kind.")
        return "\n".join(lines)
    by_kind: dict[str, list[dict]] = {}
    for obj in drift.objects():
        by_kind.setdefault(obj["kind"], []).append(obj)
    lines.append("Legend: + only in source (to create)   - only in target   ~ changed (fields that differ)")
    for kind, objects in by_kind.items():
        lines += object_listing(f"{kind} ({len(objects)})", objects, limit_per_kind)
    return "\n".join(lines)


def object_listing(title: str, objects: list[dict], limit: int | None = None, with_kind: bool = False) -> list[str]:
    """A titled list of objects (Drift.objects() dicts): mark, name, the fields that differ."""
    if not objects:
        return []
    lines = ["", title]
    shown = objects if limit is None else objects[:limit]
    for obj in shown:
        detail = f"  [{', '.join(obj['differences'])}]" if obj["differences"] else ""
        kind = f"{obj['kind']} " if with_kind else ""
        lines.append(f"  {_STATUS_MARK[obj['status']]} {kind}{identity_label(obj['kind'], obj['identity'])}{detail}")
    if len(shown) < len(objects):
        lines.append(f"  ... and {len(objects) - len(shown)} more")
    return lines


def plan_summary(plan) -> str:
    """Statements and hazards per stage, the traps resolved and what was left out."""
    from collections import Counter

    from workbench.planner.model import STAGE_NAMES

    lines = [f"{'stage':<24}{'statements':>11}  hazards"]
    by_stage = plan.by_stage()
    for stage in STAGE_NAMES:
        hazards = Counter(h for s in by_stage[stage] for h in s.hazards)
        text = ", ".join(f"{h} {n}" for h, n in sorted(hazards.items()))
        lines.append(f"{stage:<24}{len(by_stage[stage]):>11}  {text}")
    lines.append(f"{'total':<24}{len(plan.statements):>11}")
    for trap in plan.traps:
        lines.append(f"trap {trap['trap']}: {identity_label(trap['kind'], trap['identity'])} -> {trap['resolution']}")
    for skipped in plan.skipped:
        lines.append(f"skipped {skipped['kind']} {identity_label(skipped['kind'], skipped['identity'])}: {skipped['reason']}")
    return "\n".join(lines)
