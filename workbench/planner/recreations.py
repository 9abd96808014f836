"""Before any statement: which objects must be dropped and created again although the drift may
call them identical, and which go ahead of the stage that needs them gone.

Each kind's builder marks what a change of its own kind forces (`Builder.recreations`: a table
rebuilt, a function that CREATE OR REPLACE cannot change, a view whose columns change, a key that
foreign keys use, an enum rebuilt under its columns). Then what follows for every kind: the views
over a retyped column or over anything that goes, a new relation taking a target-only one's name,
the parts of a dropped relation, and the comments and grants of whatever is dropped. The drops
that run ahead of their stage are written here with each kind's own `drop_sql`.
"""
from __future__ import annotations

from workbench.kinds import KINDS, Key
from workbench.planner.context import NO_ROWS, Context, json_list, object_names
from workbench.planner.hazards import Fact
from workbench.planner.kinds import builder
from workbench.planner.kinds import functions
from workbench.planner.kinds.columns import retyped_views
from workbench.planner.model import Stage

_VIEW_KINDS = ("views", "materialized_views")
# relations share one namespace (pg_class): a new one may need a target-only one's name
_RELATION_KINDS = ("tables", "views", "materialized_views", "sequences")


def decide(ctx: Context) -> None:
    for kind in KINDS:
        if kind in ctx.statuses:                  # the kinds compared (and so built)
            builder(kind).recreations(ctx)
    retyped_views(ctx)
    _checks_over_retyped_columns(ctx)
    _name_collisions(ctx)
    _close_view_dependents(ctx)
    _parts_of_recreated_relations(ctx)
    _constraints_views_need(ctx)
    # what goes with a dropped object: its comments and grants are made again from the source
    names = {name for kind, identity in ctx.recreated for name in object_names(kind, identity)}
    for kind in ("comments", "privileges"):
        for identity, row in ctx.source_rows.get(kind, {}).items():
            if row["object"] in names or row["object"].rsplit(".", 1)[0] in names:
                ctx.recreate(kind, identity)


def predrops(ctx: Context) -> None:
    """The drops ahead of their stage: target-only relations whose name a new object takes, target-only
    keys and unique indexes a new foreign key would bind to, and the
    views, triggers, constraints, indexes and functions dropped before a change they depend on (tables,
    and functions dropped in stage 04, drop themselves when they are created again). Dependents first: the object edges see to it."""
    for (kind, identity), stage in sorted(ctx.early_drops.items(), key=str):
        target = ctx.target(kind, identity) or {}
        if kind == "constraints" and target.get("constraint_type") == "c":     # (_checks_over_retyped_columns)
            facts, step, note = [], "column retyped", "target-only; dropped before the type of its column changes"
        elif kind == "constraints" and stage == Stage.INDEXES:                  # (indexes.py recreations)
            facts, step, note = [Fact.KEY], "index kept", ("target-only; dropped with its index, which the source "
                                                           "has as a plain index: made again in stage 07")
        elif kind == "constraints" and target.get("constraint_type") == "f":     # (constraints.py)
            facts, step, note = [Fact.FOREIGN_KEY], "key changes", "target-only; dropped before the key it relies on changes"
        elif kind in ("indexes", "constraints"):
            facts, step, note = ([Fact.KEY] if kind == "constraints" else [], "key goes",
                                 "target-only; dropped before the foreign keys are added, which would rely on it")
        else:
            facts, step, note = [], "name needed", "target-only; dropped early because a new object takes its name"
        ctx.predrop_ids[(kind, identity)] = ctx.add(
            stage, kind, identity, "drop", builder(kind).drop_sql(identity, ctx.target(kind, identity), if_exists=False),
            facts=facts, step=step, note=note)
    for (kind, identity), stage in sorted(ctx.predropped.items(), key=str):
        if kind == "functions" and stage != Stage.FUNCTIONS and ctx.target(kind, identity) is not None:
            ctx.predrop_ids[(kind, identity)] = functions.predrop(
                ctx, identity, stage, f"dropped ahead of a change it depends on; created again in {KINDS[kind].stage}")
            continue
        if kind not in (*_VIEW_KINDS, "triggers", "constraints", "indexes") or ctx.target(kind, identity) is None:
            continue
        if kind == "constraints" and stage == Stage.CONSTRAINTS:
            continue                           # dropped by the constraint builder, right before it is added
        ctx.predrop_ids[(kind, identity)] = ctx.add(
            stage, kind, identity, "drop", builder(kind).drop_sql(identity, ctx.target(kind, identity)),
            facts=[Fact.REBUILT], step="recreate",
            note=f"dropped ahead of a change it depends on; created again in {KINDS[kind].stage}")


