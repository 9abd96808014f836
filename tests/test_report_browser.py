"""`workbench report --apply` on the seedscale scale-1 pair, opened in headless Chromium.

One report is rendered for the module (through the CLI, with passwords in the DSNs that must
appear nowhere): legacy applied to a copy of seedscale_current, then verified. The tests share
it. The browser tests skip only when Chromium or the playwright package cannot be had; `.ci/run`
installs Chromium when it is missing.

The screenshot is written under the test's tmp folder; DRIFT_UPDATE_SCREENSHOT=1 also copies it
to docs/report.png (checked in, shown in the README), so that `make test` leaves git clean.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, workbench_cli
from planner_helpers import copy_database
from report_helpers import (assert_no_password, assert_no_password_in_files, expected, keywords_with_password,
                            url_with_password)
from workbench.present.charts import STAT_KINDS
from workbench.compare import compare
from workbench.snapshot import Snapshot

SCREENSHOT = REPO / "docs" / "report.png"
PLOTLY = "application/vnd.plotly.v1+json"


# passwords full of what DSNs treat specially, one as a URL, one as libpq keywords (the embedded
# server trusts local connections and ignores them)


@pytest.fixture(scope="module")
def rendered(seedscale_pair, pg, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports") / "seedscale"
    target = copy_database(pg, seedscale_pair["current"])
    result = workbench_cli("report", url_with_password(seedscale_pair["legacy"]), keywords_with_password(target),
                           "--out", str(out), "--title", "Seedscale scale 1: legacy vs current", "--apply")
    assert result.returncode == 0, result.stdout + result.stderr
    figures = []
    for name in ("drift_report.ipynb", "migration_plan.ipynb"):
        notebook = nbformat.read(out / name, as_version=4)
        figures += [o["data"][PLOTLY] for c in notebook.cells if c.cell_type == "code"
                    for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]
    yield {"out": out, "result": result, "figures": figures, "target": target}
    pg.drop_database(target.rsplit("/", 1)[1])


# --- the folder ---------------------------------------------------------------------------------
def test_report_folder_holds_the_report_and_its_sources(rendered):
    out, result = rendered["out"], rendered["result"]
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "drift_report.ipynb", "migration_plan.ipynb", "schema_differences.json",
            "schema_comparison_report.txt", "source.snapshot.json", "target.snapshot.json",
            "target_after.snapshot.json", "verify.json", "plan"} <= names
    plan = {p.name for p in (out / "plan").iterdir()}
    assert {f"stage{n:02d}_{s}.sql" for n, s in enumerate(["prerequisites", "sequences", "tables", "columns",
            "functions", "views", "triggers", "indexes", "constraints", "finishing", "drops"])} <= plan
    assert {"plan.json", "schema_migration.sql", "apply_log.json"} <= plan
    assert result.stdout.strip().endswith(f"wrote {out / 'report.html'}")
    assert "columns" in result.stdout and "966" in result.stdout          # the summary table
    assert "verified: 100% parity (" in result.stdout
    assert result.stderr == ""                                             # piped: no progress lines


def test_the_target_was_migrated_and_verified(rendered):
    log = json.loads((rendered["out"] / "plan" / "apply_log.json").read_text())
    assert log["status"] == "applied" and log["exit_code"] == 0 and log["target"]["database"] in rendered["target"]
    assert {e["status"] for e in log["statements"]} == {"ok"}
    verified = json.loads((rendered["out"] / "verify.json").read_text())
    assert verified["ok"] is True and verified["residual"] == []
    assert all(row["parity_pct"] == 100.0 for row in verified["parity"].values() if row["source_objects"])
    # and independently of the report: the copy now has nothing of the source missing or different
    diff = workbench_cli("diff", str(rendered["out"] / "source.snapshot.json"), rendered["target"], "--format", "json")
    summary = json.loads(diff.stdout)["summary"]
    assert all(row["only_in_source"] == 0 and row["changed"] == 0 for row in summary.values()), summary


def test_the_report_names_both_traps_and_shows_them_resolved(rendered):
    html = (rendered["out"] / "report.html").read_text()
    traps = re.search(r"<table class=[\"']wb-table wb-traps[\"']>.*?</table>", html, re.S).group(0)
    rows = re.findall(r"<tr><td>(.*?)</td>.*?<b class=[\"']wb-(\w+)[\"'][^>]*>(.*?)</b></td></tr>", traps, re.S)
    assert [(trap, state) for trap, state, _ in rows] == [("constraint_over_retyped_column", "resolved"),    # plan order
                                                          ("unique_constraint_over_existing_index", "resolved")]
    assert {text for _, _, text in rows} == {"resolved: applied without error, identical to the source after apply"}
    for name in ("public.wishlist_items.unique_wishlist_item", "public.profiles.profiles_role_not_banned",
                 "role: text \u2192 public.user_role_simple", "UNIQUE USING INDEX unique_wishlist_item"):
        assert name in traps, name
    # the terminal groups them: one line per trap, a few of its objects, its outcomes
    assert ("2 traps, 2 objects (every one in the report and in plan.json):\n"
            "  constraint_over_retyped_column: 1 (constraints public.profiles.profiles_role_not_banned)\n"
            "    resolved: applied without error, identical to the source after apply\n"
            "  unique_constraint_over_existing_index: 1 (constraints public.wishlist_items.unique_wishlist_item)\n"
            "    resolved: applied without error, identical to the source after apply\n") in rendered["result"].stdout


def test_the_report_shows_100_percent_parity(rendered):
    html = (rendered["out"] / "report.html").read_text()
    verified = json.loads((rendered["out"] / "verify.json").read_text())
    total = sum(row["source_objects"] for row in verified["parity"].values())
    assert f"<b>Verified: 100% parity ({total:,} of {total:,} source objects identical in the target)</b>" in html
    assert f"<b>After apply: 100% parity ({total:,} of {total:,}" in html          # at the top, in drift_report
    planned = len(json.loads((rendered["out"] / "plan" / "plan.json").read_text())["statements"])
    assert (f"Apply: all {planned} planned statements (and 1 session setting of the stage files) "
            "of 10 stages ran without error") in html
    assert "What failed" not in html
    # under the title, before the drift's details: the apply and the parity
    assert html.index("<b>After apply: 100% parity") < html.index("Apply: all ") < html.index("<h2")


def test_no_password_in_any_output(rendered):
    assert assert_no_password_in_files(rendered["out"]) > 10
    assert_no_password(rendered["result"].stdout + rendered["result"].stderr, "output")
    text = (rendered["out"] / "schema_comparison_report.txt").read_text()
    assert text.startswith("source: postgresql://postgres:***@127.0.0.1:")


def test_comparison_files_describe_the_snapshots(rendered, seedscale_dir):
    out = rendered["out"]
    drift = compare(Snapshot.load(out / "source.snapshot.json"), Snapshot.load(out / "target.snapshot.json"))
    written = json.loads((out / "schema_differences.json").read_text())
    assert written == json.loads(json.dumps(drift.to_json(), default=str))
    diff = expected(seedscale_dir)["diff"]
    for kind, statuses in diff.items():
        assert written["summary"][kind] == statuses, kind
    assert "~ public.profiles.role  [data_type, default_value]" in (out / "schema_comparison_report.txt").read_text()


def test_html_is_self_contained_with_code_hidden(rendered):
    html = (rendered["out"] / "report.html").read_text()
    assert not re.search(r"<script[^>]+src=", html)                      # every script is inline
    assert not re.search(r"<link[^>]+href=", html)
    # the markup outside scripts (plotly.js holds URLs of map tiles it never loads here)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", markup)
    assert not re.search(r"""url\(['"]?(https?:)?//""", markup)
    assert html.count("* plotly.js (basic - minified) v") == 1            # plotly.js inlined once
    visible = re.sub(r"<style[^>]*>.*?</style>", "", markup, flags=re.S)
    for code in ("wb.load(", "from workbench import", "apply_log = ", 'class="highlight'):  # code cells hidden
        assert code not in visible
    assert "<title>Seedscale scale 1: legacy vs current</title>" in html


# --- the browser --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def page(chromium, rendered):
    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    events = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda message: events["console"].append((message.type, message.text)))
    page.on("pageerror", lambda error: events["errors"].append(str(error)))
    page.on("request", lambda request: events["requests"].append(request.url))
    page.goto((rendered["out"] / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0 && "
                           "Array.from(document.querySelectorAll('table.wb-interactive'))"
                           ".every(t => t.classList.contains('dataTable'))")
    page.events = events
    yield page
    page.close()


def test_no_console_errors_and_no_request_leaves_the_file(page):
    errors = [text for kind, text in page.events["console"] if kind in ("error", "warning")]
    assert errors == [] and page.events["errors"] == []
    assert page.events["requests"], "the page itself was requested"
    # blob: is the DataTables bundle, inflated from the page itself
    leaving = [url for url in page.events["requests"] if not url.startswith(("file://", "data:", "blob:"))]
    assert leaving == []


def test_every_chart_is_drawn(page, rendered):
    names = [figure["layout"]["meta"]["chart"] for figure in rendered["figures"]]
    assert names == ["before_after", "drift_by_kind", "top_tables_by_columns_added", "residual_drift",
                     "stage_statements", "apply_timeline"]
    drawn = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => ({
        chart: g.layout.meta.chart, svgs: g.querySelectorAll('.main-svg').length,
        bars: g.querySelectorAll('.bars .point').length}))""")
    assert [d["chart"] for d in drawn] == names
    assert all(d["svgs"] >= 1 and d["bars"] > 0 for d in drawn), drawn


def test_before_after_shown_equal_the_snapshot_counts(page, rendered, seedscale_dir):
    out = rendered["out"]
    counts = {side: Snapshot.load(out / f"{name}.snapshot.json").counts
              for side, name in (("source", "source"), ("target", "target"), ("after", "target_after"))}
    shown = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'before_after');
        return g.data.map(t => ({side: t.meta.side, x: Array.from(t.x), y: Array.from(t.y)}));
    })()""")
    assert [trace["side"] for trace in shown] == ["source", "target", "after"]
    facts = expected(seedscale_dir)["counts"]
    reference = {"source": facts["legacy"], "target": facts["current_before"], "after": facts["current_after"]}
    for trace in shown:
        assert trace["x"] == list(STAT_KINDS)
        assert trace["y"] == [counts[trace["side"]][kind] for kind in STAT_KINDS]
        assert trace["y"] == [reference[trace["side"]][kind] for kind in STAT_KINDS]
    # and the numbers printed on the bars are those numbers
    labels = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'before_after');
        return Array.from(g.querySelectorAll('.bartext')).map(t => t.textContent);
    })()""")
    assert sorted(labels) == sorted(str(y) for trace in shown for y in trace["y"])


def test_parity_after_the_migration_is_shown(page):
    title = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => g.layout.meta.chart === 'residual_drift').layout.title.text""")
    assert title == "Parity after apply: 100% for every kind"
    assert "100% parity (" in page.inner_text("body")
    timeline = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'apply_timeline');
        return g.data.map(t => ({status: t.meta.status, stages: Array.from(t.y)}));
    })()""")
    assert [t["status"] for t in timeline] == ["ok"] and len(timeline[0]["stages"]) == 10   # stage10_drops is empty


def test_stage_sql_opens_on_a_click(page, rendered):
    stage = page.locator("details.wb-stage[data-stage='stage08_constraints']")
    assert page.locator("details.wb-stage").count() == 11
    sql = stage.locator("pre.wb-sql")
    assert not sql.is_visible()
    stage.locator("summary").click()
    assert sql.is_visible()
    text = (rendered["out"] / "plan" / "stage08_constraints.sql").read_text()
    assert sql.inner_text().strip() == text.strip()
    stage.locator("summary").click()                       # closed again: the screenshot shows it closed


def test_the_object_table_filters_by_name_and_pages(page, rendered):
    """Every differing object in one searchable, paged table (DataTables): typing a name filters it."""
    differences = json.loads((rendered["out"] / "schema_differences.json").read_text())
    table = page.locator("table.wb-interactive[id^='wb-objects']")
    wrapper = page.locator("div.dt-container", has=table)
    assert table.locator("tbody tr").count() == 15                            # one page of rows in the DOM
    info = wrapper.locator(".dt-info").inner_text()
    assert f"of {len(differences['objects']):,} entries" in info
    wrapper.locator("input[type='search']").fill("wishlist_items.unique_wishlist")
    page.wait_for_timeout(300)
    rows = [r.inner_text() for r in table.locator("tbody tr").all()]
    assert rows and all("unique_wishlist" in r for r in rows)
    wrapper.locator("input[type='search']").fill("")
    page.wait_for_timeout(300)
    first = table.locator("tbody tr").first.inner_text()
    wrapper.locator(".dt-paging button[data-dt-idx='next'], .dt-paging .dt-paging-button.next").first.click()
    page.wait_for_timeout(300)
    assert table.locator("tbody tr").first.inner_text() != first and "16 to 30" in wrapper.locator(".dt-info").inner_text()


def test_small_categories_are_labelled_on_every_chart(page):
    """Views, types and changed objects are a handful beside a thousand columns: each bar carries
    its number and the axis is logarithmic, so none is invisible."""
    drift = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'drift_by_kind');
        return {axis: g.layout.yaxis.type, traces: g.data.map(t => ({status: t.meta.status, x: Array.from(t.x),
                text: Array.from(t.text)})), drawn: Array.from(g.querySelectorAll('.bartext')).map(t => t.textContent)};
    })()""")
    assert drift["axis"] == "log"
    by_status = {t["status"]: dict(zip(t["x"], t["text"])) for t in drift["traces"]}
    assert by_status["only_in_source"]["views"] == "1" and by_status["only_in_source"]["types"] == "1"
    assert by_status["changed"]["views"] == "1" and by_status["changed"]["columns"] == "3"
    assert sorted(drift["drawn"]) == sorted(v for t in drift["traces"] for v in t["text"] if v)
    hazards = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'stage_statements');
        return {labels: g.querySelectorAll('.bartext').length,
                bars: g.data.reduce((n, t) => n + Array.from(t.y).filter(v => v !== null).length, 0)};
    })()""")
    assert hazards["labels"] == hazards["bars"] > 0


def test_a_changed_view_shows_its_three_panes_with_the_differing_words_marked(page):
    item = page.locator("details.wb-changed[data-object='public.store_logs_recent']")
    panes = item.locator(".wb-pane")
    assert not panes.first.is_visible()
    item.locator("summary").click()
    assert panes.count() == 3 and panes.first.is_visible()
    source, target, planned = (panes.nth(i) for i in range(3))
    assert source.locator("mark.wb-mark").all_inner_texts() == ["2020"]
    assert target.locator("mark.wb-mark").all_inner_texts() == ["2021"]
    assert "CREATE OR REPLACE VIEW public.store_logs_recent" in planned.inner_text()
    assert "2020-01-01" in planned.inner_text()
    # the three panes share the width: none is cut off
    boxes = [panes.nth(i).bounding_box() for i in range(3)]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"] and boxes[2]["x"] + boxes[2]["width"] <= 1280
    item.locator("summary").click()


def test_the_table_of_contents_links_every_section(page):
    links = page.locator("nav.wb-toc a")
    targets = [link.get_attribute("href") for link in links.all()]
    assert len(targets) >= 8 and "#wb-objects-that-differ" in targets and "#wb-migration-plan" in targets
    for target in targets:
        assert page.locator(target).count() == 1, target


def test_screenshot(page, tmp_path):
    """Always under tmp; to docs/report.png only with DRIFT_UPDATE_SCREENSHOT=1."""
    page.set_viewport_size({"width": 1280, "height": 2000})
    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    if os.environ.get("DRIFT_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
