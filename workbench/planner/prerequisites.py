"""Stage 00: schemas, extensions and types (enums, domains, composites, ranges)."""
from __future__ import annotations

from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Fact
from workbench.planner.quote import ident, literal, qualified

STAGE = "stage00_prerequisites"
DROPS = "stage10_drops"


def schemas(ctx: Context) -> None:
    for identity, source, _ in ctx.objects("schemas", "only_in_source"):
        ctx.add(STAGE, "schemas", identity, "create", f"CREATE SCHEMA {ident(identity[0])}")
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("schemas", "only_in_target"):
            ctx.add(DROPS, "schemas", identity, "drop", f"DROP SCHEMA {ident(identity[0])}")


def extensions(ctx: Context) -> None:
    compare_versions = not ctx.drift.options.ignore_extension_versions
    for identity, source, _ in ctx.objects("extensions", "only_in_source"):
        sql = f"CREATE EXTENSION IF NOT EXISTS {ident(identity[0])} WITH SCHEMA {ident(source['schema'])}"
        if compare_versions:
            sql += f" VERSION {literal(source['version'])}"
        ctx.add(STAGE, "extensions", identity, "create", sql)
    for identity, source, target in ctx.objects("extensions", "changed"):
        if source["schema"] != target["schema"]:
            ctx.add(STAGE, "extensions", identity, "alter",
                    f"ALTER EXTENSION {ident(identity[0])} SET SCHEMA {ident(source['schema'])}", clause="schema",
                    step="schema")
        if compare_versions and source["version"] != target["version"]:
            ctx.add(STAGE, "extensions", identity, "alter",
                    f"ALTER EXTENSION {ident(identity[0])} UPDATE TO {literal(source['version'])}", clause="version",
                    step="version")
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("extensions", "only_in_target"):
            ctx.add(DROPS, "extensions", identity, "drop", f"DROP EXTENSION {ident(identity[0])}")


def create_type_sql(row: dict) -> str:
    name = qualified(row["schema"], row["name"])
    kind = row["type_kind"]
    if kind == "enum":
        return f"CREATE TYPE {name} AS ENUM ({', '.join(literal(v) for v in json_list(row['enum_labels']))})"
    if kind == "composite":
        attributes = ", ".join(f"{ident(a)} {t}" for a, t in json_list(row["attributes"]))
        return f"CREATE TYPE {name} AS ({attributes})"
    if kind == "range":
        return f"CREATE TYPE {name} AS RANGE (subtype = {row['range_subtype']})"
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


# enums before ranges and composites, domains last: a domain or composite may use an enum
_TYPE_ORDER = {"enum": 0, "range": 1, "composite": 2, "domain": 3}


def _used_types(row: dict) -> set[str]:
    """The type names a type is built from (domain base, composite attributes, range subtype), as
    format_type spells them (schema-qualified: catalogs are read with an empty search_path)."""
    used = {row.get("base_type"), row.get("range_subtype")} | {t for _, t in json_list(row.get("attributes"))}
    return {name.removesuffix("[]") for name in used if name}


def types(ctx: Context) -> None:
    created = sorted(ctx.objects("types", "only_in_source"), key=lambda o: _TYPE_ORDER[o[1]["type_kind"]])
    by_name = {qualified(*identity): (identity, source) for identity, source, _ in created}
    ids: dict[str, str] = {}

    def add(name: str) -> None:                  # depth first: the types a type is built from go first
        if name in ids:
            return
        ids[name] = ""                           # visiting (a cycle cannot be created anyway)
        identity, source = by_name[name]
        for used in _used_types(source):
            if used in by_name:
                add(used)
        depends = [ids[used] for used in _used_types(source) if ids.get(used)]
        ids[name] = ctx.add(STAGE, "types", identity, "create", create_type_sql(source), depends_on=depends)

    for name in by_name:
        add(name)
    for identity, source, target in ctx.objects("types", "changed"):
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
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("types", "only_in_target"):
            word = "DOMAIN" if target["type_kind"] == "domain" else "TYPE"
            ctx.add(DROPS, "types", identity, "drop", f"DROP {word} {qualified(*identity)}")


def enum_needs_rebuild(source: dict, target: dict) -> bool:
    """Labels removed or reordered: ALTER TYPE ... ADD VALUE cannot get there."""
    wanted, present = json_list(source["enum_labels"]), json_list(target["enum_labels"])
    return [label for label in wanted if label in present] != present


