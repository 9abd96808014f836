"""Plans for a fleet: one plan per drift group, made once, applied to every member.

Members of a group drifted the same way, so the plan that turns one of them into the source
turns each of them into it. The plan is made from a fresh capture of one member (the first whose
drift still has the group's fingerprint) and written to OUT/plans/group-NN/ like `workbench plan
--out` writes it, with `group.json` beside it: the group's drift fingerprint and its members
(names, masked DSNs, the schema fingerprint each had when the fleet was read).

Applying goes through the existing apply (workbench.apply), which pins a plan to the schema
fingerprint of the target it was made for and keeps one log per target (apply_logs/). A member
whose schema fingerprint differs from the planned member's while its drift is the same (an
object outside the compared scope, a setting no kind compares) is refused by that check; it is
applied with `force` only when its fingerprint is still the one the fleet read, whose drift had
the group's fingerprint: pinned to its own fingerprint, not forced blindly. Then each member is
verified (workbench.verify: residual drift and post-apply checks).

Each group's plan is validated like `workbench plan` validates one (workbench.validate: the planned
member's schema built on a shadow, the plan and its way back applied there), all groups on one
shadow server; apply then refuses a plan that failed or did not converge there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from workbench.errors import StalePlan, WorkbenchError

if TYPE_CHECKING:
    from workbench.fleet import FleetResult, Group
    from workbench.planner import PlanOptions
    from workbench.sides import Shadow

GROUP_FORMAT = "drift-workbench/fleet-group"
GROUP_FILE = "group.json"
PLANS_DIR = "plans"
SOURCE_FILE = "source.snapshot.json"


@dataclass
class GroupPlan:
    number: int
    directory: Path
    drift_fingerprint: str
    planned_from: str                         # the member whose capture the plan was made from
    members: list[str]
    statements: int
    validation: dict[str, Any] | None = None  # the shadow's verdict (workbench.validate), when validated


@dataclass
class MemberOutcome:
    """One member after its group's plan: how apply went, and what verify found."""

    group: int
    target: str
    applied: str = ""                 # "applied", "failed", "refused", "error"
    check: str = ""                   # apply's fingerprint check: matches_plan, forced (pinned to the member), ...
    error: str = ""
    verified: bool = False
    residual: int = 0
    log: str = ""

    @property
    def ok(self) -> bool:
        return self.applied == "applied" and self.verified


