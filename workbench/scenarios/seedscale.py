# Vendored copy of the project's shared seedscale.py generator (the demo scenario ships with the
# package so that `make demo` needs nothing outside the repository). Keep in sync with shared/bench.
"""Seed-scale scenario: a legacy/current PostgreSQL schema pair shaped like a real drift migration.

Usage:  python3 seedscale.py --scale N --out DIR [--seed 42]

Writes, deterministically for a given scale and seed:
  DIR/legacy.sql     the source of truth (desired state)
  DIR/current.sql    the database to bring up to date
  DIR/after.sql      current as a correct add-only migration leaves it (legacy's objects added,
                     changed objects made as legacy has them, current's own objects kept)
  DIR/expected.json  the exact diff (source = legacy, target = current) and the counts below
Schema only, plain CREATE/ALTER/COMMENT statements, no extensions, no SET lines: each file loads
with `psql -v ON_ERROR_STOP=1 -f FILE` into an empty database on PostgreSQL 15 to 18.

The scenario, per replica (scale 1 = one replica = the numbers of the real migration report)
-------------------------------------------------------------------------------------------
Migrating legacy -> current creates in current:
  6 sequences (agi_*_id_seq: nextval defaults of the new tables' ids, OWNED BY those columns)
  6 tables: agi_audit_aggregates, agi_audit_alerts, agi_audit_logs, agi_rate_limit_buckets,
    agi_rate_limit_rules, agi_rate_limit_violations
  columns on 102 existing tables: ocs_product_catalog 75, profiles 37, deliveries 34,
    ocs_inventory 29, broadcast_recipients 27, promotions 24, payment_transactions 20,
    payment_settlements 15, broadcast_messages 15, broadcasts 14; the other 92 tables 1-12 each
  1 view (product_final_prices: calls the new calculate_final_price and reads a new column)
  89 functions (apply_discount_code, calculate_checkout_taxes, calculate_final_price x2,
    check_inventory_exists, get_store_ai_config, is_promotion_active_now, update_product_rating,
    validate_verified_purchase, 10 agi_* trigger functions, 1 procedure, 69 helpers)
  39 triggers, 312 indexes, 155 constraints, 1 type (the enum user_role_simple)
Current before: 128 tables, 10 views, 3 triggers, 555 functions, 490 indexes, 745 constraints.
Legacy: 118 tables (112 shared + the 6 above). Current's own objects stand in for PostGIS and
must survive an add-only migration: schema gis with 494 st_* functions, 16 tables (spatial_ref_sys,
"GeoLayers", geo_*), 2 views, 1 trigger and its function, 2 columns on shared tables.
After a correct add-only migration: 134 tables, 11 views, 42 triggers, 644 functions,
802 indexes, 900 constraints.
Scale N repeats everything N times: replica 0 in schemas public and gis, replica k >= 1 in rk and
rk_gis, with the same names inside (so both traps are in every replica). Every count is N times.

What a migration tool must get right (all in legacy-only objects)
  - plpgsql trigger functions whose dollar-quoted bodies hold semicolons in strings, a nested
    $q$...$q$ quote and a final END; (a naive splitter on ';' breaks them)
  - a trigger with a WHEN clause; a view that calls a new function and reads a new column (views
    after functions and columns); SQL-language functions that read new columns (functions after
    columns); new columns whose default is nextval() of a sequence; an identity column
    (ocs_inventory.movement_no) and a stored generated column (ocs_product_catalog.price_with_tax);
    a new column of the new enum type (profiles.requested_role: types before columns)
  - a partial, an expression and a multi-column DESC + INCLUDE index; CHECK, FOREIGN KEY (ON DELETE
    CASCADE), UNIQUE, and an EXCLUDE USING btree constraint (no extension needed); FKs between
    new tables (foreign keys after keys)
  - identifiers that need quoting: the shared table "OrderNotes" gets new columns, an index and a
    trigger; the new column profiles."Display Name"
  - comments on new tables, a new column, new functions and the new view

Traps (every replica)
  user_role_simple: legacy has enum user_role_simple, profiles.role of that type with DEFAULT
    'customer'::user_role_simple, and CHECK profiles_role_not_banned
    (role <> 'banned'::user_role_simple).
    Current has profiles.role text NOT NULL DEFAULT 'customer'::text. Adding the CHECK first fails
    (operator does not exist: text <> user_role_simple); a correct tool creates the type, then
    DROP DEFAULT, ALTER COLUMN role TYPE user_role_simple USING role::user_role_simple, SET DEFAULT
    (the text default cannot be cast automatically), then adds the CHECK.
  unique_wishlist_item: legacy has CONSTRAINT unique_wishlist_item UNIQUE (user_id, product_id) on
    wishlist_items; current has only CREATE UNIQUE INDEX unique_wishlist_item on the same columns.
    A plain ADD CONSTRAINT fails (relation "unique_wishlist_item" already exists); a correct tool
    runs ADD CONSTRAINT unique_wishlist_item UNIQUE USING INDEX unique_wishlist_item.

Changed objects (on both sides, defined differently; not part of the created counts)
  columns   orders.channel (default 'web' vs 'app'), stores.name (NOT NULL vs nullable),
            profiles.role (user_role_simple vs text: trap 1)
  functions two shared helpers whose bodies differ
  indexes   orders_created_at_idx (created_at DESC vs created_at), unique_wishlist_item (backs a
            constraint vs plain unique index: trap 2)
  constraints promotions_base_price_check (>= 0 vs > 0)
  views     the shared view of one table (cut-off date differs)
expected.json lists each of them with what differs.

Counting rules (the before/after statistics; counts.sql beside this file runs exactly these)
  Only user schemas count (not pg_catalog, information_schema, pg_toast*, pg_temp*), and never
  members of an extension (pg_depend.deptype = 'e').
  tables      pg_class rows of relkind r or p
  views       pg_class rows of relkind v (materialized views, relkind m, are counted apart: 0 here)
  columns     pg_attribute rows with attnum > 0 and not attisdropped, of tables (r, p); generated
              and identity columns included
  sequences   pg_class rows of relkind S, except identity sequences (pg_depend deptype 'i' on a
              column: they belong to their column); sequences OWNED BY a column (deptype 'a') count
  functions   pg_proc rows: functions, procedures and aggregates alike, in user schemas
  triggers    pg_trigger rows with NOT tgisinternal (the internal triggers of foreign keys do not
              count)
  indexes     pg_index rows whose table is a table (r, p), INCLUDING the indexes that back PRIMARY
              KEY, UNIQUE and EXCLUDE constraints: a new table's primary key adds 1 index and
              1 constraint
  constraints pg_constraint rows of contype p, u, f, c, x on tables; domain constraints and
              PostgreSQL 18's NOT NULL rows (contype n, column facts) do not count
  types       pg_type rows of enums, domains, ranges and standalone composites (typtype e, d, r,
              and c whose relation is of relkind c); array and row types do not count

How expected.json's diff is counted (source = legacy, target = current)
  Kinds and identities: schemas (name), types, sequences, tables, views (schema, name), columns,
  triggers, indexes, constraints (schema, table, name), functions (schema, name, argument types),
  comments (object type, object). Every object counts in its own kind: the columns, indexes,
  constraints and triggers of a new table are only_in_source too, and the index of a PRIMARY
  KEY/UNIQUE/EXCLUDE constraint is an index as well. An object on both sides is `changed` when its
  definition differs, else `identical`. An index is compared by its definition and by whether it
  backs a constraint, so the index unique_wishlist_item is changed while the constraint
  unique_wishlist_item is only_in_source. counts.current_after = current_before + only_in_source,
  per kind: a correct add-only migration creates what legacy has, fixes what is changed and drops
  nothing (after.sql is that state).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

# ------------------------------------------------------------------------------------------------
# The real report's numbers, per replica. The generator checks its output against them.
# ------------------------------------------------------------------------------------------------
REPORT_CREATED = {"sequences": 6, "tables": 6, "views": 1, "functions": 89, "triggers": 39,
                  "indexes": 312, "constraints": 155, "types": 1}
REPORT_CURRENT_BEFORE = {"tables": 128, "views": 10, "triggers": 3, "functions": 555,
                         "indexes": 490, "constraints": 745}
REPORT_LEGACY_TABLES = 118

NEW_TABLES = ["agi_audit_aggregates", "agi_audit_alerts", "agi_audit_logs",
              "agi_rate_limit_buckets", "agi_rate_limit_rules", "agi_rate_limit_violations"]
TOP_TEN = {"ocs_product_catalog": 75, "profiles": 37, "deliveries": 34, "ocs_inventory": 29,
           "broadcast_recipients": 27, "promotions": 24, "payment_transactions": 20,
           "payment_settlements": 15, "broadcast_messages": 15, "broadcasts": 14}
OTHER_TABLES_WITH_NEW_COLUMNS = 92          # each gets 1-12 new columns
SHARED_TABLES = REPORT_LEGACY_TABLES - len(NEW_TABLES)          # 112
# shared tables the scenario needs by name, besides the top ten; the rest get generated names
FIXED_SHARED_TABLES = ["stores", "orders", "wishlist_items", "OrderNotes"]

# ------------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------------
TABLE_PREFIXES = ["ocs", "payment", "broadcast", "order", "store", "customer", "ai", "catalog",
                  "delivery", "promo", "loyalty", "review", "support", "inventory", "analytics",
                  "checkout", "shipping"]
TABLE_NOUNS = ["events", "settings", "logs", "history", "rules", "snapshots", "queues", "tokens",
               "limits", "metrics", "notes", "tags", "links", "batches", "exports", "imports",
               "reports", "jobs"]
CURRENT_ONLY_TABLES = ["spatial_ref_sys", "GeoLayers", "geo_regions", "geo_zones", "geo_routes",
                       "geo_points", "geo_polygons", "geo_tiles", "geo_boundaries", "geo_addresses",
                       "geo_geocode_cache", "geo_isochrones", "geo_heatmaps", "geo_store_areas",
                       "geo_delivery_areas", "geo_import_jobs"]
# optional columns of shared tables (0-3 each, chosen by the seed)
SHARED_OPTIONAL_COLUMNS = [("sku", "text"), ("title", "text"), ("sort_order", "integer"),
                           ("is_active", "boolean DEFAULT true NOT NULL"), ("description", "text"),
                           ("valid_until", "date")]
# the pool that legacy's new columns are drawn from (a suffix _2, _3 ... when a table needs more)
NEW_COLUMN_POOL = [("ai_summary", "text"), ("ai_score", "numeric(12,2)"), ("ai_tags", "jsonb"),
                   ("embedding_ref", "uuid"), ("locale", "character varying(255)"),
                   ("currency", "text"), ("tax_code", "text"), ("discount_pct", "numeric(12,2)"),
                   ("is_featured", "boolean"), ("published_on", "date"), ("metadata", "jsonb"),
                   ("external_uuid", "uuid"), ("sync_token", "text"),
                   ("synced_at", "timestamp with time zone"), ("retry_count", "integer"),
                   ("weight_grams", "integer"), ("priority", "integer"), ("source_system", "text"),
                   ("review_count", "bigint"), ("avg_rating", "numeric(12,2)"),
                   ("last_seen_at", "timestamp with time zone"), ("archived", "boolean"),
                   ("notes", "text"), ("margin", "numeric(12,2)"), ("valid_from", "date"),
                   ("valid_to", "date"), ("region_code", "character varying(255)"),
                   ("channel_ref", "text"), ("batch_uuid", "uuid"), ("settings", "jsonb")]
HELPER_VERBS = ["calculate", "estimate", "score", "rank", "normalize", "format", "resolve",
                "summarize", "forecast", "validate", "refresh", "sync"]
HELPER_NOUNS = ["order_total", "shipping_fee", "loyalty_points", "cart_weight", "store_rating",
                "delivery_eta", "restock_level", "fraud_risk", "churn_risk", "basket_affinity",
                "prompt_budget", "ai_usage", "search_boost", "review_sentiment", "tax_region",
                "payout_amount", "coupon_usage", "price_tier"]
SHARED_HELPERS = 58
AGI_TRIGGER_FUNCTIONS = ["agi_log_row_change", "agi_touch_updated_at", "agi_check_rate_limit",
                         "agi_raise_alert", "agi_aggregate_audit", "agi_guard_delete",
                         "agi_normalize_payload", "agi_record_violation", "agi_refresh_bucket",
                         "agi_stamp_store"]
ST_FUNCTION_NAMES = ["st_area", "st_asbinary", "st_asewkt", "st_asgeojson", "st_astext",
                     "st_azimuth", "st_boundary", "st_buffer", "st_centroid", "st_closestpoint",
                     "st_collect", "st_contains", "st_convexhull", "st_coveredby", "st_covers",
                     "st_crosses", "st_difference", "st_dimension", "st_disjoint", "st_distance",
                     "st_dwithin", "st_endpoint", "st_envelope", "st_equals", "st_expand",
                     "st_geometrytype", "st_geomfromtext", "st_intersection", "st_intersects",
                     "st_isempty", "st_isvalid", "st_length", "st_linemerge", "st_makeenvelope",
                     "st_makeline", "st_makepoint", "st_npoints", "st_overlaps", "st_perimeter",
                     "st_pointonsurface", "st_project", "st_setsrid", "st_simplify",
                     "st_snaptogrid", "st_srid", "st_startpoint", "st_touches", "st_transform",
                     "st_union", "st_within", "st_x", "st_y", "st_z", "st_xmax", "st_xmin",
                     "st_ymax", "st_ymin"]
ST_SIGNATURES = [["double precision"], ["double precision", "double precision"],
                 ["double precision[]"], ["text"], ["text", "integer"], ["numeric"], ["bigint"],
                 ["double precision", "integer"], ["double precision[]", "double precision[]"]]
ST_FUNCTIONS = 494

# ------------------------------------------------------------------------------------------------
# Model: a database is a set of objects by kind and identity
# ------------------------------------------------------------------------------------------------
KINDS = ["schemas", "types", "sequences", "tables", "columns", "views", "functions", "triggers",
         "indexes", "constraints", "comments"]
COUNTED_KINDS = ["tables", "views", "columns", "sequences", "functions", "triggers", "indexes",
                 "constraints", "types"]
# Where a statement goes in a script: the order PostgreSQL needs.
PHASES = ["schemas", "types", "sequences", "tables", "sequence_owners", "functions", "views",
          "triggers", "indexes", "constraints", "foreign_keys", "comments"]


@dataclass(frozen=True)
class Obj:
    """One object: what a diff compares, and the (phase, SQL) statements that create it.

    Objects without statements are created by another object's: a column by its table's
    CREATE TABLE (tables are rendered from their columns), a constraint's index by the constraint.
    """
    definition: str
    statements: tuple[tuple[str, str], ...] = ()


@dataclass
class Database:
    """One side of the scenario: every object, by kind and identity, in creation order."""
    objects: dict[str, dict[tuple[str, ...], Obj]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS})

    def add(self, kind: str, key: tuple[str, ...], obj: Obj) -> None:
        self.objects[kind][key] = obj


def q(name: str) -> str:
    """An identifier as SQL: bare when PostgreSQL keeps it as written, else double-quoted."""
    assert len(name.encode()) <= 63, f"identifier longer than 63 bytes: {name}"
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def label(key: tuple[str, ...]) -> str:
    """An identity as one readable name: schema.table.name, or 'table public.x' for comments."""
    if len(key) == 2 and key[0] in ("table", "column", "function", "view"):
        return f"{key[0]} {key[1]}"
    return ".".join(key)


def trigger_body(purpose: str) -> str:
    """A plpgsql trigger body that a naive ';' splitter breaks: semicolons inside strings,
    a nested dollar quote, and a final END;."""
    return ("DECLARE\n"
            f"  note text := '{purpose}; see agi_audit_logs';\n"
            "BEGIN\n"
            "  PERFORM $q$SELECT 1; SELECT 2;$q$;\n"
            "  IF TG_OP = 'DELETE' THEN\n"
            "    RETURN OLD;\n"
            "  END IF;\n"
            "  RAISE DEBUG '%: %; %', TG_NAME, TG_OP, note;\n"
            "  RETURN NEW;\n"
            "END;")


# ------------------------------------------------------------------------------------------------
# Building one replica
# ------------------------------------------------------------------------------------------------
class Replica:
    """Builds one copy of the scenario into legacy and current.

    Object helpers take `sides`: self.both, self.legacy_only or self.current_only.
    """

    def __init__(self, number: int, seed: int, legacy: Database, current: Database):
        self.rng = random.Random(seed)       # the same seed in every replica: the same shape
        self.schema = "public" if number == 0 else f"r{number}"
        self.gis_schema = "gis" if number == 0 else f"r{number}_gis"
        self.both = (legacy, current)
        self.legacy_only = (legacy,)
        self.current_only = (current,)
        self.changes: dict[tuple[str, tuple[str, ...]], str] = {}   # (kind, key) -> what differs
        self.new_columns: dict[str, list[str]] = {}       # shared table -> legacy's new columns
        self.pool_columns_added: dict[str, list[str]] = {}  # the part of those drawn from the pool
        self.helpers: list[str] = []                      # helper function names, shared first
        self.references: list[tuple[str, str, str]] = []  # shared FKs: (child, column, parent)
        self.view_tables: list[str] = []                  # the 8 shared tables with a view

    # --- object helpers ------------------------------------------------------------------------
    def qn(self, name: str, schema: str | None = None) -> str:
        return f"{q(schema or self.schema)}.{q(name)}"

    def put(self, sides: Sequence[Database], kind: str, key: tuple[str, ...], definition: str, *statements: tuple[str, str]) -> None:
        for db in sides:
            db.add(kind, key, Obj(definition, tuple(statements)))

    def add_schema(self, sides: Sequence[Database], name: str) -> None:
        statements = [] if name == "public" else [("schemas", f"CREATE SCHEMA {q(name)};")]
        self.put(sides, "schemas", (name,), "schema", *statements)

    def add_type(self, sides: Sequence[Database], name: str, sql: str) -> None:
        self.put(sides, "types", (self.schema, name), sql, ("types", sql))

    def add_sequence(self, sides: Sequence[Database], name: str, start: int = 1,
                     owned_by: tuple[str, str] | None = None) -> None:
        """owned_by: (table, column) of the column the sequence belongs to."""
        statements = [("sequences", f"CREATE SEQUENCE {self.qn(name)} START {start};")]
        if owned_by:
            table, column = owned_by
            statements.append(("sequence_owners", f"ALTER SEQUENCE {self.qn(name)} "
                                                  f"OWNED BY {self.qn(table)}.{q(column)};"))
        definition = " ".join(sql for _, sql in statements)
        self.put(sides, "sequences", (self.schema, name), definition, *statements)

    def add_table(self, sides: Sequence[Database], name: str, columns: list[tuple[str, str]]) -> None:
        self.put(sides, "tables", (self.schema, name), "ordinary table")
        for column, spec in columns:
            self.add_column(sides, name, column, spec)

    def add_column(self, sides: Sequence[Database], table: str, name: str, spec: str) -> None:
        self.put(sides, "columns", (self.schema, table, name), spec)

    def add_function(self, sides: Sequence[Database], name: str, params: list[tuple[str, str]], returns: str | None,
                     body: str, language: str = "sql", options: str = "",
                     schema: str | None = None) -> None:
        """params: (name, type) pairs, name may be ''; returns None makes a procedure."""
        param_sql = ", ".join(f"{n} {t}".strip() for n, t in params)
        arg_types = ", ".join(t for _, t in params)
        if returns is None:
            head = f"CREATE PROCEDURE {self.qn(name, schema)}({param_sql})"
        else:
            head = f"CREATE FUNCTION {self.qn(name, schema)}({param_sql}) RETURNS {returns}"
        language_line = f"    LANGUAGE {language}" + (f" {options}" if options else "")
        sql = f"{head}\n{language_line}\nAS $fn$\n{body}\n$fn$;"
        key = (schema or self.schema, f"{name}({arg_types})")
        self.put(sides, "functions", key, sql, ("functions", sql))

    def add_view(self, sides: Sequence[Database], name: str, query: str) -> None:
        sql = f"CREATE VIEW {self.qn(name)} AS\n{query};"
        self.put(sides, "views", (self.schema, name), sql, ("views", sql))

    def add_trigger(self, sides: Sequence[Database], table: str, name: str, timing: str, function: str,
                    when: str | None = None) -> None:
        when_sql = f"\n    WHEN ({when})" if when else ""
        sql = (f"CREATE TRIGGER {q(name)} {timing} ON {self.qn(table)}\n"
               f"    FOR EACH ROW{when_sql}\n    EXECUTE FUNCTION {self.qn(function)}();")
        self.put(sides, "triggers", (self.schema, table, name), sql, ("triggers", sql))

    def add_index(self, sides: Sequence[Database], table: str, name: str, columns: str, unique: bool = False,
                  include: str | None = None, where: str | None = None) -> None:
        kind = "UNIQUE INDEX" if unique else "INDEX"
        sql = f"CREATE {kind} {q(name)} ON {self.qn(table)} USING btree ({columns})"
        if include:
            sql += f" INCLUDE ({include})"
        if where:
            sql += f" WHERE ({where})"
        sql += ";"
        self.put(sides, "indexes", (self.schema, table, name), sql, ("indexes", sql))

    def add_constraint(self, sides: Sequence[Database], table: str, name: str, body: str,
                       creates_index: bool = False) -> None:
        phase = "foreign_keys" if body.startswith("FOREIGN KEY") else "constraints"
        sql = f"ALTER TABLE {self.qn(table)} ADD CONSTRAINT {q(name)} {body};"
        self.put(sides, "constraints", (self.schema, table, name), body, (phase, sql))
        if creates_index:   # PRIMARY KEY, UNIQUE and EXCLUDE create an index of the same name
            self.put(sides, "indexes", (self.schema, table, name), f"index of constraint {body}")

    def primary_key(self, sides: Sequence[Database], table: str) -> None:
        self.add_constraint(sides, table, f"{table}_pkey", "PRIMARY KEY (id)", creates_index=True)

    def unique(self, sides: Sequence[Database], table: str, name: str, columns: str) -> None:
        self.add_constraint(sides, table, name, f"UNIQUE ({columns})", creates_index=True)

    def check(self, sides: Sequence[Database], table: str, name: str, condition: str) -> None:
        self.add_constraint(sides, table, name, f"CHECK ({condition})")

    def foreign_key(self, sides: Sequence[Database], table: str, column: str, parent: str,
                    on_delete: str | None = None) -> None:
        body = f"FOREIGN KEY ({q(column)}) REFERENCES {self.qn(parent)}(id)"
        if on_delete:
            body += f" ON DELETE {on_delete}"
        self.add_constraint(sides, table, f"{table}_{column}_fkey", body)

    def add_comment(self, sides: Sequence[Database], object_type: str, target_sql: str, name: str, text: str) -> None:
        sql = f"COMMENT ON {object_type.upper()} {target_sql} IS {literal(text)};"
        self.put(sides, "comments", (object_type, name), text, ("comments", sql))

    def note_change(self, kind: str, key: tuple[str, ...], differs: str) -> None:
        self.changes[(kind, key)] = differs

    # --- the scenario --------------------------------------------------------------------------
    def build(self) -> None:
        shared = self.shared_table_names()
        generated = shared[len(TOP_TEN) + len(FIXED_SHARED_TABLES):]
        self.view_tables = generated[:8]
        self.helpers = self.helper_names()
        self.shared_schema_types_sequences()
        self.shared_tables(shared)
        self.shared_constraints(shared)
        self.shared_indexes(shared)
        self.shared_functions_views_triggers(shared)
        self.current_own_objects()
        self.legacy_new_tables()
        self.legacy_new_columns(shared)
        self.legacy_new_constraints()
        self.legacy_new_indexes()
        self.legacy_new_functions()
        self.legacy_new_triggers()
        self.legacy_new_view_and_comments()
        self.traps()
        self.changed_objects()

    def shared_table_names(self) -> list[str]:
        """The 112 tables both sides have: the top ten, four the scenario needs, 98 more."""
        names = list(TOP_TEN) + FIXED_SHARED_TABLES
        pool = [f"{prefix}_{noun}" for prefix in TABLE_PREFIXES for noun in TABLE_NOUNS]
        self.rng.shuffle(pool)
        names += [name for name in pool if name not in names][:SHARED_TABLES - len(names)]
        return names

    def shared_schema_types_sequences(self) -> None:
        self.add_schema(self.both, self.schema)
        for name, labels in {"order_status": ["pending", "paid", "shipped", "cancelled"],
                             "delivery_state": ["queued", "in_transit", "delivered"],
                             "broadcast_channel": ["email", "sms", "push"]}.items():
            values = ", ".join(literal(value) for value in labels)
            self.add_type(self.both, name, f"CREATE TYPE {self.qn(name)} AS ENUM ({values});")
        domain = self.qn("money_amount")
        self.add_type(self.both, "money_amount",
                      f"CREATE DOMAIN {domain} AS numeric(12,2) CHECK (VALUE >= 0);")
        for i, name in enumerate(["order_number_seq", "invoice_number_seq", "ticket_number_seq",
                                  "batch_number_seq"]):
            self.add_sequence(self.both, name, start=1000 * (i + 1))

    def shared_tables(self, shared: list[str]) -> None:
        for name in shared:
            columns = [("id", "bigint NOT NULL"),
                       ("created_at", "timestamp with time zone DEFAULT now() NOT NULL"),
                       ("updated_at", "timestamp with time zone"),
                       ("code", "text"),
                       ("quantity", "integer DEFAULT 0 NOT NULL"),
                       ("base_price", "numeric(12,2)")]
            if name != "stores":
                columns.append(("store_id", "bigint"))
            columns += self.rng.sample(SHARED_OPTIONAL_COLUMNS, self.rng.randint(0, 3))
            self.add_table(self.both, name, columns)
        s = q(self.schema)
        self.add_column(self.both, "orders", "status",
                        f"{s}.order_status DEFAULT 'pending'::{s}.order_status")
        self.add_column(self.both, "orders", "order_number",
                        f"bigint DEFAULT nextval('{s}.order_number_seq'::regclass)")
        self.add_column(self.both, "orders", "channel", "text DEFAULT 'web'::text")
        self.add_column(self.both, "stores", "name", "text NOT NULL")
        self.add_column(self.both, "profiles", "email", "text")
        self.add_column(self.both, "deliveries", "state", f"{s}.delivery_state")
        self.add_column(self.both, "broadcasts", "channel", f"{s}.broadcast_channel")
        self.add_column(self.both, "payment_transactions", "amount", f"{s}.money_amount")
        self.add_column(self.both, "payment_settlements", "amount", f"{s}.money_amount")

    def shared_constraints(self, shared: list[str]) -> None:
        """713 constraints: 112 primary keys, 40 UNIQUE (code), 224 CHECKs, 111 FKs to stores
        and 226 FKs between shared tables (with the 32 of current's own tables: the report's
        745)."""
        for name in shared:
            self.primary_key(self.both, name)
        for name in shared[:40]:
            self.unique(self.both, name, f"{name}_code_key", "code")
        for name in shared:
            self.check(self.both, name, f"{name}_quantity_check", "quantity >= 0")
            self.check(self.both, name, f"{name}_base_price_check", "base_price >= 0")
        for name in shared:
            if name != "stores":
                self.foreign_key(self.both, name, "store_id", "stores")
        self.references = self.shared_references(shared, 226)
        for child, column, parent in self.references:
            self.add_column(self.both, child, column, "bigint")
            self.foreign_key(self.both, child, column, parent)

    def shared_references(self, shared: list[str], count: int) -> list[tuple[str, str, str]]:
        """(child, column, parent) for `count` distinct references between shared tables."""
        references: list[tuple[str, str, str]] = []
        while len(references) < count:
            child, parent = self.rng.sample(shared, 2)
            column = f"{parent.lower()}_id"
            if parent != "stores" and (child, column, parent) not in references:
                references.append((child, column, parent))
        return references

    def shared_indexes(self, shared: list[str]) -> None:
        """305 plain indexes: created_at on 112 tables, store_id on 111, the first 82 reference
        columns. With the 152 of the keys and unique_wishlist_item: 458 shared (with the 32 of
        current's own tables: the report's 490)."""
        for name in shared:
            self.add_index(self.both, name, f"{name}_created_at_idx", "created_at")
            if name != "stores":
                self.add_index(self.both, name, f"{name}_store_id_idx", "store_id")
        for child, column, _ in self.references[:82]:
            self.add_index(self.both, child, f"{child}_{column}_idx", q(column))

    def shared_functions_views_triggers(self, shared: list[str]) -> None:
        """60 functions (2 trigger functions, 58 helpers), 8 views, 2 triggers."""
        updated_at = "BEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;"
        self.add_function(self.both, "set_updated_at", [], "trigger", updated_at, "plpgsql")
        self.add_function(self.both, "touch_row", [], "trigger", trigger_body("touched"), "plpgsql")
        for i, name in enumerate(self.helpers[:SHARED_HELPERS]):
            self.add_helper(self.both, name, factor=2, offset=i)
        for table in self.view_tables:
            self.add_view(self.both, f"{table}_recent", self.recent_query(table, "2020-01-01"))
        self.add_trigger(self.both, "stores", "stores_set_updated_at", "BEFORE UPDATE",
                         "set_updated_at")
        self.add_trigger(self.both, "orders", "orders_touch_row", "BEFORE UPDATE", "touch_row")
        self.add_comment(self.both, "table", self.qn("stores"), f"{self.schema}.stores",
                         "Merchants; every shared table references it")

    def helper_names(self) -> list[str]:
        """Plausible e-commerce/AI helper names in a seeded order: the first 58 are shared,
        the next ones legacy's."""
        names = [f"{verb}_{noun}" for verb in HELPER_VERBS for noun in HELPER_NOUNS]
        self.rng.shuffle(names)
        return names

    def add_helper(self, sides: Sequence[Database], name: str, factor: int, offset: int) -> None:
        self.add_function(sides, name, [("p_value", "numeric")], "numeric",
                          f"SELECT round(p_value * {factor} + {offset}, 2)", "sql", "IMMUTABLE")

    def recent_query(self, table: str, since: str) -> str:
        return (f"SELECT id, created_at, code FROM {self.qn(table)}\n"
                f"WHERE created_at > '{since} 00:00:00+00'::timestamp with time zone")

    def current_own_objects(self) -> None:
        """Current's objects that legacy lacks (PostGIS in the real case), to be kept:
        schema gis, 494 st_* functions + 1 trigger function, 16 tables (64 columns, 32 indexes,
        32 constraints), 2 views, 1 trigger, 2 columns on shared tables."""
        self.add_schema(self.current_only, self.gis_schema)
        signatures = [(name, args) for name in ST_FUNCTION_NAMES for args in ST_SIGNATURES]
        for name, args in signatures[:ST_FUNCTIONS]:
            self.add_function(self.current_only, name, [("", t) for t in args], "double precision",
                              "SELECT length($1::text)::double precision", "sql", "IMMUTABLE",
                              schema=self.gis_schema)
        for name in CURRENT_ONLY_TABLES:
            self.add_table(self.current_only, name, [("id", "bigint NOT NULL"), ("label", "text"),
                                                     ("weight", "integer"),
                                                     ("bbox", "double precision[]")])
            self.primary_key(self.current_only, name)
            self.check(self.current_only, name, f"{name}_weight_check", "weight >= 0")
            self.add_index(self.current_only, name, f"{name}_label_idx", "label")
        for name in ["geo_regions", "geo_zones"]:
            self.add_view(self.current_only, f"{name}_summary",
                          f"SELECT id, label, weight FROM {self.qn(name)}")
        self.add_function(self.current_only, "geo_touch", [], "trigger", trigger_body("geo"),
                          "plpgsql")
        self.add_trigger(self.current_only, "geo_regions", "geo_regions_touch", "BEFORE UPDATE",
                         "geo_touch")
        self.add_column(self.current_only, "stores", "location", "double precision[]")
        self.add_column(self.current_only, "deliveries", "route_geojson", "jsonb")

    def legacy_new_tables(self) -> None:
        """The 6 agi_* tables, each with an id sequence (nextval default, OWNED BY)."""
        s = q(self.schema)
        own_columns = {
            "agi_audit_aggregates": [("window_start", "timestamp with time zone"),
                                     ("events", "bigint DEFAULT 0 NOT NULL")],
            "agi_audit_alerts": [("log_id", "bigint")],
            "agi_audit_logs": [("actor_id", "bigint"), ("action", "text NOT NULL")],
            "agi_rate_limit_buckets": [("bucket_key", "text NOT NULL"),
                                       ("tokens", "integer DEFAULT 0 NOT NULL")],
            "agi_rate_limit_rules": [("max_requests", "integer NOT NULL"),
                                     ("window_seconds", "integer NOT NULL")],
            "agi_rate_limit_violations": [("rule_id", "bigint")],
        }
        for name in NEW_TABLES:
            sequence = f"{name}_id_seq"
            self.add_sequence(self.legacy_only, sequence, owned_by=(name, "id"))
            columns = [("id", f"bigint DEFAULT nextval('{s}.{sequence}'::regclass) NOT NULL"),
                       ("store_id", "bigint NOT NULL"),
                       ("severity", "integer DEFAULT 0 NOT NULL"),
                       ("payload", "jsonb DEFAULT '{}'::jsonb NOT NULL"),
                       ("created_at", "timestamp with time zone DEFAULT now() NOT NULL")]
            self.add_table(self.legacy_only, name, columns + own_columns[name])

    def legacy_new_columns(self, shared: list[str]) -> None:
        """Columns on 102 shared tables: the report's top ten, then 92 others with 1-12 each."""
        plan = dict(TOP_TEN)
        others = [t for t in shared if t not in TOP_TEN and t != "wishlist_items"]
        for table in others[:OTHER_TABLES_WITH_NEW_COLUMNS]:
            plan[table] = self.rng.randint(1, 12)
        for table, count in plan.items():
            if table in TOP_TEN:
                first = self.special_new_columns(table) + [("external_ref", "text")] + [
                    (f"score_{j}", "integer DEFAULT 0 NOT NULL") for j in range(4)]
            else:
                first = [("parent_ref_id", "bigint")]
            from_pool = self.pool_columns(count - len(first))
            for column, spec in first + from_pool:
                self.add_column(self.legacy_only, table, column, spec)
            self.new_columns[table] = [column for column, _ in first + from_pool]
            self.pool_columns_added[table] = [column for column, _ in from_pool]

    def special_new_columns(self, table: str) -> list[tuple[str, str]]:
        s = q(self.schema)
        return {
            "ocs_product_catalog": [("price_with_tax",
                                     "numeric GENERATED ALWAYS AS (base_price * 1.2) STORED")],
            "ocs_inventory": [("movement_no", "bigint GENERATED BY DEFAULT AS IDENTITY")],
            "profiles": [("Display Name", "text"), ("requested_role", f"{s}.user_role_simple")],
            "deliveries": [("ticket_no",
                            f"bigint DEFAULT nextval('{s}.ticket_number_seq'::regclass)")],
        }.get(table, [])

    def pool_columns(self, count: int) -> list[tuple[str, str]]:
        """`count` columns from the pool, in a seeded order, suffixed _2, _3 ... past its end."""
        pool = list(NEW_COLUMN_POOL)
        self.rng.shuffle(pool)
        columns = []
        for i in range(count):
            name, spec = pool[i % len(pool)]
            round_ = i // len(pool)
            columns.append((name if round_ == 0 else f"{name}_{round_ + 1}", spec))
        return columns

    def legacy_new_constraints(self) -> None:
        """155 with the traps' 2: new tables 21, top ten 40, the 92 others 92."""
        for name in NEW_TABLES:                                          # 6 x 3
            self.primary_key(self.legacy_only, name)
            self.check(self.legacy_only, name, f"{name}_severity_check",
                       "severity >= 0 AND severity <= 10")
            self.foreign_key(self.legacy_only, name, "store_id", "stores", on_delete="CASCADE")
        self.add_constraint(self.legacy_only, "agi_rate_limit_buckets",  # + 3
                            "agi_rate_limit_buckets_bucket_key_excl",
                            "EXCLUDE USING btree (bucket_key WITH =)", creates_index=True)
        self.foreign_key(self.legacy_only, "agi_audit_alerts", "log_id", "agi_audit_logs",
                         on_delete="CASCADE")
        self.foreign_key(self.legacy_only, "agi_rate_limit_violations", "rule_id",
                         "agi_rate_limit_rules")
        for table in TOP_TEN:                                            # 10 x 4
            self.unique(self.legacy_only, table, f"{table}_external_ref_key", "external_ref")
            for j in range(3):
                self.check(self.legacy_only, table, f"{table}_score_{j}_check", f"score_{j} >= 0")
        for table in self.new_columns:                                   # 92
            if table not in TOP_TEN:
                self.foreign_key(self.legacy_only, table, "parent_ref_id", "stores",
                                 on_delete="CASCADE")

    def legacy_new_indexes(self) -> None:
        """312 with those of the keys: new tables 6 + 1 + 18, top ten 10 + 30, the 92 others 184,
        and the rest on the top ten's pool columns, round robin."""
        for name in NEW_TABLES:
            self.add_index(self.legacy_only, name, f"{name}_store_id_idx", "store_id")
            self.add_index(self.legacy_only, name, f"{name}_created_at_idx", "created_at DESC")
            self.add_index(self.legacy_only, name, f"{name}_severe_idx", "severity",
                           where="severity >= 5")
        for table in TOP_TEN:
            self.add_index(self.legacy_only, table, f"{table}_active_score_idx", "score_0",
                           where="score_0 > 0")
            self.add_index(self.legacy_only, table, f"{table}_external_ref_lower_idx",
                           "lower(external_ref)")
            self.add_index(self.legacy_only, table, f"{table}_score_recent_idx",
                           "score_1 DESC, created_at", include="id")
        for table in self.new_columns:
            if table not in TOP_TEN:
                self.add_index(self.legacy_only, table, f"{table}_parent_ref_id_idx",
                               "parent_ref_id")
                self.add_index(self.legacy_only, table, f"{table}_parent_ref_recent_idx",
                               "parent_ref_id, created_at DESC")
        planned = 6 + 1 + 10 + 18 + 30 + 2 * OTHER_TABLES_WITH_NEW_COLUMNS
        for table, column in self.top_ten_pool_columns()[:REPORT_CREATED["indexes"] - planned]:
            self.add_index(self.legacy_only, table, f"{table}_{column}_idx", q(column))

    def top_ten_pool_columns(self) -> list[tuple[str, str]]:
        """(table, column) of the top ten's new pool columns, one table after the other."""
        queues = [[(table, column) for column in self.pool_columns_added[table]]
                  for table in TOP_TEN]
        pairs = []
        while any(queues):
            for queue in queues:
                if queue:
                    pairs.append(queue.pop(0))
        return pairs

    def legacy_new_functions(self) -> None:
        """89: the report's 8 names (9 functions), 10 agi_* trigger functions, 1 procedure
        and 69 helpers."""
        self.named_functions()
        for name in AGI_TRIGGER_FUNCTIONS:
            self.add_function(self.legacy_only, name, [], "trigger", trigger_body(name), "plpgsql")
        self.add_function(self.legacy_only, "agi_purge_audit_logs", [("p_keep_days", "integer")],
                          None,
                          f"BEGIN\n  DELETE FROM {self.qn('agi_audit_logs')}\n"
                          "  WHERE created_at < now() - make_interval(days => p_keep_days);\nEND;",
                          "plpgsql")
        helpers = REPORT_CREATED["functions"] - 9 - len(AGI_TRIGGER_FUNCTIONS) - 1
        for i, name in enumerate(self.helpers[SHARED_HELPERS:SHARED_HELPERS + helpers]):
            self.add_helper(self.legacy_only, name, factor=3, offset=i)

    def named_functions(self) -> None:
        """The report's function names. Some read new columns (functions after columns)."""
        legacy, s = self.legacy_only, q(self.schema)
        self.add_function(
            legacy, "apply_discount_code", [("p_order_id", "bigint"), ("p_code", "text")],
            "numeric",
            "DECLARE\n  v_total numeric;\nBEGIN\n"
            f"  SELECT base_price INTO v_total FROM {self.qn('orders')} WHERE id = p_order_id;\n"
            "  IF p_code IS NULL OR p_code = '' THEN\n"
            "    RETURN v_total;\n"
            "  END IF;\n"
            f"  RETURN {s}.calculate_final_price(v_total, 10);\n"
            "END;",
            "plpgsql", "STABLE")
        self.add_function(
            legacy, "calculate_checkout_taxes", [("p_subtotal", "numeric"), ("p_rate", "numeric")],
            "numeric", "SELECT round(p_subtotal * p_rate / 100, 2)", "sql", "IMMUTABLE")
        self.add_function(
            legacy, "calculate_final_price", [("price", "numeric"), ("discount", "numeric")],
            "numeric", "SELECT round(price * (1 - discount / 100), 2)", "sql", "IMMUTABLE")
        self.add_function(
            legacy, "calculate_final_price", [("price", "numeric")],
            "numeric", f"SELECT {s}.calculate_final_price(price, 0)", "sql", "IMMUTABLE")
        self.add_function(
            legacy, "check_inventory_exists", [("p_product_id", "bigint")], "boolean",
            f"SELECT EXISTS (SELECT 1 FROM {self.qn('ocs_inventory')}\n"
            "               WHERE id = p_product_id AND quantity > 0\n"
            "                 AND movement_no IS NOT NULL)",
            "sql", "STABLE")
        self.add_function(
            legacy, "get_store_ai_config", [("p_store_id", "bigint")], "jsonb",
            "SELECT jsonb_build_object('store_id', id, 'code', code, 'ai', true)\n"
            f"FROM {self.qn('stores')} WHERE id = p_store_id",
            "sql", "STABLE")
        self.add_function(
            legacy, "is_promotion_active_now", [("p_promotion_id", "bigint")], "boolean",
            f"SELECT EXISTS (SELECT 1 FROM {self.qn('promotions')}\n"
            "               WHERE id = p_promotion_id AND created_at <= now() AND score_0 >= 0)",
            "sql", "STABLE")
        self.add_function(legacy, "update_product_rating", [], "trigger",
                          trigger_body("rating updated"), "plpgsql")
        self.add_function(legacy, "validate_verified_purchase", [], "trigger",
                          trigger_body("purchase verified"), "plpgsql")

    def legacy_new_triggers(self) -> None:
        """39: one per new table, top-ten table, "OrderNotes" and 22 other tables."""
        legacy = self.legacy_only
        self.add_trigger(legacy, "ocs_product_catalog", "ocs_product_catalog_rating",
                         "AFTER UPDATE", "update_product_rating",
                         when="OLD.base_price IS DISTINCT FROM NEW.base_price")
        self.add_trigger(legacy, "payment_transactions", "payment_transactions_verify",
                         "BEFORE INSERT", "validate_verified_purchase")
        others = [t for t in self.new_columns if t not in TOP_TEN and t != "OrderNotes"]
        top_ten = [t for t in TOP_TEN if t not in ("ocs_product_catalog", "payment_transactions")]
        tables = NEW_TABLES + top_ten + ["OrderNotes"]
        tables += others[:REPORT_CREATED["triggers"] - 2 - len(tables)]
        timings = ["BEFORE INSERT OR UPDATE", "AFTER INSERT", "BEFORE UPDATE",
                   "AFTER UPDATE OR DELETE"]
        for i, table in enumerate(tables):
            function = AGI_TRIGGER_FUNCTIONS[i % len(AGI_TRIGGER_FUNCTIONS)]
            name = f"{table}_{function.removeprefix('agi_')}"
            self.add_trigger(legacy, table, name, timings[i % len(timings)], function)

    def legacy_new_view_and_comments(self) -> None:
        legacy = self.legacy_only
        final_price = f"{q(self.schema)}.calculate_final_price(base_price, 10::numeric)"
        self.add_view(legacy, "product_final_prices",
                      f"SELECT id, base_price, price_with_tax,\n"
                      f"       {final_price} AS final_price\n"
                      f"FROM {self.qn('ocs_product_catalog')}")
        for name in NEW_TABLES:
            self.add_comment(legacy, "table", self.qn(name), f"{self.schema}.{name}",
                             f"AI engine: {name.removeprefix('agi_').replace('_', ' ')}")
        self.add_comment(legacy, "view", self.qn("product_final_prices"),
                         f"{self.schema}.product_final_prices", "Catalog prices after discount")
        self.add_comment(legacy, "column", f"{self.qn('profiles')}.{q('Display Name')}",
                         f"{self.schema}.profiles.Display Name", "Name shown to other users")
        for signature in ["apply_discount_code(bigint, text)",
                          "calculate_final_price(numeric, numeric)",
                          "get_store_ai_config(bigint)", "is_promotion_active_now(bigint)"]:
            self.add_comment(legacy, "function", f"{q(self.schema)}.{signature}",
                             f"{self.schema}.{signature}", f"See {signature.split('(')[0]}")

    def traps(self) -> None:
        """The two objects that broke the original tool, in every replica."""
        s = q(self.schema)
        # 1. user_role_simple: a CHECK that needs the column's type changed first
        self.add_type(self.legacy_only, "user_role_simple",
                      f"CREATE TYPE {self.qn('user_role_simple')} AS ENUM "
                      "('customer', 'merchant', 'admin', 'banned');")
        self.add_column(self.legacy_only, "profiles", "role",
                        f"{s}.user_role_simple DEFAULT 'customer'::{s}.user_role_simple NOT NULL")
        self.add_column(self.current_only, "profiles", "role",
                        "text DEFAULT 'customer'::text NOT NULL")
        self.note_change("columns", (self.schema, "profiles", "role"),
                         "type user_role_simple (default 'customer'::user_role_simple) vs text "
                         "(default 'customer'::text); trap user_role_simple")
        self.check(self.legacy_only, "profiles", "profiles_role_not_banned",
                   f"role <> 'banned'::{s}.user_role_simple")
        # 2. unique_wishlist_item: a constraint whose index current already has
        self.add_column(self.both, "wishlist_items", "user_id", "bigint NOT NULL")
        self.add_column(self.both, "wishlist_items", "product_id", "bigint NOT NULL")
        self.unique(self.legacy_only, "wishlist_items", "unique_wishlist_item",
                    "user_id, product_id")
        self.add_index(self.current_only, "wishlist_items", "unique_wishlist_item",
                       "user_id, product_id", unique=True)
        self.note_change("indexes", (self.schema, "wishlist_items", "unique_wishlist_item"),
                         "backs constraint unique_wishlist_item vs plain unique index; "
                         "trap unique_wishlist_item")

    def changed_objects(self) -> None:
        """Objects the shared steps made identical, re-defined on one side."""
        self.add_column(self.current_only, "orders", "channel", "text DEFAULT 'app'::text")
        self.note_change("columns", (self.schema, "orders", "channel"), "default 'web' vs 'app'")
        self.add_column(self.current_only, "stores", "name", "text")
        self.note_change("columns", (self.schema, "stores", "name"), "NOT NULL vs nullable")
        for i, name in enumerate(self.helpers[:2]):
            self.add_helper(self.current_only, name, factor=5, offset=i)
            self.note_change("functions", (self.schema, f"{name}(numeric)"),
                             "body: p_value * 2 vs p_value * 5")
        self.add_index(self.legacy_only, "orders", "orders_created_at_idx", "created_at DESC")
        self.note_change("indexes", (self.schema, "orders", "orders_created_at_idx"),
                         "(created_at DESC) vs (created_at)")
        self.check(self.current_only, "promotions", "promotions_base_price_check", "base_price > 0")
        self.note_change("constraints", (self.schema, "promotions", "promotions_base_price_check"),
                         "CHECK (base_price >= 0) vs CHECK (base_price > 0)")
        view = f"{self.view_tables[0]}_recent"
        self.add_view(self.current_only, view, self.recent_query(self.view_tables[0], "2021-01-01"))
        self.note_change("views", (self.schema, view), "cut-off 2020-01-01 vs 2021-01-01")


