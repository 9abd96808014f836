"""`workbench report --apply / --rehearse` when things go wrong: the report is still written and
shows what failed (the statement, its SQLSTATE and message), and the exit code says so.

Each case renders one report through the CLI for the module, on a copy of seedscale_current
(the session's seedscale databases are never modified). The good apply is rendered once in
test_report_browser.py, which checks it in Chromium too.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import psycopg
import pytest

from conftest import workbench_cli
from planner_helpers import copy_database
from report_helpers import assert_no_password, assert_no_password_in_files, keywords_with_password, url_with_password
from workbench.snapshot import capture

def with_password(dsn: str) -> str:
    """A password full of what DSNs treat specially (the embedded server ignores it)."""
    return url_with_password(dsn)


def run(dsn: str, sql: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def text_of(html: str) -> str:
    """The report's text as a reader sees it (tags out, entities in, spaces folded)."""
    import html as html_module

    body = re.sub(r"<script[^>]*>.*?</script>|<style[^>]*>.*?</style>", "", html, flags=re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def on_a_terminal(*args: str) -> subprocess.CompletedProcess:
    """The CLI with stderr on a pseudo-terminal (where progress lines show) and stdout piped."""
    import pty
    import select

    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "workbench.cli", *args], stdout=subprocess.PIPE,
                               stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    stderr, deadline = b"", time.monotonic() + 600
    while time.monotonic() < deadline:
        if select.select([master], [], [], 1.0)[0]:
            try:
                data = os.read(master, 4096)
            except OSError:                          # EIO: every writer closed the terminal
                break
            if not data:
                break
            stderr += data
        elif process.poll() is not None:
            break
    stdout = process.stdout.read()
    process.wait(timeout=60)
    os.close(master)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout.decode(),
                                       stderr.decode().replace("\r\n", "\n"))


def no_password_anywhere(*folders) -> None:
    assert assert_no_password_in_files(*folders) > 0


@pytest.fixture(scope="module")
def copies(pg):
    made = []

    def copy(template: str) -> str:
        dsn = copy_database(pg, template)
        made.append(dsn.rsplit("/", 1)[1])
        return dsn

    yield copy
    for name in made:
        pg.drop_database(name)


# --- a failing apply: rows that violate a constraint the plan adds ------------------------------
@pytest.fixture(scope="module")
def failed(seedscale_pair, copies, tmp_path_factory) -> dict:
    """A profile whose role is 'banned' (a data change: the schema fingerprint does not see it):
    the trap constraint profiles_role_not_banned fails in stage 08 on that row."""
    target = copies(seedscale_pair["current"])
    run(target, "INSERT INTO public.profiles (id, role) VALUES (1, 'banned')")
    out = tmp_path_factory.mktemp("failed") / "report"
    result = workbench_cli("report", keywords_with_password(seedscale_pair["legacy"]), with_password(target),
                           "--out", str(out), "--apply")
    return {"out": out, "result": result, "target": target,
            "html": (out / "report.html").read_text() if (out / "report.html").exists() else ""}


def test_a_failing_apply_exits_1_and_still_writes_the_report(failed):
    result = failed["result"]
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""                                  # not an error: a stage failed
    assert result.stdout.strip().endswith(f"wrote {failed['out'] / 'report.html'}")
    assert "Apply failed in stage08_constraints statement " in result.stdout
    assert "NOT verified: " in result.stdout and "100% parity" not in result.stdout
    log = json.loads((failed["out"] / "plan" / "apply_log.json").read_text())
    assert log["status"] == "failed" and log["exit_code"] == 1


