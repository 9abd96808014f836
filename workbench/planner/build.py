"""plan(drift) -> Plan: the pre-pass that decides what must be dropped and created again, the
generators per kind (in stage order), and the dependency sort."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from workbench.census import skipped_entries
from workbench.compare import Drift
from workbench.planner import access, code, keys, prerequisites, relations
from workbench.planner.context import Context, PlanOptions, json_list, object_names
from workbench.planner.hazards import Fact
from workbench.planner.model import Plan
from workbench.planner.order import order_statements
from workbench.planner.quote import ident, qualified

GENERATORS: dict[str, Callable[[Context], None]] = {
    "schemas": prerequisites.schemas,
    "extensions": prerequisites.extensions,
    "types": prerequisites.types,
    "sequences": relations.sequences,
    "tables": relations.tables,
    "columns": relations.columns,
    "functions": code.functions,
    "constraints": keys.constraints,           # before views: a key a new view relies on goes first in stage 05
    "views": code.views,                       # views and materialized views together, in dependency order
    "triggers": code.triggers,
    "indexes": keys.indexes,
    "policies": access.policies,
    "comments": access.comments,
    "privileges": access.privileges,
}


def plan(drift: Drift, options: PlanOptions | None = None, **kwargs) -> Plan:
    """The ordered statements that turn the drift's target into its source."""
    ctx = Context(drift, options or PlanOptions(**kwargs))
    _decide_recreations(ctx)
    _predrops(ctx)
    for kind, generate in GENERATORS.items():
        if kind in drift.frames or (kind == "views" and "materialized_views" in drift.frames):
            generate(ctx)
    statements = order_statements(ctx.statements)
    side = lambda snap: {"dsn": snap.dsn, "server_version": snap.server_version,  # noqa: E731
                         "fingerprint": snap.fingerprint, "counts": snap.counts}
    return Plan(statements=statements, source=side(drift.source), target=side(drift.target),
                target_fingerprint=drift.target.fingerprint,
                options={**vars(ctx.options), "kinds": list(drift.frames), "schemas": list(drift.options.schemas),
                         "exclude_schemas": list(drift.options.exclude_schemas), "ignore": list(drift.options.ignore),
                         "ignore_extension_versions": drift.options.ignore_extension_versions},
                skipped=ctx.skipped + skipped_entries(drift.unmodeled), traps=ctx.traps,
                created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _decide_recreations(ctx: Context) -> None:
    _table_rebuilds(ctx)
    for identity, source, target in ctx.objects("columns", "changed"):
        if set(ctx.differences["columns"][identity]) & {"data_type", "collation"} and not ctx.table_is_new(*identity[:2]):
            ctx.retype.add(identity)
    for identity, source, target in ctx.objects("types", "changed"):
        if source["type_kind"] == target["type_kind"] == "enum" and prerequisites.enum_needs_rebuild(source, target):
            ctx.retype.update(relations.columns_of_type(ctx, *identity, ctx.target_rows["columns"]))
    for column in ctx.retype:
        for view in relations.dependent_views(ctx, column):
            ctx.recreate(*view, before_stage=relations.COLUMNS)
    code.plan_function_recreations(ctx)
    code.plan_view_recreations(ctx)
    keys.plan_key_recreations(ctx)
    _name_collisions(ctx)
    code.close_view_dependents(ctx)
    _parts_of_recreated_relations(ctx)
    _constraints_views_need(ctx)
    # what goes with a dropped object: its comments and grants are made again from the source
    names = {name for kind, identity in ctx.recreated for name in object_names(kind, identity)}
    for kind in ("comments", "privileges"):
        for identity, row in ctx.source_rows.get(kind, {}).items():
            if row["object"] in names or row["object"].rsplit(".", 1)[0] in names:
                ctx.recreate(kind, identity)


def _parts_of_recreated_relations(ctx: Context) -> None:
    """A dropped view or table takes its triggers, indexes, constraints and policies along: they
    are created again (from the source, or from the target when the source lacks them)."""
    relations_gone = {identity for kind, identity in ctx.recreated if kind in ("tables", "views", "materialized_views")}
    for kind in ("triggers", "indexes", "constraints", "policies"):
        for rows in (ctx.source_rows.get(kind, {}), ctx.target_rows.get(kind, {})):
            for key in rows:
                if key[:2] in relations_gone and (kind, key) not in ctx.predropped:
                    ctx.recreated.add((kind, key))


_RELATION_KINDS = ("tables", "views", "materialized_views", "sequences")
_CREATE_STAGE = {"tables": relations.TABLES, "views": code.VIEWS, "materialized_views": code.VIEWS,
                 "sequences": relations.SEQUENCES}


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
                stage = min(_CREATE_STAGE[kind], _CREATE_STAGE[other], key=ctx.stage_index)
                ctx.early_drops[(other, identity)] = stage
            else:
                ctx.skip(kind, identity, f"the target has a {other[:-1].replace('_', ' ')} of this name: plan with --allow-drops")


def _constraints_views_need(ctx: Context) -> None:
    """A new view may rely on a new primary key (columns grouped by it): that key is added in
    stage 05, right before the views."""
    created_constraints = set(ctx.to_create("constraints"))
    for kind in ("views", "materialized_views"):
        for identity in ctx.to_create(kind):
            row = ctx.definition_row(kind, identity) or {}
            for constraint in json_list(row.get("depends_on_constraints")):
                if tuple(constraint) in created_constraints:
                    ctx.early_constraints[tuple(constraint)] = code.VIEWS


def _table_rebuilds(ctx: Context) -> None:
    """Tables whose kind or partition key changes cannot be altered: with --allow-drops they are
    dropped and created again with everything on them; without, they are reported as skipped."""
    for identity, source, target in ctx.objects("tables", "changed"):
        if not set(ctx.differences["tables"][identity]) & {"table_kind", "partition_key"}:
            continue
        if not ctx.options.allow_drops:
            ctx.skip("tables", identity, "its kind or partition key changes, which needs DROP and CREATE TABLE "
                                         "(the data is lost): plan with --allow-drops")
            continue
        ctx.recreate("tables", identity, before_stage=relations.TABLES)
        table = qualified(*identity)
        for kind in ("indexes", "constraints", "triggers", "policies"):
            for key in ctx.source_rows.get(kind, {}):
                if key[:2] == identity:
                    ctx.recreate(kind, key)
        for key, row in ctx.target_rows.get("tables", {}).items():
            if row.get("partition_of") == table:
                ctx.recreate("tables", key)
        for key, row in ctx.target_rows.get("constraints", {}).items():
            if row["constraint_type"] == "f" and row.get("references_table") == table and key[:2] != identity:
                ctx.recreate("constraints", key, before_stage=relations.TABLES)


def _predrops(ctx: Context) -> None:
    """Objects that must be gone before an earlier-stage change: dropped at the start of that
    stage, views over views first; each is created again by its own generator."""
    code.predrop_views(ctx)                    # dependents first: the views over what goes early
    _WORD = {"tables": "TABLE", "views": "VIEW", "materialized_views": "MATERIALIZED VIEW", "sequences": "SEQUENCE"}
    for (kind, identity), stage in sorted(ctx.early_drops.items(), key=str):
        ctx.predrop_ids[(kind, identity)] = ctx.add(
            stage, kind, identity, "drop", f"DROP {_WORD[kind]} {qualified(*identity)}", step="name needed",
            note="target-only; dropped early because a new object takes its name")
    for (kind, identity), stage in sorted(ctx.predropped.items(), key=lambda item: str(item)):
        if kind == "triggers" and ctx.target("triggers", identity):
            ctx.predrop_ids[(kind, identity)] = ctx.add(
                stage, "triggers", identity, "drop", f"DROP TRIGGER IF EXISTS {ident(identity[2])} ON {qualified(*identity[:2])}",
                step="recreate", note="dropped ahead of a change it depends on; created again in stage 06")
        elif kind == "constraints" and ctx.target("constraints", identity) and stage != keys.CONSTRAINTS:
            ctx.predrop_ids[(kind, identity)] = ctx.add(
                stage, "constraints", identity, "drop",
                f"ALTER TABLE {qualified(*identity[:2])} DROP CONSTRAINT IF EXISTS {ident(identity[2])}",
                facts=[Fact.REBUILT], step="recreate", note="dropped ahead of a change it depends on; added again in stage 08")
