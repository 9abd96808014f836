"""The snapshot store and its history: content-addressed captures, one step per schema change,
corrupt entries named and skipped; the timeline's figures and its report in Chromium."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import workbench
from conftest import run_sql, workbench_cli
from workbench.errors import WorkbenchError, WorkbenchWarning
from workbench.store import Store, history

BASE = ("CREATE TABLE account (id int PRIMARY KEY, email text);"
        "CREATE INDEX account_email ON account (email);"
        "CREATE FUNCTION account_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM account';")
# what happens before each capture after the first; the fourth capture follows no change
CHANGES = [
    ("column added", "ALTER TABLE account ADD COLUMN created_at timestamptz"),
    ("index dropped", "DROP INDEX account_email"),
    ("function changed", "CREATE OR REPLACE FUNCTION account_count() RETURNS bigint LANGUAGE sql "
                         "AS 'SELECT count(*) FROM account WHERE email IS NOT NULL'"),
    ("nothing", None),
    ("view added", "CREATE VIEW account_emails AS SELECT id, email FROM account"),
]
EXPECTED_STEPS = [
    [{"kind": "columns", "identity": {"schema": "public", "table": "account", "name": "created_at"},
      "status": "appeared", "differences": []}],
    [{"kind": "indexes", "identity": {"schema": "public", "table": "account", "name": "account_email"},
      "status": "disappeared", "differences": []}],
    [{"kind": "functions", "identity": {"schema": "public", "name": "account_count", "arguments": ""},
      "status": "changed", "differences": ["body"]}],
    [{"kind": "views", "identity": {"schema": "public", "name": "account_emails"},
      "status": "appeared", "differences": []}],
]


def snapshot_files(store: Path) -> list[Path]:
    return sorted((store / "snapshots").iterdir())


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def captured(pg, tmp_path_factory):
    """A store of one database: a first capture, then one capture after each change of CHANGES
    (the store's size recorded after each), through `workbench snapshot DSN --store DIR`."""
    name = pg.create_database()
    dsn = pg.dsn(name)
    run_sql(dsn, BASE)
    store = tmp_path_factory.mktemp("history") / "store"
    sizes = []
    first = workbench_cli("snapshot", dsn, "--store", str(store), "--label", "baseline")
    assert first.returncode == 0, first.stderr
    assert "(new snapshot)" in first.stdout
    sizes.append(size_of(store / "snapshots"))
    for label, sql in CHANGES:
        if sql:
            run_sql(dsn, sql)
        if label == "nothing":
            result = workbench_cli("snapshot", dsn, "--store", str(store), "--label", label)
            assert result.returncode == 0 and "schema unchanged, the snapshot is shared" in result.stdout, result.stderr
        else:
            workbench.store_snapshot(dsn, store, label)
        sizes.append(size_of(store / "snapshots"))
    yield store, sizes, dsn
    pg.drop_database(name)


def test_history_lists_exactly_the_four_changes(captured):
    store, _, _ = captured
    result = workbench_cli("history", str(store), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["format", "version", "entries", "steps"]
    assert data["format"] == "drift-workbench/history" and data["version"] == 1
    assert [list(e) for e in data["entries"]] == [["at", "label", "fingerprint"]] * 6
    assert [e["label"] for e in data["entries"]] == ["baseline"] + [label for label, _ in CHANGES]
    assert len(data["steps"]) == 4
    assert [list(step) for step in data["steps"]] == [["from", "to", "at", "summary", "changes"]] * 4
    assert [step["changes"] for step in data["steps"]] == EXPECTED_STEPS
    fingerprints = [e["fingerprint"] for e in data["entries"]]
    assert fingerprints[3] == fingerprints[4]                       # "nothing": the same schema
    changed_at = [i for i in range(1, 6) if fingerprints[i] != fingerprints[i - 1]]
    assert [(s["from"], s["to"], s["at"]) for s in data["steps"]] == [
        (fingerprints[i - 1], fingerprints[i], data["entries"][i]["at"]) for i in changed_at]
    assert data["steps"][0]["summary"]["columns"] == {"appeared": 1, "disappeared": 0, "changed": 0}
    assert data["steps"][1]["summary"]["indexes"] == {"appeared": 0, "disappeared": 1, "changed": 0}
    assert all(sum(s["summary"]["tables"].values()) == 0 for s in data["steps"])

    text = workbench_cli("history", str(store))
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0] == f"store {store}: 6 captures, 4 changes of schema"
    assert "    + columns public.account.created_at" in lines
    assert "    - indexes public.account.account_email" in lines
    assert "    ~ functions public.account_count()  [body]" in lines
    assert "    + views public.account_emails" in lines
    assert sum(line.endswith("nothing  unchanged") for line in lines) == 1


def test_an_unchanged_capture_adds_no_snapshot_copy(captured):
    store, sizes, _ = captured
    assert len(snapshot_files(store)) == 5                          # six captures, five schemas
    assert len(list((store / "entries").iterdir())) == 6
    nothing = [label for label, _ in CHANGES].index("nothing") + 1
    assert sizes[nothing] == sizes[nothing - 1]                     # the unchanged capture: not a byte more
    for i in range(1, len(sizes)):
        assert sizes[i] == sizes[i - 1] if i == nothing else sizes[i] > sizes[i - 1]
    for path in snapshot_files(store):                              # compressed, named by the content
        body = json.loads(gzip.decompress(path.read_bytes()))
        assert path.name == f"{body['fingerprint']}.json.gz" and body["format"] == "drift-workbench/snapshot"
        assert path.stat().st_size < len(json.dumps(body)) / 3


def test_store_entries_are_sides(captured):
    store, _, dsn = captured
    result = workbench_cli("diff", f"{store}@first", f"{store}@latest", "--format", "json")
    assert result.returncode == 1, result.stderr
    kinds = {(o["kind"], o["status"]) for o in json.loads(result.stdout)["objects"]}
    assert kinds == {("columns", "only_in_target"), ("indexes", "only_in_source"), ("functions", "changed"),
                     ("views", "only_in_target")}
    assert workbench_cli("diff", f"{store}@latest", dsn).returncode == 0
    fingerprint = Store(store).resolve("index dropped").fingerprint
    assert workbench.take_snapshot(f"{store}@{fingerprint[:8]}").fingerprint == fingerprint
    assert workbench.take_snapshot(str(store)).fingerprint == Store(store).entries()[-1].fingerprint
    with pytest.raises(WorkbenchError, match="no capture with that label or fingerprint"):
        workbench.take_snapshot(f"{store}@ffffffff")


def test_since_and_until_choose_the_window(captured):
    store, _, _ = captured
    entries = Store(store).entries()
    everything = workbench.history(store)
    assert [s.after.label for s in everything.steps] == ["column added", "index dropped", "function changed",
                                                         "view added"]
    assert workbench.history(store, until="2000-01-01").entries == []
    assert len(workbench.history(store, since="2000-01-01").steps) == 4
    assert len(workbench.history(store, since=entries[0].at, until=entries[-1].at).entries) == 6
    counts = everything.counts()
    assert list(counts["columns"]) == [2, 3, 3, 3, 3, 3] and list(counts["views"]) == [0, 0, 0, 0, 0, 1]
    events = everything.events()
    assert events[["step", "kind", "change", "objects"]].values.tolist() == [
        [1, "columns", "appeared", 1], [2, "indexes", "disappeared", 1], [3, "functions", "changed", 1],
        [4, "views", "appeared", 1]]
    bad = workbench_cli("history", str(store), "--since", "last tuesday")
    assert bad.returncode == 2 and "is not an ISO 8601 date or time" in bad.stderr


def test_a_truncated_entry_is_named_and_skipped(captured, tmp_path):
    store, _, _ = captured
    damaged = tmp_path / "store"
    import shutil

    shutil.copytree(store, damaged)
    entries = Store(damaged).entries()
    index_dropped = Store(damaged).snapshot_file(entries[2].fingerprint)     # the "index dropped" schema
    index_dropped.write_bytes(index_dropped.read_bytes()[:200])
    entry_file = damaged / entries[5].file                                    # the "view added" entry
    entry_file.write_text(entry_file.read_text()[:40])

    result = workbench_cli("history", str(damaged), "--format", "json")
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2, result.stderr
    assert warnings[0].startswith(f"warning: store {damaged}: entry {entries[5].file} is corrupt")
    assert warnings[1].startswith(f"warning: store {damaged}: snapshot snapshots/{index_dropped.name} is corrupt")
    assert warnings[1].endswith(f"capture {entries[2].file} ({entries[2].at}) skipped")
    data = json.loads(result.stdout)
    assert [e["label"] for e in data["entries"]] == ["baseline", "column added", "function changed", "nothing"]
    assert [[c["kind"] for c in step["changes"]] for step in data["steps"]] == [["columns"], ["functions", "indexes"]]
    with pytest.warns(WorkbenchWarning, match="is corrupt"):
        assert len(history(damaged).steps) == 2
    # a capture of a schema whose snapshot file is damaged writes it anew
    with pytest.warns(WorkbenchWarning, match="writing it anew"):
        Store(damaged).add(Store(store).load(entries[2]), "repaired")
    assert Store(damaged).load(entries[2]).fingerprint == entries[2].fingerprint


def test_store_format_is_versioned_and_checked(tmp_path, captured):
    store, _, dsn = captured
    header = json.loads((store / "store.json").read_text())
    assert header["format"] == "drift-workbench/store" and header["version"] == 1
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "store.json").write_text(json.dumps({**header, "version": 2}))
    result = workbench_cli("history", str(newer))
    assert result.returncode == 2 and "store format version 2, this workbench reads version 1" in result.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    refused = workbench_cli("snapshot", dsn, "--store", str(occupied))
    assert refused.returncode == 2 and "not a snapshot store" in refused.stderr
    assert sorted(p.name for p in occupied.iterdir()) == ["notes.txt"]
    entry = json.loads(next((store / "entries").iterdir()).read_text())
    assert entry["format"] == "drift-workbench/store-entry" and entry["version"] == 1
    assert set(entry) >= {"seq", "at", "label", "fingerprint", "dsn", "server_version", "counts"}


