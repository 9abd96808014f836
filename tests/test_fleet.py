"""`workbench fleet`: one source against 50 targets made from a template database.

One fleet for the module (the `fleet` fixture): a source database, 48 copies of it made with
CREATE DATABASE ... TEMPLATE (fast: no SQL is loaded twice), 12 of them drifted in 3 distinct
ways (5 lost a column, 4 gained an index, 3 have another function body), and 2 targets that
cannot be read (nothing listens on the port; the database does not exist). Some targets are
labelled in the targets file, some are bare DSNs with a password (the embedded server trusts
local connections and ignores it), which must appear in no output. The CLI reads the fleet once
(`fleet_run`); the Dask test reads it again through a LocalCluster and must find the same; the
plan test applies the group plans to copies of the drifted members.
"""
from __future__ import annotations

import json
import uuid

import pytest

from conftest import run_sql, workbench_cli
from report_helpers import assert_no_password, assert_no_password_in_files, url_with_password
from workbench import sandbox
from workbench.errors import WorkbenchError
from workbench.fleet import run_fleet
from workbench.fleet.targets import Target, parse_line, read_targets_file, resolve_targets

SCHEMA = """
CREATE TABLE account (id int PRIMARY KEY, email text NOT NULL, created_at timestamptz DEFAULT now());
CREATE TABLE orders (id int PRIMARY KEY, account_id int REFERENCES account (id), total numeric CHECK (total >= 0));
CREATE INDEX orders_account_idx ON orders (account_id);
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
"""
# the three ways targets drift, and which copies (by number) drift each way
DRIFTS = {
    "lost_column": ("ALTER TABLE account DROP COLUMN created_at", range(1, 6)),
    "extra_index": ("CREATE INDEX account_email_idx ON account (email)", range(6, 10)),
    "other_body": ("CREATE OR REPLACE FUNCTION order_count() RETURNS bigint LANGUAGE sql "
                   "AS 'SELECT count(*) + 0 FROM orders'", range(10, 13)),
}
COPIES = 48
LABELLED = 40          # copies 0..39 are labelled tenant-NN in the targets file, the rest bare DSNs


def _name(number: int) -> str:
    return f"tenant-{number:02d}" if number < LABELLED else ""


@pytest.fixture(scope="module")
def fleet(pg, tmp_path_factory):
    prefix = f"fleet_{uuid.uuid4().hex[:6]}"
    source = f"{prefix}_source"
    pg.create_database(source)
    run_sql(pg.dsn(source), SCHEMA)
    names = [f"{prefix}_{number:02d}" for number in range(COPIES)]
    with pg.connect() as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    for sql, numbers in DRIFTS.values():
        for number in numbers:
            run_sql(pg.dsn(names[number]), sql)
    dsns = [url_with_password(pg.dsn(name)) for name in names]
    down = url_with_password(f"postgresql://postgres@127.0.0.1:{sandbox.free_port()}/app")    # nothing listens
    lines = ["# the tenants of the fleet test", ""]
    lines += [f"{_name(n)} {dsn}".strip() + ("   # the first tenant" if n == 0 else "") for n, dsn in enumerate(dsns)]
    lines += [f"down {down}", f"gone {pg.dsn(prefix + '_missing')}"]
    targets_file = tmp_path_factory.mktemp("fleet") / "targets.txt"
    targets_file.write_text("\n".join(lines) + "\n")
    shown = [Target(dsn, _name(n)).name for n, dsn in enumerate(dsns)]
    yield {"source": pg.dsn(source), "dsns": dsns, "names": names, "shown": shown, "file": targets_file,
           "pg": pg, "source_name": source}
    for name in names + [source]:
        pg.drop_database(name)


@pytest.fixture(scope="module")
def fleet_run(fleet, tmp_path_factory):
    """The fleet read once through the CLI: --format json on stdout, the files in --out."""
    out = tmp_path_factory.mktemp("fleet-out") / "fleet"
    result = workbench_cli("fleet", fleet["source"], "--targets", str(fleet["file"]), "--format", "json",
                           "--out", str(out))
    return {"result": result, "json": json.loads(result.stdout), "out": out}


def _members(group: dict, fleet: dict) -> set[int]:
    return {fleet["shown"].index(name) for name in group["targets"]}