def _checks_over_retyped_columns(ctx: Context) -> None:
    """A CHECK of the target over a column whose type changes is parsed again by ALTER ... TYPE, and
    fails when its expression has no meaning for the new type (`role <> 'banned'::user_role`, the
    column made text: the way back of the user_role_simple trap). It is dropped before stage 03:
    created again in stage 08 where the source has it, gone for good where only the target has it
    (with --allow-drops; without, the plan leaves it and the type change may fail)."""
    for identity, row in ctx.target_rows.get("constraints", NO_ROWS).items():
        if row.get("constraint_type") != "c" or row.get("inherited"):
            continue
        if not any((identity[0], identity[1], column) in ctx.retype for column in ctx.constraint_columns(row, "target")):
            continue
        status = ctx.status("constraints", identity)
        if status == "only_in_target":
            if ctx.options.allow_drops:
                ctx.early_drops[("constraints", identity)] = Stage.COLUMNS
        elif status is not None:
            ctx.recreate("constraints", identity, before_stage=Stage.COLUMNS)


def _parts_of_recreated_relations(ctx: Context) -> None:
    """A dropped view or table takes its triggers, indexes, constraints and policies along: they
    are created again (from the source, or from the target when the source lacks them)."""
    relations_gone = {identity for kind, identity in ctx.recreated if kind in ("tables", *_VIEW_KINDS)}
    for kind in ctx.kinds_on_tables():
        for rows in (ctx.source_rows.get(kind, NO_ROWS), ctx.target_rows.get(kind, NO_ROWS)):
            for key in rows:
                if key[:2] in relations_gone and (kind, key) not in ctx.predropped:
                    ctx.recreated.add((kind, key))


def _name_collisions(ctx: Context) -> None:
    """A new relation whose name the target uses for a target-only relation of another kind (a view
    replacing a table of the same name): the old one is dropped at the start of the creating stage,
    with --allow-drops; without, the new object is reported as skipped."""
    taken = {identity: kind for kind in _RELATION_KINDS
             for identity, status in ctx.statuses.get(kind, {}).items() if status == "only_in_target"}
    for kind in _RELATION_KINDS:
        for identity in ctx.to_create(kind):
            other = taken.get(identity)
            if other is None or other == kind:
                continue
            if ctx.options.allow_drops:
                stage = min(KINDS[kind].stage, KINDS[other].stage, key=ctx.stage_index)
                ctx.early_drops[(other, identity)] = stage
                ctx.takes_name[(kind, identity)] = (other, identity)
            else:
                ctx.skip(kind, identity, f"the target has a {KINDS[other].label.removesuffix('s')} of this name: "
                                         "plan with --allow-drops")


def _close_view_dependents(ctx: Context) -> None:
    """A view or table that goes takes the views over it along (dependents are dropped first and
    created again after): repeat until nothing new is added."""
    users: dict[Key, list[Key]] = {}
    for kind in _VIEW_KINDS:
        for identity, row in ctx.target_rows.get(kind, {}).items():
            for used in json_list(row.get("depends_on_relations")):
                users.setdefault((used[0], tuple(used[1:])), []).append((kind, identity))
    gone = {**ctx.early_drops, **ctx.predropped}
    pending = [key for key in gone if key[0] in (*_VIEW_KINDS, "tables")]
    while pending:
        key = pending.pop()
        stage = ctx.predropped.get(key) or ctx.early_drops.get(key)
        for dependent in users.get(key, []):
            if dependent not in ctx.predropped or (stage and ctx.stage_index(stage) < ctx.stage_index(ctx.predropped[dependent])):
                ctx.recreate(*dependent, before_stage=stage)
                pending.append(dependent)


def _constraints_views_need(ctx: Context) -> None:
    """A new view may rely on a new primary key (columns grouped by it): that key is added in
    stage 05, before the views (the view's create waits for it through its object edge)."""
    created_constraints = set(ctx.to_create("constraints"))
    for kind in _VIEW_KINDS:
        for identity in ctx.to_create(kind):
            row = ctx.definition_row(kind, identity) or {}
            for constraint in json_list(row.get("depends_on_constraints")):
                if tuple(constraint) in created_constraints:
                    ctx.early_constraints[tuple(constraint)] = Stage.VIEWS
