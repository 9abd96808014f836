"""Before any statement: which objects must be dropped and created again although the drift may
call them identical, and which go ahead of the stage that needs them gone.

Each kind's builder marks what a change of its own kind forces (`Builder.recreations`: a table
rebuilt, a function that CREATE OR REPLACE cannot change, a view whose columns change, a key that
foreign keys use, an enum rebuilt under its columns). Then what follows for every kind: the views
over a retyped column or over anything that goes, a new object taking the name of a target-only
object of another kind, the parts of a dropped relation, and the comments and grants of whatever
is dropped. The drops that run ahead of their stage are written here with each kind's own `drop_sql`.
"""
from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, Identity, Key, Row
from workbench.planner.context import NO_ROWS, Context, json_list, label, object_names
from workbench.planner.hazards import Fact
from workbench.planner.kinds import builder
from workbench.planner.kinds import functions
from workbench.planner.kinds.columns import retyped_views
from workbench.planner.model import Stage

_VIEW_KINDS = ("views", "materialized_views")


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
    named = set(ctx.takes_name.values())
    facts: list[Fact]
    for (kind, identity), stage in sorted(ctx.early_drops.items(), key=str):
        target = ctx.target(kind, identity) or {}
        if (kind, identity) in named:                                            # (_name_collisions)
            facts, step, note = [], "name needed", "target-only; dropped early because a new object takes its name"
        elif kind == "constraints" and target.get("constraint_type") == "c":     # (_checks_over_retyped_columns)
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
    """A new object whose name the target holds for a target-only object of another kind, or of the
    same kind under another identity (an index moved to another table), in one of the name spaces
    PostgreSQL keeps per schema: pg_class (tables, foreign tables included, views, materialized
    views, sequences, indexes, the indexes of keys, composite types) and pg_type (the row types of
    those relations, and every type). The comparison sees no relation between them (different
    kinds), but the CREATE fails with 42P07/42710. With --allow-drops the old one is dropped early,
    at the start of the earlier of the two stages, and the create waits for it (takes_name: an edge
    in the graph); recorded as a trap. Without, nothing is dropped and no plan is made that would
    fail on apply: planning refuses, naming both objects of each collision (a WorkbenchError, exit 2;
    skipping the new object alone would leave its columns, keys and the views over it to fail)."""
    seen: set[Key] = set()
    refused: list[str] = []
    for namespace in (_CLASS_NAMES, _TYPE_NAMES):
        taken: dict[tuple[str, str], Key] = {}
        for kind in namespace:
            for identity, status in ctx.statuses.get(kind, {}).items():
                name = _space_name(ctx, kind, identity, ctx.target(kind, identity), namespace) \
                    if status == "only_in_target" else None
                if name is not None:
                    taken.setdefault(name, (kind, identity))
        if not taken:
            continue
        for kind in namespace:
            for identity in ctx.to_create(kind):
                name = _space_name(ctx, kind, identity, ctx.definition_row(kind, identity), namespace)
                gone = taken.get(name) if name is not None else None
                if gone is None or gone == (kind, identity) or (kind, identity) in seen:
                    continue
                seen.add((kind, identity))
                refusal = _collision(ctx, (kind, identity), gone)
                if refusal:
                    refused.append(refusal)
    if refused:
        raise WorkbenchError(f"the target holds names the plan needs for objects of another kind that only the "
                             f"target has: {'; '.join(refused)}; plan with --allow-drops to drop them first, or "
                             "rename them in the target")


# the kinds whose objects hold a name in each per-schema name space, and how (_space_name)
_CLASS_NAMES = ("tables", "views", "materialized_views", "sequences", "types", "indexes", "constraints")
_TYPE_NAMES = ("tables", "views", "materialized_views", "sequences", "types")


def _space_name(ctx: Context, kind: str, identity: Identity, row: Row | None,
                namespace: tuple[str, ...]) -> tuple[str, str] | None:
    """(schema, name) an object holds in the name space, or None when it holds none there. An index
    that backs a key is the key's (made and dropped by its constraint); a key's index has the key's name."""
    if row is None:
        return None
    if kind == "indexes":
        return None if row.get("backs_constraint") else (identity[0], identity[2])
    if kind == "constraints":
        if row.get("constraint_type") not in ("p", "u", "x") or row.get("inherited"):
            return None
        return identity[0], str(row.get("index_name") or identity[2])
    if kind == "types" and namespace is _CLASS_NAMES and row.get("type_kind") != "composite":
        return None
    return identity[0], identity[1]


def _collision(ctx: Context, new: Key, gone: Key) -> str | None:
    """A new object `new` needs the name the target-only `gone` holds (see _name_collisions): the
    early drop and its trap, or (without --allow-drops) what the refusal says of it."""
    kind, identity = new
    other, old = gone
    what, held = f"{_singular(kind)} {label(identity)}", f"{_singular(other)} {label(old)}"
    if not ctx.options.allow_drops:
        return f"the {what} needs the name of the {held}"
    # a new key may be added as early as stage 05, ahead of the views that group by it
    # (_constraints_views_need, decided later): its name is freed by then
    stages = [KINDS[kind].stage, KINDS[other].stage, *([Stage.VIEWS] if kind == "constraints" else [])]
    stage = min(stages, key=ctx.stage_index)
    current = ctx.early_drops.get(gone)
    ctx.early_drops[gone] = stage if current is None else min(current, stage, key=ctx.stage_index)
    ctx.takes_name[new] = gone
    ctx.trap("name_held_by_another_kind", kind, identity,
             f"the target has the target-only {held}, whose name the {what} takes (relations, indexes "
             "and types share one name space per schema); created first, it would fail with 'already exists'",
             f"the {held} is dropped in {ctx.early_drops[gone]}, before the {what} is created")
    return None


def _singular(kind: str) -> str:
    """`index`, `materialized view`: a kind's label for one object."""
    text = KINDS[kind].label
    return text[:-2] if text.endswith("xes") else text.removesuffix("s")


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
