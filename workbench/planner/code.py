"""Stages 04-06: functions and procedures, views and materialized views, triggers."""
from __future__ import annotations

from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Fact
from workbench.planner.quote import ident, qualified
from workbench.sqltree import with_flags

FUNCTIONS, VIEWS, TRIGGERS = "stage04_functions", "stage05_views", "stage06_triggers"
DROPS = "stage10_drops"


# --- functions ---------------------------------------------------------------------------------
def function_signature(identity: tuple) -> str:
    schema, name, arguments = identity
    return f"{qualified(schema, name)}({arguments})"


def _drop_function_sql(identity: tuple, row: dict) -> str:
    word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get(row["function_kind"], "FUNCTION")
    return f"DROP {word} IF EXISTS {function_signature(identity)}"


def _replaceable(source: dict, target: dict) -> bool:
    """CREATE OR REPLACE keeps the function (and what depends on it) when kind, result type and
    parameter names stay; anything else needs DROP and CREATE."""
    return (source["function_kind"] == target["function_kind"] and source["returns"] == target["returns"]
            and source["signature"].split(" DEFAULT ")[0] == target["signature"].split(" DEFAULT ")[0])


def functions(ctx: Context) -> None:
    # aggregates after the functions: CREATE AGGREGATE checks that its SFUNC/FINALFUNC exist
    creating = sorted(ctx.to_create("functions"),
                      key=lambda identity: ctx.definition_row("functions", identity)["function_kind"] == "aggregate")
    for identity in creating:
        row = ctx.definition_row("functions", identity)
        if row.get("internal"):
            continue                                   # a range constructor: made by CREATE TYPE
        if not row.get("definition"):
            ctx.skip("functions", identity, f"this {row['function_kind']} (ordered-set, moving-aggregate or window) "
                                            "is not planned: create it by hand")
            continue
        depends = []
        if ("functions", identity) in ctx.predropped:
            depends.append(ctx.add(FUNCTIONS, "functions", identity, "drop", _drop_function_sql(identity, ctx.target("functions", identity)),
                                   facts=[Fact.REBUILT], step="recreate", note="its signature or result type changes"))
        ctx.add(FUNCTIONS, "functions", identity, "create", row["definition"], depends_on=depends)
    for identity, source, target in ctx.objects("functions", "changed"):
        if ("functions", identity) in ctx.recreated or source.get("internal"):
            continue
        if source["function_kind"] == "aggregate":            # no CREATE OR REPLACE AGGREGATE before PG 16
            drop = ctx.add(FUNCTIONS, "functions", identity, "drop", _drop_function_sql(identity, target),
                           facts=[Fact.REBUILT], step="recreate")
            ctx.add(FUNCTIONS, "functions", identity, "create", source["definition"], depends_on=[drop])
            continue
        ctx.add(FUNCTIONS, "functions", identity, "replace", source["definition"])
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("functions", "only_in_target"):
            if target.get("internal"):
                continue
            ctx.add(DROPS, "functions", identity, "drop", _drop_function_sql(identity, target))


def plan_function_recreations(ctx: Context) -> None:
    """Changed functions that CREATE OR REPLACE cannot change are dropped and created; the views
    and triggers of the target that use them go and come back with them."""
    for identity, source, target in ctx.objects("functions", "changed"):
        if source.get("internal") or _replaceable(source, target):
            continue
        ctx.recreate("functions", identity, before_stage=FUNCTIONS)
        for kind in ("views", "materialized_views"):
            for view, row in ctx.target_rows.get(kind, {}).items():
                if ["functions", *identity] in json_list(row.get("depends_on_functions")):
                    ctx.recreate(kind, view, before_stage=FUNCTIONS)
        for trigger, row in ctx.target_rows.get("triggers", {}).items():
            if (row["function_schema"], row["function_name"], row["function_arguments"]) == identity:
                ctx.recreate("triggers", trigger, before_stage=FUNCTIONS)


