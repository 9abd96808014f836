"""SQL fragments of a snapshot that the planner puts into DDL, checked before they get there.

A column default, a CHECK, an index or view definition, a generated expression, a policy's USING,
a trigger (WHEN included), a type name, a partition bound ... comes from the source's catalog or
from a snapshot file, and the planner writes it into a statement as it is. A crafted file could
make a default of `0, DROP COLUMN important`: one ALTER TABLE, two commands. So every fragment is
parsed by pglast in the context the planner writes it in (`CREATE TABLE x (c int DEFAULT ...)`,
`ALTER TABLE x ADD CONSTRAINT c ...`) and must come out as exactly one node of the expected type
with nothing beside it, and without comments (a `--` in a fragment would swallow the rest of the
line it is written on).

Run by the planner on the rows of every object its statements are about, from a snapshot file
(the error names the file) and from a live catalog alike (it catches a catalog query or a planner
change that breaks the rule); the cost follows the plan's size, not the schema's. Parse trees are
libpg_query's JSON; each distinct fragment is parsed once per side.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Mapping

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, Row, object_label
from workbench.planner.quote import visible

if TYPE_CHECKING:
    from workbench.planner.context import Context


class Refused(ValueError):
    """A fragment that is not what its place in a statement needs."""


def _tree(sql: str) -> str:
    """libpg_query's parse tree as JSON text."""
    from pglast.parser import ParseError, parse_sql_json

    try:
        return parse_sql_json(sql)
    except ParseError as error:
        raise Refused(f"does not parse ({error})") from None


_STATEMENT = '{"stmt":{"'          # a RawStmt's node: the only "stmt" field of the parse tree


def _only(sql: str, *node_types: str) -> str:
    """The JSON tree of a text that is exactly one statement of one of the types, read without
    decoding it (JSON strings escape their quotes: a key cannot be faked by a literal's content)."""
    tree = _tree(sql)
    count = tree.count(_STATEMENT)
    if count != 1:
        raise Refused(f"makes {count} statements where one was expected")
    start = tree.index(_STATEMENT) + len(_STATEMENT)
    found = tree[start:tree.index('"', start)]
    if found not in node_types:
        raise Refused(f"is a {found}, not a {' or '.join(node_types)}")
    return tree


def _one(sql: str, node_type: str) -> dict[str, Any]:
    """The node of a text that is exactly one statement of the type."""
    tree = _only(sql, node_type)
    node: dict[str, Any] = json.loads(tree)["stmts"][0]["stmt"][node_type]
    return node


def _no_comments(fragment: str) -> None:
    from pglast.parser import ParseError, scan

    try:
        tokens = scan(fragment)
    except ParseError as error:
        raise Refused(f"does not parse ({error})") from None
    if any(token.name in ("SQL_COMMENT", "C_COMMENT") for token in tokens):
        raise Refused("holds a comment")


@lru_cache(maxsize=None)
def _keys(sql: str, node_type: str) -> frozenset[str]:
    """The top-level fields of a known-good statement: what a checked one may have."""
    return frozenset(_one(sql, node_type))


def _same_fields(node: dict[str, Any], template: str, node_type: str) -> None:
    extra = set(node) - _keys(template, node_type)
    if extra:
        raise Refused(f"adds {', '.join(sorted(extra))} to the statement")


def _column(fragment_sql: str, template: str) -> dict[str, Any]:
    node = _one(fragment_sql, "CreateStmt")
    _same_fields(node, template, "CreateStmt")
    elements = node.get("tableElts") or []
    if len(elements) != 1 or "ColumnDef" not in elements[0]:
        raise Refused(f"makes {len(elements)} table elements where one column was expected")
    column: dict[str, Any] = elements[0]["ColumnDef"]
    return column


