"""Rows kept (workbench/rows.py): the plan lists the steps that can delete rows with their table's
rows on the target; apply counts the rows of every table it alters before and after, and a loss
(a table rebuilt empty) is flagged in apply's summary, verify and the report."""
from __future__ import annotations

import json

from conftest import workbench_cli
from workbench.apply import apply
from workbench.present.migration_plan import rows_frame
from workbench.present.text import apply_summary, verify_report
from workbench.verify import verify

SOURCE = """
CREATE TABLE public.big (id int PRIMARY KEY, a text);
CREATE TABLE public.rebuilt (id int, d date) PARTITION BY RANGE (d);
CREATE TABLE public.plain (id int);
"""
TARGET = """
CREATE TABLE public.big (id int PRIMARY KEY, a text, gone text);
INSERT INTO public.big SELECT g, 'a' || g, 'x' FROM generate_series(1, 10000) g;
CREATE TABLE public.rebuilt (id int, d date);
INSERT INTO public.rebuilt SELECT g, date '2024-01-01' + g FROM generate_series(1, 5) g;
CREATE TABLE public.plain (id int);
"""


def test_rows_before_and_after_with_a_dropped_column_and_a_rebuild(make_db, tmp_path):
    source, target = make_db(SOURCE), make_db(TARGET)
    out = tmp_path / "plan"
    planned = workbench_cli("plan", source, target, "--out", str(out), "--allow-drops")
    assert planned.returncode == 0, planned.stderr
    rows = json.loads((out / "plan.json").read_text())["rows"]
    at_risk = {(e["table"], e["action"]): e for e in rows["at_risk"]}
    dropped = next(e for e in rows["at_risk"] if e["table"] == "public.big")
    assert (dropped["rows"], dropped["exact"], dropped["how"]) == (10000, True, "count(*)")
    assert "data_loss" in dropped["hazards"] and "gone" in dropped["statement"]
    assert at_risk[("public.rebuilt", "drop")]["rows"] == 5
    assert "public.plain" not in {e["table"] for e in rows["at_risk"]}      # nothing planned on it
    assert "public.big holds 10,000 rows" in planned.stdout

    result = apply(out, target)
    assert result.exit_code == 0, result.log["stages"]
    counted = {e["table"]: e for e in result.log["rows"]}
    assert set(counted) == {"public.big", "public.rebuilt"}
    assert (counted["public.big"]["before"], counted["public.big"]["after"], counted["public.big"]["lost"]) == (10000, 10000, False)
    assert (counted["public.rebuilt"]["before"], counted["public.rebuilt"]["after"]) == (5, 0)
    assert counted["public.rebuilt"]["lost"] is True
    text = apply_summary(result.log)
    assert "public.big: rows 10,000 -> 10,000\n" in text + "\n"
    assert "public.rebuilt: rows 5 -> 0  ROWS LOST" in text and "1 LOST ROWS" in text

    checked = verify(source, target, rows=result.log["rows"])
    assert checked.to_json()["rows_lost"] == ["public.rebuilt"]
    assert "public.big: rows 10,000 -> 10,000" in verify_report(checked)
    frame = rows_frame(result.log["rows"])
    assert dict(zip(frame["table"], zip(frame["rows before -> after"], frame["lost"]))) == {
        "public.big": ("10,000 -> 10,000", ""), "public.rebuilt": ("5 -> 0", "LOST ROWS")}


def test_counts_in_batches_with_a_foreign_partition_left_to_its_estimate(make_db):
    """count() reads a hundred tables per query and transaction (a plan of thousands of tables in
    one transaction ran out of the server's lock table); a batch whose count(*) fails (a foreign
    partition with no user mapping) is counted a table at a time, that one by its estimate."""
    from workbench import connect as connect_mod
    from workbench.rows import BATCH, count

    many = BATCH + 20
    dsn = make_db(
        "".join(f"CREATE TABLE public.t{i} (id int); INSERT INTO public.t{i} SELECT generate_series(1, {i % 7});"
                for i in range(many))
        + "CREATE EXTENSION postgres_fdw; CREATE SERVER far FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'nowhere');"
          "CREATE TABLE public.parted (id int, d int) PARTITION BY RANGE (d);"
          "CREATE TABLE public.near PARTITION OF public.parted FOR VALUES FROM (0) TO (10);"
          "CREATE FOREIGN TABLE public.away PARTITION OF public.parted FOR VALUES FROM (10) TO (20) SERVER far;"
          "INSERT INTO public.near VALUES (1, 1), (2, 2); ANALYZE public.near;")
    tables = [("public", f"t{i}") for i in range(many)] + [("public", "parted"), ("public", "missing"), ("public", "away")]
    with connect_mod.connect(dsn, autocommit=True) as conn:
        found = count(conn, tables)
        assert conn.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'"
                            ).fetchone()[0] == 1        # pg_locks itself: nothing held after each batch
    assert [found[("public", f"t{i}")]["rows"] for i in range(many)] == [i % 7 for i in range(many)]
    assert all(found[("public", f"t{i}")]["how"] == "count(*)" for i in range(many))
    assert found[("public", "parted")] == {"rows": 2, "exact": False, "how": "estimate (pg_class.reltuples)"}
    assert found[("public", "missing")] == {"rows": None, "exact": True, "how": "absent"}
    assert found[("public", "away")]["how"] == "not counted (foreign table)"
