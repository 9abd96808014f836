"""What `notebooks/migration_plan.ipynb` calls: make a plan (or read a plan folder) and show it.

The notebook is a front door of its own: run by papermill with `source`, `target` and `out_dir`, it
compares, plans and writes exactly the files `workbench plan SOURCE TARGET --out DIR` writes (the
same functions: compare, planner.plan, pipeline.write_plan). Given `plan_dir` instead, it shows
an existing plan folder as it is on disk (a reviewer may have edited a stage file: what apply runs
is what is shown). With an apply log (workbench.apply's apply_log.json or rehearsal_log.json), an
apply error (a refused apply, a lost connection) and a verify result (VerifyResult.to_json()), it
shows what the apply did, what failed and why, and the parity that was proven afterwards.

Every decision is here, tested without a kernel; the notebook only calls these functions.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from workbench.compare import CompareOptions, Drift
from workbench.compare import compare as compare_snapshots
from workbench.errors import WorkbenchError
from workbench.planner import STAGE_NAMES, Plan, PlanOptions, Statement, plan
from workbench.planner.files import render_stage
from workbench.planner.model import HAZARDS, STAGES, sha256_text
from workbench.present.drift_report import schema_list, show, show_html, show_table, table_html
from workbench.present.html import box as _box
from workbench.present.html import heading
from workbench.present import reuse
from workbench.present.labels import object_name as identity_label
from workbench.present.labels import parity_text as _parity_sentence
from workbench.verify import trap_outcome as _trap_outcome
from workbench.verify import trap_statements as _trap_statements

PLAN_OPTIONS = ("allow_drops", "concurrently", "not_valid", "with_privileges")
RAN = ("ok", "failed", "rolled_back")


@dataclass
class PlanView:
    """A plan and what happened to it: everything the migration_plan notebook shows."""

    plan: Plan
    stage_texts: dict[str, str]            # stage name -> the stage file's text (what apply runs)
    title: str
    drift: Drift | None = None             # the comparison the plan was made from (None: plan_dir alone)
    plan_dir: Path | None = None           # where the plan's files are (None: planned in memory only)
    written: bool = False                  # this run wrote the plan files into plan_dir (out_dir)
    edited: list[str] = field(default_factory=list)   # stage files changed since the plan was made
    apply_log: dict[str, Any] | None = None          # workbench.apply log (apply or rehearsal)
    apply_error: str = ""                  # an apply that stopped with an error: its message
    verify: dict[str, Any] | None = None             # VerifyResult.to_json()
    validation: dict[str, Any] | None = None         # plan.json's shadow validation (workbench.validate)

    @cached_property
    def statements(self) -> pd.DataFrame:
        rows = [{"id": s.id, "stage": s.stage, "kind": s.kind, "object": identity_label(s.kind, s.identity),
                 "action": s.action, "hazards": list(s.hazards), "transactional": s.transactional, "sql": s.sql}
                for s in self.plan.statements]
        return pd.DataFrame(rows, columns=["id", "stage", "kind", "object", "action", "hazards", "transactional",
                                           "sql"])

    @property
    def rehearsal(self) -> bool:
        return self.apply_log is not None and self.apply_log.get("mode") == "rehearse"


# --- parameters ---------------------------------------------------------------------------------
def _text(name: str, value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise WorkbenchError(f"parameter {name} must be a string, not {value!r}")
    return value.strip()


def _flag(name: str, value: object) -> bool:
    """A boolean option as papermill passes it (`-p allow_drops True`, or a YAML/JSON true)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no", ""):
        return value.strip().lower() in ("true", "1", "yes")
    raise WorkbenchError(f"parameter {name} must be True or False, not {value!r}")


def read_apply_log(path: str | Path) -> dict[str, Any]:
    """An apply_log.json or rehearsal_log.json (workbench.apply's reader, beside its writer; in a
    report run here, the apply's own log for the file it wrote: workbench.present.reuse)."""
    from workbench.apply import read_log

    log = reuse.apply_log(str(path)) or read_log(reuse.path(str(path)))
    if log is None:
        raise WorkbenchError(f"apply log {path} does not exist")
    return log


def read_verify(path: str | Path) -> dict[str, Any]:
    """verify.json (workbench.verify's reader, beside its writer)."""
    from workbench.verify import read_result

    return read_result(path)