# --- views -------------------------------------------------------------------------------------
def _view_word(kind: str) -> str:
    return "MATERIALIZED VIEW" if kind == "materialized_views" else "VIEW"


def _create_view_sql(kind: str, identity: tuple, row: dict, replace: bool = False) -> str:
    options = f" WITH ({row['options']})" if row.get("options") else ""
    query = row["definition"].strip().rstrip(";")
    head = "CREATE OR REPLACE VIEW" if replace else f"CREATE {_view_word(kind)}"
    return f"{head} {qualified(*identity)}{options} AS\n{query}"


def plan_view_recreations(ctx: Context) -> None:
    """Changed views whose columns CREATE OR REPLACE cannot keep, and every changed materialized
    view, are dropped and created again."""
    for kind in ("views", "materialized_views"):
        for identity, source, target in ctx.objects(kind, "changed"):
            if kind == "views" and _columns_compatible(source, target) and "options" not in ctx.differences[kind][identity]:
                continue
            ctx.recreate(kind, identity, before_stage=VIEWS)


def _columns_compatible(source: dict, target: dict) -> bool:
    """CREATE OR REPLACE VIEW may only add columns at the end, with names and types kept."""
    wanted, present = json_list(source.get("columns")), json_list(target.get("columns"))
    return wanted[: len(present)] == present


def close_view_dependents(ctx: Context) -> None:
    """A view that goes takes the views over it along (dependents are dropped first and created
    again after): repeat until nothing new is added."""
    users: dict[tuple, list[tuple]] = {}
    for kind in ("views", "materialized_views"):
        for identity, row in ctx.target_rows.get(kind, {}).items():
            for used in json_list(row.get("depends_on_relations")):
                users.setdefault((used[0], tuple(used[1:])), []).append((kind, identity))
    gone = {**ctx.early_drops, **ctx.predropped}
    pending = [key for key in gone if key[0] in ("views", "materialized_views", "tables")]
    while pending:
        key = pending.pop()
        stage = ctx.predropped.get(key) or ctx.early_drops.get(key)
        for dependent in users.get(key, []):
            if dependent not in ctx.predropped or (stage and ctx.stage_index(stage) < ctx.stage_index(ctx.predropped[dependent])):
                ctx.recreate(*dependent, before_stage=stage)
                pending.append(dependent)


def predrop_views(ctx: Context) -> None:
    """DROP statements for the views registered to go ahead of a change, dependents first."""
    order = _view_order(ctx, [key for key in ctx.predropped if key[0] in ("views", "materialized_views")], ctx.target_rows)
    for kind, identity in reversed(order):
        ctx.predrop_ids[(kind, identity)] = ctx.add(
            ctx.predropped[(kind, identity)], kind, identity, "drop",
            f"DROP {_view_word(kind)} IF EXISTS {qualified(*identity)}", step="recreate",
            note="dropped ahead of a change it depends on; created again in stage 05")


def _view_order(ctx: Context, keys: list[tuple], rows_by_kind: dict) -> list[tuple]:
    """Views sorted so that a view comes after the views it reads (depth-first on depends_on)."""
    wanted = set(keys)
    done: list[tuple] = []
    seen: set[tuple] = set()

    def visit(key: tuple) -> None:
        if key in seen:
            return
        seen.add(key)
        row = rows_by_kind.get(key[0], {}).get(key[1]) or {}
        for used in json_list(row.get("depends_on_relations")):
            dependency = (used[0], tuple(used[1:]))
            if dependency in wanted:
                visit(dependency)
        done.append(key)

    for key in sorted(keys):
        visit(key)
    return done