# --- the checks, one per place a fragment goes -------------------------------------------------
def default(text: str) -> None:
    """DEFAULT <expression> (columns, domains) and SET DEFAULT <expression>."""
    column = _column(f"CREATE TABLE x (c int DEFAULT {text})", "CREATE TABLE x (c int DEFAULT 0)")
    constraints = column.get("constraints") or []
    if len(constraints) != 1 or constraints[0]["Constraint"]["contype"] != "CONSTR_DEFAULT" or "collClause" in column:
        raise Refused("is more than one expression")
    expression(text)


def expression(text: str) -> None:
    """One value expression, as SET DEFAULT or a SELECT list takes it."""
    node = _one(f"SELECT {text}", "SelectStmt")
    _same_fields(node, "SELECT 0", "SelectStmt")
    targets = node.get("targetList") or []
    if len(targets) != 1 or "name" in targets[0]["ResTarget"]:
        raise Refused("is not exactly one expression")


def generated(text: str) -> None:
    column = _column(f"CREATE TABLE x (c int GENERATED ALWAYS AS ({text}) STORED)",
                     "CREATE TABLE x (c int GENERATED ALWAYS AS (0) STORED)")
    constraints = column.get("constraints") or []
    if len(constraints) != 1 or constraints[0]["Constraint"]["contype"] != "CONSTR_GENERATED":
        raise Refused("is not exactly one generation expression")
    expression(f"({text})")


def type_name(text: str) -> None:
    """A formatted type (format_type): a column's, an attribute's, a domain's base, a sequence's."""
    column = _column(f"CREATE TABLE x (c {text})", "CREATE TABLE x (c int)")
    if column.get("constraints") or "collClause" in column or "typeName" not in column:
        raise Refused("is more than a type name")


def type_name_or_none(text: str) -> None:
    """An operand type, or NONE (a prefix operator's left operand)."""
    if text != "NONE":
        type_name(text)


def collation(text: str) -> None:
    column = _column(f"CREATE TABLE x (c text COLLATE {text})", 'CREATE TABLE x (c text COLLATE "C")')
    if column.get("constraints") or "collClause" not in column:
        raise Refused("is more than a collation name")


def relation(text: str) -> None:
    """A qualified table name (PARTITION OF, INHERITS)."""
    node = _one(f"SELECT * FROM {text}", "SelectStmt")
    _same_fields(node, "SELECT * FROM x", "SelectStmt")
    sources = node.get("fromClause") or []
    if len(sources) != 1 or "RangeVar" not in sources[0] or "alias" in sources[0]["RangeVar"]:
        raise Refused("is not one table name")


def relations(text: str) -> None:
    """A JSON list of qualified table names (INHERITS (...))."""
    for item in json.loads(text):
        _checked(item, relation)


def owned_by(text: str) -> None:
    node = _one(f"ALTER SEQUENCE s OWNED BY {text}", "AlterSeqStmt")
    _same_fields(node, "ALTER SEQUENCE s OWNED BY t.c", "AlterSeqStmt")
    options = node.get("options") or []
    if len(options) != 1 or options[0]["DefElem"]["defname"] != "owned_by":
        raise Refused("is not one column")


def sequence_options(text: str) -> None:
    """An identity sequence's options (columns.sql's START WITH ... CACHE ...), as CREATE SEQUENCE
    and GENERATED ... AS IDENTITY (...) take them: numbers and the options a sequence has, no more."""
    node = _one(f"CREATE SEQUENCE s {text}", "CreateSeqStmt")
    _same_fields(node, "CREATE SEQUENCE s START WITH 1", "CreateSeqStmt")
    names = [option["DefElem"]["defname"] for option in node.get("options") or []]
    if not names or set(names) - {"start", "increment", "minvalue", "maxvalue", "cache", "cycle"} \
            or len(set(names)) != len(names):
        raise Refused("is not a list of sequence options")


def partition_key(text: str) -> None:
    node = _one(f"CREATE TABLE x (a int) PARTITION BY {text}", "CreateStmt")
    _same_fields(node, "CREATE TABLE x (a int) PARTITION BY RANGE (a)", "CreateStmt")


