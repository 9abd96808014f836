"""Stages 01-03 (and their finishing touches in 09): sequences, tables and columns."""
from __future__ import annotations

from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Fact
from workbench.planner.quote import ident, literal, qualified

SEQUENCES, TABLES, COLUMNS = "stage01_sequences", "stage02_tables", "stage03_columns"
FINISHING, DROPS = "stage09_finishing", "stage10_drops"


# --- expressions -------------------------------------------------------------------------------
def called_functions(expression: str) -> set[str]:
    """Names of the functions an SQL expression calls (through the pglast parse tree)."""
    import json

    from pglast.parser import ParseError, parse_sql_json

    try:
        tree = json.loads(parse_sql_json(f"SELECT {expression}"))
    except ParseError:              # an unparsable default is kept where it is; the parse check reports it
        return set()
    names: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            call = node.get("FuncCall")
            if call:
                names.add(call["funcname"][-1]["String"]["sval"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names


def needs_new_function(ctx: Context, expression: str | None) -> bool:
    """A default or expression that calls a function this plan creates must wait for stage 04.
    (Parsed only when one of the new functions' names occurs in its text at all.)"""
    if not expression:
        return False
    new = ctx.new_function_names()
    if not any(name in expression for name in new):
        return False
    return bool(called_functions(expression) & new)


# --- sequences ---------------------------------------------------------------------------------
def sequences(ctx: Context) -> None:
    for identity, source, _ in ctx.objects("sequences", "only_in_source"):
        persistence = "UNLOGGED " if source.get("unlogged") else ""
        sql = (f"CREATE {persistence}SEQUENCE {qualified(*identity)} AS {source['data_type']}"
               f" INCREMENT BY {source['increment']} MINVALUE {source['min_value']} MAXVALUE {source['max_value']}"
               f" START WITH {source['start_value']} CACHE {source['cache']}{' CYCLE' if source['cycle'] else ' NO CYCLE'}")
        ctx.add(SEQUENCES, "sequences", identity, "create", sql)
        if source.get("owned_by"):
            ctx.add(FINISHING, "sequences", identity, "alter",
                    f"ALTER SEQUENCE {qualified(*identity)} OWNED BY {source['owned_by']}", clause="owned by",
                    step="owned by")
    for identity, source, target in ctx.objects("sequences", "changed"):
        differs = set(ctx.differences["sequences"][identity])
        clauses = []
        if differs & {"data_type", "min_value", "max_value"}:
            clauses += [f"AS {source['data_type']}", f"MINVALUE {source['min_value']}", f"MAXVALUE {source['max_value']}"]
        if "increment" in differs:
            clauses.append(f"INCREMENT BY {source['increment']}")
        if "start_value" in differs:
            clauses.append(f"START WITH {source['start_value']}")
        if "cache" in differs:
            clauses.append(f"CACHE {source['cache']}")
        if "cycle" in differs:
            clauses.append("CYCLE" if source["cycle"] else "NO CYCLE")
        if clauses:
            ctx.add(SEQUENCES, "sequences", identity, "alter", f"ALTER SEQUENCE {qualified(*identity)} {' '.join(clauses)}",
                    clause="options")
        if "unlogged" in differs:
            ctx.add(SEQUENCES, "sequences", identity, "alter",
                    f"ALTER SEQUENCE {qualified(*identity)} SET {'UNLOGGED' if source.get('unlogged') else 'LOGGED'}",
                    clause="persistence", step="persistence")
        if "owned_by" in differs:
            ctx.add(FINISHING, "sequences", identity, "alter",
                    f"ALTER SEQUENCE {qualified(*identity)} OWNED BY {source['owned_by'] or 'NONE'}", clause="owned by",
                    step="owned by")
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("sequences", "only_in_target"):
            if ("sequences", identity) in ctx.early_drops:
                continue
            owner = (target.get("owned_by") or "")
            ctx.add(DROPS, "sequences", identity, "drop", f"DROP SEQUENCE IF EXISTS {qualified(*identity)}",
                    note=f"owned by {owner}" if owner else "")


# --- tables ------------------------------------------------------------------------------------
def column_definition(row: dict, *, with_default: bool = True) -> str:
    sql = f"{ident(row['name'])} {row['data_type']}"
    if row.get("collation"):
        sql += f" COLLATE {row['collation']}"
    if row.get("generated"):
        sql += f" GENERATED ALWAYS AS ({row['generated']}) {(row.get('generated_kind') or 'stored').upper()}"
    elif row.get("identity"):
        sql += f" GENERATED {row['identity'].upper()} AS IDENTITY"
    elif with_default and row.get("default_value") is not None:
        sql += f" DEFAULT {row['default_value']}"
    if row.get("not_null"):
        sql += " NOT NULL"
    return sql


def tables(ctx: Context) -> None:
    created: dict[tuple, str] = {}
    to_create = [(identity, ctx.definition_row("tables", identity), ctx.target("tables", identity))
                 for identity in ctx.to_create("tables")]
    # parents (partitioned or inherited) before their children
    to_create.sort(key=lambda o: (bool(o[1].get("partition_of") or o[1].get("inherits")), o[0]))
    for identity, row, target in to_create:
        if row["table_kind"] == "foreign":
            ctx.skip("tables", identity, "foreign tables are not planned: create them with their server by hand")
            continue
        depends = []
        if ("tables", identity) in ctx.recreated and target is not None:
            depends.append(_drop_for_rebuild(ctx, identity, target))
        columns = ctx.columns_of_table(*identity, side="source" if ctx.source("tables", identity) else "target")
        late_defaults = [c for c in columns if not c.get("generated") and not c.get("identity")
                         and needs_new_function(ctx, c.get("default_value"))]
        late = {c["name"] for c in late_defaults}
        options = f" WITH ({row['options']})" if row.get("options") else ""
        partition_by = f" PARTITION BY {row['partition_key']}" if row.get("partition_key") else ""
        unlogged = "UNLOGGED " if row.get("persistence") == "unlogged" else ""
        if row.get("partition_of"):
            parent_id = created.get(_split_qualified(row["partition_of"]))
            if parent_id:
                depends.append(parent_id)
            sql = (f"CREATE {unlogged}TABLE {qualified(*identity)} PARTITION OF {row['partition_of']}"
                   f" {row['partition_bound']}{partition_by}{options}")
        else:
            parents = json_list(row.get("inherits"))
            own = [c for c in columns if c.get("is_local", True)] if parents else columns
            body = ",\n    ".join(column_definition(c, with_default=c["name"] not in late) for c in own)
            inherits = f" INHERITS ({', '.join(parents)})" if parents else ""
            for parent in parents:
                if created.get(_split_qualified(parent)):
                    depends.append(created[_split_qualified(parent)])
            sql = f"CREATE {unlogged}TABLE {qualified(*identity)} (\n    {body}\n){inherits}{partition_by}{options}"
        created[identity] = ctx.add(TABLES, "tables", identity, "create", sql, depends_on=depends)
        for column in late_defaults:
            ctx.add(FINISHING, "columns", (*identity, column["name"]), "alter",
                    f"ALTER TABLE {qualified(*identity)} ALTER COLUMN {ident(column['name'])} SET DEFAULT {column['default_value']}",
                    note="default calls a function created in stage 04", clause="set default", step="default")
        _row_security(ctx, identity, row, None)
    for identity, source, target in ctx.objects("tables", "changed"):
        if ("tables", identity) in ctx.recreated:
            continue
        _alter_table(ctx, identity, source, target)
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("tables", "only_in_target"):
            if ("tables", identity) in ctx.early_drops:
                continue
            if target.get("partition_of") and ctx.status("tables", _split_qualified(target["partition_of"])) == "only_in_target":
                continue                       # dropped with its parent
            ctx.add(DROPS, "tables", identity, "drop", f"DROP TABLE IF EXISTS {qualified(*identity)}")


def _split_qualified(text: str) -> tuple[str, str]:
    """'"my schema".tab' -> ('my schema', 'tab'), through the parser (quoted names may hold dots)."""
    from pglast import parse_sql

    relation = parse_sql(f"SELECT * FROM {text}")[0].stmt.fromClause[0]
    return relation.schemaname, relation.relname


def _drop_for_rebuild(ctx: Context, identity, target: dict) -> str:
    """A table whose kind or partitioning changes is dropped (its data lost) and created anew."""
    depends = []
    for seq_identity, seq in ctx.target_rows["sequences"].items():
        owner = seq.get("owned_by") or ""
        if owner.startswith(qualified(*identity) + "."):
            depends.append(ctx.add(TABLES, "sequences", seq_identity, "alter",
                                   f"ALTER SEQUENCE {qualified(*seq_identity)} OWNED BY NONE",
                                   clause="owned by", step="release before table rebuild"))
            if ctx.source("sequences", seq_identity) and ctx.source("sequences", seq_identity).get("owned_by"):
                ctx.add(FINISHING, "sequences", seq_identity, "alter",
                        f"ALTER SEQUENCE {qualified(*seq_identity)} OWNED BY {ctx.source('sequences', seq_identity)['owned_by']}",
                        clause="owned by", step="owned by after rebuild")
    return ctx.add(TABLES, "tables", identity, "drop", f"DROP TABLE {qualified(*identity)}", depends_on=depends, step="rebuild",
                   note=f"{', '.join(ctx.differences['tables'].get(identity, ()))} cannot be altered in place")


def _alter_table(ctx: Context, identity, source: dict, target: dict) -> None:
    name = qualified(*identity)
    differs = set(ctx.differences["tables"][identity])
    if "persistence" in differs:
        ctx.add(COLUMNS, "tables", identity, "alter",
                f"ALTER TABLE {name} SET {'UNLOGGED' if source['persistence'] == 'unlogged' else 'LOGGED'}",
                clause="persistence", step="persistence")
    if "options" in differs:
        wanted = dict(o.split("=", 1) for o in (source.get("options") or "").split(",") if o)
        present = dict(o.split("=", 1) for o in (target.get("options") or "").split(",") if o)
        removed = [k for k in present if k not in wanted]
        if removed:
            ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} RESET ({', '.join(removed)})",
                    clause="options", step="reset")
        if wanted:
            ctx.add(COLUMNS, "tables", identity, "alter",
                    f"ALTER TABLE {name} SET ({', '.join(f'{k}={v}' for k, v in wanted.items())})", clause="options",
                    step="options")
    if differs & {"partition_of", "partition_bound"}:
        detach = None
        if target.get("partition_of"):
            detach = ctx.add(COLUMNS, "tables", identity, "alter",
                             f"ALTER TABLE {target['partition_of']} DETACH PARTITION {name}",
                             clause="detach partition", step="detach")
        if source.get("partition_of"):
            ctx.add(COLUMNS, "tables", identity, "alter",
                    f"ALTER TABLE {source['partition_of']} ATTACH PARTITION {name} {source['partition_bound']}",
                    clause="attach partition", step="attach", depends_on=[detach] if detach else [])
    if differs & {"inherits"}:
        wanted, present = json_list(source.get("inherits")), json_list(target.get("inherits"))
        for parent in present:
            if parent not in wanted:
                ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} NO INHERIT {parent}",
                        clause="inheritance", step=f"no inherit {parent}")
        for parent in wanted:
            if parent not in present:
                ctx.add(COLUMNS, "tables", identity, "alter", f"ALTER TABLE {name} INHERIT {parent}",
                        clause="inheritance", step=f"inherit {parent}")
    _row_security(ctx, identity, source, target)
    if "foreign_server" in differs:
        ctx.skip("tables", identity, "foreign server changed: not planned")