# ------------------------------------------------------------------------------------------------
# Diff, counts, expectation
# ------------------------------------------------------------------------------------------------
def compare(source: Database, target: Database) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """Per kind: identities only in source, only in target, changed, identical."""
    result = {}
    for kind in KINDS:
        a, b = source.objects[kind], target.objects[kind]
        common = [key for key in a if key in b]
        result[kind] = {
            "only_in_source": [key for key in a if key not in b],
            "only_in_target": [key for key in b if key not in a],
            "changed": [key for key in common if a[key].definition != b[key].definition],
            "identical": [key for key in common if a[key].definition == b[key].definition],
        }
    return result


def migrated(current: Database, legacy: Database) -> Database:
    """Current after a correct add-only migration: legacy's objects added or made as legacy
    has them, current's own objects kept."""
    after = Database()
    for kind in KINDS:
        after.objects[kind] = {**current.objects[kind], **legacy.objects[kind]}
    return after


def count(db: Database) -> dict[str, int]:
    counts = {kind: len(db.objects[kind]) for kind in COUNTED_KINDS}
    counts["materialized_views"] = 0        # counted apart from views; the scenario has none
    return counts


def expectation(scale: int, seed: int, legacy: Database, current: Database,
                replicas: list[Replica]) -> dict[str, Any]:
    diff = compare(legacy, current)
    small_kinds = ["schemas", "types", "sequences", "tables", "views"]
    first = replicas[0].new_columns
    return {
        "generator": "seedscale.py", "scale": scale, "seed": seed,
        "source": "legacy", "target": "current",
        "counting_rules": "docstring of seedscale.py; counts.sql runs them",
        "diff": {kind: {status: len(keys) for status, keys in statuses.items()}
                 for kind, statuses in diff.items()},
        "counts": {"legacy": count(legacy), "current_before": count(current),
                   "current_after": count(migrated(current, legacy))},
        "names": {kind: {status: sorted(label(key) for key in diff[kind][status])
                         for status in ("only_in_source", "only_in_target", "changed")}
                  for kind in small_kinds},
        "changed": changed_objects(diff, replicas),
        "columns_added_to_existing_tables": {
            "tables": len(first) * scale,
            "columns": sum(len(columns) for columns in first.values()) * scale,
            "per_table_in_each_replica": {table: len(columns) for table, columns in first.items()},
        },
        "traps": TRAPS,
    }