def test_fifty_targets_make_three_drift_groups_and_the_identical_one(fleet, fleet_run):
    result, found = fleet_run["result"], fleet_run["json"]
    assert result.returncode == 1, result.stderr                 # drift and failures: exit 1
    assert set(found) == {"format", "version", "source", "groups", "failed"}
    assert (found["format"], found["version"]) == ("drift-workbench/fleet", 1)
    assert set(found["source"]) == {"dsn", "server_version", "fingerprint"}
    assert found["source"]["dsn"] == fleet["source"] and found["source"]["server_version"].startswith("18")
    groups = found["groups"]
    assert len(groups) == 4 and [g["identical"] for g in groups] == [True, False, False, False]
    for group in groups:
        assert set(group) == {"drift_fingerprint", "identical", "targets", "summary", "objects"}
    drifted = {n for numbers in (r for _, r in DRIFTS.values()) for n in numbers}
    assert _members(groups[0], fleet) == set(range(COPIES)) - drifted and groups[0]["objects"] == []
    by_members = {frozenset(_members(g, fleet)): g for g in groups[1:]}
    assert set(by_members) == {frozenset(numbers) for _, numbers in DRIFTS.values()}

    def objects(way: str) -> list[tuple]:
        group = by_members[frozenset(DRIFTS[way][1])]
        return [(o["kind"], o["identity"], o["status"], o["differences"]) for o in group["objects"]]

    assert objects("lost_column") == [("columns", {"schema": "public", "table": "account", "name": "created_at"},
                                       "only_in_source", [])]
    assert objects("extra_index") == [("indexes", {"schema": "public", "table": "account", "name": "account_email_idx"},
                                       "only_in_target", [])]
    (kind, identity, status, differences), = objects("other_body")
    assert (kind, identity["name"], status, "body" in differences) == ("functions", "order_count", "changed", True)
    summary = by_members[frozenset(DRIFTS["extra_index"][1])]["summary"]
    assert summary["indexes"]["only_in_target"] == 1 and summary["tables"] == {
        "only_in_source": 0, "only_in_target": 0, "changed": 0, "identical": 2}
    assert len({g["drift_fingerprint"] for g in groups}) == 4


def test_the_two_failures_are_listed_with_their_errors(fleet_run):
    failed = {entry["target"]: entry["error"] for entry in fleet_run["json"]["failed"]}
    assert set(failed) == {"down", "gone"}
    assert "Connection refused" in failed["down"] and failed["down"].startswith("cannot connect to postgresql://")
    assert "does not exist" in failed["gone"]
    assert all("\n" not in error for error in failed.values())


def test_no_password_in_any_output_or_file(fleet_run):
    result = fleet_run["result"]
    assert_no_password(result.stdout + result.stderr, "fleet output")
    assert assert_no_password_in_files(fleet_run["out"]) >= 2
    assert ":***@" in result.stdout                         # the bare DSNs are named masked


def test_the_files_hold_the_fleet_and_each_target(fleet, fleet_run):
    from workbench.fleet import read_files

    fleet_json, targets = read_files(fleet_run["out"])
    assert fleet_json == fleet_run["json"]
    entries = {entry["target"]: entry for entry in targets["targets"]}
    assert len(entries) == COPIES + 2 and targets["run"]["failed"] == 2
    assert entries["tenant-01"]["drift"] == {"columns": 1} and entries["tenant-00"]["drift"] == {}
    assert entries["tenant-00"]["in_parity"] and entries["tenant-00"]["fingerprint"] == fleet_json["source"]["fingerprint"]
    assert entries["down"]["error"] and entries["down"]["group"] is None
    parity = entries["tenant-01"]["parity"]
    assert parity["identical"] == parity["source_objects"] - 1


