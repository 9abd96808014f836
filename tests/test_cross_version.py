"""The same DDL on PostgreSQL 15 (system server) and 18 (embedded) compares as zero drift."""
from __future__ import annotations

import json

import pytest

from conftest import CONFORMANCE, conformance, conformance_cases, load_file
from test_conformance import ensure_role
from workbench.compare import compare
from workbench.snapshot import capture



def load_both(pg, pg15, path) -> tuple[str, str]:
    dsns = []
    for server in (pg, pg15):
        ensure_role(server.dsn("postgres"))
        name = server.create_database()
        load_file(server.dsn(name), path)
        dsns.append(server.dsn(name))
    return dsns[0], dsns[1]


def assert_no_drift(dsn18: str, dsn15: str) -> None:
    s18, s15 = capture(dsn18), capture(dsn15)
    assert s18.server_version_num // 10000 == 18 and s15.server_version_num // 10000 == 15
    drift = compare(s18, s15)
    assert not drift.has_drift, drift.objects()[:10]
    assert drift.summary["identical"].sum() > 0


def test_seedscale_legacy_across_versions(pg, pg15, seedscale_dir):
    assert_no_drift(*load_both(pg, pg15, seedscale_dir / "legacy.sql"))


@conformance
@pytest.mark.parametrize("case", conformance_cases())
def test_conformance_b_across_versions(pg, pg15, case):
    if case == "collations":
        pytest.skip("collations/b.sql needs ICU collations; the embedded PostgreSQL 18 is built without ICU")
    assert_no_drift(*load_both(pg, pg15, CONFORMANCE / case / "b.sql"))


ARRAY_VIEWS = """CREATE TABLE t (id int, tags text[], n int[]);
CREATE VIEW v AS SELECT t.id, ARRAY[t.id, 2] AS pair, ARRAY['a'::text, 'b'] AS letters, t.tags && ARRAY['x'] AS has_x,
  t.id = ANY (ARRAY[1, 2, 3]) AS small, ARRAY(SELECT unnest(t.n)) AS copied FROM t;
CREATE MATERIALIZED VIEW mv AS SELECT ARRAY[t.id] AS a FROM t WHERE t.id IN (1, 2) WITH NO DATA;"""


def test_views_with_arrays_across_versions(pg, pg15):
    """PostgreSQL 15 and 18 deparse ARRAY[...] so that the brackets sit elsewhere: the parse trees
    differ only in list_start/list_end positions, which are not compared."""
    from conftest import run_sql
    dsn18, dsn15 = pg.dsn(pg.create_database()), pg15.dsn(pg15.create_database())
    for dsn in (dsn18, dsn15):
        run_sql(dsn, ARRAY_VIEWS)
    assert_no_drift(dsn18, dsn15)


def test_views_still_differ_across_versions(pg, pg15):
    """Normalisation must not hide real differences: a changed constant in a view is drift."""
    dsn18 = pg.dsn(pg.create_database())
    name = pg15.create_database()
    dsn15 = pg15.dsn(name)
    from conftest import run_sql
    run_sql(dsn18, "CREATE TABLE t (id int, c text); CREATE VIEW v AS SELECT t.id FROM t WHERE t.c = 'web'")
    run_sql(dsn15, "CREATE TABLE t (id int, c text); CREATE VIEW v AS SELECT t.id FROM t WHERE t.c = 'app'")
    drift = compare(capture(dsn18), capture(dsn15))
    assert [(o["kind"], o["differences"]) for o in drift.objects()] == [("views", ["definition"])]


