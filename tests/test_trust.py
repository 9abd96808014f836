"""Trust (issue 8): nothing runs on a target that plan.json does not hold.

Names, labels and comments of the source are hostile input: a line break in a table's name must
not end a comment line of a stage file and run the rest of the name on the target, neither
through `workbench apply` nor through `psql -f`.
"""
from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess

import psycopg
import pytest
from psycopg import sql

from conftest import workbench_cli
from workbench.catalog.fetch import fingerprint
from workbench.errors import WorkbenchError
from workbench.kinds import KINDS
from workbench.planner.quote import comment, ident, literal
from workbench.planner.stagecheck import canonical, split, statement_hash
from workbench.present.migration_plan import accepted_edits_html
from workbench.present.text import edit_line
from workbench.snapshot import Frames, capture

INJECTING_NAME = "x\nTRUNCATE public.accounts;\n--"


def rows(dsn: str, sql: str) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(sql).fetchall()


def test_comment_escapes_every_control_character_visibly():
    for char in [chr(c) for c in range(0x20)] + ["\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u200b"]:
        line = comment(f"a{char}b")
        assert line.startswith("-- a") and line.endswith("b")
        assert char not in line, repr(line)
        assert "\\" in line                         # shown, not dropped
    assert comment("a\nb\rc\td") == "-- a\\nb\\rc\\td"
    assert comment("back\\n slash") == "-- back\\\\n slash"    # a real backslash-n stays distinguishable
    assert comment("ünïcødé $$ */ ; 'q' \"q\"") == "-- ünïcødé $$ */ ; 'q' \"q\""


def test_literal_reads_the_same_whatever_standard_conforming_strings(db):
    text = "it's a \\'; DROP TABLE x; --"
    with psycopg.connect(db, autocommit=True) as conn:
        for setting in ("on", "off"):
            conn.execute(f"SET standard_conforming_strings = {setting}")
            conn.execute("SET escape_string_warning = off")
            assert conn.execute(f"SELECT {literal(text)}").fetchone()[0] == text


def test_newline_in_a_table_name_does_not_run_on_the_target(make_db, tmp_path):
    """The reproduction of issue 8: the name ends a comment line and TRUNCATEs `accounts`."""
    source = make_db(f'CREATE TABLE public.accounts (id int PRIMARY KEY);'
                     f'CREATE TABLE public."{INJECTING_NAME}" (id int)')
    target = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY);"
                     "INSERT INTO public.accounts SELECT generate_series(1, 5)")
    out = tmp_path / "inj"
    planned = workbench_cli("plan", source, target, "--out", str(out))
    assert planned.returncode == 0, planned.stderr
    stage = (out / "stage02_tables.sql").read_text()
    assert "-- create tables public.x\\nTRUNCATE public.accounts;\\n--\n" in stage      # escaped in its comment
    statements = [piece.sql for piece in split(stage)]
    assert not any(sql.startswith("TRUNCATE") for sql in statements), statements

    if shutil.which("psql"):                         # psql -f runs the same file as harmless
        psql_target = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY);"
                              "INSERT INTO public.accounts SELECT generate_series(1, 5)")
        for name in ("stage00_prerequisites", "stage02_tables"):
            ran = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", psql_target,
                                  "-f", str(out / f"{name}.sql")], capture_output=True, text=True, timeout=60)
            assert ran.returncode == 0, ran.stderr
        assert rows(psql_target, "SELECT count(*) FROM public.accounts") == [(5,)]
        assert rows(psql_target, "SELECT relname FROM pg_class WHERE relname LIKE 'x%TRUNCATE%'") == [(INJECTING_NAME,)]

    applied = workbench_cli("apply", str(out), target)
    assert applied.returncode == 0, applied.stderr
    assert rows(target, "SELECT count(*) FROM public.accounts") == [(5,)]
    assert rows(target, "SELECT relname FROM pg_class WHERE relname LIKE 'x%TRUNCATE%'") == [(INJECTING_NAME,)]
    verified = workbench_cli("verify", source, target)
    assert verified.returncode == 0, verified.stdout + verified.stderr