def test_the_report_shows_the_failed_statement_and_its_error(failed):
    log = json.loads((failed["out"] / "plan" / "apply_log.json").read_text())
    [entry] = [e for e in log["statements"] if e["status"] == "failed"]
    assert entry["sqlstate"] == "23514" and entry["stage"] == "stage08_constraints"
    text = text_of(failed["html"])
    assert (f"Failed: stage08_constraints statement {entry['index']} "
            f"(create constraints public.profiles.profiles_role_not_banned)") in text
    assert f"SQLSTATE 23514 : {entry['message']}" in text
    assert entry["message"] == 'check constraint "profiles_role_not_banned" of relation "profiles" is violated by some row'
    assert " ".join(entry["sql"].split()) in text                  # the statement in full
    # the trap is not resolved, and the report says why; stages before stay applied
    assert (f"NOT resolved: stage08_constraints statement {entry['index']} failed: SQLSTATE 23514: "
            f"{entry['message']}") in text
    assert "8 stages with statements stay applied" in text
    # under the report's title, before the drift's details: what the apply did
    assert text.index("Apply failed in stage08_constraints statement") < text.index("Objects per kind and status")
    assert "Parity after apply: 100% for every kind" not in failed["html"]
    assert re.search(r"NOT verified: 9\d(\.\d\d?)?% parity \(", text)


