"""Snapshot: every kind captured with its identity, scope rules, counts, files and fingerprints."""
from __future__ import annotations

import json

import pytest

from conftest import run_sql
from workbench.connect import connect
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.snapshot import Snapshot, capture

EVERY_KIND_SQL = """
CREATE SCHEMA "Sales Ops";
CREATE EXTENSION hstore;
CREATE COLLATION "Sales Ops".posix_c (provider = libc, locale = 'POSIX');
CREATE TYPE "Sales Ops".mood AS ENUM ('sad', 'it''s ok', 'happy');
CREATE DOMAIN "Sales Ops".posint AS integer DEFAULT 1 NOT NULL CHECK (VALUE > 0);
CREATE TYPE "Sales Ops".pair AS (a int, b text);
CREATE TYPE "Sales Ops".floatrange AS RANGE (subtype = float8);
CREATE SEQUENCE "Sales Ops".counter START 5 INCREMENT 2;
CREATE TABLE "Sales Ops"."Orders" (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "Customer Name" text NOT NULL DEFAULT 'anon',
    feeling "Sales Ops".mood,
    qty "Sales Ops".posint,
    total numeric(12,2) GENERATED ALWAYS AS (qty * 2.5) STORED,
    tags hstore,
    CONSTRAINT qty_small CHECK (qty < 1000)
);
CREATE TABLE "Sales Ops".lines (id serial PRIMARY KEY, order_id bigint REFERENCES "Sales Ops"."Orders"(id));
CREATE INDEX lines_order ON "Sales Ops".lines (order_id) WHERE order_id IS NOT NULL;
CREATE STATISTICS "Sales Ops".lines_stats ON id, order_id FROM "Sales Ops".lines;
CREATE CAST ("Sales Ops".pair AS text) WITH INOUT;
CREATE FOREIGN DATA WRAPPER "Sales Wrapper" OPTIONS (debug 'true');
CREATE SERVER "Sales Server" FOREIGN DATA WRAPPER "Sales Wrapper";
CREATE USER MAPPING FOR PUBLIC SERVER "Sales Server" OPTIONS (password 'never read');
CREATE RULE "No Delete" AS ON DELETE TO "Sales Ops".lines DO INSTEAD NOTHING;
CREATE FUNCTION "Sales Ops".noted() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END; $$;
CREATE EVENT TRIGGER "Sales Noted" ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION "Sales Ops".noted();
CREATE FUNCTION "Sales Ops".same(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR "Sales Ops".=== (LEFTARG = int, RIGHTARG = int, FUNCTION = "Sales Ops".same, COMMUTATOR = ===, HASHES);
CREATE CONVERSION "Sales Ops"."Latin In" FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE TEXT SEARCH TEMPLATE "Sales Ops".tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH PARSER "Sales Ops".prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH DICTIONARY "Sales Ops".dict (TEMPLATE = "Sales Ops".tmpl, stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION "Sales Ops".cfg (PARSER = "Sales Ops".prs);
ALTER TEXT SEARCH CONFIGURATION "Sales Ops".cfg ADD MAPPING FOR word WITH "Sales Ops".dict, simple;
CREATE OPERATOR CLASS "Sales Ops".same_ops FOR TYPE int USING hash AS OPERATOR 1 "Sales Ops".===, FUNCTION 1 hashint4(int);
CREATE FUNCTION "Sales Ops".pl_handler() RETURNS language_handler AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE C;
CREATE LANGUAGE "Sales PL" HANDLER "Sales Ops".pl_handler;
CREATE PUBLICATION "Sales Feed" FOR TABLE "Sales Ops".lines (id, order_id) WHERE (order_id > 0);
CREATE VIEW "Sales Ops".big AS SELECT id FROM "Sales Ops"."Orders" WHERE qty > 10;
CREATE MATERIALIZED VIEW "Sales Ops".mv AS SELECT count(*) AS n FROM "Sales Ops".lines;
CREATE FUNCTION "Sales Ops".touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
CREATE TRIGGER "Touch It" BEFORE INSERT ON "Sales Ops".lines FOR EACH ROW EXECUTE FUNCTION "Sales Ops".touch();
ALTER TABLE "Sales Ops".lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY p_all ON "Sales Ops".lines USING (order_id > 0);
CREATE ROLE snapshot_reader_role;
GRANT SELECT ON "Sales Ops".lines TO snapshot_reader_role;
REVOKE EXECUTE ON FUNCTION "Sales Ops".touch() FROM PUBLIC;
COMMENT ON TABLE "Sales Ops"."Orders" IS 'orders, with a quote: ''';
ALTER DEFAULT PRIVILEGES IN SCHEMA "Sales Ops" GRANT SELECT ON TABLES TO snapshot_reader_role;
CREATE ACCESS METHOD "Sales Heap" TYPE TABLE HANDLER heap_tableam_handler;
CREATE TABLE "Sales Ops".heaped (a int) USING "Sales Heap";
CREATE FUNCTION "Sales Ops".tf_from(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT AS 'int4send';
CREATE TRANSFORM FOR int LANGUAGE "Sales PL" (FROM SQL WITH FUNCTION "Sales Ops".tf_from(internal));
CREATE TYPE "Sales Ops".later;
CREATE TYPE "Sales Ops".b1;
CREATE FUNCTION "Sales Ops".b1_in(cstring) RETURNS "Sales Ops".b1 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';
CREATE FUNCTION "Sales Ops".b1_out("Sales Ops".b1) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';
CREATE TYPE "Sales Ops".b1 (INPUT = "Sales Ops".b1_in, OUTPUT = "Sales Ops".b1_out, LIKE = int4);
"""


