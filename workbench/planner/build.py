"""plan(drift) -> Plan: the recreations decided first (planner/recreations.py), then every kind of
the registry through its builder's one face (planner/kinds/<kind>.py), then the statement graph
sorted (planner/graph.py)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from workbench import fragments
from workbench.census import skipped_entries
from workbench.compare import Drift
from workbench.snapshot import Snapshot
from workbench.errors import PlannerBug, WorkbenchError
from workbench.gcpause import paused
from workbench.kinds import KINDS, Identity
from workbench.planner import owners, recreations
from workbench.planner.context import Context, PlanOptions, label
from workbench.planner.graph import object_edges, order_statements
from workbench.planner.kinds import builder
from workbench.planner.model import STAGE_INDEX, Plan
from workbench.planner.renaming import add_renames
from workbench.renames import Rename, plan_renames

# every kind, in the order of the stage that creates it (the registry's order within a stage)
_BUILD_ORDER = sorted(KINDS, key=lambda kind: STAGE_INDEX[KINDS[kind].stage])


def plan(drift: Drift, options: PlanOptions | None = None, created_at: str | None = None) -> Plan:
    """The ordered statements that turn the drift's target into its source (created_at: when it
    was made, default now; the way back, planned meanwhile, names the same). The cyclic garbage
    collector is paused meanwhile: the rows, statements and edges made hold no cycles, and each
    full collection would walk every row of both snapshots (a fifth of planning at scale 10)."""
    with paused():
        plan = _plan(drift, options or PlanOptions())
    plan.created_at = created_at or plan.created_at
    return plan


def now() -> str:
    """A plan's created_at."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def recorded_options(options: PlanOptions, drift: Drift) -> dict[str, Any]:
    """What plan.json's `options` says: the planning options and the comparison's scope."""
    return {**vars(options), "kinds": list(drift.frames), "schemas": list(drift.options.schemas),
            "exclude_schemas": list(drift.options.exclude_schemas), "ignore": list(drift.options.ignore),
            "ignore_extension_versions": drift.options.ignore_extension_versions,
            "with_owners": drift.options.with_owners, "compare_populated": drift.options.compare_populated}


def _plan(drift: Drift, options: PlanOptions) -> Plan:
    given = drift
    renames: list[Rename] = []
    if options.renames or options.accept_renames:     # compared again with the target as it reads renamed
        renames, drift = plan_renames(drift, options.renames, options.accept_renames)
    ctx = Context(drift, options)
    add_renames(ctx, renames, given.target)
    recreations.decide(ctx)
    recreations.predrops(ctx)
    for kind in _BUILD_ORDER:
        if kind in drift.frames:
            _build_kind(ctx, kind)
    fragments.check_planned(ctx)           # SQL text from a snapshot or catalog: one node of its type, or no plan
    statements = order_statements(ctx.statements, object_edges(ctx))
    # traps in plan order: where the first statement about their object runs
    first: dict[tuple[str, str], int] = {}
    for position, statement in enumerate(statements):
        first.setdefault((statement.kind, str(statement.identity)), position)
    traps = sorted(ctx.traps, key=lambda trap: first.get((trap["kind"], str(trap["identity"])), len(statements)))
    return Plan(statements=statements, source=_side(given.source), target=_side(given.target),
                target_fingerprint=given.target.fingerprint,
                options=recorded_options(ctx.options, drift),
                skipped=ctx.skipped + skipped_entries(drift.unmodeled), traps=traps, created_at=now(),
                renames=[rename.to_dict() for rename in renames])


def _side(snapshot: Snapshot) -> dict[str, Any]:
    """What plan.json says of a side: where it was read, its server, fingerprint and counts."""
    return {"dsn": snapshot.dsn, "server_version": snapshot.server_version, "fingerprint": snapshot.fingerprint,
            "counts": snapshot.counts}


def _build_kind(ctx: Context, kind: str) -> None:
    """One kind through its builder: creates, alters, then (with --allow-drops) drops. A builder
    that fails is a planner bug, reported with the kind and the object it was building."""
    build = builder(kind)
    gate = KINDS[kind].planned_with            # an option-gated kind (privileges) is planned only with it
    if gate and not getattr(ctx.options, gate):
        return
    identity: Identity = ()
    with_owners = owners.planned(ctx, kind)         # --with-owners: ALTER ... OWNER TO (planner/owners.py)
    try:
        for identity in ctx.to_create(kind):
            row = ctx.definition_row(kind, identity)
            if row is None:
                raise PlannerBug(f"planner bug: no row to create {kind} {label(identity)} from", kind=kind,
                                 label=label(identity))
            build.create(ctx, row)
            if with_owners:
                owners.created(ctx, kind, identity, row)
        for identity, source, target in ctx.changed(kind):
            differences = ctx.differences[kind][identity]
            rest = tuple(d for d in differences if d != "owner")     # the owner is no builder's business
            if rest:
                build.alter(ctx, source, target, rest)
            if with_owners and "owner" in differences:
                owners.changed(ctx, kind, identity, source, target)
        identity = ()
        build.finish(ctx)
        if ctx.options.allow_drops:
            for identity, target in ctx.only_in_target(kind):
                build.drop(ctx, target)
    except WorkbenchError:
        raise
    except Exception as error:                       # noqa: BLE001 (a bug: named, never a bare traceback)
        raise PlannerBug(f"planner bug: the {kind} builder failed on {label(identity)}: "
                         f"{type(error).__name__}: {error}", kind=kind, label=label(identity)) from error