def test_window_by_capture_dates(captured, tmp_path):
    """Captures on six days (backfilled from snapshots with their own capture times, in any order):
    --since/--until pick days; the first step in a window compares with the capture before it."""
    import dataclasses

    store, _, _ = captured
    source = Store(store)
    dated = Store(tmp_path / "dated", create=True)
    days = [f"2025-06-0{day}T12:00:00+00:00" for day in range(1, 7)]
    for entry, day in reversed(list(zip(source.entries(), days))):
        dated.add(dataclasses.replace(source.load(entry), captured_at=day), entry.label)
    assert [e.label for e in dated.entries()] == [e.label for e in source.entries()]
    window = workbench.history(dated.path, since="2025-06-02", until="2025-06-04")
    assert [e.at for e in window.entries] == days[1:4]
    assert [(s.before.label, s.after.label) for s in window.steps] == [
        ("baseline", "column added"), ("column added", "index dropped"), ("index dropped", "function changed")]
    assert [s.after.label for s in workbench.history(dated.path, since="2025-06-04T13:00").steps] == ["view added"]


# --- the timeline: figures, notebook, report ------------------------------------------------------
def test_timeline_figures_draw_the_history(captured):
    from workbench.present import timeline

    store, _, _ = captured
    result = workbench.history(store)
    counts = timeline.counts_over_time(result)
    assert counts.layout.meta == {"chart": "counts_over_time"}
    drawn = {trace.meta["kind"]: list(trace.y) for trace in counts.data}
    assert drawn["columns"] == [2, 3, 3, 3, 3, 3] and drawn["views"] == [0, 0, 0, 0, 0, 1]
    assert drawn["indexes"] == [2, 2, 1, 1, 1, 1] and "types" not in drawn          # kinds that never held one
    assert all(list(trace.x) == [e.at for e in result.entries] for trace in counts.data)
    events = timeline.change_events(result)
    assert events.layout.meta == {"chart": "change_events"}
    points = sorted((t.meta["change"], y, x) for t in events.data for x, y in zip(t.x, t.y))
    at = [s.after.at for s in result.steps]
    assert points == sorted([("appeared", "columns", at[0]), ("disappeared", "indexes", at[1]),
                             ("changed", "functions", at[2]), ("appeared", "views", at[3])])
    assert timeline.step_frame(result.steps[2]).values.tolist() == [
        ["~ changed", "functions", "public.account_count()", "body"]]