def _row_security(ctx: Context, identity, source: dict, target: dict | None) -> None:
    name = qualified(*identity)
    for flag, on, off in (("rls_enabled", "ENABLE", "DISABLE"), ("rls_forced", "FORCE", "NO FORCE")):
        wanted, present = bool(source.get(flag)), bool(target.get(flag)) if target else False
        if wanted != present:
            ctx.add(FINISHING, "tables", identity, "alter", f"ALTER TABLE {name} {on if wanted else off} ROW LEVEL SECURITY",
                    clause="row security", step=flag)


# --- columns -----------------------------------------------------------------------------------
def columns_of_type(ctx: Context, schema: str, type_name: str, rows: dict) -> list[tuple]:
    """Columns whose type is the named type (or an array of it), in any spelling format_type uses."""
    spellings = {ident(type_name), qualified(schema, type_name)}
    spellings |= {f"{s}[]" for s in spellings}
    return [identity for identity, row in rows.items() if row["data_type"] in spellings]


def dependent_views(ctx: Context, column_identity: tuple) -> list[tuple]:
    """Views and materialized views of the target whose query reads the column."""
    key = list(column_identity)
    found = []
    for kind in ("views", "materialized_views"):
        for identity, row in ctx.target_rows.get(kind, {}).items():
            if key in json_list(row.get("depends_on_columns")):
                found.append((kind, identity))
    return found