def stage_texts_of(plan_dir: Path) -> dict[str, str]:
    from workbench.planner.stagecheck import read_stage_file

    return {name: read_stage_file(plan_dir / f"{name}.sql") for name in STAGE_NAMES}


def prepare(source: str = "", target: str = "", out_dir: str = "", plan_dir: str = "", schemas: object = (),
            allow_drops: object = False, concurrently: object = False, not_valid: object = False,
            with_privileges: object = False,
            apply_log: str = "", apply_error: str = "", verify_result: str = "", title: str = "",
            overview: bool = True, compare: object = None) -> PlanView:
    """Plan source -> target (writing the plan files into out_dir when given), or read plan_dir;
    then read the optional apply log and verify result. The sides are compared with the options
    `compare` names (CompareOptions.from_parameters), as `workbench plan` with those flags does. Showing a plan folder without the overview
    (as the report does), the sides are compared for their columns only: that is what the traps'
    account needs (the retyped columns), the rest is the drift report's."""
    source, target = _text("source", source), _text("target", target)
    out_dir, plan_dir = _text("out_dir", out_dir), _text("plan_dir", plan_dir)
    options = PlanOptions(allow_drops=_flag("allow_drops", allow_drops),
                          concurrently=_flag("concurrently", concurrently),
                          not_valid=_flag("not_valid", not_valid),
                          with_privileges=_flag("with_privileges", with_privileges))
    if out_dir and plan_dir:
        raise WorkbenchError("give out_dir (to make a plan) or plan_dir (to show a plan folder), not both")
    drift = None
    if source or target:
        if not (source and target):
            raise WorkbenchError(f"parameter {'target' if source else 'source'} is empty: "
                                 f"give a DSN or a snapshot file")
        drift = compare_sides(source, target, schemas, None if overview or not plan_dir else ("columns",), compare)
    elif not plan_dir:
        raise WorkbenchError("parameters source and target are empty: give a DSN or a snapshot file for each "
                             "(or plan_dir, a plan folder to show)")
    if plan_dir:
        folder = Path(reuse.path(plan_dir))
        the_plan, raw = reuse.read_plan(folder)
        texts = stage_texts_of(folder)
        recorded = {stage.get("name"): stage.get("sha256") for stage in raw.get("stages", [])}
        edited = [name for name in STAGE_NAMES if recorded.get(name) and recorded[name] != sha256_text(texts[name])]
        view = PlanView(the_plan, texts, "", drift, folder, False, edited)
        view.validation = raw.get("validation") if isinstance(raw.get("validation"), dict) else None
    else:
        assert drift is not None               # no plan_dir: source and target were given (checked above)
        the_plan = plan(drift, options)
        if out_dir:
            from workbench.pipeline import write_plan

            folder = write_plan(the_plan, reuse.path(out_dir), drift, target)
            view = PlanView(the_plan, stage_texts_of(folder), "", drift, folder, True)
        else:
            by_stage = the_plan.by_stage()
            view = PlanView(the_plan, {name: render_stage(name, text, by_stage[name]) for name, text in STAGES},
                            "", drift)
    title = _text("title", title)
    view.title = title or ("Migration plan" + (f": {drift.source.database} \u2192 {drift.target.database}"
                                               if drift is not None else ""))
    if _text("apply_log", apply_log):
        view.apply_log = read_apply_log(_text("apply_log", apply_log))
    view.apply_error = " ".join(_text("apply_error", apply_error).split())
    if _text("verify_result", verify_result):
        view.verify = read_verify(reuse.path(_text("verify_result", verify_result)))
    return view


def compare_sides(source: str, target: str, schemas: object = (), kinds: tuple[str, ...] | None = None,
                  compare: object = None) -> Drift | None:
    """The comparison `workbench plan SOURCE TARGET [--schema S] [...]` plans from, or of some kinds
    only (those of `kinds` the options compare; None when they compare none of them: the sides,
    captured for the options' kinds, may not hold them)."""
    options = CompareOptions.from_parameters(compare, schemas=schema_list(schemas))
    if kinds is not None:
        kinds = tuple(k for k in kinds if k in options.selected_kinds())
        if not kinds:
            return None
        options = replace(options, kinds=kinds, exclude_kinds=())
    selected = options.selected_kinds()
    return (reuse.drift(source, target, options)
            or compare_snapshots(*reuse.open_pair(source, target, selected), options))