def test_timeline_report_in_chromium(captured, chromium, tmp_path):
    """`workbench report STORE --out DIR`: the timeline notebook rendered into one HTML file that
    shows the counts over time and the four change events, offline."""
    store, _, _ = captured
    out = tmp_path / "timeline"
    result = workbench_cli("report", str(store), "--out", str(out), "--title", "History of the account schema")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"wrote {out / 'report.html'}" and result.stderr == ""
    assert {p.name for p in out.iterdir()} == {"report.html", "timeline.ipynb", "history.json"}
    assert json.loads((out / "history.json").read_text()) == json.loads(
        workbench_cli("history", str(store), "--format", "json").stdout)

    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    problems, requests = [], []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto((out / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2")
    charts = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => ({
        chart: g.layout.meta.chart, svgs: g.querySelectorAll('.main-svg').length,
        points: g.querySelectorAll('.scatterlayer .point').length,
        traces: g.data.map(t => ({meta: t.meta, x: Array.from(t.x), y: Array.from(t.y)}))}))""")
    assert [c["chart"] for c in charts] == ["counts_over_time", "change_events"]
    counts, events = charts
    columns = next(t for t in counts["traces"] if t["meta"]["kind"] == "columns")
    assert columns["y"] == [2, 3, 3, 3, 3, 3] and counts["points"] == 6 * len(counts["traces"])
    assert events["points"] == 4                                     # the four changes, drawn
    assert sorted((t["meta"]["change"], y) for t in events["traces"] for y in t["y"]) == [
        ("appeared", "columns"), ("appeared", "views"), ("changed", "functions"), ("disappeared", "indexes")]
    text = page.inner_text("body")
    assert "History of the account schema" in text and "6 captures" in text and "4 changes of schema" in text
    for number, change in enumerate(["public.account.created_at", "public.account.account_email",
                                     "public.account_count()", "public.account_emails"], 1):
        assert f"Step {number}:" in text and change in text
    assert problems == []
    assert [url for url in requests if not url.startswith(("file://", "data:"))] == []
    page.close()


def test_report_of_a_store_refuses_comparison_options(captured, tmp_path):
    store, _, _ = captured
    refused = workbench_cli("report", str(store), "--out", str(tmp_path / "r"), "--apply")
    assert refused.returncode == 2 and "--apply: for a report of SOURCE and TARGET" in refused.stderr
    lonely = workbench_cli("report", str(tmp_path), "--out", str(tmp_path / "r"))
    assert lonely.returncode == 2 and "report needs SOURCE and TARGET, or a snapshot store DIR alone" in lonely.stderr
    assert not (tmp_path / "r").exists()
