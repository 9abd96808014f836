"""Columns (stage 03): added columns, type changes (USING), nullability, defaults, identity and
generated expressions; defaults that call a function this plan creates wait for stage 09."""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, functions_used, json_list
from workbench.planner.expressions import needs_new_function
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.options import alter_options_sql, option_changes
from workbench.planner.quote import ident, literal, qualified

COLUMNS, FINISHING, DROPS = Stage.COLUMNS, Stage.FINISHING, Stage.DROPS


@builds
class Columns(Builder):
    kind = "columns"

    def create(self, ctx: Context, row: Row) -> None:
        schema, table, column = identity = (row["schema"], row["table"], row["name"])
        if ctx.table_is_new(schema, table):
            return                                     # part of CREATE TABLE
        source = ctx.source("columns", identity)
        if source is None or not source.get("is_local", True):
            return                                     # inherited: comes with the parent's column
        row = source                                   # the source's row, also for a column made again
        late = not row.get("identity") and not row.get("generated") and needs_new_function(ctx, row.get("default_value"))
        # PostgreSQL 18's ADD COLUMN ... NOT NULL NO INHERIT marks the inheriting tables' column NOT NULL
        # too (attnotnull, with no constraint row): the column is added first, its NOT NULL after
        apart = bool(no_inherit(ctx, row))
        facts = []
        if row.get("not_null") and not apart and row.get("default_value") is None and not row.get("identity") and not row.get("generated"):
            facts.append(Fact.NOT_NULL_WITHOUT_DEFAULT)
        if row.get("generated") or row.get("identity"):
            facts.append(Fact.FILLS_ROWS)
        step = ctx.add(COLUMNS, "columns", identity, "create",
                       f"ALTER TABLE {qualified(schema, table)} ADD COLUMN "
                       f"{column_definition(ctx, row, with_default=not late, not_null=not apart)}", facts=facts)
        if apart:
            step = ctx.add(COLUMNS, "columns", identity, "alter", add_not_null_sql(ctx, identity, row),
                           clause="set not null", step="not null", depends_on=[step])
        column_settings(ctx, identity, row, None, COLUMNS, depends_on=[step])
        if late:
            ctx.add(FINISHING, "columns", identity, "alter",
                    f"ALTER TABLE {qualified(schema, table)} ALTER COLUMN {ident(column)} SET DEFAULT {row['default_value']}",
                    clause="set default", step="default", depends_on=[step],
                    note="default calls a function created in stage 04")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if not ctx.table_is_new(*identity[:2]):
            _alter_column(ctx, identity, source, target, set(differences))

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """A generated column needs the functions its expression calls (created ahead of stage 04
        for it). A default that calls a function this plan creates is set in stage 09 instead."""
        return [("functions", function) for function in functions_used(row)] if row.get("generated") else []

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if ctx.status("tables", identity[:2]) == "only_in_target" or not row.get("is_local", True):
            return
        only = _children_keep(ctx, identity)
        ctx.add(DROPS, "columns", identity, "drop", self.drop_sql(identity, row, only=only),
                note="ONLY: the inheriting tables keep their own column" if only else "")

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True, only: bool = False) -> str:
        return (f"ALTER TABLE {'ONLY ' if only else ''}{qualified(*identity[:2])} DROP COLUMN "
                f"{'IF EXISTS ' if if_exists else ''}{ident(identity[2])}")

    def recreations(self, ctx: Context) -> None:
        """Columns whose type changes in stage 03 take the views that read them along (dropped
        ahead, created again in stage 05)."""
        for identity, source, target in ctx.changed("columns"):
            if set(ctx.differences["columns"][identity]) & {"data_type", "collation"} and not ctx.table_is_new(*identity[:2]):
                ctx.retype.add(identity)


def retyped_views(ctx: Context) -> None:
    """The views over every retyped column (a changed type, or an enum rebuilt under it) are dropped
    before stage 03 and created again."""
    for column in ctx.retype:
        for view in dependent_views(ctx, column):
            ctx.recreate(*view, before_stage=COLUMNS)


# the first server version whose NOT NULL can be NO INHERIT (a pg_constraint row, connoinherit)
NO_INHERIT_VERSION = 180000


def no_inherit(ctx: Context, row: Row) -> str:
    """` NO INHERIT` for a NOT NULL the source keeps off its inheriting tables, where the target
    can say so (PostgreSQL 18); '' otherwise (an older target has no such thing, nor compares it)."""
    return " NO INHERIT" if row.get("not_null_no_inherit") and ctx.target_version >= NO_INHERIT_VERSION else ""