def views(ctx: Context) -> None:
    keys = [(kind, identity) for kind in ("views", "materialized_views") for identity in ctx.to_create(kind)]
    merged = {kind: {**ctx.target_rows.get(kind, {}), **ctx.source_rows.get(kind, {})}
              for kind in ("views", "materialized_views")}
    previous: dict[tuple, str] = {}
    for kind, identity in _view_order(ctx, keys, merged):
        row = ctx.definition_row(kind, identity)
        depends = []
        if (kind, identity) in ctx.recreated and (kind, identity) not in ctx.predropped:
            # recreated in this stage: drop right before creating
            depends.append(ctx.add(VIEWS, kind, identity, "drop", f"DROP {_view_word(kind)} IF EXISTS {qualified(*identity)}",
                                   step="recreate", note="its columns change: CREATE OR REPLACE cannot do it"))
        for used in json_list(row.get("depends_on_relations")):
            if (used[0], tuple(used[1:])) in previous:
                depends.append(previous[(used[0], tuple(used[1:]))])
        if (kind, identity) in ctx.predrop_ids:
            depends.append(ctx.predrop_ids[(kind, identity)])
        previous[(kind, identity)] = ctx.add(VIEWS, kind, identity, "create", _create_view_sql(kind, identity, row),
                                              depends_on=depends)
    for identity, source, target in ctx.objects("views", "changed"):
        if ("views", identity) in ctx.recreated:
            continue
        ctx.add(VIEWS, "views", identity, "replace", _create_view_sql("views", identity, source, replace=True))
    if ctx.options.allow_drops:
        drops = [(kind, identity) for kind in ("views", "materialized_views")
                 for identity, _, _ in ctx.objects(kind, "only_in_target") if (kind, identity) not in ctx.early_drops]
        for kind, identity in reversed(_view_order(ctx, drops, ctx.target_rows)):
            ctx.add(DROPS, kind, identity, "drop", f"DROP {_view_word(kind)} IF EXISTS {qualified(*identity)}")


# --- triggers ----------------------------------------------------------------------------------
def _enable_sql(identity: tuple, enabled: str) -> str | None:
    schema, table, name = identity
    clause = {"disabled": "DISABLE TRIGGER", "replica": "ENABLE REPLICA TRIGGER", "always": "ENABLE ALWAYS TRIGGER",
              "enabled": "ENABLE TRIGGER"}[enabled]
    return f"ALTER TABLE {qualified(schema, table)} {clause} {ident(name)}"


def triggers(ctx: Context) -> None:
    for identity in ctx.to_create("triggers"):
        row = ctx.definition_row("triggers", identity)
        if row.get("inherited"):
            continue                                   # cloned from the partitioned table's trigger
        depends = [ctx.predrop_ids[("triggers", identity)]] if ("triggers", identity) in ctx.predrop_ids else []
        step = ctx.add(TRIGGERS, "triggers", identity, "create", row["definition"], depends_on=depends)
        if row.get("enabled") and row["enabled"] != "enabled":
            ctx.add(TRIGGERS, "triggers", identity, "alter", _enable_sql(identity, row["enabled"]), clause="enable", step="enable",
                    depends_on=[step])
    for identity, source, target in ctx.objects("triggers", "changed"):
        if ("triggers", identity) in ctx.recreated or source.get("inherited"):
            continue
        differs = set(ctx.differences["triggers"][identity])
        if "definition" in differs:
            if source.get("is_constraint_trigger") or target.get("is_constraint_trigger"):
                drop = ctx.add(TRIGGERS, "triggers", identity, "drop",
                               f"DROP TRIGGER {ident(identity[2])} ON {qualified(*identity[:2])}", step="recreate")
                ctx.add(TRIGGERS, "triggers", identity, "create", source["definition"], depends_on=[drop])
            else:
                ctx.add(TRIGGERS, "triggers", identity, "replace", with_flags(source["definition"], replace=True))
        if "enabled" in differs or ("definition" in differs and source["enabled"] != "enabled"):
            ctx.add(TRIGGERS, "triggers", identity, "alter", _enable_sql(identity, source["enabled"]),
                    clause="enable", step="enable")
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("triggers", "only_in_target"):
            if target.get("inherited") or ctx.status("tables", identity[:2]) == "only_in_target":
                continue
            ctx.add(DROPS, "triggers", identity, "drop", f"DROP TRIGGER IF EXISTS {ident(identity[2])} ON {qualified(*identity[:2])}")