def test_the_same_through_a_dask_local_cluster(fleet, fleet_run):
    """--executor dask://HOST:PORT (the CLI's form): a client of the cluster's scheduler."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address.removeprefix("tcp://")
        result = run_fleet(fleet["source"], [str(fleet["file"])], executor=f"dask://{address}", frames=True)
        workers = {worker.address for worker in cluster.workers.values()}
    assert result.to_json() == fleet_run["json"]
    assert {r.worker for r in result.results} <= workers and len({r.worker for r in result.results}) == 2
    assert result.exit_code == 1 and result.executor == f"dask tcp://{address}"
    # compact results: the drifted rows come back as frames, the snapshots stay on the workers
    lost = next(r for r in result.results if r.name == "tenant-01")
    assert list(lost.frames) == ["columns"] and len(lost.frames["columns"]) == 1
    assert lost.frames["columns"]["status"].tolist() == ["only_in_source"]
    from workbench.present.fleet import fleet_text

    text = fleet_text(result)
    assert "36 in parity, 12 drifted in 3 groups, 2 failed" in text
    assert "  + columns public.account.created_at" in text and "  down: cannot connect to" in text


def test_an_executor_object_from_python(fleet):
    """A distributed.Client, or any concurrent.futures Executor, as the executor."""
    distributed = pytest.importorskip("distributed")
    from concurrent.futures import ThreadPoolExecutor

    targets = [fleet["dsns"][0], fleet["dsns"][1], f"t6 {fleet['dsns'][6]}"]
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        on_dask = run_fleet(fleet["source"], targets, executor=client, per_server=1)
    with ThreadPoolExecutor(2) as pool:
        on_pool = run_fleet(fleet["source"], targets, executor=pool, jobs=2)
    assert on_dask.to_json() == on_pool.to_json()
    assert [len(g.members) for g in on_pool.groups] == [1, 1, 1] and on_pool.groups[0].identical
    assert on_pool.executor == "ThreadPoolExecutor" and on_pool.jobs == 2 and on_dask.per_server == 1


def test_a_group_plan_applied_to_every_member_brings_the_fleet_to_parity(fleet, tmp_path):
    pg = fleet["pg"]
    drifted = sorted(n for _, numbers in DRIFTS.values() for n in numbers)
    copies = {}
    with pg.connect() as conn:
        for number in drifted + [0]:
            name = f"{fleet['names'][number]}_copy"
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{fleet["names"][number]}"')
            copies[number] = name
    try:
        targets = tmp_path / "copies.txt"
        targets.write_text("".join(f"copy-{n:02d} {url_with_password(pg.dsn(name))}\n" for n, name in copies.items()))
        out = tmp_path / "out"
        result = workbench_cli("fleet", fleet["source"], "--targets", str(targets), "--out", str(out),
                               "--plan", "--apply", "--allow-drops", "--no-validate")     # validated: below
        assert result.returncode == 0, result.stdout + result.stderr
        assert sorted(p.name for p in (out / "plans").iterdir()) == ["group-01", "group-02", "group-03"]
        for folder in (out / "plans").iterdir():
            assert {"plan.json", "group.json", "schema_migration.sql", "stage10_drops.sql"} <= {p.name for p in folder.iterdir()}
            logs = list((folder / "apply_logs").iterdir())          # one log per member: planned once, applied to each
            group = json.loads((folder / "group.json").read_text())
            assert len(logs) == len(group["members"]) >= 3
        assert "12 of 12 drifted targets applied and verified" in result.stdout
        assert result.stdout.count(": verified, no residual drift") == 12
        assert_no_password(result.stdout + result.stderr, "fleet --apply output")
        assert_no_password_in_files(out)
        # and independently: the fleet read again is all in parity
        again = run_fleet(fleet["source"], [str(targets)])
        assert again.exit_code == 0 and [g.identical for g in again.groups] == [True]
        assert len(again.groups[0].members) == len(copies)
    finally:
        for name in copies.values():
            pg.drop_database(name)


def test_group_plans_are_validated_on_one_shadow(fleet, tmp_path):
    """Each group's plan (and its way back) validated like `workbench plan` validates one, on a
    shadow of the member it was planned from; here the session's server is the shadow."""
    from workbench.fleet.plans import write_group_plans
    from workbench.present.fleet import plan_lines
    from workbench.validate import recorded

    result = run_fleet(fleet["source"], [fleet["dsns"][1], fleet["dsns"][2]])       # one group: lost_column
    plans = write_group_plans(result, tmp_path, validate_plans=True, shadow=fleet["pg"])
    assert len(plans) == 1 and plans[0].validation is not None
    assert plans[0].validation["status"] == "converged", plans[0].validation["message"]
    assert recorded(plans[0].directory) == plans[0].validation
    assert recorded(plans[0].directory / "rollback")["status"] == "converged"
    assert "; shadow validation: converged: " in plan_lines(plans)[0]