def add_not_null_sql(ctx: Context, identity: Identity, row: Row) -> str:
    """ALTER TABLE ... ADD [CONSTRAINT name] NOT NULL column [NO INHERIT] (PostgreSQL 18), which
    names the constraint and keeps it off the inheriting tables where SET NOT NULL cannot."""
    name = f"CONSTRAINT {ident(row['not_null_name'])} " if row.get("not_null_name") else ""
    return f"ALTER TABLE {qualified(*identity[:2])} ADD {name}NOT NULL {ident(identity[2])}{no_inherit(ctx, row)}"


def column_definition(ctx: Context, row: Row, *, with_default: bool = True, not_null: bool = True) -> str:
    sql = f"{ident(row['name'])} {row['data_type']}"
    if row.get("collation"):
        sql += f" COLLATE {row['collation']}"
    if row.get("generated"):
        sql += f" GENERATED ALWAYS AS ({row['generated']}) {(row.get('generated_kind') or 'stored').upper()}"
    elif row.get("identity"):
        sql += f" {identity_clause(row)}"
    elif with_default and row.get("default_value") is not None:
        sql += f" DEFAULT {row['default_value']}"
    if row.get("not_null") and not_null:
        sql += f" CONSTRAINT {ident(row['not_null_name'])} NOT NULL" if row.get("not_null_name") else " NOT NULL"
        sql += no_inherit(ctx, row)
    return sql


def not_null_renames(ctx: Context, table: Identity, depends_on: list[str]) -> list[str]:
    """RENAME CONSTRAINT for the NOT NULLs of a table that leaves or joins a partitioned table:
    after DETACH (an inherited constraint cannot be renamed), before ATTACH (it would become one)."""
    steps = list(depends_on)
    for column in ctx.columns_of_table(table[0], table[1], side="source"):
        identity = (*table, column["name"])
        target = ctx.target("columns", identity)
        differs = ctx.differences.get("columns", {}).get(identity, ())
        if target is not None and "not_null_name" in differs and "not_null" not in differs and column.get("not_null"):
            steps = [ctx.add(COLUMNS, "columns", identity, "alter", _rename_not_null(identity, column, target),
                             clause="not null name", step="not null name", depends_on=steps[-1:])]
    return steps


def _rename_not_null(identity: Identity, source: Row, target: Row) -> str:
    return (f"ALTER TABLE {qualified(*identity[:2])} RENAME CONSTRAINT {ident(not_null_name(target))} "
            f"TO {ident(not_null_name(source))}")


def not_null_name(row: Row) -> str:
    """The name of a column's NOT NULL constraint (PostgreSQL 18): its own, or the one PostgreSQL chooses."""
    return str(row.get("not_null_name") or f"{row['table']}_{row['name']}_not_null")



# an identity sequence's options when none is given (NO MINVALUE / NO MAXVALUE: the type's own bounds)
DEFAULT_IDENTITY_OPTIONS = "START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1"
# per-column settings pg_dump writes as ALTER TABLE ONLY ... ALTER COLUMN ... after the table:
# compared field -> the ALTER COLUMN clause (its hazard row's clause, in lower case)
SETTINGS = {"statistics": "SET STATISTICS", "storage": "SET STORAGE", "compression": "SET COMPRESSION"}
# back to the default: statistics -1, compression DEFAULT, storage the type's own (SET STORAGE
# DEFAULT is PostgreSQL 16's)
_SETTING_DEFAULTS = {"statistics": "-1", "compression": "DEFAULT"}


def identity_clause(row: Row) -> str:
    """GENERATED ... AS IDENTITY, with the sequence's name when it is not the one PostgreSQL would
    choose (table_column_seq) and its options when they are not the defaults."""
    options = []
    sequence = row.get("identity_sequence")
    if sequence and sequence != qualified(row["schema"], f"{row['table']}_{row['name']}_seq"):
        options.append(f"SEQUENCE NAME {sequence}")
    if row.get("identity_options") and row["identity_options"] != DEFAULT_IDENTITY_OPTIONS:
        options.append(row["identity_options"])
    return f"GENERATED {row['identity'].upper()} AS IDENTITY" + (f" ({' '.join(options)})" if options else "")