def _is_user_type(ctx: Context, data_type: str) -> bool:
    for (schema, name), row in ctx.target_rows.get("types", {}).items():
        if data_type.removesuffix("[]") in (ident(name), qualified(schema, name)):
            return True
    return False


def _primary_key_stage(ctx: Context, identity: tuple) -> str | None:
    """A column in the target's primary key keeps NOT NULL until that key is gone: stage 10 when
    the key is dropped there, stage 09 when it is replaced in stage 08; None when not in a key."""
    schema, table, column = identity
    for key, row in ctx.target_rows.get("constraints", {}).items():
        if key[:2] == (schema, table) and row["constraint_type"] == "p" and column in ctx.constraint_columns(row, "target"):
            return DROPS if ctx.status("constraints", key) == "only_in_target" else FINISHING
    return None


def convert_column_type(ctx: Context, identity: tuple, *, via_text: bool = False, depends_on: list[str] = ()) -> list[str]:
    """Change a column to the source's type: dependent views out of the way first, the old default
    dropped (it may not cast), ALTER TYPE ... USING, the source's default set again."""
    schema, table, column = identity
    source, target = ctx.definition_row("columns", identity), ctx.target("columns", identity)
    table_name, column_name = qualified(schema, table), ident(column)
    steps: list[str] = []             # dependent views were dropped ahead (planner.build._predrops)
    previous = list(depends_on)
    if target.get("default_value") is not None:
        steps.append(ctx.add(COLUMNS, "columns", identity, "alter",
                             f"ALTER TABLE {table_name} ALTER COLUMN {column_name} DROP DEFAULT",
                             clause="drop default", step="drop default before type change", depends_on=steps[-1:] or previous))
    # between user-defined types (enum to enum, say) there is no cast: go through text
    via_text = via_text or _is_user_type(ctx, target["data_type"])
    using = f"{column_name}::text::{source['data_type']}" if via_text else f"{column_name}::{source['data_type']}"
    collate = f" COLLATE {source['collation']}" if source.get("collation") else ""
    steps.append(ctx.add(COLUMNS, "columns", identity, "alter",
                         f"ALTER TABLE {table_name} ALTER COLUMN {column_name} TYPE {source['data_type']}{collate} USING {using}",
                         clause="type", step="type", depends_on=steps[-1:] or previous,
                         note=f"was {target['data_type']}"))
    if source.get("default_value") is not None and not source.get("identity"):
        stage = FINISHING if needs_new_function(ctx, source["default_value"]) else COLUMNS
        default = ctx.add(stage, "columns", identity, "alter",
                          f"ALTER TABLE {table_name} ALTER COLUMN {column_name} SET DEFAULT {source['default_value']}",
                          clause="set default", step="default after type change", depends_on=steps[-1:] or previous)
        if stage == COLUMNS:          # what follows in stage 03 may wait on it; a stage 09 step may not be waited on
            steps.append(default)
    return steps