def changed_objects(diff: dict[str, Any], replicas: list[Replica]) -> list[dict[str, Any]]:
    """Every changed object of the diff with what differs, as the replica noted it."""
    notes = {}
    for replica in replicas:
        notes.update(replica.changes)
    changed = [(kind, key) for kind in KINDS for key in diff[kind]["changed"]]
    unexplained = set(changed) ^ set(notes)
    assert not unexplained, f"changed objects and notes differ: {unexplained}"
    return [{"kind": kind, "name": label(key), "differs": notes[(kind, key)]}
            for kind, key in changed]


TRAPS = {
    "user_role_simple": {
        "objects": ["type user_role_simple", "column profiles.role (text -> user_role_simple)",
                    "constraint profiles.profiles_role_not_banned"],
        "naive_failure": "ERROR: operator does not exist: text <> user_role_simple",
        "correct": "CREATE TYPE user_role_simple; "
                   "ALTER TABLE profiles ALTER COLUMN role DROP DEFAULT, "
                   "ALTER COLUMN role TYPE user_role_simple USING role::user_role_simple, "
                   "ALTER COLUMN role SET DEFAULT 'customer'::user_role_simple; "
                   "then ADD CONSTRAINT profiles_role_not_banned",
    },
    "unique_wishlist_item": {
        "objects": ["constraint wishlist_items.unique_wishlist_item",
                    "index wishlist_items.unique_wishlist_item (a plain unique index in current)"],
        "naive_failure": 'ERROR: relation "unique_wishlist_item" already exists',
        "correct": "ALTER TABLE wishlist_items ADD CONSTRAINT unique_wishlist_item "
                   "UNIQUE USING INDEX unique_wishlist_item",
    },
}