def partition_bound(text: str) -> None:
    node = _one(f"CREATE TABLE x PARTITION OF p {text}", "CreateStmt")
    _same_fields(node, "CREATE TABLE x PARTITION OF p FOR VALUES FROM (1) TO (2)", "CreateStmt")
    if "partbound" not in node:
        raise Refused("is not a partition bound")


def reloptions(text: str) -> None:
    """Storage parameters, as WITH (...) of a table or view takes them."""
    node = _one(f"CREATE TABLE x (a int) WITH ({text})", "CreateStmt")
    _same_fields(node, "CREATE TABLE x (a int) WITH (fillfactor=70)", "CreateStmt")


def type_definition(text: str) -> None:
    """A base type's option list, as CREATE TYPE name (...) takes it (base_types.sql's definition)."""
    _same_fields(_one(f"CREATE TYPE x ({text})", "DefineStmt"), "CREATE TYPE x (INPUT = a, OUTPUT = b)", "DefineStmt")


def query(text: str) -> None:
    """A view's query (pg_get_viewdef): one SELECT, not SELECT INTO."""
    if '"intoClause":' in _only(text.strip().rstrip(";"), "SelectStmt"):
        raise Refused("is a SELECT INTO")


def constraint(text: str) -> None:
    """A table constraint (pg_get_constraintdef), as ADD CONSTRAINT takes it."""
    node = _one(f"ALTER TABLE t ADD CONSTRAINT c {text}", "AlterTableStmt")
    commands = node.get("cmds") or []
    if len(commands) != 1 or commands[0]["AlterTableCmd"]["subtype"] != "AT_AddConstraint":
        raise Refused("is not one constraint")


def domain_checks(text: str) -> None:
    """A domain's constraints: a JSON list of [name, definition]."""
    for _name, definition in json.loads(text):
        _checked(definition, _domain_check)


def _domain_check(definition: str) -> None:
    node = _one(f"ALTER DOMAIN d ADD CONSTRAINT c {definition}", "AlterDomainStmt")
    _same_fields(node, "ALTER DOMAIN d ADD CONSTRAINT c CHECK (VALUE > 0)", "AlterDomainStmt")


def attributes(text: str) -> None:
    """A composite type's attributes: a JSON list of [name, type]."""
    for _name, data_type in json.loads(text):
        _checked(data_type, type_name)


def range_subtype(text: str) -> None:
    node = _one(f"CREATE TYPE r AS RANGE (subtype = {text})", "CreateRangeStmt")
    if len(node.get("params") or []) != 1:
        raise Refused("is more than a subtype")


def range_options(text: str) -> None:
    """The other parameters of CREATE TYPE ... AS RANGE (subtype_diff = ..., ...): parameters only."""
    node = _one(f"CREATE TYPE r AS RANGE (subtype = int4, {text})", "CreateRangeStmt")
    names = {p["DefElem"]["defname"] for p in node.get("params") or []}
    if not names <= {"subtype", "subtype_opclass", "collation", "canonical", "subtype_diff", "multirange_type_name"}:
        raise Refused("is not range parameters")


def policy_using(text: str) -> None:
    node = _one(f"CREATE POLICY p ON t USING ({text})", "CreatePolicyStmt")
    _same_fields(node, "CREATE POLICY p ON t USING (true)", "CreatePolicyStmt")


def policy_check(text: str) -> None:
    node = _one(f"CREATE POLICY p ON t WITH CHECK ({text})", "CreatePolicyStmt")
    _same_fields(node, "CREATE POLICY p ON t WITH CHECK (true)", "CreatePolicyStmt")


def arguments(text: str) -> None:
    """A function's identity arguments, as DROP FUNCTION f(...) takes them (an ordered-set
    aggregate's, with ORDER BY, as DROP AGGREGATE does)."""
    try:
        node = _one(f"DROP FUNCTION f({text})", "DropStmt")
    except Refused:
        node = _one(f"DROP AGGREGATE f({text})", "DropStmt")
    if len(node.get("objects") or []) != 1:
        raise Refused("is not one argument list")


_OPERATOR_CHARACTERS = set("+-*/<>=~!@#%^&|`?")


