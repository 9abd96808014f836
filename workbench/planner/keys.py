"""Stages 07-08: indexes, then constraints (keys first, foreign keys last).

The index that backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint is made by its constraint, so
the index generator leaves it alone. A UNIQUE or PRIMARY KEY constraint whose name the target
already has as a matching plain unique index becomes ADD CONSTRAINT ... USING INDEX (trap 2).
"""
from __future__ import annotations

from workbench.normalize import same_sql
from workbench.planner.context import Context
from workbench.planner.hazards import Fact
from workbench.planner.quote import dollar_quoted, ident, literal, qualified
from workbench.sqltree import with_flags

INDEXES, CONSTRAINTS, DROPS = "stage07_indexes", "stage08_constraints", "stage10_drops"


def indexes(ctx: Context) -> None:
    created: dict[str, str] = {}         # qualified index name -> the statement that creates it
    for identity in ctx.to_create("indexes"):
        row = ctx.definition_row("indexes", identity)
        if row.get("backs_constraint") or row.get("attached_to"):
            continue                     # made by its constraint / attached to its parent below
        created[qualified(identity[0], identity[2])] = _create_index(ctx, identity, row)
    for identity, source, target in ctx.objects("indexes", "changed"):
        if ("indexes", identity) in ctx.recreated or source.get("attached_to") or target.get("attached_to"):
            continue                     # a partition's index: attached (or made again) below
        if source.get("backs_constraint") or target.get("backs_constraint"):
            continue                     # the constraint generator decides (USING INDEX, or drop and add)
        drop = ctx.add(INDEXES, "indexes", identity, "drop", f"DROP INDEX {qualified(identity[0], identity[2])}",
                       step="recreate", note="its definition changes")
        created[qualified(identity[0], identity[2])] = _create_index(ctx, identity, source, depends_on=[drop])
    _partition_indexes(ctx, created)
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("indexes", "only_in_target"):
            if target.get("backs_constraint") or target.get("inherited") or ctx.status("tables", identity[:2]) == "only_in_target":
                continue
            ctx.add(DROPS, "indexes", identity, "drop", f"DROP INDEX IF EXISTS {qualified(identity[0], identity[2])}")


def _partition_indexes(ctx: Context, created: dict[str, str]) -> None:
    """The indexes of partitions, as pg_dump makes them: the partition's own index, then
    ALTER INDEX parent ATTACH PARTITION child, which makes the parent (created ON ONLY) valid once
    every partition has one. A partition that joins its parent in this plan (CREATE TABLE ...
    PARTITION OF, ATTACH PARTITION) gets the index of a parent that already exists from PostgreSQL
    itself, under a name PostgreSQL chooses: that index is renamed to the source's name.
    Parents first (a sub-partitioned partition's index is a parent too); a parent index made in
    this plan takes every partition's index along (DROP INDEX of a parent drops them)."""
    rows = [(identity, row) for identity, row in ctx.source_rows.get("indexes", {}).items()
            if row.get("attached_to") and not row.get("backs_constraint")]
    depth = {qualified(identity[0], identity[2]): row["attached_to"] for identity, row in rows}

    def level(name: str) -> int:
        return 0 if name not in depth else 1 + level(depth[name])

    rows.sort(key=lambda item: (level(qualified(item[0][0], item[0][2])), item[0]))
    for identity, row in rows:
        name, parent = qualified(identity[0], identity[2]), row["attached_to"]
        status, target = ctx.status("indexes", identity), ctx.target("indexes", identity)
        if parent in created or status == "only_in_source" or ("indexes", identity) in ctx.recreated:
            if status == "only_in_source" and parent not in created and _joins_parent_in_plan(ctx, identity[:2]):
                created[name] = _rename_cloned_index(ctx, identity, parent)
                continue
            create = _create_index(ctx, identity, row)
            depends = [create] + ([created[parent]] if parent in created else [])
        elif target is not None and target.get("attached_to") != parent:
            if target.get("attached_to"):
                ctx.skip("indexes", identity, f"attached to {target['attached_to']} in the target: an index cannot be "
                                              "detached; drop it and plan again")
                continue
            create, depends = None, []
        else:
            continue
        attach = ctx.add(INDEXES, "indexes", identity, "alter", f"ALTER INDEX {parent} ATTACH PARTITION {name}",
                         clause="attach partition", step="attach", depends_on=depends)
        created[name] = create or attach


def _joins_parent_in_plan(ctx: Context, table: tuple) -> bool:
    """Whether a partition becomes one in this plan (CREATE TABLE ... PARTITION OF, or ATTACH
    PARTITION in stage 03): PostgreSQL then gives it the parent's existing indexes itself."""
    return ctx.table_is_new(*table) or "partition_of" in ctx.differences.get("tables", {}).get(table, ())


def _rename_cloned_index(ctx: Context, identity, parent: str) -> str:
    """PostgreSQL named the index it made for the partition (table_column_idx, with a number when
    taken); give it the source's name, whatever it chose. Looked up at apply time in pg_inherits."""
    name = qualified(identity[0], identity[2])
    body = (f"DECLARE made regclass; BEGIN SELECT h.inhrelid::regclass INTO made FROM pg_inherits h "
            f"JOIN pg_index x ON x.indexrelid = h.inhrelid WHERE h.inhparent = to_regclass({literal(parent)}) "
            f"AND x.indrelid = to_regclass({literal(qualified(*identity[:2]))}); "
            f"IF made IS NOT NULL AND made IS DISTINCT FROM to_regclass({literal(name)}) THEN "
            f"EXECUTE format('ALTER INDEX %s RENAME TO %I', made, {literal(identity[2])}); END IF; END")
    return ctx.add(INDEXES, "indexes", identity, "alter", f"DO {dollar_quoted(body)}", clause="rename",
                   step="name the partition's index",
                   note=f"made by PostgreSQL when the partition joined its parent (the index {parent})")


def _create_index(ctx: Context, identity, row: dict, depends_on: list[str] = ()) -> str:
    sql = row["definition"]
    facts = [Fact.UNIQUE] if row.get("is_unique") else []
    existing_table = not ctx.table_is_new(identity[0], identity[1])
    if ctx.options.concurrently and existing_table and row.get("table_kind") != "partitioned":
        return ctx.add(INDEXES, "indexes", identity, "create", with_flags(sql, concurrent=True), depends_on=depends_on,
                       transactional=False, rehearsal_sql=sql, facts=[*facts, Fact.CONCURRENTLY])
    return ctx.add(INDEXES, "indexes", identity, "create", sql, depends_on=depends_on, facts=facts)


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