def check_against_report(expected: dict[str, Any], scale: int) -> None:
    """Fail loudly when the generated scenario drifts from the report's numbers."""
    diff, counts = expected["diff"], expected["counts"]
    problems = []
    for kind, n in REPORT_CREATED.items():
        if diff[kind]["only_in_source"] != n * scale:
            problems.append(f"created {kind}: {diff[kind]['only_in_source']} != {n * scale}")
    for kind, n in REPORT_CURRENT_BEFORE.items():
        if counts["current_before"][kind] != n * scale:
            problems.append(f"current {kind}: {counts['current_before'][kind]} != {n * scale}")
    if counts["legacy"]["tables"] != REPORT_LEGACY_TABLES * scale:
        problems.append(f"legacy tables: {counts['legacy']['tables']}")
    per_table = expected["columns_added_to_existing_tables"]["per_table_in_each_replica"]
    if len(per_table) != len(TOP_TEN) + OTHER_TABLES_WITH_NEW_COLUMNS:
        problems.append(f"tables with new columns: {len(per_table)}")
    problems += [f"new columns on {t}" for t, n in TOP_TEN.items() if per_table[t] != n]
    problems += [f"new columns on {t}" for t, n in per_table.items() if not 1 <= n <= 75]
    for kind in COUNTED_KINDS:
        added = diff[kind]["only_in_source"]
        if counts["current_after"][kind] != counts["current_before"][kind] + added:
            problems.append(f"after {kind}")
    assert not problems, "scenario does not match the report: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------------