def identity_option_changes(text: str) -> str:
    """`SET START WITH 100 SET INCREMENT BY 5 ...`: an identity column's options (as columns.sql
    spells them, checked by fragments.sequence_options) as ALTER COLUMN sets each of them; a
    cycle the text does not ask for is turned off."""
    from pglast import ast, parse_sql

    statement = parse_sql(f"CREATE SEQUENCE s {text}")[0].stmt
    assert isinstance(statement, ast.CreateSeqStmt), text          # fragments.sequence_options made sure
    words = {"start": "START WITH", "increment": "INCREMENT BY", "minvalue": "MINVALUE", "maxvalue": "MAXVALUE",
             "cache": "CACHE"}
    clauses: list[str] = []
    cycle = False
    for option in statement.options or ():
        value = option.arg
        if option.defname == "cycle":
            cycle = isinstance(value, ast.Boolean) and bool(value.boolval)
        elif value is None:
            clauses.append(f"SET NO {words[option.defname]}")
        else:
            number = value.ival if isinstance(value, ast.Integer) else value.fval
            clauses.append(f"SET {words[option.defname]} {int(str(number))}")
    clauses.append("SET CYCLE" if cycle else "SET NO CYCLE")
    return " ".join(clauses)


def column_settings(ctx: Context, identity: Identity, source: Row, target: Row | None, stage: Stage,
                    depends_on: Sequence[str] = ()) -> list[str]:
    """SET STATISTICS / STORAGE / COMPRESSION and attribute options (SET / RESET (n_distinct=...))
    where the source's differ from the target's (or from the defaults, for a column made by this
    plan). ONLY: an inheriting table keeps its own. A
    foreign table's column also gets its OPTIONS (...) here (ALTER FOREIGN TABLE ... ALTER COLUMN:
    ADD COLUMN takes none)."""
    steps: list[str] = []
    for field, clause in SETTINGS.items():
        wanted, present = source.get(field), target.get(field) if target is not None else None
        if wanted == present:
            continue
        if wanted is None:
            value = _SETTING_DEFAULTS.get(field) or str(source.get("type_storage") or "extended").upper()
        elif field == "statistics":
            value = str(int(wanted))
        else:                          # a storage keyword, a compression method (checked: fragments.py)
            value = str(wanted).upper() if field == "storage" else str(wanted)
        steps.append(ctx.add(stage, "columns", identity, "alter",
                             f"ALTER TABLE ONLY {qualified(*identity[:2])} ALTER COLUMN {ident(identity[2])} "
                             f"{clause} {value}", clause=clause.lower(), step=field, depends_on=depends_on))
    head = f"ALTER TABLE ONLY {qualified(*identity[:2])} ALTER COLUMN {ident(identity[2])}"
    for sql, step in option_changes(head, source.get("attribute_options"),
                                    target.get("attribute_options") if target is not None else None):
        steps.append(ctx.add(stage, "columns", identity, "alter", sql, clause="attribute options",
                             step=f"attribute {step}", depends_on=depends_on))
    change = alter_options_sql(source.get("foreign_options"), target.get("foreign_options") if target is not None else None)
    if change:                         # a foreign table's column: OPTIONS (...), as pg_dump writes them, after it
        steps.append(ctx.add(stage, "columns", identity, "alter",
                             f"ALTER FOREIGN TABLE {qualified(*identity[:2])} ALTER COLUMN {ident(identity[2])}{change}",
                             clause="options", step="options", depends_on=depends_on))
    return steps


def columns_of_type(ctx: Context, schema: str, type_name: str, rows: Mapping[Identity, Row]) -> list[Identity]:
    """Columns whose type is the named type (or an array of it), in any spelling format_type uses."""
    spellings = {ident(type_name), qualified(schema, type_name)}
    spellings |= {f"{s}[]" for s in spellings}
    return [identity for identity, row in rows.items() if row["data_type"] in spellings]


def dependent_views(ctx: Context, column_identity: Identity) -> list[Key]:
    """Views and materialized views of the target whose query reads the column."""
    key = list(column_identity)
    found: list[Key] = []
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


def _primary_key_stage(ctx: Context, identity: Identity) -> Stage | None:
    """A column in the target's primary key keeps NOT NULL until that key is gone: stage 10 when
    the key is dropped there, stage 09 when it is replaced in stage 08; None when not in a key."""
    schema, table, column = identity
    for key, row in ctx.target_primary_keys(schema, table):
        if column in ctx.constraint_columns(row, "target"):
            return DROPS if ctx.status("constraints", key) == "only_in_target" else FINISHING
    return None