def _alter_enum(ctx: Context, identity, source: dict, target: dict) -> None:
    wanted, present = json_list(source["enum_labels"]), json_list(target["enum_labels"])
    name = qualified(*identity)
    if not enum_needs_rebuild(source, target):     # only additions: ADD VALUE, each placed next to its neighbour
        for position, value in enumerate(wanted):
            if value in present:
                continue
            if position > 0:
                place = f" AFTER {literal(wanted[position - 1])}"
            else:
                place = f" BEFORE {literal(wanted[1])}" if len(wanted) > 1 else ""
            ctx.add(STAGE, "types", identity, "alter", f"ALTER TYPE {name} ADD VALUE {literal(value)}{place}",
                    clause="add value", step=f"add {value}")
        return
    _rebuild_enum(ctx, identity, source, target)


def _rebuild_enum(ctx: Context, identity, source: dict, target: dict) -> None:
    """Labels removed or reordered: rename the old type away, create the new one, convert every
    column through text (stage 03), drop the old type (stage 09). Rows holding a removed label
    make the conversion fail, which is the safe outcome."""
    schema, type_name = identity
    old_name = f"{type_name}__drift_old"
    ctx.add(STAGE, "types", identity, "alter",
            f"ALTER TYPE {qualified(schema, type_name)} RENAME TO {ident(old_name)}", clause="rename",
            step="rename old")
    ctx.add(STAGE, "types", identity, "create", create_type_sql(source), step="rebuild")
    from workbench.planner.relations import columns_of_type, convert_column_type

    for column_identity in columns_of_type(ctx, schema, type_name, ctx.target_rows["columns"]):
        convert_column_type(ctx, column_identity, via_text=True)
    ctx.add("stage09_finishing", "types", identity, "drop", f"DROP TYPE {qualified(schema, old_name)}",
            facts=[Fact.REBUILT], step="drop old")


def _alter_domain(ctx: Context, identity, source: dict, target: dict) -> None:
    name = qualified(*identity)
    if source["base_type"] != target["base_type"] or source.get("collation") != target.get("collation"):
        ctx.skip("types", identity, "domain base type or collation changed: recreate the domain by hand")
        return
    if source.get("default_value") != target.get("default_value"):
        sql = (f"ALTER DOMAIN {name} SET DEFAULT {source['default_value']}" if source.get("default_value") is not None
               else f"ALTER DOMAIN {name} DROP DEFAULT")
        ctx.add(STAGE, "types", identity, "alter", sql, clause="default", step="default")
    if bool(source.get("not_null")) != bool(target.get("not_null")):
        sql = f"ALTER DOMAIN {name} {'SET' if source.get('not_null') else 'DROP'} NOT NULL"
        ctx.add(STAGE, "types", identity, "alter", sql, clause="set not null" if source.get("not_null") else "drop not null",
                step="not null")
    wanted = {n: d for n, d in json_list(source.get("checks"))}
    present = {n: d for n, d in json_list(target.get("checks"))}
    for constraint, definition in present.items():
        if wanted.get(constraint) != definition:
            ctx.add(STAGE, "types", identity, "alter", f"ALTER DOMAIN {name} DROP CONSTRAINT {ident(constraint)}",
                    clause="drop check", step=f"drop check {constraint}")
    for constraint, definition in wanted.items():
        if present.get(constraint) != definition:
            ctx.add(STAGE, "types", identity, "alter",
                    f"ALTER DOMAIN {name} ADD CONSTRAINT {ident(constraint)} {definition}",
                    clause="add check", step=f"add check {constraint}")


def _alter_composite(ctx: Context, identity, source: dict, target: dict) -> None:
    name = qualified(*identity)
    wanted, present = json_list(source["attributes"]), json_list(target["attributes"])
    wanted_map, present_map = dict(map(tuple, wanted)), dict(map(tuple, present))
    for attribute, _ in present:
        if attribute not in wanted_map:
            ctx.add(STAGE, "types", identity, "alter", f"ALTER TYPE {name} DROP ATTRIBUTE {ident(attribute)}",
                    clause="drop attribute", step=f"drop {attribute}")
    for attribute, data_type in wanted:
        if attribute not in present_map:
            ctx.add(STAGE, "types", identity, "alter", f"ALTER TYPE {name} ADD ATTRIBUTE {ident(attribute)} {data_type}",
                    clause="add attribute", step=f"add {attribute}")
        elif present_map[attribute] != data_type:
            ctx.add(STAGE, "types", identity, "alter",
                    f"ALTER TYPE {name} ALTER ATTRIBUTE {ident(attribute)} TYPE {data_type}",
                    clause="attribute type", step=f"type {attribute}")
    if [a for a, _ in wanted if a in present_map] != [a for a, _ in present if a in wanted_map]:
        ctx.skip("types", identity, "composite attributes are in another order: recreate the type by hand")
