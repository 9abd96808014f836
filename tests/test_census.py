"""The census of unmodelled objects (census.py, catalog/census.sql): what no kind models is counted,
named, reported by diff (exit 1), listed in plan.json's skipped and in the report; never silent."""
from __future__ import annotations

import json

import psycopg
import pytest
from psycopg import sql

from conftest import workbench_cli
from workbench import kinds
from workbench.catalog.fetch import fingerprint as fetch_fingerprint
from workbench.census import LABELS, Census
from workbench.errors import WorkbenchError
from workbench.compare import compare
from workbench.planner import plan
from workbench.snapshot import Snapshot, capture

CAST = ("CREATE TYPE money2 AS (v numeric);"
        "CREATE FUNCTION money2_num(money2) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT ($1).v';")
BASE = "CREATE TABLE t (a int, b int);"
SHELL = "CREATE TYPE shell;"
BASE_TYPE = ("CREATE TYPE b1; CREATE FUNCTION b1_in(cstring) RETURNS b1 LANGUAGE internal IMMUTABLE STRICT AS 'int4in';"
             "CREATE FUNCTION b1_out(b1) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out';"
             "CREATE TYPE b1 (INPUT = b1_in, OUTPUT = b1_out, LIKE = int4);")


@pytest.fixture
def subscribe():
    """subscribe(dsn): a subscription in that database (what no registry kind models: subscriptions are
    reported, never planned), made without a connection or a slot and dropped after the test (a
    database with a subscription cannot be dropped). Request it after make_db: it is undone first."""
    made: list[str] = []

    def make(dsn: str) -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:     # CREATE SUBSCRIPTION: no transaction block
            conn.execute(sql.SQL("CREATE SUBSCRIPTION {} CONNECTION 'dbname=nowhere' PUBLICATION p "
                                 "WITH (connect = false, slot_name = NONE)").format(sql.Identifier(SUBSCRIPTION)))
        made.append(dsn)

    yield make
    for dsn in made:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SUBSCRIPTION {}").format(sql.Identifier(SUBSCRIPTION)))


SUBSCRIPTION = "sub one"
SUBSCRIPTION_NAME = '"sub one"'                        # as the census names it (quote_ident)