@pytest.fixture(scope="module")
def every_kind(pg):
    name = pg.create_database()
    dsn = pg.dsn(name)
    with pg.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS snapshot_reader_role")
    run_sql(dsn, EVERY_KIND_SQL)
    yield capture(dsn)
    pg.drop_database(name)
    with pg.connect() as conn:
        conn.execute("DROP ROLE IF EXISTS snapshot_reader_role")


def names(snapshot, kind, column="name"):
    return set(snapshot[kind][column])


def test_every_kind_has_its_identity_and_compared_columns(every_kind):
    assert set(every_kind.frames) == set(KINDS)
    for kind in KINDS.values():
        frame = every_kind[kind.name]
        missing = set(kind.identity + kind.compared) - set(frame.columns)
        assert not missing, (kind.name, missing)
        assert len(frame) > 0, f"{kind.name}: nothing captured"
        assert not frame.duplicated(list(kind.identity)).any(), f"{kind.name}: identity not unique"


def test_objects_of_each_kind(every_kind):
    s = every_kind
    assert "Sales Ops" in names(s, "schemas") and "public" in names(s, "schemas")
    assert {"hstore", "plpgsql"} <= names(s, "extensions")
    types = s["types"].set_index("name")
    assert json.loads(types.loc["mood", "enum_labels"]) == ["sad", "it's ok", "happy"]
    assert types.loc["posint", "base_type"] == "integer" and types.loc["posint", "not_null"]
    assert set(types["type_kind"]) == {"enum", "domain", "composite", "range"}
    assert names(s, "sequences") == {"counter", "lines_id_seq"}          # identity sequence belongs to its column
    assert s["sequences"].set_index("name").loc["lines_id_seq", "owned_by"] == '"Sales Ops".lines.id'
    cols = s["columns"].set_index(["table", "name"])
    assert cols.loc[("Orders", "id"), "identity"] == "always"
    assert cols.loc[("Orders", "total"), "generated"] == "((qty)::numeric * 2.5)"
    assert cols.loc[("Orders", "Customer Name"), "not_null"]
    assert names(s, "views") == {"big"} and names(s, "materialized_views") == {"mv"}
    assert set(s["triggers"]["name"]) == {"Touch It"}
    assert {"Orders_pkey", "lines_pkey", "lines_order"} <= names(s, "indexes")
    assert s["indexes"].set_index("name").loc["Orders_pkey", "backs_constraint"]
    assert set(s["constraints"]["constraint_type"]) == {"p", "f", "c"}
    assert names(s, "policies") == {"p_all"}
    assert s["tables"].set_index("name").loc["lines", "rls_enabled"]
    privileges = {tuple(r) for r in s["privileges"][["object", "grantee", "privilege", "state"]].values}
    assert ('"Sales Ops".lines', "snapshot_reader_role", "SELECT", "granted") in privileges
    assert ('"Sales Ops".touch()', "PUBLIC", "EXECUTE", "revoked") in privileges
    assert s["comments"]["text"].tolist() == ["orders, with a quote: '"]
    assert s["user_mappings"]["options"].tolist() == ['[["password", "********"]]']     # no credentials