# --- apply runs only what plan.json holds ------------------------------------------------------
@pytest.fixture
def planned_pair(make_db, tmp_path):
    """A plan of two new tables and a comment, written by `workbench plan`, and its target."""
    source = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY); CREATE TABLE public.a (id int);"
                     "CREATE TABLE public.b (id int); COMMENT ON TABLE public.accounts IS 'planned'")
    target = make_db("CREATE TABLE public.accounts (id int PRIMARY KEY);"
                     "INSERT INTO public.accounts SELECT generate_series(1, 5)")
    out = tmp_path / "plan"
    planned = workbench_cli("plan", source, target, "--out", str(out))
    assert planned.returncode == 0, planned.stderr
    return out, target


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("change", ["added", "removed", "changed"])
def test_an_edited_stage_file_is_refused_naming_the_statement_unless_accepted(planned_pair, change):
    out, target = planned_pair
    tables, finishing = out / "stage02_tables.sql", out / "stage09_finishing.sql"
    if change == "added":
        _edit(tables, "\nCOMMIT;", "\nTRUNCATE public.accounts;\nCOMMIT;")
        line = tables.read_text().splitlines().index("TRUNCATE public.accounts;") + 1
        expected = rf"{tables}:{line}: holds a statement plan.json does not: 'TRUNCATE public.accounts'"
    elif change == "removed":
        text = tables.read_text()
        tables.write_text(text.replace("CREATE TABLE public.b (\n    id integer\n);", ""))
        expected = rf"{tables}:\d+: lacks the planned statement create:tables:public\.b: 'CREATE TABLE public\.b"
    else:
        _edit(finishing, "'planned'", "'reviewed'")
        line = next(i for i, text in enumerate(finishing.read_text().splitlines(), 1) if "'reviewed'" in text)
        expected = (rf"{finishing}:{line}: changes the planned statement create:comments:\S+: "
                    r"'COMMENT ON TABLE public\.accounts IS 'reviewed''")

    refused = workbench_cli("apply", str(out), target)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), refused.stderr
    assert re.search(expected, lines[0]), lines[0]
    assert "--accept-edits" in lines[0]
    assert not (out / "apply_log.json").exists()
    assert rows(target, "SELECT count(*) FROM pg_class WHERE relname IN ('a', 'b')") == [(0,)]
    rehearsal = workbench_cli("apply", str(out), target, "--rehearse")
    assert rehearsal.returncode == 2 and re.search(expected, rehearsal.stderr), rehearsal.stderr

    accepted = workbench_cli("apply", str(out), target, "--accept-edits")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "1 edit(s) of the stage files accepted (--accept-edits):" in accepted.stdout
    log = json.loads((out / "apply_log.json").read_text())
    assert log["options"]["accept_edits"] is True
    assert [(e["change"], e["stage"]) for e in log["accepted_edits"]] == \
        [(change, "stage09_finishing" if change == "changed" else "stage02_tables")]
    assert re.search(expected.split(": ", 1)[1], edit_line(log["accepted_edits"][0]))
    assert edit_line(log["accepted_edits"][0]) in accepted.stdout
    kept = [(0,)] if change == "added" else [(5,)]       # the accepted TRUNCATE ran: the user's choice
    assert rows(target, "SELECT count(*) FROM public.accounts") == kept
    tables_made = rows(target, "SELECT relname FROM pg_class WHERE relname IN ('a', 'b') ORDER BY 1")
    assert tables_made == ([("a",)] if change == "removed" else [("a",), ("b",)])
    if change == "changed":
        assert rows(target, "SELECT obj_description('public.accounts'::regclass)") == [("reviewed",)]
    markup = accepted_edits_html(log)
    assert markup.count("<li>") == 1 and html.escape(edit_line(log["accepted_edits"][0])) in markup