def test_the_failed_stage_was_rolled_back_in_the_target(failed):
    with psycopg.connect(failed["target"]) as conn:
        constraints = conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'profiles_role_not_banned'"
                                   ).fetchone()[0]
        role_type = conn.execute("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                 "WHERE attrelid = 'public.profiles'::regclass AND attname = 'role'").fetchone()[0]
    assert constraints == 0 and role_type == "user_role_simple"     # stage 08 rolled back, stage 03 applied
    no_password_anywhere(failed["out"])
    assert_no_password(failed["result"].stdout + failed["result"].stderr, "output")


# --- a rehearsal of a reviewed plan folder with an edited stage file --------------------------------
@pytest.fixture(scope="module")
def rehearsed(seedscale_pair, copies, tmp_path_factory) -> dict:
    """`workbench plan` into a folder, a reviewer adds a statement to stage 08 that cannot pass on
    the rows of the target, then `report --plan DIR --rehearse` uses that folder as it is."""
    target = copies(seedscale_pair["current"])
    run(target, "INSERT INTO public.wishlist_items (id, user_id, product_id) VALUES (7, 1, 1)")
    folder = tmp_path_factory.mktemp("rehearsed") / "plan"
    planned = workbench_cli("plan", seedscale_pair["legacy"], target, "--out", str(folder))
    assert planned.returncode == 0, planned.stderr
    stage = folder / "stage08_constraints.sql"
    stage.write_text(stage.read_text().replace(
        "\nCOMMIT;", "\nALTER TABLE public.wishlist_items ADD CONSTRAINT wb_injected CHECK (false);\nCOMMIT;"))
    before = capture(target).fingerprint
    out = folder.parent / "report"
    result = on_a_terminal("report", with_password(seedscale_pair["legacy"]), with_password(target),
                           "--out", str(out), "--plan", str(folder), "--rehearse", "--accept-edits")
    return {"out": out, "folder": folder, "result": result, "target": target, "before": before,
            "html": (out / "report.html").read_text() if (out / "report.html").exists() else ""}


def test_a_rehearsal_finds_the_failure_and_changes_nothing(rehearsed):
    result = rehearsed["result"]
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip().endswith(f"wrote {rehearsed['out'] / 'report.html'}")
    assert capture(rehearsed["target"]).fingerprint == rehearsed["before"]      # rolled back
    assert not (rehearsed["folder"] / "apply_log.json").exists()
    log = json.loads((rehearsed["folder"] / "rehearsal_log.json").read_text())
    assert log["mode"] == "rehearse" and log["status"] == "failed"
    assert not (rehearsed["out"] / "plan").exists()                 # the given folder was used, not a new plan
    assert not (rehearsed["out"] / "verify.json").exists()


def test_the_report_lists_the_accepted_edit(rehearsed):
    """`--accept-edits`: the stage file ran as edited, and the log and the report say what differs."""
    log = json.loads((rehearsed["folder"] / "rehearsal_log.json").read_text())
    assert [(e["stage"], e["change"]) for e in log["accepted_edits"]] == [("stage08_constraints", "added")]
    assert "wb_injected" in log["accepted_edits"][0]["sql"]
    listed = rehearsed["html"].split("wb-accepted-edits", 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 1 and "stage08_constraints.sql:" in listed and "wb_injected" in listed


def test_a_terminal_shows_a_progress_line_per_step(rehearsed):
    lines = rehearsed["result"].stderr.splitlines()
    assert all(re.match(r"\[\s*\d+\.\ds\] ", line) for line in lines), lines
    steps = [line.split("] ", 1)[1] for line in lines]
    assert steps[:3] == ["reading source and target", "comparing", f"using the plan in {rehearsed['folder']}"]
    # the drift report needs nothing of the rehearsal: it runs meanwhile, in a worker thread
    assert steps[3:5] == ["running drift_report.ipynb", "rehearsing the plan"]
    assert "rehearsing stage08_constraints (9/11, 158 statements)" in steps
    assert steps[-2:] == ["running migration_plan.ipynb", "rendering report.html"]
    assert_no_password(rehearsed["result"].stdout + rehearsed["result"].stderr, "output")


def test_the_rehearsal_report_shows_the_edited_stage_and_the_failure(rehearsed):
    text = text_of(rehearsed["html"])
    assert "Stage files edited after planning: stage08_constraints" in text
    assert "Failed: stage08_constraints statement " in text
    assert "(not in plan.json: added to the stage file)" in text
    assert "ALTER TABLE public.wishlist_items ADD CONSTRAINT wb_injected CHECK (false)" in text
    assert 'SQLSTATE 23514 : check constraint "wb_injected" of relation "wishlist_items" is violated by some row' in text
    assert "Rehearsal failed in stage08_constraints" in text
    assert "the rehearsal was rolled back, the target is unchanged." in text
    assert text.index("Rehearsal failed in stage08_constraints") < text.index("Objects per kind and status")
    assert f"read from {rehearsed['folder']}" in text
    no_password_anywhere(rehearsed["out"], rehearsed["folder"])


# --- an apply that is refused: the target changed since the plan was made ------------------------
@pytest.fixture(scope="module")
def refused(seedscale_pair, copies, tmp_path_factory) -> dict:
    target = copies(seedscale_pair["current"])
    folder = tmp_path_factory.mktemp("refused") / "plan"
    planned = workbench_cli("plan", seedscale_pair["legacy"], target, "--out", str(folder))
    assert planned.returncode == 0, planned.stderr
    run(target, "CREATE TABLE public.added_after_planning (id int)")
    out = folder.parent / "report"
    result = workbench_cli("report", with_password(seedscale_pair["legacy"]), with_password(target),
                           "--out", str(out), "--plan", str(folder), "--apply")
    return {"out": out, "folder": folder, "result": result, "target": target,
            "html": (out / "report.html").read_text() if (out / "report.html").exists() else ""}


def test_a_refused_apply_writes_the_report_then_exits_2(refused):
    result = refused["result"]
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: apply: target postgresql://postgres:***@127.0.0.1:")
    assert "changed since the plan was made" in lines[0] 
    assert_no_password(result.stdout + result.stderr, "output")
    assert result.stdout.strip().endswith(f"wrote {refused['out'] / 'report.html'}")
    assert not (refused["folder"] / "apply_log.json").exists()
    assert not (refused["out"] / "verify.json").exists()
    with psycopg.connect(refused["target"]) as conn:              # nothing was applied
        assert conn.execute("SELECT to_regclass('public.agi_audit_logs')").fetchone()[0] is None


def test_the_refused_apply_is_in_the_report(refused):
    text = text_of(refused["html"])
    message = refused["result"].stderr.removeprefix("error: ").strip()
    assert f"The apply did not run: {message}" in text
    assert f"Stopped with an error: {message}" in text
    assert text.index(f"The apply did not run: {message}") < text.index("Objects per kind and status")
    assert text.count("not applied: the apply did not run (see Apply)") == 2      # both traps
    no_password_anywhere(refused["out"], refused["folder"])


def test_planning_options_with_an_existing_plan_are_refused(refused, tmp_path):
    result = workbench_cli("report", str(refused["out"] / "source.snapshot.json"), refused["target"],
                           "--out", str(tmp_path / "r"), "--plan", str(refused["folder"]), "--allow-drops")
    assert result.returncode == 2
    assert result.stderr == (f"error: {refused['folder']} already holds a plan (plan.json), used as it is: planning "
                             f"options are for a new plan (drop them, or give another --plan folder)\n")
    assert not (tmp_path / "r").exists()                   # refused before any work
