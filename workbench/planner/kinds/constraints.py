"""Constraints (stage 08): PRIMARY KEY / UNIQUE (reusing a matching unique index: USING INDEX,
trap 2), CHECK, EXCLUDE and FOREIGN KEY (optionally NOT VALID, then VALIDATE). A foreign key
depends on the keys of the table it references: added after them, dropped before them."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.normalize import same_sql
from workbench.planner.context import Context, functions_used
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

CONSTRAINTS = Stage.CONSTRAINTS


@builds
class Constraints(Builder):
    kind = "constraints"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if row.get("inherited"):
            return                                # comes with the parent's
        depends = []
        if ("constraints", identity) in ctx.predrop_ids:
            depends.append(ctx.predrop_ids[("constraints", identity)])
        elif ("constraints", identity) in ctx.predropped:
            depends.append(self._drop_to_add_again(ctx, identity))
        _add_constraint(ctx, identity, row, depends)

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if ("constraints", identity) in ctx.recreated or source.get("inherited"):
            return
        if set(differences) == {"validated"} and source["validated"]:
            ctx.add(CONSTRAINTS, "constraints", identity, "alter",
                    f"ALTER TABLE {qualified(*identity[:2])} VALIDATE CONSTRAINT {ident(identity[2])}",
                    clause="validate")
            return
        drop = ctx.predrop_ids.get(("constraints", identity)) or self._drop_to_add_again(ctx, identity)
        _add_constraint(ctx, identity, source, [drop])

    def _drop_to_add_again(self, ctx: Context, identity: Identity) -> str:
        return ctx.add(CONSTRAINTS, "constraints", identity, "drop",
                       self.drop_sql(identity, None, if_exists=False),
                       facts=_key_facts(ctx.target("constraints", identity), Fact.REBUILT),
                       step="recreate", note="dropped to be added again with its new definition")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """A foreign key needs the table it references, its PRIMARY KEY / UNIQUE constraints and the
        unique index it relies on (their drops wait for the foreign key's); a CHECK or EXCLUDE the
        functions it calls."""
        used: list[Key] = [("functions", function) for function in functions_used(row)]
        referenced = _referenced_table(ctx, row)
        if referenced is None:
            return used
        index = [("indexes", (*referenced, row["references_index"]))] if row.get("references_index") else []
        return (used + [("tables", referenced)] + index
                + [("constraints", key) for key in ctx.keys_of_table(row["references_table"])])

    def drop(self, ctx: Context, row: Row) -> None:
        """A constraint of a table that goes goes with it, but for a foreign key to another table that
        goes too: dropped first, so that the tables drop in any order (tables that reference each
        other included: DROP TABLE of a referenced table fails with 2BP01)."""
        identity = (row["schema"], row["table"], row["name"])
        if row.get("inherited") or ("constraints", identity) in ctx.early_drops:
            return
        if ctx.status("tables", identity[:2]) == "only_in_target":
            referenced = _referenced_table(ctx, row)
            if referenced is None or referenced == identity[:2] or ctx.status("tables", referenced) != "only_in_target":
                return
        ctx.add(Stage.DROPS, "constraints", identity, "drop", self.drop_sql(identity, row), facts=_key_facts(row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return (f"ALTER TABLE {qualified(*identity[:2])} DROP CONSTRAINT {'IF EXISTS ' if if_exists else ''}"
                f"{ident(identity[2])}")

    def names(self, identity: Identity) -> set[str]:
        return {f"{qualified(identity[0], identity[1])}.{ident(identity[2])}"}

    def recreations(self, ctx: Context) -> None:
        """A changed PRIMARY KEY / UNIQUE that foreign keys of the target rely on: the foreign keys
        are dropped first and added again after it (a target-only one, with --allow-drops, is only
        dropped first: adding it back would need the old key). So is a foreign key whose unique index goes
        (with --allow-drops: a target-only index, or the index of a target-only key). Then the keys
        and unique indexes that go from a table a foreign key is added to are dropped in stage 08,
        before it: PostgreSQL would bind the foreign key to one of them, and its drop in stage 10
        would fail ('other objects depend on it')."""
        for identity, source, target in ctx.changed("constraints"):
            if target["constraint_type"] not in ("p", "u"):
                continue
            table = qualified(*identity[:2])
            for fk, row in ctx.target_rows["constraints"].items():
                if row["constraint_type"] != "f" or row.get("references_table") != table:
                    continue
                if ctx.options.allow_drops and ctx.status("constraints", fk) == "only_in_target":
                    ctx.early_drops[("constraints", fk)] = CONSTRAINTS     # goes for good, before the key
                else:
                    ctx.recreate("constraints", fk, before_stage=CONSTRAINTS)
        if not ctx.options.allow_drops:
            return
        for fk, row in ctx.target_rows.get("constraints", {}).items():
            referenced = _referenced_table(ctx, row)
            if (referenced is not None and row.get("references_index") and ctx.status("constraints", fk) != "only_in_target"
                    and ctx.status("indexes", (*referenced, row["references_index"])) == "only_in_target"):
                ctx.recreate("constraints", fk, before_stage=CONSTRAINTS)
        added = {_referenced_table(ctx, row) for identity in [*ctx.to_create("constraints"),
                                                              *(i for i, _, _ in ctx.changed("constraints"))]
                 for row in [ctx.definition_row("constraints", identity)] if row is not None}
        added.discard(None)
        for kind in ("indexes", "constraints"):
            for key, row in ctx.target_rows.get(kind, {}).items():
                if (key[:2] in added and ctx.status(kind, key) == "only_in_target" and _unique_key(kind, row)
                        and ctx.status("tables", key[:2]) != "only_in_target"):
                    ctx.early_drops[(kind, key)] = CONSTRAINTS


def _referenced_table(ctx: Context, row: Row) -> Identity | None:
    """(schema, name) of the table a foreign key references, or None."""
    if row["constraint_type"] != "f" or not row.get("references_table"):
        return None
    found = ctx.names_of("tables").get(row["references_table"])
    return found[0] if found else None


def _unique_key(kind: str, row: Row) -> bool:
    """A PRIMARY KEY / UNIQUE constraint, or a unique index of its own (one that backs no
    constraint): what a foreign key can be bound to."""
    if kind == "constraints":
        return row["constraint_type"] in ("p", "u")
    return bool(row.get("is_unique")) and not row.get("backs_constraint")


def _key_facts(row: Row | None, *more: Fact) -> list[Fact]:
    """What a constraint's hazards depend on: whether it is a key, or a foreign key."""
    kind = (row or {}).get("constraint_type")
    return [*more, *([Fact.KEY] if kind in ("p", "u") else []), *([Fact.FOREIGN_KEY] if kind == "f" else [])]


def _reusable_index(ctx: Context, identity: Identity, row: Row) -> Row | None:
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




def _add_constraint(ctx: Context, identity: Identity, row: Row, depends: list[str]) -> None:
    table, name, kind = qualified(*identity[:2]), ident(identity[2]), row["constraint_type"]
    referenced = _referenced_table(ctx, row)
    if referenced is not None:                   # after the keys that go from the table it references
        depends = depends + [ctx.predrop_ids[key] for key in ctx.early_drops
                             if key[0] in ("indexes", "constraints") and key[1][:2] == referenced]
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


