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