def test_plan_json_statements_carry_a_hash_that_apply_checks(planned_pair):
    out, target = planned_pair
    plan = json.loads((out / "plan.json").read_text())
    for statement in plan["statements"]:
        assert statement["sha256"] == statement_hash(canonical(statement["sql"]))
    # plan.json edited to match an edited stage file: its hash no longer matches its statement
    text = (out / "plan.json").read_text()
    (out / "plan.json").write_text(text.replace("IS 'planned'", "IS 'other'"))
    _edit(out / "stage09_finishing.sql", "'planned'", "'other'")
    refused = workbench_cli("apply", str(out), target, "--accept-edits")
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert re.fullmatch(rf"error: {out / 'plan.json'}: statement create:comments:\S+ does not match its sha256 "
                        r"\(plan.json was edited after planning\); make the plan again", refused.stderr.strip())


# --- snapshot files are untrusted input ----------------------------------------------------------
def _refingerprint(data: dict) -> dict:
    """What a crafter does after an edit: the fingerprint made to match the content again."""
    from workbench.census import Census

    census = Census.from_dict(data["census"]) if data.get("census") is not None else None
    data["fingerprint"] = fingerprint({kind: (body["columns"], body["rows"]) for kind, body in data["kinds"].items()},
                                      census)
    return data


def _inject_default(data: dict) -> dict:
    body = data["kinds"]["columns"]
    position, name = body["columns"].index("default_value"), body["columns"].index("name")
    row = next(r for r in body["rows"] if r[name] == "c")
    row[position] = "0, DROP COLUMN important"
    return _refingerprint(data)


def _drop_kind(data: dict) -> dict:
    del data["kinds"]["indexes"]
    return _refingerprint(data)


def _drop_column(data: dict) -> dict:
    body = data["kinds"]["columns"]
    position = body["columns"].index("default_value")
    del body["columns"][position]
    for row in body["rows"]:
        del row[position]
    return _refingerprint(data)


def _older_file(data: dict) -> dict:
    """A file from before tables and columns were read in full (replica identity, typed tables,
    column statistics, storage, compression, identity sequences, CLUSTER ON ...)."""
    for kind, names in (("tables", ("replica_identity", "of_type")),
                        ("columns", ("statistics", "storage", "type_storage", "compression", "identity_sequence",
                                     "identity_options", "not_null_name", "not_null_inherited")),
                        ("indexes", ("clustered", "replica_identity", "options"))):
        body = data["kinds"][kind]
        for name in names:
            position = body["columns"].index(name)
            del body["columns"][position]
            for row in body["rows"]:
                del row[position]
    return _refingerprint(data)


def _wrong_type(data: dict) -> dict:
    body = data["kinds"]["sequences"]
    body["rows"][0][body["columns"].index("increment")] = "1 CYCLE"
    return _refingerprint(data)


def _no_fingerprint(data: dict) -> dict:
    del data["fingerprint"]
    return data


@pytest.mark.parametrize("craft, message", [
    (_inject_default, r"columns public\.t\.c: default_value '0, DROP COLUMN important' does not parse"),
    (_drop_kind, r"kind\(s\) indexes missing"),
    (_drop_column, r"kind columns lacks column\(s\) default_value"),
    (_older_file, r"kind tables lacks column\(s\) replica_identity, of_type \(written by an older workbench: "
                  r"capture it again\)$"),
    (_wrong_type, r"kind sequences row 1 column increment: \"1 CYCLE\" is not an integer"),
    (_no_fingerprint, r"no fingerprint"),
], ids=["injected default", "missing kind", "wrong columns", "older file", "wrong types", "no fingerprint"])
def test_a_crafted_snapshot_is_refused_in_one_line_and_nothing_is_planned(make_db, tmp_path, craft, message):
    source = make_db("CREATE SEQUENCE s; CREATE TABLE public.t (important int, c int DEFAULT 1);"
                     "CREATE INDEX t_c ON public.t (c)")
    target = make_db("CREATE TABLE public.t (important int)")
    good = capture(source).save(tmp_path / "good.json")
    crafted = tmp_path / "crafted.json"
    crafted.write_text(json.dumps(craft(json.loads(good.read_text()))))
    out = tmp_path / "plan"
    result = workbench_cli("plan", str(crafted), target, "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {crafted}: "), result.stderr
    assert re.search(message, lines[0]), lines[0]
    assert not (out / "plan.json").exists()
    assert workbench_cli("plan", str(good), target, "--out", str(out)).returncode == 0      # the file as captured