def columns(ctx: Context) -> None:
    for identity in ctx.to_create("columns"):
        schema, table, column = identity
        if ctx.table_is_new(schema, table):
            continue                                   # part of CREATE TABLE
        row = ctx.source("columns", identity)
        if row is None or not row.get("is_local", True):
            continue                                   # inherited: comes with the parent's column
        late = not row.get("identity") and not row.get("generated") and needs_new_function(ctx, row.get("default_value"))
        facts = []
        if row.get("not_null") and row.get("default_value") is None and not row.get("identity") and not row.get("generated"):
            facts.append(Fact.NOT_NULL_WITHOUT_DEFAULT)
        if row.get("generated") or row.get("identity"):
            facts.append(Fact.FILLS_ROWS)
        step = ctx.add(COLUMNS, "columns", identity, "create",
                       f"ALTER TABLE {qualified(schema, table)} ADD COLUMN {column_definition(row, with_default=not late)}",
                       facts=facts)
        if late:
            ctx.add(FINISHING, "columns", identity, "alter",
                    f"ALTER TABLE {qualified(schema, table)} ALTER COLUMN {ident(column)} SET DEFAULT {row['default_value']}",
                    clause="set default", step="default", depends_on=[step],
                    note="default calls a function created in stage 04")
    for identity, source, target in ctx.objects("columns", "changed"):
        if ctx.table_is_new(*identity[:2]):
            continue
        _alter_column(ctx, identity, source, target, set(ctx.differences["columns"][identity]))
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("columns", "only_in_target"):
            if ctx.status("tables", identity[:2]) == "only_in_target" or not target.get("is_local", True):
                continue
            only = "ONLY " if _children_keep(ctx, identity) else ""
            ctx.add(DROPS, "columns", identity, "drop",
                    f"ALTER TABLE {only}{qualified(*identity[:2])} DROP COLUMN IF EXISTS {ident(identity[2])}",
                    note="ONLY: the inheriting tables keep their own column" if only else "")


