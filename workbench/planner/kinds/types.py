"""Types (stage 00): enums, domains, composites and ranges. Enums gain labels with ADD VALUE or are
rebuilt (renamed away, created anew, columns converted through text, the old one dropped)."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, functions_used, json_list
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.kinds.comments import domain_check_comment_again
from workbench.planner.model import Stage
from workbench.planner.quote import ident, literal, qualified

STAGE = Stage.PREREQUISITES


@builds
class Types(Builder):
    kind = "types"

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(STAGE, self.kind, (row["schema"], row["name"]), "create", create_type_sql(row))

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The types it is built from (domain base, composite attributes, range subtype), a
        domain's collation, and the functions it calls (a domain's CHECK or default, a range's
        subtype_diff): those are created ahead of stage 04 for it."""
        by_name = ctx.names_of("types")
        found: list[Key] = [("types", identity) for name in _used_types(row) for identity in by_name.get(name, ())]
        if row.get("collation"):
            found += [("collations", identity) for identity in ctx.names_of("collations").get(row["collation"], ())]
        return found + [("functions", function) for function in functions_used(row)]

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        if source["type_kind"] != target["type_kind"]:
            ctx.skip("types", identity, f"type kind changes from {target['type_kind']} to {source['type_kind']}: "
                                        "drop and recreate it by hand")
        elif source["type_kind"] == "enum":
            _alter_enum(ctx, identity, source, target)
        elif source["type_kind"] == "domain":
            _alter_domain(ctx, identity, source, target)
        elif source["type_kind"] == "composite":
            _alter_composite(ctx, identity, source, target)
        else:
            ctx.skip("types", identity, "range type definition changed: drop and recreate it by hand")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        if (self.kind, identity) in ctx.early_drops:        # a new object takes its name (recreations)
            return
        ctx.add(Stage.DROPS, self.kind, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        word = "DOMAIN" if row and row["type_kind"] == "domain" else "TYPE"
        return f"DROP {word} {qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"{'DOMAIN' if row['type_kind'] == 'domain' else 'TYPE'} {qualified(*identity)}"

    def recreations(self, ctx: Context) -> None:
        """An enum rebuilt under its columns changes their type: they are converted in stage 03. The
        functions of its type would keep the old one (renamed away, dropped in stage 09): they are
        dropped before the rename, with what uses them, and created again over the new type."""
        from workbench.planner.kinds.columns import columns_of_type
        from workbench.planner.kinds.functions import recreate_with_users

        for identity, source, target in ctx.changed("types"):
            if source["type_kind"] == target["type_kind"] == "enum" and enum_needs_rebuild(source, target):
                schema, name = identity
                ctx.retype.update(columns_of_type(ctx, schema, name, ctx.target_rows["columns"]))
                for function in _functions_of_type(ctx, identity):
                    recreate_with_users(ctx, function, STAGE)


def create_type_sql(row: Row) -> str:
    name = qualified(row["schema"], row["name"])
    kind = row["type_kind"]
    if kind == "enum":
        return f"CREATE TYPE {name} AS ENUM ({', '.join(literal(v) for v in json_list(row['enum_labels']))})"
    if kind == "composite":
        attributes = ", ".join(f"{ident(a)} {t}" for a, t in json_list(row["attributes"]))
        return f"CREATE TYPE {name} AS ({attributes})"
    if kind == "range":
        options = f", {row['range_options']}" if row.get("range_options") else ""
        return f"CREATE TYPE {name} AS RANGE (subtype = {row['range_subtype']}{options})"
    sql = f"CREATE DOMAIN {name} AS {row['base_type']}"
    if row.get("collation"):
        sql += f" COLLATE {row['collation']}"
    if row.get("default_value") is not None:
        sql += f" DEFAULT {row['default_value']}"
    if row.get("not_null"):
        sql += " NOT NULL"
    for constraint, definition in json_list(row.get("checks")):
        sql += f" CONSTRAINT {ident(constraint)} {definition}"
    return sql




def _used_types(row: Row) -> set[str]:
    """The type names a type is built from (domain base, composite attributes, range subtype), as
    format_type spells them (schema-qualified: catalogs are read with an empty search_path)."""
    used = {row.get("base_type"), row.get("range_subtype")} | {t for _, t in json_list(row.get("attributes"))}
    return {name.removesuffix("[]") for name in used if name}




def enum_needs_rebuild(source: Row, target: Row) -> bool:
    """Labels removed or reordered: ALTER TYPE ... ADD VALUE cannot get there."""
    wanted, present = json_list(source["enum_labels"]), json_list(target["enum_labels"])
    return [label for label in wanted if label in present] != present


def _alter_enum(ctx: Context, identity: Identity, source: Row, target: Row) -> None:
    wanted, present = json_list(source["enum_labels"]), json_list(target["enum_labels"])
    name = qualified(*identity)
    if not enum_needs_rebuild(source, target):     # only additions: ADD VALUE, each placed next to its neighbour
        add = ctx.steps(STAGE, "types", identity)
        for position, value in enumerate(wanted):
            if value in present:
                continue
            if position > 0:
                place = f" AFTER {literal(wanted[position - 1])}"
            else:
                place = f" BEFORE {literal(wanted[1])}" if len(wanted) > 1 else ""
            add(f"ALTER TYPE {name} ADD VALUE {literal(value)}{place}", "add value", f"add {value}")
        return
    _rebuild_enum(ctx, identity, source, target)


def _functions_of_type(ctx: Context, identity: Identity) -> list[Identity]:
    """The target's functions whose signature uses the type (their depends_on_types, pg_depend)."""
    return [function for function, row in ctx.target_rows.get("functions", {}).items()
            if ["types", *identity] in json_list(row.get("depends_on_types"))]


def _rebuild_enum(ctx: Context, identity: Identity, source: Row, target: Row) -> None:
    """Labels removed or reordered: rename the old type away, create the new one, convert every
    column through text (stage 03), drop the old type (stage 09). Rows holding a removed label
    make the conversion fail, which is the safe outcome."""
    schema, type_name = identity
    old_name = f"{type_name}__drift_old"
    renamed = ctx.add(STAGE, "types", identity, "alter",
                      f"ALTER TYPE {qualified(schema, type_name)} RENAME TO {ident(old_name)}", clause="rename",
                      step="rename old", depends_on=[ctx.predrop_ids[("functions", function)]
                                                     for function in _functions_of_type(ctx, identity)
                                                     if ("functions", function) in ctx.predrop_ids])
    ctx.add(STAGE, "types", identity, "create", create_type_sql(source), step="rebuild", depends_on=[renamed])
    from workbench.planner.kinds.columns import columns_of_type, convert_column_type

    for column_identity in columns_of_type(ctx, schema, type_name, ctx.target_rows["columns"]):
        convert_column_type(ctx, column_identity, via_text=True)
    ctx.add(Stage.FINISHING, "types", identity, "drop", Types().drop_sql((schema, old_name), target),
            facts=[Fact.REBUILT], step="drop old")


def _alter_domain(ctx: Context, identity: Identity, source: Row, target: Row) -> None:
    name = qualified(*identity)
    if source["base_type"] != target["base_type"] or source.get("collation") != target.get("collation"):
        ctx.skip("types", identity, "domain base type or collation changed: recreate the domain by hand")
        return
    add = ctx.steps(STAGE, "types", identity)
    if source.get("default_value") != target.get("default_value"):
        sql = (f"ALTER DOMAIN {name} SET DEFAULT {source['default_value']}" if source.get("default_value") is not None
               else f"ALTER DOMAIN {name} DROP DEFAULT")
        add(sql, "default", "default")
    if bool(source.get("not_null")) != bool(target.get("not_null")):
        sql = f"ALTER DOMAIN {name} {'SET' if source.get('not_null') else 'DROP'} NOT NULL"
        add(sql, "set not null" if source.get("not_null") else "drop not null", "not null")
    wanted = {n: d for n, d in json_list(source.get("checks"))}
    present = {n: d for n, d in json_list(target.get("checks"))}
    for constraint, definition in present.items():
        if wanted.get(constraint) != definition:
            add(f"ALTER DOMAIN {name} DROP CONSTRAINT {ident(constraint)}", "drop check", f"drop check {constraint}")
            if constraint in wanted:           # rebuilt: its comment went with it
                domain_check_comment_again(ctx, identity, constraint)
    for constraint, definition in wanted.items():
        if present.get(constraint) != definition:
            add(f"ALTER DOMAIN {name} ADD CONSTRAINT {ident(constraint)} {definition}", "add check",
                f"add check {constraint}")


def _alter_composite(ctx: Context, identity: Identity, source: Row, target: Row) -> None:
    name = qualified(*identity)
    wanted, present = json_list(source["attributes"]), json_list(target["attributes"])
    wanted_map, present_map = dict(map(tuple, wanted)), dict(map(tuple, present))
    add = ctx.steps(STAGE, "types", identity)
    for attribute, _ in present:
        if attribute not in wanted_map:
            add(f"ALTER TYPE {name} DROP ATTRIBUTE {ident(attribute)}", "drop attribute", f"drop {attribute}")
    for attribute, data_type in wanted:
        if attribute not in present_map:
            add(f"ALTER TYPE {name} ADD ATTRIBUTE {ident(attribute)} {data_type}", "add attribute", f"add {attribute}")
        elif present_map[attribute] != data_type:
            add(f"ALTER TYPE {name} ALTER ATTRIBUTE {ident(attribute)} TYPE {data_type}", "attribute type",
                f"type {attribute}")
    if [a for a, _ in wanted if a in present_map] != [a for a, _ in present if a in wanted_map]:
        ctx.skip("types", identity, "composite attributes are in another order: recreate the type by hand")