def test_fragments_of_a_live_catalog_are_checked_too(make_db, monkeypatch):
    """The same check on a live side: a catalog row the planner would put into DDL as it is."""
    from workbench import fragments
    from workbench.compare import compare
    from workbench.planner import plan

    source = make_db("CREATE TABLE public.t (c int DEFAULT 1)")
    target = make_db()
    live = capture(source)
    columns, rows = live.table("columns")
    rows = [list(row) for row in rows]
    rows[0][columns.index("default_value")] = "1 NOT NULL"           # as if a catalog query said so
    drift = compare(dataclasses.replace(live, frames=Frames({**live.tables, "columns": (columns, rows)})),
                    capture(target))
    with pytest.raises(WorkbenchError, match=r"^source \S+: columns public\.t\.c: default_value '1 NOT NULL' "
                                             r"is more than one expression$"):
        plan(drift)
    assert fragments.CHECKS["columns"]["default_value"] is fragments.default


# --- every bad file: `error: FILE: what is wrong`, exit 2 ------------------------------------------
def test_bad_files_are_named_in_one_line(planned_pair, tmp_path):
    out, target = planned_pair

    def refused(*args: str) -> str:
        result = workbench_cli(*args)
        assert result.returncode == 2, result.stdout + result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and "internal error" not in lines[0], result.stderr
        return lines[0]

    latin = tmp_path / "latin1.json"
    latin.write_bytes(b'{"format": "drift-workbench/snapshot", "dsn": "caf\xe9"}')
    assert refused("diff", str(latin), target) == f"error: {latin}: not a snapshot: not UTF-8 text (byte 50)"
    shapeless = tmp_path / "list.json"
    shapeless.write_text("[1, 2]")
    assert refused("diff", str(shapeless), target).startswith(f"error: {shapeless}: not a drift-workbench snapshot")

    plan_json = out / "plan.json"
    original = plan_json.read_bytes()
    plan_json.write_bytes(original.replace(b"'planned'", b"'\xff'"))
    assert refused("apply", str(out), target).startswith(f"error: {plan_json}: not a plan: not UTF-8 text")
    plan_json.write_bytes(original[:-20])
    assert refused("apply", str(out), target).startswith(f"error: {plan_json}: not a plan: not JSON")
    data = json.loads(original)
    data["statements"][0]["sql"] = 42
    plan_json.write_text(json.dumps(data))
    assert refused("apply", str(out), target) == f"error: {plan_json}: statement 1: sql must be text"
    plan_json.write_bytes(original)

    stage = out / "stage02_tables.sql"
    text = stage.read_bytes()
    stage.write_bytes(text.replace(b"-- create", b"-- cr\xe9ate", 1))
    assert refused("apply", str(out), target).startswith(f"error: {stage}: not a stage file: not UTF-8 text")
    stage.write_bytes(text)

    log = out / "apply_log.json"
    log.write_text('{"format": "drift-workbench/apply-log", "stages": {}}')
    assert refused("apply", str(out), target).startswith(f"error: {log}: corrupt apply log (stages must be a list)")
    log.write_text("{")
    assert refused("apply", str(out), target).startswith(f"error: {log}: corrupt apply log")
    log.unlink()
    assert workbench_cli("apply", str(out), target).returncode == 0


def test_a_bug_exits_3_and_says_where_to_report_it(monkeypatch, capsys):
    from workbench import cli
    from workbench.errors import EXIT_BUG, REPORT_BUGS, PlannerBug

    def broken(_args):
        raise KeyError("oops")

    monkeypatch.setattr(cli, "_cmd_diff", broken)
    monkeypatch.delenv("WORKBENCH_DEBUG", raising=False)
    assert cli.main(["diff", "a.json", "b.json"]) == EXIT_BUG == 3
    assert capsys.readouterr().err == f"error: internal error KeyError: 'oops' ({REPORT_BUGS})\n"

    def planner_bug(_args):
        raise PlannerBug("planner bug: x does not parse")

    monkeypatch.setattr(cli, "_cmd_diff", planner_bug)
    assert cli.main(["diff", "a.json", "b.json"]) == 3
    assert capsys.readouterr().err == f"error: internal error planner bug: x does not parse ({REPORT_BUGS})\n"