def operator_symbol(text: str) -> None:
    """An operator's name: operator characters only (it is written unquoted)."""
    if not text or len(text) > 63 or not set(text) <= _OPERATOR_CHARACTERS or "--" in text or "/*" in text:
        raise Refused("is not an operator name")


setattr(operator_symbol, "words", True)


def option_value(text: str) -> None:
    """The value of one option of CREATE OPERATOR, CREATE TEXT SEARCH ...: OPERATOR(schema.op), a function."""
    node = _one(f"CREATE OPERATOR x.+ (COMMUTATOR = {text})", "DefineStmt")
    if len(node.get("definition") or []) != 1:
        raise Refused("is more than one option value")


def dictionary_options(text: str) -> None:
    """A text search dictionary's options, as CREATE TEXT SEARCH DICTIONARY (TEMPLATE = t, ...) takes them."""
    node = _one(f"CREATE TEXT SEARCH DICTIONARY x (TEMPLATE = y, {text})", "DefineStmt")
    _same_fields(node, "CREATE TEXT SEARCH DICTIONARY x (TEMPLATE = y, a = 1)", "DefineStmt")


def ts_mappings(text: str) -> None:
    """A configuration's mappings: a JSON list of [token type, dictionary, ...], the dictionaries qualified names."""
    for token, *dictionaries in json.loads(text):
        for dictionary in dictionaries:
            _checked(dictionary, relation)


setattr(ts_mappings, "words", True)


def family_members(text: str) -> None:
    """An operator family's members: a JSON list of [kind, number, left, right, ADD clause]."""
    for *_key, clause in json.loads(text):
        _checked(clause, _family_member)
    for kind, number, left, right, _clause in json.loads(text):
        if kind not in ("operator", "function") or not str(number).isdigit():
            raise Refused("is not a list of operator and function members")
        _checked(left, type_name)
        _checked(right, type_name)


def _family_member(clause: str) -> None:
    node = _one(f"ALTER OPERATOR FAMILY f USING btree ADD {clause}", "AlterOpFamilyStmt")
    if len(node.get("items") or []) != 1:
        raise Refused("is more than one member")


def class_members(text: str) -> None:
    """An operator class's members: a JSON list of the clauses CREATE OPERATOR CLASS ... AS takes."""
    for clause in json.loads(text):
        _checked(clause, _class_member)


def _class_member(clause: str) -> None:
    node = _one(f"CREATE OPERATOR CLASS c FOR TYPE int USING btree AS {clause}", "CreateOpClassStmt")
    if len(node.get("items") or []) != 1:
        raise Refused("is more than one member")


for _check in (family_members, class_members):
    setattr(_check, "words", True)


def publish(text: str) -> None:
    """A publication's operations: some of insert, update, delete, truncate (a literal in WITH (publish = ...))."""
    if text and not set(text.split(", ")) <= {"insert", "update", "delete", "truncate"}:
        raise Refused("is not a list of insert, update, delete, truncate")


setattr(publish, "words", True)


def comment_target(text: str) -> None:
    node = _one(f"COMMENT ON {text} IS NULL", "CommentStmt")
    _same_fields(node, "COMMENT ON TABLE t IS NULL", "CommentStmt")


for _check in (relations, domain_checks, attributes):
    setattr(_check, "words", True)     # JSON: each SQL part is scanned alone


def one_of(*values: str | None) -> Callable[[str], None]:
    allowed = set(values)

    def check(text: str) -> None:
        if text not in allowed:
            raise Refused(f"is not one of {', '.join(repr(v) for v in values if v is not None)}")
    setattr(check, "words", True)     # a word from a fixed list: nothing to scan for comments
    return check