@dataclass
class FleetApply:
    outcomes: list[MemberOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def source_file(result: "FleetResult", out: str | Path) -> Path:
    """OUT/source.snapshot.json: the source as the fleet read it (what verify compares with)."""
    assert result.source_snapshot is not None
    path = Path(out) / SOURCE_FILE
    if not path.exists():
        result.source_snapshot.save(path)
    return path


def write_group_plans(result: "FleetResult", out: str | Path, plan_options: "PlanOptions | None" = None,
                      progress: Callable[[str], None] | None = None, validate_plans: bool = False,
                      shadow: "Shadow" = None) -> list[GroupPlan]:
    """One plan folder per drift group under OUT/plans/ (see the module docstring), each validated
    on a shadow when `validate_plans` (one shadow server for all: `shadow`, else an embedded one)."""
    import contextlib

    from workbench.sides import ScratchHost

    say = progress or (lambda _text: None)
    root = Path(out) / PLANS_DIR
    made = []
    host = ScratchHost(shadow) if validate_plans else None
    with host if host is not None else contextlib.nullcontext():
        for number, group in enumerate(result.drift_groups, 1):
            made.append(_group_plan(result, number, group, root, plan_options, say, host))
    return made


def _group_plan(result: "FleetResult", number: int, group: "Group", root: Path, plan_options: "PlanOptions | None",
                say: Callable[[str], None], host: Any) -> GroupPlan:
    from workbench import jsonfile
    from workbench.census import differs
    from workbench.compare import compare
    from workbench.fleet.task import drift_fingerprint
    from workbench.pipeline import write_plan
    from workbench.planner import PlanOptions, plan
    from workbench.sides import open_side

    assert result.source_snapshot is not None and result.options is not None
    folder = root / f"group-{number:02d}"
    say(f"planning group {number} ({len(group.members)} targets) into {folder}")
    drift = None
    for member in group.members:
        try:
            snapshot = open_side(result.target(member.name).dsn, result.options.selected_kinds())
        except WorkbenchError:
            continue                                  # gone since the fleet read it: the next member
        candidate = compare(result.source_snapshot, snapshot, result.options)
        unmodeled = candidate.unmodeled if differs(candidate.unmodeled) else {}
        if drift_fingerprint(candidate.objects(), unmodeled) == group.drift_fingerprint:
            drift, planned_from, planned_dsn = candidate, member.name, result.target(member.name).dsn
            break
    if drift is None:
        raise WorkbenchError(f"group {number}: no member still has the group's drift "
                             f"({group.drift_fingerprint[:12]}); read the fleet again")
    made_plan = plan(drift, plan_options or PlanOptions())
    write_plan(made_plan, folder, drift)
    jsonfile.write(folder / GROUP_FILE, {
        "format": GROUP_FORMAT, "version": 1, "group": number, "drift_fingerprint": group.drift_fingerprint,
        "planned_from": planned_from, "source": dict(result.source),
        "members": [{"target": m.name, "dsn": m.dsn, "fingerprint": m.fingerprint} for m in group.members]},
        "members")
    validation = None
    if host is not None:
        from workbench.validate import validate

        say(f"validating group {number}'s plan on a shadow of {planned_from}")
        validation = validate(folder, drift.source, planned_dsn, drift.target, drift.options,
                              shadow=host.server(), progress=say)
    return GroupPlan(number, folder, group.drift_fingerprint, planned_from, group.targets,
                     len(made_plan.statements), validation)


def apply_group_plans(result: "FleetResult", plans: list[GroupPlan], out: str | Path,
                      progress: Callable[[str], None] | None = None) -> FleetApply:
    """Each group's plan applied to each of its members, then each member verified."""
    from workbench.apply import apply
    from workbench.verify import verify

    assert result.options is not None
    say = progress or (lambda _text: None)
    source = str(source_file(result, out))
    groups: dict[str, "Group"] = {group.drift_fingerprint: group for group in result.drift_groups}
    outcome = FleetApply()
    for group_plan in plans:
        group = groups[group_plan.drift_fingerprint]
        for member in group.members:
            dsn = result.target(member.name).dsn
            entry = MemberOutcome(group_plan.number, member.name)
            outcome.outcomes.append(entry)
            say(f"applying group {group_plan.number} to {member.name}")
            try:
                try:
                    applied = apply(group_plan.directory, dsn)
                except StalePlan as stale:
                    if stale.found != member.fingerprint:      # changed since the fleet read it
                        raise
                    applied = apply(group_plan.directory, dsn, force=True)
            except WorkbenchError as error:
                entry.applied = "refused" if isinstance(error, StalePlan) else "error"
                entry.error = str(error)
                continue
            entry.applied = "applied" if applied.exit_code == 0 else "failed"
            entry.check = str(applied.log.get("fingerprint_check", ""))
            entry.log = str(applied.path)
            if applied.exit_code != 0:
                first = applied.failed[0] if applied.failed else {}
                entry.error = f"{first.get('stage', '')}: {first.get('message', '')}".strip(": ")
                continue
            try:
                verified = verify(source, dsn, result.options, plan_options=_planned_options(group_plan.directory))
            except WorkbenchError as error:
                entry.error = f"verify: {error}"
                continue
            entry.verified, entry.residual = verified.ok, len(verified.residual)
    return outcome


def _planned_options(folder: Path) -> Any:
    from workbench.planner.model import read_plan

    return read_plan(folder)[0].options