# --- the property: hostile text everywhere, plan onto an empty target, only planned statements run ---
# each case is one hostile piece of text, used in the names, labels and comments of every kind
HOSTILE = ["nl\nTRUNCATE x;--", "cr\rDROP x", "tab\tx", "bell\x07esc\x1bdel\x7f", "c1\x85\x9bx", "quote'x", 'dq"x',
           "dollar$$x", "$q$tag", "star*/x", "open/*x", "dash--x", "semi;x", "bs\\x\\n", "ünï €😀", "ls\u2028ps\u2029",
           "rtl\u202ex", "LOG:  x", ":var x"]
ROLE = "wb role\n;--'\"$$"


def _hostile_source_sql() -> list[sql.Composable]:
    """Objects of every kind (but extensions, whose names are fixed) named and labelled with HOSTILE."""
    schema = sql.Identifier("sch\n;--$$*/'\"ü")
    q = lambda *names: sql.SQL(".").join([schema, *map(sql.Identifier, names)])  # noqa: E731
    statements = [sql.SQL("CREATE SCHEMA {}").format(schema),
                  sql.SQL("COMMENT ON SCHEMA {} IS {}").format(schema, sql.Literal("\n".join(HOSTILE))),
                  sql.SQL("CREATE COLLATION {} (provider = libc, locale = 'C')").format(q("coll\n;--$$")),
                  sql.SQL("CREATE TYPE {} AS ENUM ({})").format(q("enum\n;"), sql.SQL(", ").join(map(sql.Literal, HOSTILE))),
                  sql.SQL("CREATE CAST ({} AS text) WITH INOUT").format(q("enum\n;")),
                  sql.SQL("CREATE FOREIGN DATA WRAPPER {} OPTIONS ({} {})").format(
                      sql.Identifier("fdw\n;--$$"), sql.Identifier("key'\n"), sql.Literal(HOSTILE[0])),
                  sql.SQL("CREATE SERVER {} FOREIGN DATA WRAPPER {} OPTIONS (host {})").format(
                      sql.Identifier("srv */\r"), sql.Identifier("fdw\n;--$$"), sql.Literal(HOSTILE[-1])),
                  sql.SQL("CREATE USER MAPPING FOR {} SERVER {} OPTIONS (user {})").format(
                      sql.Identifier(ROLE), sql.Identifier("srv */\r"), sql.Literal(HOSTILE[1])),
                  sql.SQL("CREATE TYPE {} AS ({})").format(q("comp\r$$"), sql.SQL(", ").join(
                      sql.SQL("{} int").format(sql.Identifier(f"a{i}{text}")) for i, text in enumerate(HOSTILE))),
                  sql.SQL("CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW.{} := {}; RETURN NEW; "
                          "END $f$").format(q("trig fn\n"), sql.Identifier("note$$"), sql.Literal("$$ */ --\n;")),
                  sql.SQL("CREATE FUNCTION {}(int, int) RETURNS bool LANGUAGE sql AS 'SELECT $1 = $2'").format(q("op fn\n")),
                  sql.SQL("CREATE OPERATOR {}.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = {}, COMMUTATOR = ===, HASHES)").format(
                      schema, q("op fn\n")),
                  sql.SQL("COMMENT ON OPERATOR {}.=== (int, int) IS {}").format(schema, sql.Literal(HOSTILE[3])),
                  sql.SQL("CREATE OPERATOR FAMILY {} USING btree").format(q("fam\n;--")),
                  sql.SQL("ALTER OPERATOR FAMILY {} USING btree ADD OPERATOR 3 = (int, bigint)").format(q("fam\n;--")),
                  sql.SQL("CREATE OPERATOR CLASS {} FOR TYPE int USING hash AS OPERATOR 1 {}.===, FUNCTION 1 hashint4(int)").format(
                      q("opc */$$"), schema),
                  sql.SQL("CREATE TEXT SEARCH TEMPLATE {} (INIT = dsimple_init, LEXIZE = dsimple_lexize)").format(q("tmpl\n;")),
                  sql.SQL("CREATE TEXT SEARCH PARSER {} (START = prsd_start, GETTOKEN = prsd_nexttoken, END = prsd_end, "
                          "LEXTYPES = prsd_lextype)").format(q("prs */")),
                  sql.SQL("CREATE TEXT SEARCH DICTIONARY {} (TEMPLATE = {}, stopwords = 'english')").format(
                      q("dict'\r"), q("tmpl\n;")),
                  sql.SQL("CREATE TEXT SEARCH CONFIGURATION {} (PARSER = {})").format(q("cfg$$"), q("prs */")),
                  sql.SQL("ALTER TEXT SEARCH CONFIGURATION {} ADD MAPPING FOR word WITH {}").format(q("cfg$$"), q("dict'\r")),
                  sql.SQL("COMMENT ON TEXT SEARCH CONFIGURATION {} IS {}").format(q("cfg$$"), sql.Literal(HOSTILE[4])),
                  sql.SQL("CREATE FUNCTION {}() RETURNS language_handler AS '$libdir/plpgsql', 'plpgsql_call_handler' "
                          "LANGUAGE C").format(q("pl handler\n")),
                  sql.SQL("CREATE LANGUAGE {} HANDLER {}").format(sql.Identifier("pl\n;--$$'"), q("pl handler\n")),
                  sql.SQL("CREATE CONVERSION {} FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8").format(q("conv\n;--$$'")),
                  sql.SQL("CREATE FUNCTION {}() RETURNS event_trigger LANGUAGE plpgsql AS $f$ BEGIN END $f$").format(
                      q("evt fn\r")),
                  sql.SQL("CREATE EVENT TRIGGER {} ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION {}()").format(
                      sql.Identifier("evt\n;--$$'"), q("evt fn\r")),
                  sql.SQL("COMMENT ON EVENT TRIGGER {} IS {}").format(sql.Identifier("evt\n;--$$'"), sql.Literal(HOSTILE[2])),
                  sql.SQL("CREATE FUNCTION {}(internal) RETURNS table_am_handler LANGUAGE internal "
                          "AS 'heap_tableam_handler'").format(q("am handler\n")),
                  sql.SQL("CREATE ACCESS METHOD {} TYPE TABLE HANDLER {}").format(sql.Identifier("am\n;--$$'"),
                                                                                 q("am handler\n")),
                  sql.SQL("COMMENT ON ACCESS METHOD {} IS {}").format(sql.Identifier("am\n;--$$'"), sql.Literal(HOSTILE[5])),
                  sql.SQL("CREATE FUNCTION {}(internal) RETURNS internal LANGUAGE internal IMMUTABLE STRICT "
                          "AS 'int4send'").format(q("tf from\r")),
                  sql.SQL("CREATE TRANSFORM FOR int LANGUAGE {} (FROM SQL WITH FUNCTION {}(internal))").format(
                      sql.Identifier("pl\n;--$$'"), q("tf from\r")),
                  sql.SQL("COMMENT ON TRANSFORM FOR int LANGUAGE {} IS {}").format(sql.Identifier("pl\n;--$$'"),
                                                                                  sql.Literal(HOSTILE[8])),
                  sql.SQL("CREATE TYPE {}").format(q("shell\n;--$$'")),
                  sql.SQL("COMMENT ON TYPE {} IS {}").format(q("shell\n;--$$'"), sql.Literal(HOSTILE[6])),
                  sql.SQL("CREATE TYPE {}").format(q("base\r;--'")),
                  sql.SQL("CREATE FUNCTION {}(cstring) RETURNS {} LANGUAGE internal IMMUTABLE STRICT AS 'int4in'").format(
                      q("base in\n"), q("base\r;--'")),
                  sql.SQL("CREATE FUNCTION {}({}) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'int4out'").format(
                      q("base out$$"), q("base\r;--'")),
                  sql.SQL("CREATE TYPE {} (INPUT = {}, OUTPUT = {}, LIKE = int4, DEFAULT = {}, CATEGORY = 'N')").format(
                      q("base\r;--'"), q("base in\n"), q("base out$$"), sql.Literal("7' );--")),
                  sql.SQL("COMMENT ON TYPE {} IS {}").format(q("base\r;--'"), sql.Literal(HOSTILE[7]))]
    for i, text in enumerate(HOSTILE):
        table, column, name = q(f"t{i} {text}"), sql.Identifier(f"c{i} {text}"), f"{i} {text}"
        statements += [
            sql.SQL("CREATE DOMAIN {} AS int CONSTRAINT {} CHECK (VALUE > {})").format(
                q(f"dom{name}"), sql.Identifier(f"chk{name}"), sql.Literal(i)),
            sql.SQL("CREATE SEQUENCE {}").format(q(f"seq{name}")),
            sql.SQL("CREATE TABLE {} ({} int PRIMARY KEY, {} text DEFAULT {}, CONSTRAINT {} CHECK ({} > 0))").format(
                table, column, sql.Identifier("note$$"), sql.Literal(text), sql.Identifier(f"con{name}"), column),
            sql.SQL("CREATE INDEX {} ON {} ({})").format(sql.Identifier(f"ix{name}"), table, sql.Identifier("note$$")),
            sql.SQL("CREATE STATISTICS {} ON {}, {} FROM {}").format(q(f"stx{name}"), column, sql.Identifier("note$$"), table),
            sql.SQL("CREATE VIEW {} AS SELECT {} AS {} FROM {} WHERE {} <> {}").format(
                q(f"v{name}"), column, sql.Identifier(f"alias{name}"), table, sql.Identifier("note$$"), sql.Literal(text)),
            sql.SQL("CREATE MATERIALIZED VIEW {} AS SELECT {} FROM {}").format(q(f"mv{name}"), column, table),
            sql.SQL("CREATE FUNCTION {}({} text) RETURNS text LANGUAGE sql AS $fn$ SELECT {} || $1 $fn$").format(
                q(f"f{name}"), sql.Identifier(f"arg{name}"), sql.Literal(text)),
            sql.SQL("CREATE TRIGGER {} BEFORE INSERT ON {} FOR EACH ROW EXECUTE FUNCTION {}()").format(
                sql.Identifier(f"tg{name}"), table, q("trig fn\n")),
            sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table),
            sql.SQL("CREATE POLICY {} ON {} USING ({} <> {})").format(
                sql.Identifier(f"pol{name}"), table, sql.Identifier("note$$"), sql.Literal(text)),
            sql.SQL("CREATE RULE {} AS ON DELETE TO {} WHERE old.{} = {} DO INSTEAD NOTHING").format(
                sql.Identifier(f"rule{name}"), table, sql.Identifier("note$$"), sql.Literal(text)),
            sql.SQL("CREATE PUBLICATION {} FOR TABLE {} ({}) WHERE ({} <> {})").format(
                sql.Identifier(f"pub{name}"), table, column, sql.Identifier("note$$"), sql.Literal(text)),
            sql.SQL("GRANT SELECT ON {} TO {}").format(table, sql.Identifier(ROLE)),
            sql.SQL("COMMENT ON TABLE {} IS {}").format(table, sql.Literal(text)),
            sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(table, column, sql.Literal(f"*/ {text} /*")),
            sql.SQL("COMMENT ON FUNCTION {}(text) IS {}").format(q(f"f{name}"), sql.Literal(f"$$ {text}")),
            sql.SQL("ALTER SEQUENCE {} OWNER TO {}").format(q(f"seq{name}"), sql.Identifier(ROLE)),
        ]
    statements += [sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE ON TYPES TO {}").format(
                       sql.Identifier(ROLE), schema, sql.Identifier(ROLE)),
                   sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON SEQUENCES TO {}").format(
                       schema, sql.Identifier(ROLE))]
    return statements


