"""Stages 07-08: indexes, then constraints (keys first, foreign keys last).

The index that backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint is made by its constraint, so
the index generator leaves it alone. A UNIQUE or PRIMARY KEY constraint whose name the target
already has as a matching plain unique index becomes ADD CONSTRAINT ... USING INDEX (trap 2).
"""
from __future__ import annotations

from workbench.normalize import same_sql
from workbench.planner.context import Context
from workbench.planner.hazards import Fact
from workbench.planner.quote import ident, qualified
from workbench.sqltree import with_flags

INDEXES, CONSTRAINTS, DROPS = "stage07_indexes", "stage08_constraints", "stage10_drops"


def indexes(ctx: Context) -> None:
    for identity in ctx.to_create("indexes"):
        row = ctx.definition_row("indexes", identity)
        if row.get("backs_constraint") or row.get("inherited"):
            continue                     # made by its constraint / by the partitioned table's index
        _create_index(ctx, identity, row)
    for identity, source, target in ctx.objects("indexes", "changed"):
        if ("indexes", identity) in ctx.recreated or source.get("inherited"):
            continue
        if source.get("backs_constraint") or target.get("backs_constraint"):
            continue                     # the constraint generator decides (USING INDEX, or drop and add)
        drop = ctx.add(INDEXES, "indexes", identity, "drop", f"DROP INDEX {qualified(identity[0], identity[2])}",
                       step="recreate", note="its definition changes")
        _create_index(ctx, identity, source, depends_on=[drop])
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("indexes", "only_in_target"):
            if target.get("backs_constraint") or target.get("inherited") or ctx.status("tables", identity[:2]) == "only_in_target":
                continue
            ctx.add(DROPS, "indexes", identity, "drop", f"DROP INDEX IF EXISTS {qualified(identity[0], identity[2])}")


def _create_index(ctx: Context, identity, row: dict, depends_on: list[str] = ()) -> None:
    sql = row["definition"]
    facts = [Fact.UNIQUE] if row.get("is_unique") else []
    existing_table = not ctx.table_is_new(identity[0], identity[1])
    if ctx.options.concurrently and existing_table and row.get("table_kind") != "partitioned":
        ctx.add(INDEXES, "indexes", identity, "create", with_flags(sql, concurrent=True), depends_on=depends_on, transactional=False,
                rehearsal_sql=sql, facts=[*facts, Fact.CONCURRENTLY])
    else:
        ctx.add(INDEXES, "indexes", identity, "create", sql, depends_on=depends_on, facts=facts)


# --- constraints -------------------------------------------------------------------------------
_ORDER = {"p": 0, "u": 1, "x": 2, "c": 3, "f": 4}


def _reusable_index(ctx: Context, identity, row: dict) -> dict | None:
    """The target's plain unique index of the same name that matches the index this constraint
    would build, or None."""
    if row["constraint_type"] not in ("p", "u") or ctx.table_is_new(identity[0], identity[1]):
        return None
    index_identity = (identity[0], identity[1], row.get("index_name") or identity[2])
    present = ctx.target("indexes", index_identity)
    wanted = ctx.source("indexes", index_identity)
    if present is None or wanted is None or present.get("backs_constraint") or not present.get("is_unique"):
        return None
    return present if same_sql(present["definition"], wanted["definition"], "statement") else None


def constraints(ctx: Context) -> None:
    created = []
    for identity in ctx.to_create("constraints"):
        created.append((identity, ctx.definition_row("constraints", identity), None))
    for identity, source, target in ctx.objects("constraints", "changed"):
        if ("constraints", identity) not in ctx.recreated:
            created.append((identity, source, target))
    created.sort(key=lambda o: (_ORDER[o[1]["constraint_type"]], o[0]))
    created = [o for o in created if not o[1].get("inherited")]       # inherited: comes with the parent's
    validations, drops = [], {}
    for identity, row, target in reversed(created):                     # drops first, foreign keys first
        if target is not None and set(ctx.differences["constraints"][identity]) == {"validated"} and row["validated"]:
            validations.append(identity)
        elif ("constraints", identity) in ctx.predrop_ids:
            drops[identity] = ctx.predrop_ids[("constraints", identity)]
        elif target is not None or ("constraints", identity) in ctx.predropped:
            drops[identity] = ctx.add(CONSTRAINTS, "constraints", identity, "drop",
                                      f"ALTER TABLE {qualified(*identity[:2])} DROP CONSTRAINT {ident(identity[2])}",
                                      facts=_key_facts(ctx.target("constraints", identity), Fact.REBUILT),
                                      step="recreate", note="dropped to be added again with its new definition")
    for identity, row, target in created:
        if identity in validations:
            ctx.add(CONSTRAINTS, "constraints", identity, "alter",
                    f"ALTER TABLE {qualified(*identity[:2])} VALIDATE CONSTRAINT {ident(identity[2])}",
                    clause="validate")
        else:
            _add_constraint(ctx, identity, row, [drops[identity]] if identity in drops else [])
    if ctx.options.allow_drops:
        drops = [(identity, target) for identity, _, target in ctx.objects("constraints", "only_in_target")
                 if not target.get("inherited") and ctx.status("tables", identity[:2]) != "only_in_target"]
        drops.sort(key=lambda o: (-_ORDER[o[1]["constraint_type"]], o[0]))      # foreign keys first
        for identity, target in drops:
            ctx.add(DROPS, "constraints", identity, "drop",
                    f"ALTER TABLE {qualified(*identity[:2])} DROP CONSTRAINT IF EXISTS {ident(identity[2])}",
                    facts=_key_facts(target))