# --- the report ------------------------------------------------------------------------------------
def test_the_report_folder(fleet_run):
    out, result = fleet_run["out"], fleet_run["result"]
    assert {"report.html", "fleet_report.ipynb", "fleet.json", "fleet_targets.json"} <= {p.name for p in out.iterdir()}
    assert f"wrote {out / 'report.html'}" in result.stderr          # --format json: the rest goes to stderr
    from workbench.report import plotly_js

    html = (out / "report.html").read_text()
    bundle = plotly_js(["heatmap"])                  # the full bundle: the basic one draws no heatmap
    assert html.count(bundle) == 1
    without = html.replace(bundle, "")
    assert "cdn.plot.ly" not in without and "<script src=" not in without
    assert "Plotly.newPlot" in html and 'class="jp-InputArea' not in html      # self-contained, code hidden


@pytest.fixture(scope="module")
def report_page(chromium, fleet_run):
    page = chromium.new_page(viewport={"width": 1280, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto((fleet_run["out"] / "report.html").as_uri(), wait_until="load", timeout=180_000)
    # both figures drawn (a busy machine parses the full plotly.js bundle slowly)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2", timeout=180_000)
    page.errors = errors
    yield page
    page.close()


def test_the_report_in_chromium_shows_the_heatmap_and_the_groups(report_page, fleet, fleet_run):
    page = report_page
    assert page.errors == []
    heatmap = page.evaluate("""(() => {
        const g = Array.from(document.querySelectorAll('.js-plotly-plot')).find(g => g.layout.meta.chart === 'fleet_heatmap');
        return {type: g.data[0].type, x: Array.from(g.data[0].x), y: Array.from(g.data[0].y),
                z: g.data[0].z.map(row => Array.from(row)), drawn: g.querySelectorAll('.hm, image, .heatmaplayer *').length};
    })()""")
    assert heatmap["type"] == "heatmap" and heatmap["drawn"] > 0
    assert sorted(heatmap["x"]) == ["columns", "functions", "indexes"]
    drifted = [fleet["shown"][n] for _, numbers in DRIFTS.values() for n in numbers]
    assert sorted(heatmap["y"]) == sorted(drifted)
    cells = {(target, kind): heatmap["z"][i][j] for i, target in enumerate(heatmap["y"]) for j, kind in enumerate(heatmap["x"])}
    assert cells[("tenant-01", "columns")] == 1 and cells[("tenant-01", "indexes")] == 0
    assert cells[("tenant-07", "indexes")] == 1 and cells[("tenant-11", "functions")] == 1
    assert sum(cells.values()) == 12
    groups = page.locator("details.wb-group")
    assert groups.count() == 3
    texts = [groups.nth(i).inner_text() for i in range(3)]
    assert texts[0].startswith("group 1: 5 targets") and "public.account.created_at" in texts[0]
    assert texts[1].startswith("group 2: 4 targets") and "public.account.account_email_idx" in texts[1]
    assert texts[2].startswith("group 3: 3 targets") and "public.order_count()" in texts[2]
    body = page.inner_text("body")
    assert "50 targets: 36 in parity, 12 drifted in 3 groups, 2 failed" in body
    assert "Connection refused" in body and "does not exist" in body          # the failed targets
    assert "tenant-00" in body and "100%" in body                              # parity per target
    timing = page.evaluate("""Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g.layout.meta.chart)""")
    assert timing == ["fleet_heatmap", "fleet_timing"]


# --- targets and errors ---------------------------------------------------------------------------
def test_targets_lines_labels_and_comments():
    assert parse_line("  # a comment") is None and parse_line("") is None
    assert parse_line("postgresql://u@h/db") == Target("postgresql://u@h/db")
    assert parse_line("tenant-7 postgresql://u@h/db  # note") == Target("postgresql://u@h/db", "tenant-7")
    assert parse_line("host=h dbname=db") == Target("host=h dbname=db")
    assert parse_line("t7 host=h dbname=db") == Target("host=h dbname=db", "t7")
    assert parse_line("prod_service") == Target("prod_service")
    assert Target("host=h port=6000 dbname=db").server == "h:6000"
    assert Target("postgresql://u:secret@h/db").name == "postgresql://u:***@h/db"


def test_bad_targets_are_one_line_errors(tmp_path, fleet):
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing here\n")
    with pytest.raises(WorkbenchError, match="names no target"):
        read_targets_file(empty)
    with pytest.raises(WorkbenchError, match="given twice"):
        resolve_targets(["a postgresql://h/a", Target("postgresql://h/b", "a")])
    result = workbench_cli("fleet", fleet["source"], "--targets", str(empty))
    assert result.returncode == 2 and result.stderr.startswith(f"error: {empty}: ") and result.stderr.count("\n") == 1
    result = workbench_cli("fleet", "postgresql://postgres@127.0.0.1:1/none", "--targets", fleet["dsns"][0])
    assert result.returncode == 2 and result.stderr.startswith("error: cannot connect to"), result.stderr
    result = workbench_cli("fleet", fleet["source"], "--targets", fleet["dsns"][0], "--plan")
    assert result.returncode == 2 and "--plan needs --out" in result.stderr


def test_a_locked_target_times_out_and_a_forbidden_one_is_refused(fleet):
    """The failures a fleet meets besides unreachable servers: a timeout (a catalog read waiting
    behind a long ALTER TABLE's lock: --timeout bounds it) and a permission (no CONNECT)."""
    import time

    import psycopg

    pg = fleet["pg"]
    locked, forbidden = f"{fleet['names'][0]}_locked", f"{fleet['names'][0]}_forbidden"
    role = f"fleet_nobody_{uuid.uuid4().hex[:6]}"
    with pg.connect() as conn:
        for name in (locked, forbidden):
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{fleet["source_name"]}"')
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'REVOKE CONNECT ON DATABASE "{forbidden}" FROM PUBLIC')
    holder = psycopg.connect(pg.dsn(locked))
    try:
        holder.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        result = workbench_cli("fleet", fleet["source"], "--targets", f"ok {fleet['dsns'][0]}",
                               f"locked {pg.dsn(locked)}", f"forbidden {pg.dsn(forbidden).replace('postgres@', role + '@')}",
                               "--timeout", "2", "--format", "json")
        assert time.monotonic() - started < 60
    finally:
        holder.rollback()
        holder.close()
        for name in (locked, forbidden):
            pg.drop_database(name)
        with pg.connect() as conn:
            conn.execute(f'DROP ROLE "{role}"')
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert [(g["identical"], g["targets"]) for g in found["groups"]] == [(True, ["ok"])]
    failed = {entry["target"]: entry["error"] for entry in found["failed"]}
    assert failed["locked"].startswith("lock_timeout (1000 ms) fired reading the views of postgresql://"), failed
    assert failed["locked"].endswith("or raise --timeout")
    assert "permission denied for database" in failed["forbidden"], failed


def test_the_per_server_cap_holds_whatever_the_jobs(fleet):
    """At most --per-server targets of one server in flight, even with more jobs: counted by an
    executor that wraps a thread pool and records how many tasks run at once."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    class Counting(ThreadPoolExecutor):
        def __init__(self):
            super().__init__(8)
            self.lock, self.now, self.most = threading.Lock(), 0, 0

        def submit(self, fn, *args):
            def counted():
                with self.lock:
                    self.now += 1
                    self.most = max(self.most, self.now)
                try:
                    return fn(*args)
                finally:
                    with self.lock:
                        self.now -= 1
            return super().submit(counted)

    with Counting() as pool:
        result = run_fleet(fleet["source"], fleet["dsns"][:6], executor=pool, jobs=8, per_server=2)
    assert pool.most == 2 and len(result.results) == 6 and result.exit_code == 1     # tenant-01..05 drifted
    with Counting() as pool:
        run_fleet(fleet["source"], fleet["dsns"][:6], executor=pool, jobs=3, per_server=8)
    assert pool.most == 3


def test_one_target_in_parity_exits_0(fleet):
    result = workbench_cli("fleet", fleet["source"], "--targets", fleet["dsns"][0], "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "1 in parity, 0 drifted in 0 groups, 0 failed" in result.stdout