_STORAGE = ("plain", "external", "main", "extended")
# kind -> column -> check. Columns used only to compare or to pick a code path are not here.
CHECKS: dict[str, dict[str, Callable[[str], None]]] = {
    "types": {"default_value": default, "base_type": type_name, "range_subtype": range_subtype,
              "range_options": range_options,              "collation": collation, "checks": domain_checks, "attributes": attributes},
    "sequences": {"data_type": type_name, "owned_by": owned_by},
    "tables": {"partition_key": partition_key, "partition_of": relation, "partition_bound": partition_bound,
               "inherits": relations, "options": reloptions, "of_type": type_name,
               "replica_identity": one_of("default", "nothing", "full", "index")},
    "columns": {"data_type": type_name, "default_value": default, "generated": generated, "collation": collation,
                "identity": one_of("", "always", "by default"), "generated_kind": one_of("", "stored", "virtual"),
                "storage": one_of(*_STORAGE), "type_storage": one_of(*_STORAGE), "compression": one_of("pglz", "lz4"),
                "identity_sequence": relation, "identity_options": sequence_options, "attribute_options": reloptions},
    "views": {"definition": query, "options": reloptions},
    "materialized_views": {"definition": query, "options": reloptions},
    "functions": {"arguments": arguments},
    "casts": {"source_type": type_name, "target_type": type_name, "function_arguments": arguments,
              "method": one_of("function", "inout", "binary"), "context": one_of("explicit", "assignment", "implicit")},
    "triggers": {"enabled": one_of("enabled", "disabled", "replica", "always")},
    "rules": {"enabled": one_of("enabled", "disabled", "replica", "always")},
    "event_triggers": {"enabled": one_of("enabled", "disabled", "replica", "always"),
                       "event": one_of("ddl_command_start", "ddl_command_end", "sql_drop", "table_rewrite", "login")},
    "indexes": {"attached_to": relation,             # ALTER INDEX <parent> ATTACH PARTITION ...
                "options": reloptions},              # ALTER INDEX ... SET (...)
    "collations": {"provider": one_of("libc", "icu", "builtin", "default")},
    "access_methods": {"method_type": one_of("table", "index")},            # CREATE ACCESS METHOD ... TYPE
    "base_types": {"definition": type_definition},                          # CREATE TYPE name (...)
    "transforms": {"type_name": type_name, "from_arguments": arguments, "to_arguments": arguments},  # CREATE TRANSFORM FOR    # CREATE COLLATION (provider = ...)
    "constraints": {"definition": constraint},
    "policies": {"using_expression": policy_using, "with_check": policy_check,
                 "command": one_of("ALL", "SELECT", "INSERT", "UPDATE", "DELETE")},
    "comments": {"sql_target": comment_target},
    "publication_tables": {"row_filter": expression},
    "operator_families": {"members": family_members},
    "operator_classes": {"members": class_members, "data_type": type_name, "storage": type_name},
    "text_search_parsers": {"start_function": option_value, "token_function": option_value,
                            "end_function": option_value, "lextypes_function": option_value,
                            "headline_function": option_value},
    "text_search_templates": {"init_function": option_value, "lexize_function": option_value},
    "text_search_dictionaries": {"options": dictionary_options},
    "text_search_configurations": {"mappings": ts_mappings},
    "operators": {"name": operator_symbol, "left_type": type_name_or_none, "right_type": type_name,
                  "commutator": option_value, "negator": option_value, "restrict": option_value,
                  "join": option_value},
    "publications": {"publish": publish},
}
_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "USAGE", "CREATE",
               "CONNECT", "TEMPORARY", "TEMP", "EXECUTE", "MAINTAIN", "SET", "ALTER SYSTEM"}


# --- checks of a whole row: statements that are the fragment -----------------------------------
def _index_row(row: Row) -> None:
    _only(row["definition"], "IndexStmt")


def _trigger_row(row: Row) -> None:
    _only(row["definition"], "CreateTrigStmt")


def _function_row(row: Row) -> None:
    if row.get("definition"):
        tree = _only(row["definition"], "CreateFunctionStmt", "DefineStmt")
        if '"DefineStmt":' in tree and '{"DefineStmt":{"kind":"OBJECT_AGGREGATE"' not in tree:
            raise Refused("is a DefineStmt, not a CREATE AGGREGATE")