# one object (or more) of each kind added to the registry for pg_dump parity, as both versions take it
NEW_KINDS = """CREATE SCHEMA st;
CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS s_ab (ndistinct, dependencies) ON a, b FROM t;
CREATE STATISTICS st.s_expr ON (a + b), lower(c) FROM t;
CREATE STATISTICS s_target ON a, c FROM t;
ALTER STATISTICS s_target SET STATISTICS 300;
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE FUNCTION mood_int(mood) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
CREATE CAST (mood AS int) WITH FUNCTION mood_int(mood) AS ASSIGNMENT;
CREATE CAST (mood AS text) WITH INOUT;
CREATE CAST (xid AS integer) WITHOUT FUNCTION;
COMMENT ON CAST (mood AS text) IS 'labels';
COMMENT ON STATISTICS s_ab IS 'a and b';
CREATE FOREIGN DATA WRAPPER w OPTIONS (debug 'true');
CREATE SERVER srv TYPE 'x' VERSION '1' FOREIGN DATA WRAPPER w OPTIONS (host 'h', port '1');
CREATE USER MAPPING FOR PUBLIC SERVER srv OPTIONS (user 'u', password 'p');
COMMENT ON SERVER srv IS 'remote';
CREATE TABLE pt (id int PRIMARY KEY, a int, b text);
CREATE PUBLICATION p_rows FOR TABLE pt (id, a) WHERE (a > 0 AND b <> 'x' AND b IN ('y', 'z')) WITH (publish = 'insert');
CREATE PUBLICATION p_schema FOR TABLES IN SCHEMA st WITH (publish_via_partition_root = true);
COMMENT ON PUBLICATION p_rows IS 'rows';
CREATE VIEW pv AS SELECT id, a FROM pt;
CREATE RULE pv_insert AS ON INSERT TO pv DO INSTEAD INSERT INTO pt (id, a) VALUES (new.id, new.a);
CREATE RULE pt_guard AS ON UPDATE TO pt WHERE old.a <> new.a AND new.b IN ('x', 'y') DO ALSO INSERT INTO pt (id) VALUES (-new.id);
ALTER TABLE pt DISABLE RULE pt_guard;
CREATE FUNCTION noted() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER noted ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION noted();
CREATE EVENT TRIGGER drops ON sql_drop EXECUTE FUNCTION noted();
ALTER EVENT TRIGGER drops ENABLE ALWAYS;
COMMENT ON EVENT TRIGGER noted IS 'notes';
CREATE FUNCTION int_eq3(int, int) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int_eq3, COMMUTATOR = ===, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR st.~~~ (RIGHTARG = int, FUNCTION = int4um);
COMMENT ON OPERATOR === (int, int) IS 'equal';
CREATE DEFAULT CONVERSION st.latin_utf FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE TEXT SEARCH TEMPLATE st.tmpl (INIT = dsimple_init, LEXIZE = dsimple_lexize);
CREATE TEXT SEARCH PARSER st.prs (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, LEXTYPES = prsd_lextype);
CREATE TEXT SEARCH DICTIONARY st.eng (TEMPLATE = snowball, language = 'english', stopwords = 'english');
CREATE TEXT SEARCH CONFIGURATION st.cfg (PARSER = st.prs);
ALTER TEXT SEARCH CONFIGURATION st.cfg ADD MAPPING FOR asciiword, word WITH st.eng, simple;
CREATE TEXT SEARCH CONFIGURATION st.english2 (COPY = english);
CREATE OPERATOR CLASS oc FOR TYPE int USING hash AS OPERATOR 1 ===, FUNCTION 1 hashint4(int);
CREATE OPERATOR FAMILY st.fam USING btree;
ALTER OPERATOR FAMILY st.fam USING btree ADD OPERATOR 3 = (int, bigint), FUNCTION 1 btint48cmp(int, bigint);
CREATE FUNCTION pl_handler() RETURNS language_handler AS '$libdir/plpgsql', 'plpgsql_call_handler' LANGUAGE C;
CREATE TRUSTED LANGUAGE mypl HANDLER pl_handler;
COMMENT ON LANGUAGE mypl IS 'again';
CREATE AGGREGATE my_avg(float8) (SFUNC = float8_accum, STYPE = float8[], FINALFUNC = float8_avg, INITCOND = '{0,0,0}',
  MSFUNC = float8_accum, MINVFUNC = float8_accum, MSTYPE = float8[], MFINALFUNC = float8_avg, MINITCOND = '{0,0,0}');
CREATE AGGREGATE my_pct(float8 ORDER BY float8) (SFUNC = ordered_set_transition, STYPE = internal,
  FINALFUNC = percentile_disc_final, FINALFUNC_EXTRA);
CREATE AGGREGATE my_rank(VARIADIC "any" ORDER BY VARIADIC "any") (SFUNC = ordered_set_transition_multi, STYPE = internal,
  FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
CREATE AGGREGATE my_max(int) (SFUNC = int4larger, STYPE = int, SORTOP = >);
"""


def test_new_kinds_across_versions(pg, pg15):
    """Every kind added for pg_dump parity reads the same on PostgreSQL 15 and 18 (its catalog query
    runs on both: columns that moved or changed type between versions are read through)."""
    from conftest import run_sql
    dsn18, dsn15 = pg.dsn(pg.create_database()), pg15.dsn(pg15.create_database())
    for dsn in (dsn18, dsn15):
        run_sql(dsn, NEW_KINDS)
    assert_no_drift(dsn18, dsn15)
    s15 = capture(dsn15)
    assert {kind: len(s15[kind]) for kind in ("extended_statistics", "casts", "foreign_data_wrappers", "foreign_servers",
                                              "user_mappings", "publications", "publication_tables", "rules",
                                              "event_triggers", "operators", "conversions", "text_search_templates",
                                              "text_search_parsers", "text_search_dictionaries",
                                              "text_search_configurations", "operator_classes",
                                              "operator_families", "languages")} == {
        "extended_statistics": 3, "casts": 3, "foreign_data_wrappers": 1, "foreign_servers": 1, "user_mappings": 1,
        "publications": 2, "publication_tables": 1, "rules": 2,
        "event_triggers": 2, "operators": 2, "conversions": 1, "text_search_templates": 1, "text_search_parsers": 1,
        "text_search_dictionaries": 1, "text_search_configurations": 2, "operator_classes": 1, "operator_families": 2,
        "languages": 1}
