"""`workbench report` on the seedscale scale-1 pair, opened in headless Chromium.

One report is rendered for the module (through the CLI, with passwords in the DSNs that must
appear nowhere) and shared by the tests. The browser tests skip only when Chromium or the
playwright package cannot be had; `.ci/run` installs Chromium when it is missing.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, workbench_cli
from report_helpers import after_dsn, expected
from workbench.charts import STAT_KINDS
from workbench.compare import compare
from workbench.snapshot import Snapshot

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SECRET = "Pw-s3cret-never-shown"
SCREENSHOT = REPO / "docs" / "report.png"
PLOTLY = "application/vnd.plotly.v1+json"


def with_password(dsn: str) -> str:
    """The same DSN with a password (the embedded server trusts local connections and ignores it)."""
    assert "://postgres@" in dsn
    return dsn.replace("://postgres@", f"://postgres:{SECRET}@", 1)


@pytest.fixture(scope="module")
def rendered(seedscale_pair, seedscale_dir, pg, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("reports") / "seedscale"
    result = workbench_cli("report", with_password(seedscale_pair["legacy"]), with_password(seedscale_pair["current"]),
                           "--out", str(out), "--title", "Seedscale scale 1: legacy vs current",
                           "--after", with_password(after_dsn(pg, seedscale_dir)))
    assert result.returncode == 0, result.stderr
    notebook = nbformat.read(out / "drift_report.ipynb", as_version=4)
    figures = [o["data"][PLOTLY] for c in notebook.cells if c.cell_type == "code"
               for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]
    return {"out": out, "result": result, "figures": figures}


# --- the folder ---------------------------------------------------------------------------------
def test_report_folder_holds_the_report_and_its_sources(rendered):
    out, result = rendered["out"], rendered["result"]
    names = {p.name for p in out.iterdir()}
    assert {"report.html", "drift_report.ipynb", "schema_differences.json", "schema_comparison_report.txt",
            "source.snapshot.json", "target.snapshot.json", "target_after.snapshot.json"} <= names
    assert result.stdout.strip().endswith(f"wrote {out / 'report.html'}")
    assert "columns" in result.stdout and "966" in result.stdout          # the summary table
    assert result.stderr == ""                                             # piped: no progress lines


def test_no_password_in_any_output(rendered):
    for path in rendered["out"].iterdir():
        assert SECRET not in path.read_text(errors="replace"), path.name
    assert SECRET not in rendered["result"].stdout + rendered["result"].stderr
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
    assert html.count("plotly.js v") == 1                                  # plotly.js inlined once
    visible = re.sub(r"<style[^>]*>.*?</style>", "", markup, flags=re.S)
    for code in ("wb.load(", "from workbench import", "apply_log = ", 'class="highlight'):  # code cells hidden
        assert code not in visible
    assert "<title>Seedscale scale 1: legacy vs current</title>" in html


# --- the browser --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it as root)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser, rendered):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    events = {"console": [], "errors": [], "requests": []}
    page.on("console", lambda message: events["console"].append((message.type, message.text)))
    page.on("pageerror", lambda error: events["errors"].append(str(error)))
    page.on("request", lambda request: events["requests"].append(request.url))
    page.goto((rendered["out"] / "report.html").as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
    page.events = events
    yield page
    page.close()


def test_no_console_errors_and_no_request_leaves_the_file(page):
    errors = [text for kind, text in page.events["console"] if kind in ("error", "warning")]
    assert errors == [] and page.events["errors"] == []
    assert page.events["requests"], "the page itself was requested"
    leaving = [url for url in page.events["requests"] if not url.startswith(("file://", "data:"))]
    assert leaving == []


def test_every_chart_is_drawn(page, rendered):
    names = [figure["layout"]["meta"]["chart"] for figure in rendered["figures"]]
    assert names == ["before_after", "drift_by_kind", "top_tables_by_columns_added", "residual_drift"]
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


def test_screenshot(page, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 2000})
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