def _rule_row(row: Row) -> None:
    _only(row["definition"], "RuleStmt")


def _statistics_row(row: Row) -> None:
    _only(row["definition"], "CreateStatsStmt")


def _privilege_row(row: Row) -> None:
    if row.get("privilege") not in _PRIVILEGES:
        raise Refused(f"privilege {row.get('privilege')!r} is not a privilege")
    column = f" ({row['sql_column']})" if row.get("sql_column") else ""
    node = _one(f"GRANT {row['privilege']}{column} ON {row['sql_object']} TO {row['sql_grantee']}", "GrantStmt")
    if len(node.get("privileges") or []) != 1 or len(node.get("objects") or []) != 1 \
            or len(node.get("grantees") or []) != 1:
        raise Refused("grants more than one privilege on one object to one role")


ROW_CHECKS: dict[str, tuple[tuple[str, ...], Callable[[Row], None]]] = {
    "indexes": (("definition",), _index_row),
    "triggers": (("definition",), _trigger_row),
    "functions": (("definition",), _function_row),
    "extended_statistics": (("definition",), _statistics_row),
    "rules": (("definition",), _rule_row),
    "privileges": (("privilege", "sql_column", "sql_object", "sql_grantee"), _privilege_row),
}


# --- running them ------------------------------------------------------------------------------
def _checked(text: object, check: Callable[[str], None]) -> None:
    if not isinstance(text, str):
        raise Refused("is not text")
    if not getattr(check, "words", False) and ("--" in text or "/*" in text):
        _no_comments(text)                  # the scanner only where a comment can be at all
    check(text)


def _nothing(_text: str) -> None:
    return None


def check_row(kind: str, row: Row, where: str, seen: set[tuple[str, str]] | None = None) -> None:
    """Every fragment of one object's row (a dict); a WorkbenchError `WHERE: KIND OBJECT: COLUMN
    'TEXT' what is wrong` at the first one that is not what its place in DDL needs. `seen` holds
    (column, text) pairs already found good (each distinct text is parsed once)."""
    seen = set() if seen is None else seen
    column = ""
    try:
        for column, check in CHECKS.get(kind, {}).items():
            text = row.get(column)
            if text is None or (column, text) in seen:
                continue
            _checked(text, check)
            seen.add((column, text))
        row_columns, row_check = ROW_CHECKS.get(kind, ((), None))
        if row_check is not None and all(c in row for c in row_columns):
            column = row_columns[0]
            for name in row_columns:
                if row[name] is not None:
                    _checked(row[name], _nothing)
            row_check(row)
    except Refused as refused:
        identity = tuple(row.get(c) for c in KINDS[kind].identity)
        shown = str(row.get(column))
        shown = visible(shown if len(shown) <= 80 else shown[:77] + "...")
        raise WorkbenchError(f"{where}: {kind} {visible(object_label(kind, identity))}: {column} '{shown}' "
                             f"{refused}") from None


def check_planned(ctx: Context) -> None:
    """The rows of every object a plan's statements are about (both sides), and the columns of
    the tables it creates: everything whose SQL text can be in a statement."""
    sides = {"source": ctx.source, "target": ctx.target}
    snapshots = {"source": ctx.drift.source, "target": ctx.drift.target}
    where = {side: getattr(snap, "origin", "") or f"{side} {snap.dsn}" for side, snap in snapshots.items()}
    done: set[tuple[str, str, tuple[Any, ...]]] = set()
    seen: dict[str, set[tuple[str, str]]] = {"source": set(), "target": set()}
    for statement in ctx.statements:
        identity = tuple(statement.identity.values())
        for side, row_of in sides.items():
            if (side, statement.kind, identity) in done:
                continue
            done.add((side, statement.kind, identity))
            row = row_of(statement.kind, identity)
            if row is not None:
                check_row(statement.kind, row, where[side], seen[side])
            if statement.kind == "tables":
                schema, table = identity
                for column in ctx.columns_of_table(schema, table, side=side):
                    check_row("columns", column, where[side], seen[side])