def _add_constraint(ctx: Context, identity, row: dict, depends: list[str]) -> None:
    table, name, kind = qualified(*identity[:2]), ident(identity[2]), row["constraint_type"]
    if identity in ctx.early_constraints:
        ctx.add(ctx.early_constraints[identity], "constraints", identity, "create",
                f"ALTER TABLE {table} ADD CONSTRAINT {name} {row['definition']}", depends_on=depends,
                facts=_key_facts(row), note="added before the views: a new view relies on it")
        return
    existing_table = not ctx.table_is_new(identity[0], identity[1])
    facts = _key_facts(row)
    reusable = _reusable_index(ctx, identity, row)
    if reusable is not None:
        index_name = reusable["name"]
        word = "PRIMARY KEY" if kind == "p" else "UNIQUE"
        deferrable = " DEFERRABLE" if row.get("deferrable") else ""
        deferred = " INITIALLY DEFERRED" if row.get("initially_deferred") else ""
        ctx.add(CONSTRAINTS, "constraints", identity, "create",
                f"ALTER TABLE {table} ADD CONSTRAINT {name} {word} USING INDEX {ident(index_name)}{deferrable}{deferred}",
                depends_on=depends, facts=[*facts, Fact.USING_INDEX],
                note=f"the target already has the unique index {index_name}: the constraint adopts it")
        ctx.trap("unique_constraint_over_existing_index", "constraints", identity,
                 f"the target has a unique index named {index_name}; ADD CONSTRAINT {identity[2]} UNIQUE (...) "
                 "would fail with 'relation already exists'",
                 f"ADD CONSTRAINT {identity[2]} {word} USING INDEX {index_name}")
        return
    definition = row["definition"]
    not_valid = (ctx.options.not_valid and existing_table and kind in ("f", "c") and row.get("validated")
                 and "NOT VALID" not in definition)
    if not_valid:
        step = ctx.add(CONSTRAINTS, "constraints", identity, "create",
                       f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition} NOT VALID", depends_on=depends,
                       facts=[*facts, Fact.NOT_VALID],
                       note="added NOT VALID: existing rows are checked by VALIDATE below, without blocking writes")
        ctx.add(CONSTRAINTS, "constraints", identity, "alter", f"ALTER TABLE {table} VALIDATE CONSTRAINT {name}",
                clause="validate", step="validate", depends_on=[step])
    else:
        ctx.add(CONSTRAINTS, "constraints", identity, "create", f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}",
                depends_on=depends, facts=facts)
    side = "source" if ctx.source("constraints", identity) is row else "target"
    retyped = [column for column in ctx.constraint_columns(row, side) if (identity[0], identity[1], column) in ctx.retype]
    if retyped:
        ctx.trap("constraint_over_retyped_column", "constraints", identity,
                 f"{identity[2]} uses {', '.join(retyped)}, whose type differs between source and target; "
                 "adding it before the type change fails (operator does not exist)",
                 f"the type of {', '.join(retyped)} is changed in stage03_columns; the constraint follows in stage08")


def _key_facts(row: dict | None, *more: Fact) -> list[Fact]:
    """What a constraint's hazards depend on: whether it is a key, or a foreign key."""
    kind = (row or {}).get("constraint_type")
    return [*more, *([Fact.KEY] if kind in ("p", "u") else []), *([Fact.FOREIGN_KEY] if kind == "f" else [])]


def plan_key_recreations(ctx: Context) -> None:
    """A changed PRIMARY KEY / UNIQUE that foreign keys of the target rely on: the foreign keys are
    dropped first and added again after it."""
    for identity, source, target in ctx.objects("constraints", "changed"):
        if target["constraint_type"] not in ("p", "u"):
            continue
        table = qualified(*identity[:2])
        for fk, row in ctx.target_rows["constraints"].items():
            if row["constraint_type"] == "f" and row.get("references_table") == table:
                ctx.recreate("constraints", fk, before_stage=CONSTRAINTS)
