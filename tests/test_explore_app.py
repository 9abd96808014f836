"""`workbench explore SOURCE TARGET`: the explorer served by Voila on localhost, opened in Chromium.

One server for the module (on the seedscale scale-1 pair, through the CLI as a user starts it);
the tests drive its page: kind and status toggles, a changed column selected, both values marked,
its planned SQL and its dependents. The screenshot lands under tmp; DRIFT_UPDATE_SCREENSHOT=1 also
copies it to docs/explorer.png (beside docs/report.png).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO

SCREENSHOT = REPO / "docs" / "explorer.png"
PASSWORD = "Pw-explore-never-shown"


@pytest.fixture(scope="module")
def server(seedscale_pair):
    """The CLI serving the explorer; the URL it prints; stopped (SIGTERM) and checked clean after."""
    legacy = seedscale_pair["legacy"].replace("://postgres@", f"://postgres:{PASSWORD}@", 1)
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", "explore", legacy, seedscale_pair["current"]],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    line = ""
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        if line.startswith("explorer: "):
            break
    if not line.startswith("explorer: "):
        process.kill()
        pytest.fail(f"workbench explore printed no URL: {line!r} {process.stderr.read()[-2000:]}")
    url = line.split()[1]
    yield {"url": url, "process": process, "line": line}
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    leftovers = subprocess.run(["pgrep", "-f", f"voila .*--port={url.rsplit(':', 1)[1].strip('/')}"],
                               capture_output=True, text=True).stdout.strip()
    assert leftovers == "", "the Voila server outlived workbench explore"


def test_the_command_prints_a_local_url(server):
    assert re.fullmatch(r"explorer: http://127\.0\.0\.1:\d+/  \(Ctrl-C to stop\)\n", server["line"])


@pytest.fixture(scope="module")
def page(chromium, server):
    page = chromium.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(server["url"], wait_until="load", timeout=180_000)
    page.wait_for_selector(".wb-explorer .wb-row", timeout=180_000)
    yield page
    page.close()


def rows(page) -> list[str]:
    return [text.strip() for text in page.locator(".wb-explorer .wb-row button").all_inner_texts()]


def test_filter_by_kind_and_status_then_select_a_changed_column(page, tmp_path):
    page.locator(".wb-kinds button", has_text=re.compile(r"^columns \(")).click()
    page.wait_for_function("document.querySelector('.wb-explorer').innerText.includes('matching columns')")
    for status in ("to create", "extra in target"):                    # leave "changed" on
        page.locator(".wb-explorer button", has_text=re.compile(f"^{status}$")).click()
    page.wait_for_function("document.querySelectorAll('.wb-explorer .wb-row').length === 3", timeout=60_000)
    assert rows(page) == ["~ public.orders.channel", "~ public.profiles.role", "~ public.stores.name"]
    page.locator(".wb-explorer .wb-row button", has_text="public.profiles.role").click()
    page.wait_for_function("document.querySelector('.wb-detail-head') && "
                           "document.querySelector('.wb-detail-head').innerText.includes('public.profiles.role')")
    detail = page.locator(".wb-detail")
    source, target, planned = (detail.locator(".wb-pane").nth(i) for i in range(3))
    assert source.locator("mark.wb-mark").all_inner_texts() == ["public.user_role_simple"] * 2
    assert target.locator("mark.wb-mark").all_inner_texts() == ["text"] * 2
    assert "ALTER TABLE public.profiles ALTER COLUMN role TYPE public.user_role_simple" in planned.inner_text()
    dependents = detail.locator(".wb-depended-on-by").inner_text()
    assert "constraints public.profiles.profiles_role_not_banned (source only)" in dependents
    # the three panes fit the page: the target side is not cut off
    boxes = [detail.locator(".wb-pane").nth(i).bounding_box() for i in range(3)]
    assert boxes[2]["x"] + boxes[2]["width"] <= 1280
    # the two sides in the same neutral colour: neither is painted as "to be removed"
    colours = page.evaluate("""Array.from(document.querySelectorAll('.wb-detail .wb-pane'))
        .slice(0, 2).map(p => getComputedStyle(p).backgroundColor)""")
    assert colours[0] == colours[1]
    assert PASSWORD not in page.content()
    shot = tmp_path / "explorer.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("DRIFT_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)