def test_extension_members_and_system_schemas_are_left_out(every_kind):
    functions = every_kind["functions"].set_index("name")["internal"].to_dict()
    # hstore's ~60 functions are the extension's; the range type's constructors are its own
    assert functions == {"touch": False, "noted": False, "same": False, "pl_handler": False, "floatrange": True,
                         "floatmultirange": True, "tf_from": False, "b1_in": False, "b1_out": False}
    assert "hstore" not in set(every_kind["types"]["name"])
    for kind, frame in every_kind.frames.items():
        if kind == "extensions":                     # plpgsql lives in pg_catalog, and is an extension
            continue
        column = "name" if kind == "schemas" else "schema"
        assert not set(frame[column]) & {"pg_catalog", "information_schema", "pg_toast"}, kind


def test_counts_follow_the_counting_rules(every_kind):
    counts = every_kind.counts
    assert counts["tables"] == 3 and counts["views"] == 1 and counts["materialized_views"] == 1
    # functions: 4, the range constructors (2 + 3), a transform's and a base type's I/O functions (1 + 2)
    assert counts["columns"] == 6 + 2 + 1 and counts["sequences"] == 2 and counts["functions"] == 4 + 2 + 3 + 1 + 2
    assert counts["triggers"] == 1 and counts["constraints"] == 4 and counts["types"] == 4
    assert counts["indexes"] == 3                       # the matview has none; PK indexes count


def test_save_load_round_trip(every_kind, tmp_path):
    path = every_kind.save(tmp_path / "s.json")
    loaded = Snapshot.load(path)
    assert loaded.fingerprint == every_kind.fingerprint
    assert loaded.counts == every_kind.counts
    for kind in KINDS:
        assert loaded[kind].equals(every_kind[kind]), kind
    data = json.loads(path.read_text())
    assert data["format"] == "drift-workbench/snapshot" and data["version"] == 2
    assert data["server_version"].startswith("18") and data["captured_at"]


def test_fingerprint_follows_content(make_db):
    dsn = make_db("CREATE TABLE t (a int)")
    first = capture(dsn)
    assert capture(dsn).fingerprint == first.fingerprint
    run_sql(dsn, "ALTER TABLE t ADD COLUMN b int")
    assert capture(dsn).fingerprint != first.fingerprint


@pytest.mark.parametrize("mutation, message", [
    (lambda text: text[: len(text) // 2], "not JSON"),
    (lambda text: text.replace('"format": "drift-workbench/snapshot"', '"format": "other"'), "not a drift-workbench snapshot"),
    (lambda text: text.replace('"version": 2', '"version": 99'), "format version 99"),
    # version 1 spelled function identities with parameter names: refused with the reason
    (lambda text: text.replace('"version": 2', '"version": 1'),
     r"format version 1, this workbench reads version 2: function identities are their argument types"),
    (lambda text: text.replace('"Sales Ops"', '"Sales Opz"', 1) if '"Sales Ops"' in text else text + "x",
     "does not match its fingerprint"),
])
def test_corrupt_snapshot_files_are_refused(every_kind, tmp_path, mutation, message):
    path = every_kind.save(tmp_path / "s.json")
    path.write_text(mutation(path.read_text()))
    with pytest.raises(WorkbenchError, match=message):
        Snapshot.load(path)


def test_schema_filters(every_kind):
    only = every_kind.filtered(schemas=["Sales Ops"])
    assert set(only["tables"]["schema"]) == {"Sales Ops"} and set(only["schemas"]["name"]) == {"Sales Ops"}
    without = every_kind.filtered(exclude_schemas=["Sales Ops"])
    assert without["tables"].empty and set(without["schemas"]["name"]) == {"public"}
    with pytest.raises(WorkbenchError, match="unknown kind"):
        every_kind.filtered(kinds=["tabels"])


def test_introspection_session_is_read_only_with_timeout(db):
    with connect(db) as conn:
        assert conn.execute("SHOW transaction_read_only").fetchone()[0] == "on"
        assert conn.execute("SHOW statement_timeout").fetchone()[0] != "0"
        with pytest.raises(Exception, match="read-only"):
            conn.execute("CREATE TABLE should_fail (a int)")