def test_diff_exits_1_and_lists_an_unmodelled_difference(make_db, subscribe, tmp_path):
    """A subscription (unmodelled) only the source has: diff exits 1 and names it, the plan skips it."""
    kind, name = "subscriptions", SUBSCRIPTION_NAME
    source = make_db(CAST + BASE)
    target = make_db(CAST + BASE)
    subscribe(source)
    result = workbench_cli("diff", source, target, "--format", "json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert all(not (c["only_in_source"] or c["only_in_target"] or c["changed"]) for c in data["summary"].values())
    assert data["unmodeled"] == {kind: {"label": LABELS[kind], "source": 1, "target": 0,
                                        "only_in_source": [name], "only_in_target": []}}
    text = workbench_cli("diff", source, target)
    assert text.returncode == 1
    assert f"    + {name}" in text.stdout.splitlines() and "unmodeled" in text.stdout
    # the same databases the other way round: the name is the target's
    other_way = json.loads(workbench_cli("diff", target, source, "--format", "json").stdout)
    assert other_way["unmodeled"][kind]["only_in_target"] == [name]
    # the plan cannot write it, and says so
    planned = workbench_cli("plan", source, target, "--out", str(tmp_path / "plan"))
    assert planned.returncode == 0, planned.stderr
    skipped = json.loads((tmp_path / "plan" / "plan.json").read_text())["skipped"]
    assert [(s["kind"], s["identity"], s["status"]) for s in skipped] == [(kind, {"name": name}, "only_in_source")]
    assert "unmodelled" in skipped[0]["reason"] and f"skipped {kind} {name}: unmodelled" in planned.stdout


def test_identical_unmodelled_objects_are_no_drift(make_db, subscribe):
    schema = CAST + BASE + SHELL + BASE_TYPE
    source, target = make_db(schema), make_db(schema)
    subscribe(source)
    subscribe(target)
    result = workbench_cli("diff", source, target, "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["unmodeled"]["subscriptions"]["source"] == 1


def test_the_census_sees_every_kind_and_leaves_out_extension_members(make_db):
    dsn = make_db(CAST + BASE + """
        CREATE EXTENSION hstore; CREATE EXTENSION postgres_fdw;
        CREATE CAST (money2 AS numeric) WITH FUNCTION money2_num(money2);
        CREATE PUBLICATION pub; CREATE STATISTICS st ON a, b FROM t; CREATE RULE r AS ON INSERT TO t DO NOTHING;
        CREATE COLLATION c1 (provider = libc, locale = 'C'); CREATE TEXT SEARCH CONFIGURATION ts (COPY = simple);
        CREATE SERVER srv FOREIGN DATA WRAPPER postgres_fdw; CREATE USER MAPPING FOR PUBLIC SERVER srv;
        ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;
        CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
        CREATE EVENT TRIGGER et ON ddl_command_start EXECUTE FUNCTION evt();
        CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
        CREATE OPERATOR CLASS oc FOR TYPE int USING hash AS OPERATOR 1 ===, FUNCTION 1 hashint4(int);
        CREATE CONVERSION conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
    """)
    census = capture(dsn).census
    assert census is not None
    assert census.unmodeled() == {
    }
    # hstore's and postgres_fdw's own operators, casts and wrapper are the extensions (not in the list
    # above); the kinds the registry reads itself are counted by their own queries, not again here
    # the registry's kinds (collations, casts, default privileges, ...) are counted but modelled: off the list
    assert census.counts == {**{kind: len(names) for kind, names in census.unmodeled().items()}, "collations": 1,
                             "casts": 1, "extended_statistics": 1, "foreign_servers": 1, "user_mappings": 1,
                             "publications": 1, "rules": 1, "event_triggers": 1,
                             "operators": 1, "conversions": 1, "text_search_configurations": 1,
                             "operator_classes": 1, "operator_families": 1, "default_privileges": 1}


def test_a_kind_the_registry_models_leaves_the_census_list(make_db, subscribe, monkeypatch):
    source = make_db(CAST + BASE + SHELL + BASE_TYPE)
    target = make_db(CAST + BASE)
    subscribe(source)
    source_snapshot, target_snapshot = capture(source), capture(target)
    # shell and base types are kinds: counted by the census, off its list
    assert source_snapshot.census is not None and source_snapshot.census.counts["base_types"] == 1
    assert set(compare(source_snapshot, target_snapshot).unmodeled) == {"subscriptions"}
    # what adding Kind("subscriptions", ...) to kinds.py does, without its catalog query
    monkeypatch.setitem(kinds.KINDS, "subscriptions", kinds.Kind("subscriptions", ("name",), ()))
    drift = compare(source_snapshot, target_snapshot, kinds=("tables",))
    assert drift.unmodeled == {} and plan(drift).skipped == []


def test_the_census_survives_a_snapshot_file_and_old_files_claim_nothing(make_db, tmp_path):
    source = capture(make_db(CAST + SHELL))
    loaded = Snapshot.load(source.save(tmp_path / "s.json"))
    assert loaded.census == source.census and loaded.fingerprint == source.fingerprint
    data = json.loads((tmp_path / "s.json").read_text())
    del data["census"]
    with pytest.raises(WorkbenchError, match="does not match its fingerprint"):   # the census is content
        Snapshot.from_dict(data)
    data["fingerprint"] = fetch_fingerprint(source.tables)   # a file from before censuses: its fingerprint had none
    old = Snapshot.from_dict(data)
    assert old.census is None
    assert compare(old, capture(make_db(CAST))).unmodeled == {}


def test_a_schema_filter_keeps_only_that_schemas_named_objects(make_db, subscribe):
    source, target = make_db("CREATE SCHEMA app;"), make_db("CREATE SCHEMA app;")
    subscribe(source)
    assert "subscriptions" in compare(capture(source), capture(target)).unmodeled
    drift = compare(capture(source), capture(target), schemas=("app",))
    assert "subscriptions" not in drift.unmodeled           # database-wide: no schema to keep it
    # every unmodelled kind left is database-wide: the schema'd names are filtered like these
    census = Census({"x": 3}, {"x": [("app", "app.a"), ("other", "other.b"), (None, "c")]})
    assert census.filtered(("app",)).names == {"x": [("app", "app.a")]}
    assert census.filtered((), ("app",)).names == {"x": [("other", "other.b"), (None, "c")]}


def test_the_report_shows_unmodelled_drift(make_db, subscribe, monkeypatch):
    from workbench.present import drift_report as notebook

    source = make_db(CAST + BASE)
    target = make_db(CAST + BASE)
    subscribe(source)
    inputs = notebook.load(source=source, target=target)
    assert "differ in subscriptions" in notebook.header_html(inputs)
    shown: list = []
    monkeypatch.setattr(notebook, "show_html", shown.append)
    monkeypatch.setattr(notebook, "show_table", lambda frame, index=True: shown.append(frame))
    notebook.show_summary(inputs)
    assert any(isinstance(s, str) and "Unmodeled" in s for s in shown)
    [frame] = [s for s in shown if not isinstance(s, str) and "only in source" in s.columns]
    assert frame.to_dict("records") == [{"kind": "subscriptions", "source": 1, "target": 0,
                                         "only in source": SUBSCRIPTION_NAME, "only in target": ""}]


def test_ownership_is_modelled_not_unmodelled(make_db):
    """Owners other than the database owner are counted by the census, and modelled by the owned
    kinds' `owner` column (compared with --with-owners): never on the unmodelled list, asked or not."""
    schema = "CREATE SCHEMA app; CREATE TABLE app.t (a int);"
    source = make_db(schema + "DO $$ BEGIN CREATE ROLE drift_census_owner; EXCEPTION WHEN duplicate_object THEN NULL; "
                     "END $$; ALTER TABLE app.t OWNER TO drift_census_owner;")
    target = make_db(schema)
    source_snapshot, target_snapshot = capture(source), capture(target)
    assert source_snapshot.census is not None and source_snapshot.census.counts.get("ownership") == 1
    assert "ownership" not in source_snapshot.census.unmodeled()
    for with_owners in (False, True):
        drift = compare(source_snapshot, target_snapshot, with_owners=with_owners)
        assert drift.unmodeled == {} and not drift.has_unmodeled_drift
        assert drift.has_drift is with_owners