def _children_keep(ctx: Context, identity: tuple) -> bool:
    """Whether a table inheriting from this one keeps the column in the source (then the parent's
    column is dropped with ONLY, which leaves the children's column in place as their own)."""
    parent = qualified(*identity[:2])
    for child, row in ctx.target_rows.get("tables", {}).items():
        if parent in json_list(row.get("inherits")) and ctx.source("columns", (*child, identity[2])):
            return True
    return False


def _alter_column(ctx: Context, identity, source: dict, target: dict, differs: set[str]) -> None:
    schema, table, column = identity
    table_name, column_name = qualified(schema, table), ident(column)
    alter = f"ALTER TABLE {table_name} ALTER COLUMN {column_name}"
    steps: list[str] = []

    def add(sql: str, clause: str, step: str, stage: str = COLUMNS) -> None:
        # chain the steps in order; a step moved to a later stage (NOT NULL kept for a primary key
        # until stage 09/10) does not hold back the ones after it
        statement = ctx.add(stage, "columns", identity, "alter", sql, clause=clause, step=step,
                            depends_on=steps[-1:])
        if stage == COLUMNS:
            steps.append(statement)

    if differs & {"generated", "generated_kind"}:
        if source.get("generated") is None:
            add(f"{alter} DROP EXPRESSION", "drop expression", "drop expression")
        elif (target.get("generated") is not None and ctx.target_version >= 170000
              and source.get("generated_kind") == target.get("generated_kind") == "stored"):
            add(f"{alter} SET EXPRESSION AS ({source['generated']})", "set expression", "set expression")
        elif ctx.options.allow_drops:
            add(f"ALTER TABLE {table_name} DROP COLUMN {column_name}", "drop column", "drop to regenerate")
            add(f"ALTER TABLE {table_name} ADD COLUMN {column_definition(source)}", "add column", "add generated")
            return
        else:
            ctx.skip("columns", identity, "making a column generated replaces its data: plan with --allow-drops")
            return
    if "identity" in differs and target.get("identity") and not source.get("identity"):
        add(f"{alter} DROP IDENTITY", "drop identity", "drop identity")
    default_handled = False
    if differs & {"data_type", "collation"}:
        steps.extend(convert_column_type(ctx, identity, depends_on=steps[-1:]))
        default_handled = True
    if "not_null" in differs:
        if source.get("not_null"):
            add(f"{alter} SET NOT NULL", "set not null", "set not null")
        else:
            add(f"{alter} DROP NOT NULL", "drop not null", "drop not null", _primary_key_stage(ctx, identity) or COLUMNS)
    if "default_value" in differs and not default_handled:
        if source.get("default_value") is None:
            if target.get("default_value") is not None:
                add(f"{alter} DROP DEFAULT", "drop default", "drop default")
        elif not source.get("identity"):
            late = needs_new_function(ctx, source["default_value"])
            add(f"{alter} SET DEFAULT {source['default_value']}", "set default", "default", FINISHING if late else COLUMNS)
    if "identity" in differs and source.get("identity"):
        if target.get("identity"):
            add(f"{alter} SET GENERATED {source['identity'].upper()}", "identity", "identity kind")
        else:
            add(f"{alter} ADD GENERATED {source['identity'].upper()} AS IDENTITY", "identity", "add identity")
            # a new identity sequence starts at 1: move it past the values the column already holds
            add(f"SELECT setval(pg_get_serial_sequence({literal(table_name)}, {literal(column)}), "
                f"coalesce(max({column_name}), 0) + 1, false) FROM {table_name}", "sequence position",
                "identity past existing values")