# --- numbers ------------------------------------------------------------------------------------
def overall_parity(verify: dict[str, Any]) -> tuple[float, int, int]:
    """(percent, identical, source objects) over every kind of a verify result."""
    parity = verify.get("parity") or {}
    total = sum(int(row["source_objects"]) for row in parity.values())
    identical = sum(int(row["identical"]) for row in parity.values())
    return (100.0 * identical / total if total else 100.0), identical, total


def parity_text(verify: dict[str, Any]) -> str:
    """The parity sentence (present.labels.parity_text) over every kind of a verify result."""
    _, identical, total = overall_parity(verify)
    return _parity_sentence(identical, total)


def stage_frame(view: PlanView) -> pd.DataFrame:
    """Per stage: file, statements, transactional, statements with a hazard, edited since planning,
    and (with an apply log) its status and milliseconds."""
    by_stage = view.plan.by_stage()
    logged = {s["name"]: s for s in (view.apply_log or {}).get("stages", [])}
    rows = []
    for name in STAGE_NAMES:
        statements = by_stage[name]
        row = {"stage": name, "statements": len(statements),
               "transactional": "yes" if all(s.transactional for s in statements) else "no",
               "with a hazard": sum(1 for s in statements if s.hazards),
               "hazards": ", ".join(f"{h} {n}" for h, n in _hazard_counts(statements).items()),
               "edited": "edited after planning" if name in view.edited else ""}
        if view.apply_log is not None:
            entry = logged.get(name, {})
            row["status"] = entry.get("status", "not_run")
            row["ms"] = float(entry.get("ms") or 0.0)
        rows.append(row)
    return pd.DataFrame(rows)