@pytest.fixture
def hostile_role(pg):
    with pg.connect() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(ROLE)))
    yield ROLE
    with pg.connect() as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))


def _logged_statements(log_text: str) -> list[str]:
    """The statements a server log holds (log_statement): each entry's text up to the next entry,
    with the tab the server writes after each newline of a message taken out again."""
    marker = re.compile(r"^\S+ \S+ \S+ \[\d+\] (?:\S+@\S+ )?LOG:  (?:statement|execute [^:]*): ", re.M)
    starts = list(marker.finditer(log_text))
    entry = re.compile(r"^\S+ \S+ \S+ \[\d+\] ", re.M)
    found = []
    for match in starts:
        following = entry.search(log_text, match.end())
        found.append(log_text[match.end():following.start() if following else len(log_text)].rstrip("\n")
                     .replace("\n\t", "\n"))
    return found


def test_hostile_names_labels_and_comments_round_trip_and_only_planned_statements_run(pg, hostile_role, make_db, tmp_path):
    source = make_db()
    with psycopg.connect(source, autocommit=True) as conn:
        for statement in _hostile_source_sql():
            conn.execute(statement)
    target = make_db()
    target_name = target.rsplit("/", 1)[1]
    with pg.connect() as conn:           # every DDL and DML statement on the target goes to the server log
        conn.execute(sql.SQL("ALTER DATABASE {} SET log_statement = 'mod'").format(sql.Identifier(target_name)))

    out = tmp_path / "plan"
    planned = workbench_cli("plan", source, target, "--out", str(out), "--with-privileges", "--with-owners")
    assert planned.returncode == 0, planned.stderr
    plan = json.loads((out / "plan.json").read_text())
    assert any(s["sql"].endswith(" OWNER TO " + ident(ROLE)) for s in plan["statements"])
    # every kind with a name (columns come with their CREATE TABLE; extensions have fixed names)
    assert {s["kind"] for s in plan["statements"]} == set(KINDS) - {"extensions", "columns"}
    for stage in sorted(out.glob("stage*.sql")):           # no text left its quotes or its comment line
        statements = [piece.sql for piece in split(stage.read_bytes().decode())]
        assert all(s in ("BEGIN", "COMMIT") or s.startswith("SET LOCAL ") or any(s == canonical(p["sql"])
                   for p in plan["statements"]) for s in statements), stage

    listed = workbench_cli("diff", source, target)           # names shown with control characters escaped
    assert listed.returncode == 1 and "t0 nl\\nTRUNCATE x;--" in listed.stdout, listed.stdout[:2000]
    assert not any(char in listed.stdout for char in "\r\x07\x1b\x85\u2028\u202e"), listed.stdout[:2000]

    log_file = pg.data_dir / "server.log"
    offset = log_file.stat().st_size
    applied = workbench_cli("apply", str(out), target)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    logged = _logged_statements(log_file.read_bytes()[offset:].decode("utf-8", "replace"))
    planned_texts = {canonical(s["sql"]) for s in plan["statements"]}
    assert logged, "log_statement logged nothing"
    assert [s for s in logged if s not in planned_texts] == []
    assert planned_texts - set(logged) == set()          # and every planned statement ran

    verified = workbench_cli("verify", source, target, "--format", "json", "--with-owners")
    assert verified.returncode == 0, verified.stdout[-2000:] + verified.stderr
    assert workbench_cli("diff", source, target, "--with-owners").returncode == 0
    with psycopg.connect(target) as conn:
        labels = conn.execute("SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum").fetchone()[0]
        assert labels == HOSTILE
        names = {row[0] for row in conn.execute("SELECT relname FROM pg_class WHERE relkind = 'r'")}
        assert {f"t{i} {text}" for i, text in enumerate(HOSTILE)} <= names


def test_the_snapshot_columns_are_what_the_catalog_queries_return(db):
    """catalog/snapshot_columns.py (what a snapshot file must hold) follows the catalog queries: after
    changing a query, regenerate it with `python -m workbench.snapshotcheck DSN`."""
    from workbench.catalog import snapshot_columns
    from workbench.snapshot import FORMAT_VERSION
    from workbench.snapshotcheck import columns_of_server

    assert snapshot_columns.VERSION == FORMAT_VERSION
    assert columns_of_server(db) == snapshot_columns.KINDS
    assert set(snapshot_columns.KINDS) == set(KINDS)
