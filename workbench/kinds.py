"""The registry of object kinds: one entry per kind, and nothing else knows the list.

Each kind names its catalog query (`catalog/<name>.sql`), its identity columns (what names one
object across two databases), the columns compared to decide `changed`, and which compared
columns hold SQL text whose spelling differs between PostgreSQL versions (compared through the
pglast parse tree, see normalize.py). Every other column of a query is information kept in the
snapshot for people and for the planner (oids, owners, validity), never a reason for drift.
Adding a kind is one entry here, one .sql file and one builder module (workbench/planner/kinds/<kind>.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Iterable, Mapping, Sequence

from workbench.errors import WorkbenchError

# An object's identity: the values of its kind's identity columns, in the order `Kind.identity` names them.
Identity = tuple[str, ...]
# One catalog row of a kind, read by column name: a dict, or the planner's view over a snapshot's
# tuple (planner/context.py). The values are Any because a column's type depends on its name (text,
# integers, booleans, JSON text, None) and differs per kind, which a Mapping cannot say; every
# catalog query's columns are the contract (registry tests tie them to this file).
Row = Mapping[str, Any]
# An object of any kind: (kind, identity); what the planner's dependency edges join.
Key = tuple[str, Identity]


@dataclass(frozen=True)
class Kind:
    name: str
    identity: tuple[str, ...]
    compared: tuple[str, ...]
    # compared column -> how its SQL text parses: "expression", "statement", "query", "constraint"
    sql_text: Mapping[str, str] = field(default_factory=dict)
    # the planner's part: the stage that creates the kind's objects, and the rank of its drops in
    # stage 10 (lower drops first: dependents before what they depend on). Its builder (the SQL)
    # is the module workbench/planner/kinds/<name>.py, checked against this registry at import.
    stage: str = ""
    drop_rank: int = 0
    # the planning option (a PlanOptions field) without which the kind is compared but not planned
    planned_with: str = ""
    # columns compared only when asked: column -> the CompareOptions field that asks (`owner` with
    # --with-owners, a materialized view's `populated` with --compare-populated). Left out, they
    # are not compared, and a Drift says so (Drift.not_compared), never "identical"
    asked: Mapping[str, str] = field(default_factory=dict)
    # compared column -> the server version (server_version_num) that first holds it: compared
    # only when both sides are that new (an older server has no such thing: no drift to report)
    since: Mapping[str, int] = field(default_factory=dict)

    def compared_between(self, versions: Sequence[int], compared: Sequence[str] | None = None) -> tuple[str, ...]:
        """The compared columns (these, or the entry's) that servers of these versions all hold."""
        oldest = min(versions)
        return tuple(c for c in (self.compared if compared is None else compared) if self.since.get(c, 0) <= oldest)

    @property
    def sql(self) -> str:
        return resources.files("workbench.catalog").joinpath(f"{self.name}.sql").read_text()

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def owned(self) -> bool:
        """Whether the kind's objects have an owner (catalog column `owner`, compared with --with-owners)."""
        return "owner" in self.asked


# an owned kind's catalog query returns the owner's name as `owner`; compared with --with-owners
OWNER: Mapping[str, str] = {"owner": "with_owners"}
# the command-line flag of each CompareOptions field that asks for columns (Kind.asked)
ASKED_FLAGS: Mapping[str, str] = {"with_owners": "--with-owners", "compare_populated": "--compare-populated"}


_ENTRIES = [
    Kind("schemas", ("name",), (), stage="stage00_prerequisites", drop_rank=140, asked=OWNER),
    Kind("extensions", ("name",), ("schema", "version"), stage="stage00_prerequisites", drop_rank=130),
    Kind("collations", ("schema", "name"), ("provider", "locale", "lc_collate", "lc_ctype", "deterministic", "rules"),
         stage="stage00_prerequisites", drop_rank=125, asked=OWNER),
    Kind("foreign_data_wrappers", ("name",), ("handler", "validator", "options"), stage="stage00_prerequisites",
         drop_rank=128, asked=OWNER),
    Kind("foreign_servers", ("name",), ("wrapper", "server_type", "server_version", "options"),
         stage="stage00_prerequisites", drop_rank=127, asked=OWNER),
    Kind("user_mappings", ("user", "server"), ("options",), stage="stage00_prerequisites", drop_rank=126),
    Kind("access_methods", ("name",), ("method_type", "handler"), stage="stage00_prerequisites", drop_rank=97),
    Kind("text_search_parsers", ("schema", "name"),
         ("start_function", "token_function", "end_function", "lextypes_function", "headline_function"),
         stage="stage00_prerequisites", drop_rank=123),
    Kind("text_search_templates", ("schema", "name"), ("init_function", "lexize_function"),
         stage="stage00_prerequisites", drop_rank=123),
    Kind("text_search_dictionaries", ("schema", "name"), ("template", "options"), stage="stage00_prerequisites",
         drop_rank=122, asked=OWNER),
    Kind("text_search_configurations", ("schema", "name"), ("parser", "mappings"), stage="stage00_prerequisites",
         drop_rank=121, asked=OWNER),
    Kind("types", ("schema", "name"),
         ("type_kind", "enum_labels", "base_type", "default_value", "not_null", "checks", "attributes",
          "range_subtype", "range_options", "collation"),
         {"default_value": "expression"}, stage="stage00_prerequisites", drop_rank=120, asked=OWNER),
    Kind("shell_types", ("schema", "name"), (), stage="stage00_prerequisites", drop_rank=119),
    Kind("base_types", ("schema", "name"), ("definition",), stage="stage00_prerequisites", drop_rank=98,
         asked=OWNER),
    Kind("sequences", ("schema", "name"),
         ("data_type", "start_value", "increment", "min_value", "max_value", "cache", "cycle", "owned_by",
          "unlogged"), stage="stage01_sequences", drop_rank=110, asked=OWNER),
    Kind("tables", ("schema", "name"),
         ("table_kind", "persistence", "partition_key", "partition_of", "partition_bound", "inherits",
          "rls_enabled", "rls_forced", "options", "foreign_server", "foreign_options", "replica_identity", "of_type",
          "access_method"),
         stage="stage02_tables", drop_rank=90, asked=OWNER),
    Kind("columns", ("schema", "table", "name"),
         ("data_type", "not_null", "default_value", "identity", "generated", "generated_kind", "collation",
          "statistics", "storage", "compression", "identity_sequence", "identity_options", "not_null_name",
          "foreign_options", "attribute_options", "not_null_no_inherit"),
         {"default_value": "expression", "generated": "expression"}, stage="stage03_columns", drop_rank=80,
         since={"not_null_name": 180000, "not_null_no_inherit": 180000}),
    Kind("views", ("schema", "name"), ("definition", "options"), {"definition": "query"}, stage="stage05_views",
         drop_rank=60, asked=OWNER),
    Kind("materialized_views", ("schema", "name"), ("definition", "options"), {"definition": "query"},
         stage="stage05_views", drop_rank=70, asked={**OWNER, "populated": "compare_populated"}),
    Kind("functions", ("schema", "name", "arguments"),
         ("function_kind", "signature", "returns", "language", "body", "volatility", "strict",
          "security_definer", "leakproof", "parallel", "config", "aggregate"), stage="stage04_functions", drop_rank=100,
         asked=OWNER),
    Kind("transforms", ("type_name", "language"), ("from_sql", "to_sql"), stage="stage04_functions", drop_rank=99),
    Kind("casts", ("source_type", "target_type"), ("method", "function", "context"), stage="stage04_functions",
         drop_rank=95),
    Kind("operators", ("schema", "name", "left_type", "right_type"),
         ("result_type", "function", "commutator", "negator", "restrict", "join", "hashes", "merges"),
         stage="stage04_functions", drop_rank=97, asked=OWNER),
    Kind("operator_families", ("schema", "name", "method"), ("members",), stage="stage04_functions", drop_rank=94,
         asked=OWNER),
    Kind("operator_classes", ("schema", "name", "method"), ("data_type", "is_default", "family", "storage", "members"),
         stage="stage04_functions", drop_rank=93, asked=OWNER),
    Kind("conversions", ("schema", "name"), ("source_encoding", "target_encoding", "function", "is_default"),
         stage="stage04_functions", drop_rank=96, asked=OWNER),
    Kind("languages", ("name",), ("trusted", "handler", "inline", "validator"), stage="stage04_functions",
         drop_rank=105, asked=OWNER),
    Kind("triggers", ("schema", "table", "name"), ("definition", "enabled"), {"definition": "statement"},
         stage="stage06_triggers", drop_rank=30),
    Kind("rules", ("schema", "table", "name"), ("definition", "enabled"), {"definition": "statement"},
         stage="stage06_triggers", drop_rank=32),
    Kind("indexes", ("schema", "table", "name"),
         ("definition", "backs_constraint", "attached_to", "clustered", "replica_identity"),
         {"definition": "statement"}, stage="stage07_indexes", drop_rank=50),
    Kind("extended_statistics", ("schema", "table", "name"), ("statistics_schema", "definition", "statistics_target"),
         {"definition": "statement"}, stage="stage07_indexes", drop_rank=55, asked=OWNER),
    Kind("constraints", ("schema", "table", "name"),
         ("constraint_type", "definition", "deferrable", "initially_deferred", "validated"),
         {"definition": "constraint"}, stage="stage08_constraints", drop_rank=40),
    Kind("policies", ("schema", "table", "name"),
         ("command", "permissive", "roles", "using_expression", "with_check"),
         {"using_expression": "expression", "with_check": "expression"}, stage="stage09_finishing", drop_rank=20),
    Kind("publications", ("name",), ("all_tables", "publish", "via_root", "generated_columns", "schemas"),
         stage="stage09_finishing", drop_rank=14, asked=OWNER),
    Kind("publication_tables", ("schema", "table", "name"), ("columns", "row_filter"), {"row_filter": "expression"},
         stage="stage09_finishing", drop_rank=12),
    Kind("privileges", ("object_kind", "object", "grantee", "privilege"), ("state", "grantable"),
         stage="stage09_finishing", drop_rank=0, planned_with="with_privileges"),
    Kind("comments", ("object_kind", "object"), ("text",), stage="stage09_finishing", drop_rank=10),
    # ALTER DEFAULT PRIVILEGES (planned in stage 00, before the objects they would apply to)
    Kind("default_privileges", ("role", "in_schema", "object_type", "grantee", "privilege"), ("state", "grantable"),
         stage="stage00_prerequisites", drop_rank=0, planned_with="with_privileges"),
    Kind("event_triggers", ("name",), ("event", "function", "tags", "enabled"), stage="stage09_finishing",
         drop_rank=-10, asked=OWNER),
]

KINDS: dict[str, Kind] = {}
for _kind in _ENTRIES:
    if _kind.name in KINDS:                      # a duplicate entry is a bug, never a silent overwrite
        raise RuntimeError(f"kind {_kind.name} registered twice")
    KINDS[_kind.name] = _kind

# The column --schema / --exclude-schema filter on: every query returns the schema of its object.
SCHEMA_COLUMN = {name: ("name" if name == "schemas" else "schema") for name in KINDS}


def object_label(kind: str, values: Sequence[object]) -> str:
    """One readable name for an object from its identity values: schema.table.name, or
    schema.name(arguments) for functions. Used in listings and by --ignore patterns."""
    parts = [str(v) for v in values]
    if kind == "functions":
        return f"{parts[0]}.{parts[1]}({parts[2]})"
    if kind == "casts":
        return f"({parts[0]} AS {parts[1]})"
    if kind == "user_mappings":
        return f"{parts[0]} SERVER {parts[1]}"
    if kind == "operators":
        return f"{parts[0]}.{parts[1]}({parts[2]}, {parts[3]})"
    if kind in ("operator_families", "operator_classes"):
        return f"{parts[0]}.{parts[1]} USING {parts[2]}"
    return ".".join(parts)


def ignore_filter(kind: str, columns: list[str], patterns: Iterable[str]) -> "Callable[[Sequence[Any]], bool] | None":
    """A predicate over a kind's rows (in `columns` order) that is true for the objects an --ignore
    pattern names; None when no pattern applies to the kind. A pattern is `GLOB` (any kind) or
    `KIND:GLOB`, matched against object_label, e.g. `functions:gis.st_*` or `*.tmp_*`."""
    import fnmatch
    import re

    globs = []
    for pattern in patterns:
        scope, _, glob = pattern.partition(":") if ":" in pattern and pattern.split(":", 1)[0] in KINDS else ("", "", pattern)
        if not scope or scope == kind:
            globs.append(glob)
    if not globs:
        return None
    matches = re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs)).match
    positions = [columns.index(c) for c in KINDS[kind].identity]
    return lambda row: matches(object_label(kind, tuple(row[i] for i in positions))) is not None