def _hazard_counts(statements: Iterable[Statement]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for statement in statements:
        for hazard in statement.hazards:
            counts[hazard] = counts.get(hazard, 0) + 1
    return dict(sorted(counts.items()))


def hazards_frame(view: PlanView, stage: str) -> pd.DataFrame:
    """The statements of one stage that carry a hazard."""
    frame = view.statements
    rows = frame[(frame["stage"] == stage) & (frame["hazards"].map(len) > 0)]
    return pd.DataFrame({"object": rows["kind"] + " " + rows["object"], "action": rows["action"],
                         "hazards": rows["hazards"].map(", ".join),
                         "statement": rows["sql"].map(_one_line)}).reset_index(drop=True)


def _one_line(sql: str, limit: int = 300) -> str:
    text = " ".join(str(sql).split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def skipped_frame(view: PlanView) -> pd.DataFrame:
    return pd.DataFrame([{"kind": s["kind"], "object": identity_label(s["kind"], s["identity"]),
                          "reason": s.get("reason", "")} for s in view.plan.skipped],
                        columns=["kind", "object", "reason"])


# --- traps --------------------------------------------------------------------------------------
def retyped_columns(view: PlanView, trap: dict[str, Any]) -> list[str]:
    """'role: text -> user_role_simple' for the changed column types of the table of a
    constraint_over_retyped_column trap (nothing for other traps)."""
    if trap.get("trap") != "constraint_over_retyped_column" or view.drift is None or "columns" not in view.drift.frames:
        return []
    identity = trap.get("identity") or {}
    columns = view.drift["columns"]
    rows = columns[(columns["status"] == "changed") & (columns["schema"] == identity.get("schema"))
                   & (columns["table"] == identity.get("table"))]
    return [f"{row['name']}: {row['target_data_type']} \u2192 {row['source_data_type']}"
            for _, row in rows.iterrows() if "data_type" in row["differences"]]


def trap_statements(view: PlanView, trap: dict[str, Any]) -> list[Any]:
    """The planned statements that resolve a trap (workbench.verify.trap_statements)."""
    return _trap_statements(view.plan, trap)


def trap_outcome(view: PlanView, trap: dict[str, Any], statements: list[Any]) -> str:
    """Whether the trap is resolved (computed by workbench.verify.trap_outcome)."""
    return _trap_outcome(trap, statements, view.apply_log, view.apply_error, view.verify)


def traps_html(view: PlanView) -> str:
    """The traps table, one line per planned statement in `planned as`."""
    frame = traps_frame(view)
    header = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column, value in record.items():
            text = "<br>".join(html.escape(line) for line in str(value).split("\n"))
            if column == "outcome":
                resolved = value.startswith("resolved")
                color = "#2e7d32" if resolved else "#c62828"
                text = f"<b class='wb-{'resolved' if resolved else 'unresolved'}' style='color:{color}'>{text}</b>"
            cells.append(f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<table class='wb-table wb-traps'><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def traps_frame(view: PlanView) -> pd.DataFrame:
    """Every trap of the plan: the object, the problem, how the plan resolves it, the statements
    that do it (stage and SQL) and the outcome."""
    rows = []
    for trap in view.plan.traps:
        statements = trap_statements(view, trap)
        retyped = retyped_columns(view, trap)
        name = f"{trap.get('kind', '')} {identity_label(trap['kind'], trap['identity'])}"
        rows.append({"trap": trap.get("trap", ""),
                     "object": name + (f" (over {'; '.join(retyped)})" if retyped else ""),
                     "problem": trap.get("problem", ""), "resolution": trap.get("resolution", ""),
                     "planned as": "\n".join(f"{s.stage}: {_one_line(s.sql, 200)}" for s in statements),
                     "outcome": trap_outcome(view, trap, statements)})
    return pd.DataFrame(rows, columns=["trap", "object", "problem", "resolution", "planned as", "outcome"])


# --- apply --------------------------------------------------------------------------------------
def failures(log: dict[str, Any]) -> list[dict[str, Any]]:
    """Failed statements (and stages that failed at COMMIT without a failed statement)."""
    found = [{"stage": e["stage"], "statement": e.get("index"), "object": _entry_label(e),
              "sqlstate": e.get("sqlstate") or "", "message": e.get("message") or "", "sql": e.get("sql") or "",
              "hint": e.get("hint") or ""}
             for e in log.get("statements", []) if e.get("status") == "failed"]
    stages = {f["stage"] for f in found}
    found += [{"stage": s["name"], "statement": None, "object": "at COMMIT", "sqlstate": s.get("sqlstate") or "",
               "message": s.get("message") or "", "sql": "", "hint": ""}
              for s in log.get("stages", []) if s.get("status") == "failed" and s["name"] not in stages
              and s.get("message")]
    return found


def _entry_label(entry: dict[str, Any]) -> str:
    if entry.get("kind") and entry.get("identity"):
        try:
            return f"{entry.get('action', '')} {entry['kind']} {identity_label(entry['kind'], entry['identity'])}".strip()
        except KeyError:
            pass
    return "(not in plan.json: added to the stage file)"


def apply_verdict(view: PlanView) -> str:
    """One sentence: what the apply (or rehearsal) did."""
    return apply_verdict_of(view.apply_log, view.apply_error)


def apply_verdict_of(log: dict[str, Any] | None, error: str = "") -> str:
    """One sentence from an apply log (or rehearsal log) and the error that stopped it, if any."""
    if log is None:
        return f"The apply did not run: {error}" if error else ""
    rehearsal = log.get("mode") == "rehearse"
    what = "Rehearsal" if rehearsal else "Apply"
    stages = log.get("stages", [])
    statements = log.get("statements", [])
    ran = sum(1 for e in statements if e.get("status") in RAN)
    failed = failures(log)
    if failed:
        first = failed[0]
        where = f"{first['stage']}" + (f" statement {first['statement']}" if first["statement"] else "")
        text = (f"{what} failed in {where}: SQLSTATE {first['sqlstate'] or '-'}: {first['message']}. "
                f"{ran} of {len(statements)} statements ran; ")
        if rehearsal:
            text += "the rehearsal was rolled back, the target is unchanged."
        else:
            applied = [s["name"] for s in stages if s.get("status") in ("applied", "already_applied")
                       and s.get("statements")]
            text += (f"the failed stage was rolled back; {len(applied)} stages with statements stay applied"
                     + (f" ({', '.join(applied)})." if applied else "."))
    elif log.get("status") in ("applied", "rehearsed"):
        busy = [s for s in stages if s.get("statements")]
        planned = sum(1 for s in statements if s.get("id"))     # the plan's statements; the rest are the
        settings = len(statements) - planned                     # stage files' own SET lines
        text = (f"{what}: all {planned} planned statements"
                + (f" (and {settings} session setting{'s' if settings != 1 else ''} of the stage files)" if settings else "")
                + f" of {len(busy)} stages ran without error in {float(log.get('ms') or 0) / 1000:.1f} s")
        text += " and were rolled back (the target is unchanged)." if rehearsal else "."
    else:
        text = f"{what} ended with status {log.get('status')}."
    if error or log.get("error"):
        text += f" It stopped with an error: {error or log.get('error')}"
    return text


def apply_stage_frame(log: dict[str, Any]) -> pd.DataFrame:
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for entry in log.get("statements", []):
        by_stage.setdefault(entry["stage"], []).append(entry)
    rows = []
    for stage in log.get("stages", []):
        entries = by_stage.get(stage["name"], [])
        counts: dict[str, int] = {}
        for entry in entries:
            counts[entry["status"]] = counts.get(entry["status"], 0) + 1
        rows.append({"stage": stage["name"], "status": stage.get("status", ""),
                     "statements": ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "none",
                     "ms": round(float(stage.get("ms") or 0.0), 1),
                     "edited": "edited after planning" if stage.get("edited") else "",
                     "error": (f"SQLSTATE {stage['sqlstate']}: {stage['message']}" if stage.get("message") else "")})
    return pd.DataFrame(rows, columns=["stage", "status", "statements", "ms", "edited", "error"])


# --- html ---------------------------------------------------------------------------------------
def header_html(view: PlanView) -> str:
    """Title, the two sides, where the plan is, and the verdicts (plan, apply, verify)."""
    plan_ = view.plan
    rows = [{"": "source (legacy)", "DSN": plan_.source.get("dsn"), "PostgreSQL": plan_.source.get("server_version"),
             "fingerprint": str(plan_.source.get("fingerprint", ""))[:12]},
            {"": "target (current)", "DSN": plan_.target.get("dsn"), "PostgreSQL": plan_.target.get("server_version"),
             "fingerprint": str(plan_.target.get("fingerprint", ""))[:12]}]
    options = ", ".join(name for name in PLAN_OPTIONS if plan_.options.get(name)) or "none"
    where = (f"written to <code>{html.escape(str(view.plan_dir))}</code>" if view.written
             else f"read from <code>{html.escape(str(view.plan_dir))}</code>" if view.plan_dir
             else "not written (give out_dir to write the stage files)")
    busy = sum(1 for statements in plan_.by_stage().values() if statements)
    hazardous = sum(1 for s in plan_.statements if s.hazards)
    verdict = (f"{len(plan_.statements)} statements in {busy} of {len(STAGE_NAMES)} stages, {hazardous} with a "
               f"hazard; {len(plan_.traps)} known traps resolved by the plan; {len(plan_.skipped)} items skipped.")
    parts = [f"<h1 id='wb-migration-plan'>{html.escape(view.title)}</h1>",
             f"<p>Plan made {html.escape(plan_.created_at)}, {where}. Options: {html.escape(options)}.</p>",
             table_html(pd.DataFrame(rows), index=False), _box(f"<b>{html.escape(verdict)}</b>", "info")]
    if view.plan_dir is not None:
        from workbench.present.proof import validation_html

        parts.append(validation_html(view.validation))
    if view.edited:
        parts.append(_box(f"Stage files edited after planning: {html.escape(', '.join(view.edited))} "
                          "(shown and applied as they are on disk).", "info"))
    parts.append(way_back_html(view))
    parts.append(rows_at_risk_html(view))
    parts.append(outcome_html(view))
    return "".join(parts)


def way_back_html(view: PlanView) -> str:
    """Whether the plan folder holds a way back (rollback/, workbench/rollback.py) and what it costs."""
    back = view.plan.rollback
    if not back:
        return _box("No way back in this plan folder (rollback/ is written by <code>workbench plan --out</code>).",
                    "info")
    losing = (f"; {back['data_loss']} of them lose data (what the plan adds is dropped again: "
              f"{html.escape(', '.join(back['data_loss_objects'][:5]))}{' ...' if back['data_loss'] > 5 else ''})"
              if back["data_loss"] else "; none loses data")
    backups = sorted(p.parent.name for p in (view.plan_dir / "backup").glob("*/snapshot.json")) \
        if view.plan_dir is not None else []
    kept = (f" Backups of the schema before apply (snapshot, pg_dump -s): {html.escape(', '.join(backups))}."
            if backups else "")
    where = f"{view.plan_dir.name}/{back['dir']}" if view.plan_dir is not None else back["dir"]
    proven = back.get("validation")
    if isinstance(proven, dict):
        status = str(proven.get("status", "error"))
        checked = (f" <b>Validated on the shadow: {html.escape(status)}</b>: "
                   f"{html.escape(str(proven.get('message', '')))}.")
        kind = {"converged": "ok", "failed": "bad", "diverged": "bad"}.get(status, "info")
    else:
        checked, kind = " Not validated on a shadow (planned with <code>--no-validate</code>).", "info"
    return _box(f"<b>Way back:</b> <code>workbench apply {html.escape(where)} TARGET</code> takes an applied "
                f"target back: {back['statements']} statements{losing}.{kept}{checked}", kind)


def rows_at_risk_html(view: PlanView) -> str:
    """The steps that can delete rows, with their table's rows (plan.json `rows`)."""
    at_risk = (view.plan.rows or {}).get("at_risk") or []
    if not at_risk:
        return ""
    frame = pd.DataFrame([{"statement": e["statement"], "table": e["table"],
                           "rows": "?" if e["rows"] is None else f"{e['rows']:,}" + ("" if e["exact"] else " (estimate)"),
                           "counted": e["how"]} for e in at_risk])
    return (f"<h3>Steps that can delete rows ({len(at_risk)})</h3><p>Rows from "
            f"{html.escape(str(view.plan.rows.get('counted_on', '')))}.</p>" + table_html(frame, index=False))


def outcome_html(view: PlanView, with_verify: bool = True) -> str:
    """What the apply (or rehearsal) did and the parity verified after it: green or red boxes;
    empty when nothing was applied or rehearsed. The report also shows the apply's box under its
    title (where drift_report states the parity after apply already)."""
    parts = []
    outcome = apply_verdict(view)
    if outcome:
        bad = bool(view.apply_error or failures(view.apply_log or {}))
        parts.append(_box(f"<b>{html.escape(outcome)}</b>", "bad" if bad else "ok"))
    if view.verify is not None and with_verify:
        ok = bool(view.verify.get("ok"))
        parts.append(_box(f"<b>{'Verified' if ok else 'NOT verified'}: {html.escape(parity_text(view.verify))}</b>",
                          "ok" if ok else "bad"))
    return "".join(parts)


def all_hazards_frame(view: PlanView) -> pd.DataFrame:
    """Every statement that carries a hazard, in plan order: stage, object, action, hazards, SQL."""
    frame = view.statements
    rows = frame[frame["hazards"].map(len) > 0]
    return pd.DataFrame({"stage": rows["stage"], "object": rows["kind"] + " " + rows["object"],
                         "action": rows["action"], "hazards": rows["hazards"].map(", ".join),
                         "statement": rows["sql"].map(_one_line)}).reset_index(drop=True)


def hazard_legend_html() -> str:
    """What each hazard means (show_stages puts every hazardous statement in one table under it)."""
    legend = pd.DataFrame({"hazard": list(HAZARDS), "meaning": list(HAZARDS.values())})
    return table_html(legend, index=False)


def stage_sql_html(view: PlanView) -> str:
    """Every stage file, one collapsible block each (closed; empty stages say so)."""
    by_stage = view.plan.by_stage()
    parts = []
    for name in STAGE_NAMES:
        count = len(by_stage[name])
        text = view.stage_texts[name]
        note = " \u2014 edited after planning" if name in view.edited else ""
        summary = f"<b>{name}.sql</b>: {count} statements, {len(text.splitlines())} lines{note}"
        parts.append(f"<details class='wb-kind wb-stage' data-stage='{name}'><summary>{summary}</summary>"
                     f"<pre class='wb-sql'>{html.escape(text)}</pre></details>")
    return "".join(parts)


def failures_html(view: PlanView) -> str:
    """Each failed statement: where, what, SQLSTATE, message, and the statement in full."""
    parts = []
    if view.apply_error:
        parts.append(_box(f"<b>Stopped with an error:</b> {html.escape(view.apply_error)}", "bad"))
    for failure in failures(view.apply_log or {}):
        where = failure["stage"] + (f" statement {failure['statement']}" if failure["statement"] else "")
        hint = f"<p>Hint: {html.escape(failure['hint'])}</p>" if failure["hint"] else ""
        sql = f"<pre class='wb-sql wb-failed-sql'>{html.escape(failure['sql'])}</pre>" if failure["sql"] else ""
        parts.append(f"<div class='wb-failure'><p><b>Failed: {html.escape(where)}</b> ({html.escape(failure['object'])})"
                     f"<br>SQLSTATE <code class='wb-sqlstate'>{html.escape(failure['sqlstate'] or '-')}</code>: "
                     f"{html.escape(failure['message'])}</p>{sql}{hint}</div>")
    return "".join(parts)


def accepted_edits_html(log: dict[str, Any] | None) -> str:
    """The edits of the stage files the apply (or rehearsal) ran with --accept-edits: every one,
    with where it is and the statement; empty when the files were as planned."""
    from workbench.present.text import edit_line

    edits = (log or {}).get("accepted_edits") or []
    if not edits:
        return ""
    items = "".join(f"<li><code class='wb-edit'>{html.escape(edit_line(edit))}</code></li>" for edit in edits)
    return (_box(f"<b>{len(edits)} edit(s) of the stage files accepted (--accept-edits)</b>: what ran differs "
                 f"from plan.json here:", "info") + f"<ul class='wb-accepted-edits'>{items}</ul>")


def verify_html(verify: dict[str, Any]) -> str:
    """The parity per kind, what is still missing or different, and the post-apply checks."""
    parity = pd.DataFrame.from_dict(verify.get("parity") or {}, orient="index")
    parity.index.name = "kind"
    parts = [_box(f"<b>{html.escape(parity_text(verify))}</b>", "ok" if verify.get("ok") else "bad")]
    parts += [f"<p class='wb-note'>{html.escape(note)}: not counted in parity or the verdict</p>"
              for note in verify.get("notes") or []]
    if not parity.empty:
        parity = parity[parity["source_objects"] > 0] if "source_objects" in parity else parity
        if "parity_pct" in parity:
            from workbench.present.labels import percent

            parity["parity_pct"] = [percent(int(i), int(n)) for i, n in zip(parity["identical"], parity["source_objects"])]
            parity = parity.rename(columns={"parity_pct": "parity"})
        parts.append(table_html(parity))
    residual = verify.get("residual") or []
    if residual:
        frame = pd.DataFrame([{"kind": r["kind"], "object": identity_label(r["kind"], r["identity"]),
                               "status": r["status"], "differs in": ", ".join(r.get("differences") or [])}
                              for r in residual])
        parts.append(f"<p><b>{len(residual)} source objects are missing or different in the target:</b></p>"
                     + table_html(frame, index=False))
    checks = pd.DataFrame(verify.get("checks") or [], columns=["check", "object", "detail", "failed"])
    if verify.get("checks_note"):
        parts.append(f"<p>Post-apply checks not run: {html.escape(verify['checks_note'])}</p>")
    elif checks.empty:
        parts.append("<p>Post-apply checks: no invalid index, NOT VALID constraint, failing view or disabled "
                     "trigger.</p>")
    else:
        parts.append(table_html(checks, index=False))
    return "".join(parts)


# --- sections (one call per notebook cell) ------------------------------------------------------
def show_overview(view: PlanView, shown: bool = True) -> None:
    """The compared sides' counts and the drift summary (not when `shown` is False: the report has
    them in drift_report; nothing to show without a comparison)."""
    from workbench.present import charts
    from workbench.present.drift_report import summary_frame

    if not shown:
        return
    if view.drift is None:
        show_html("<p>No comparison: the plan folder is shown on its own.</p>")
        return
    show_html(heading("Before: the two sides"))
    show(charts.before_after(view.drift.source.counts, view.drift.target.counts))
    show_table(summary_frame(view.drift))


def show_stages(view: PlanView) -> None:
    from workbench.present import charts

    from workbench.present.drift_report import show_interactive

    show_html(heading("Stages: sizes and hazards"))
    show(charts.stage_statements(view.statements[["stage", "hazards"]], STAGE_NAMES))
    show_table(stage_frame(view), index=False)
    hazardous = all_hazards_frame(view)
    show_html(heading("Statements with a hazard", 3) + (f"<p>{len(hazardous)} statements carry a hazard: type in "
              "the search box to filter by stage, object or hazard.</p>" if len(hazardous)
              else "<p>No statement carries a hazard.</p>") + hazard_legend_html())
    if len(hazardous):
        show_interactive(hazardous, "hazards")
    if view.validation and view.validation.get("statement_locks"):
        from workbench.present.proof import locks_frame, locks_html, validation_entries

        show_html(heading("Locks: predicted and measured on the shadow", 3)
                  + locks_html(view.validation.get("locks"), "on the shadow"))
        show_interactive(locks_frame(validation_entries(view.validation, view.plan.statements)), "shadow-locks")


def show_traps_and_skipped(view: PlanView) -> None:
    show_html(heading("Known traps"))
    if view.plan.traps:
        show_html(traps_html(view))
    else:
        show_html("<p>The plan meets none of the known traps.</p>")
    show_html(heading("Skipped"))
    skipped = skipped_frame(view)
    if skipped.empty:
        show_html("<p>Nothing was left out of the plan.</p>")
    else:
        show_html(f"<p>{len(skipped)} items are not in the plan (see the reasons; some need --allow-drops):</p>")
        show_table(skipped, index=False)


def show_stage_sql(view: PlanView) -> None:
    show_html(heading("Stage SQL") + "<p>Click a stage to open its file. Each runs with "
              "<code>psql -v ON_ERROR_STOP=1 -f</code>, or all of them with <code>workbench apply</code>.</p>"
              + stage_sql_html(view))


def show_apply(view: PlanView) -> None:
    """Apply timeline and failures (only with an apply log or an apply error)."""
    from workbench.present import charts

    if view.apply_log is None and not view.apply_error:
        return
    show_html(f"<h2>{'Rehearsal' if view.rehearsal else 'Apply'}</h2>" + _box(html.escape(apply_verdict(view)),
              "bad" if (view.apply_error or failures(view.apply_log or {})) else "ok"))
    log = view.apply_log
    edits = accepted_edits_html(log)
    if edits:
        show_html(edits)
    if log is not None and log.get("statements"):
        show(charts.apply_timeline(log["statements"]))
        show_table(apply_stage_frame(log), index=False)
    if log is not None and log.get("rows"):
        lost = sum(1 for entry in log["rows"] if entry.get("lost"))
        show_html("<h3>Rows kept</h3>" + _box(f"{lost} table(s) lost rows" if lost else
                                               "No table the plan altered lost rows", "bad" if lost else "ok")
                  + "<p>Rows of every table the plan altered, counted before the first stage and after the last: "
                  "exact (count(*)) up to 64 MiB of heap, PostgreSQL's estimate (reltuples) above.</p>")
        show_table(rows_frame(log["rows"]), index=False)
        if log.get("locks"):
            from workbench.present.drift_report import show_interactive
            from workbench.present.proof import locks_frame, locks_html

            show_html(heading("Locks: predicted and measured", 3)
                      + locks_html(log["locks"], "in the rehearsal" if view.rehearsal else "during the apply"))
            show_interactive(locks_frame(log["statements"]), "locks")
    markup = failures_html(view)
    if markup:
        show_html("<h3>What failed</h3>" + markup)


def rows_frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    """An apply log's `rows`: table, rows before -> after (estimates labelled), a loss flagged."""
    def shown(rows: Any, exact: Any, how: Any) -> str:
        if rows is None:
            return "gone" if how == "absent" else "?"
        return f"{rows:,}" + ("" if exact else " (estimate)")

    return pd.DataFrame([{"table": e["table"] + (f" (now {e['after_name']})" if e.get("after_name") not in (None, e["table"]) else ""),
                          "rows before": shown(e["before"], e["before_exact"], e["before_how"]),
                          "rows after": shown(e["after"], e["after_exact"], e["after_how"]),
                          "rows before -> after": f"{shown(e['before'], e['before_exact'], e['before_how'])} -> "
                                                  f"{shown(e['after'], e['after_exact'], e['after_how'])}",
                          "lost": "LOST ROWS" if e.get("lost") else ""} for e in entries],
                        columns=["table", "rows before", "rows after", "rows before -> after", "lost"])


def show_verify(view: PlanView) -> None:
    if view.verify is None:
        return
    show_html(heading("Verify: parity after apply") + verify_html(view.verify))