# SQL
# ------------------------------------------------------------------------------------------------
def render(db: Database, title: str) -> str:
    """The database as one SQL script, statements grouped by phase."""
    by_phase: dict[str, list[str]] = {phase: [] for phase in PHASES}
    for kind in KINDS:
        for obj in db.objects[kind].values():
            for phase, sql in obj.statements:
                by_phase[phase].append(sql)
    by_phase["tables"] = create_table_statements(db)
    lines = [f"-- {title}", "-- generated by seedscale.py: schema only, no extensions needed", ""]
    for phase in PHASES:
        lines += by_phase[phase]
    return "\n".join(lines) + "\n"


def create_table_statements(db: Database) -> list[str]:
    columns: dict[tuple[str, ...], list[str]] = {key: [] for key in db.objects["tables"]}
    for (schema, table, column), obj in db.objects["columns"].items():
        columns[(schema, table)].append(f"    {q(column)} {obj.definition}")
    return [f"CREATE TABLE {q(schema)}.{q(table)} (\n" + ",\n".join(lines) + "\n);"
            for (schema, table), lines in columns.items()]


def generate(scale: int, seed: int) -> tuple[Database, Database, dict[str, Any]]:
    legacy, current = Database(), Database()
    replicas = [Replica(number, seed, legacy, current) for number in range(scale)]
    for replica in replicas:
        replica.build()
    expected = expectation(scale, seed, legacy, current, replicas)
    check_against_report(expected, scale)
    return legacy, current, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="replicas of the scenario (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = parser.parse_args()
    if args.scale < 1:
        parser.error("--scale must be at least 1")
    legacy, current, expected = generate(args.scale, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    tag = f"scale {args.scale}, seed {args.seed}"
    (args.out / "legacy.sql").write_text(render(legacy, f"legacy (source of truth), {tag}"))
    (args.out / "current.sql").write_text(render(current, f"current (to bring up to date), {tag}"))
    (args.out / "after.sql").write_text(
        render(migrated(current, legacy), f"current after a correct add-only migration, {tag}"))
    (args.out / "expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(f"wrote {args.out}/legacy.sql, current.sql, after.sql, expected.json ({tag})")


if __name__ == "__main__":
    main()