def unplanned_kinds(plan_options: object | None) -> list[str]:
    """The option-gated kinds a plan made with these options (PlanOptions, or plan.json's dict)
    leaves alone: compared, but their differences are not planned, so not held against a verify."""
    def enabled(option: str) -> bool:
        if isinstance(plan_options, Mapping):
            return bool(plan_options.get(option))
        return bool(getattr(plan_options, option, False))

    return [name for name, kind in KINDS.items() if kind.planned_with and not enabled(kind.planned_with)]


def not_planned_note(kind: str, count: int) -> str:
    """'3 privilege differences not planned (--with-privileges)': the one sentence for them."""
    noun = KINDS[kind].label[:-1] if KINDS[kind].label.endswith("s") else KINDS[kind].label
    flag = "--" + KINDS[kind].planned_with.replace("_", "-")
    return f"{count:,} {noun} difference{'' if count == 1 else 's'} not planned ({flag})"


def resolve(names: list[str] | tuple[str, ...] | None) -> list[str]:
    """Kind names as given by a user, checked: an unknown kind is an error, never 'no drift'."""
    if not names:
        return list(KINDS)
    unknown = [name for name in names if name not in KINDS]
    if unknown:
        raise WorkbenchError(f"unknown kind {', '.join(unknown)} (known: {', '.join(KINDS)})")
    return [name for name in KINDS if name in names]


def select(only: Iterable[str] | None = None, skip: Iterable[str] = ()) -> list[str]:
    """The kinds a command works on: all (or `only`), less `skip`; unknown names are errors."""
    chosen = resolve(list(only) if only else None)
    skipped = set(resolve(list(skip))) if skip else set()
    return [kind for kind in chosen if kind not in skipped]