def convert_column_type(ctx: Context, identity: Identity, *, via_text: bool = False,
                        depends_on: Sequence[str] = ()) -> list[str]:
    """Change a column to the source's type: dependent views out of the way first, the old default
    dropped (it may not cast), ALTER TYPE ... USING, the source's default set again. Only for a
    column the target holds (a type change, an enum rebuilt under it)."""
    schema, table, column = identity
    target = ctx.target_rows["columns"][identity]
    source = ctx.definition_row("columns", identity) or target
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
    # a foreign table stores no rows to convert, and takes no USING
    using_clause = "" if target.get("table_kind") == "foreign" else f" USING {using}"
    steps.append(ctx.add(COLUMNS, "columns", identity, "alter",
                         f"ALTER TABLE {table_name} ALTER COLUMN {column_name} TYPE {source['data_type']}{collate}{using_clause}",
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




def _children_keep(ctx: Context, identity: Identity) -> bool:
    """Whether a table inheriting from this one keeps the column in the source (then the parent's
    column is dropped with ONLY, which leaves the children's column in place as their own)."""
    return any(ctx.source("columns", (*child, identity[2])) for child in ctx.children_of(qualified(*identity[:2])))


def _alter_column(ctx: Context, identity: Identity, source: Row, target: Row, differs: set[str]) -> None:
    schema, table, column = identity
    table_name, column_name = qualified(schema, table), ident(column)
    alter = f"ALTER TABLE {table_name} ALTER COLUMN {column_name}"
    steps: list[str] = []

    def add(sql: str, clause: str, step: str, stage: Stage = COLUMNS) -> None:
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
            add(Columns().drop_sql(identity, target, if_exists=False), "drop column", "drop to regenerate")
            add(f"ALTER TABLE {table_name} ADD COLUMN {column_definition(ctx, source)}", "add column", "add generated")
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
    table_differs = ctx.differences.get("tables", {}).get(identity[:2], ())
    same_parents = not {"inherits", "partition_of"} & set(table_differs)
    if "not_null" in differs:
        if source.get("not_null") and source.get("not_null_inherited") and same_parents:
            pass                       # the parent's new NOT NULL reaches this table: SET NOT NULL, ADD and
                                       # ALTER CONSTRAINT ... INHERIT recurse (a NOT NULL of its own would stay local)
        elif source.get("not_null") and (source.get("not_null_name") or no_inherit(ctx, source)) \
                and ctx.target_version >= 180000:
            add(add_not_null_sql(ctx, identity, source), "set not null", "set not null")
        elif source.get("not_null"):
            add(f"{alter} SET NOT NULL", "set not null", "set not null")
        else:
            # an inherited NOT NULL goes with the parent's, or stays as this table's own when the parent
            # keeps it off its children (NO INHERIT, stage 03): dropped after that, in stage 09
            inherited = FINISHING if target.get("not_null_inherited") and same_parents else COLUMNS
            add(f"{alter} DROP NOT NULL", "drop not null", "drop not null", _primary_key_stage(ctx, identity) or inherited)
    if "not_null_no_inherit" in differs and "not_null" not in differs and source.get("not_null"):
        # on the target's constraint, under its present name (renamed below when that differs too)
        words = "NO INHERIT" if source.get("not_null_no_inherit") else "INHERIT"
        add(f"ALTER TABLE {table_name} ALTER CONSTRAINT {ident(not_null_name(target))} {words}",
            f"not null {words.lower()}", f"not null {words.lower()}")
    if "not_null_name" in differs and "not_null" not in differs and source.get("not_null"):
        if {"partition_of", "partition_bound"} & set(table_differs):
            pass                       # renamed by the tables builder, around DETACH / ATTACH PARTITION
        elif target.get("not_null_inherited") and "inherits" not in table_differs:
            ctx.skip("columns", identity, f"its NOT NULL constraint is inherited as {not_null_name(target)}, "
                                          "which cannot be renamed (detach, or recreate the table)")
        else:                          # an inherited one once NO INHERIT (stage 03) made it the table's own
            add(_rename_not_null(identity, source, target), "not null name", "not null name",
                FINISHING if target.get("not_null_inherited") else COLUMNS)
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
            add(f"{alter} ADD {identity_clause(source)}", "identity", "add identity")
            # a new identity sequence starts at 1: move it past the values the column already holds
            add(f"SELECT setval(pg_get_serial_sequence({literal(table_name)}, {literal(column)}), "
                f"coalesce(max({column_name}), 0) + 1, false) FROM {table_name}", "sequence position",
                "identity past existing values")
    if source.get("identity") and target.get("identity"):
        if "identity_sequence" in differs and source.get("identity_sequence") and target.get("identity_sequence"):
            from workbench.planner.kinds.tables import split_qualified

            add(f"ALTER SEQUENCE {target['identity_sequence']} RENAME TO "
                f"{ident(split_qualified(source['identity_sequence'])[1])}", "identity sequence", "identity sequence name")
        if "identity_options" in differs and source.get("identity_options"):
            add(f"{alter} {identity_option_changes(source['identity_options'])}", "identity options",
                "identity options")
    if differs & {*SETTINGS, "foreign_options", "attribute_options"}:
        steps.extend(column_settings(ctx, identity, source, target, COLUMNS, depends_on=steps[-1:]))
