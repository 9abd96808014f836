"""How a plan was proven before it touched the target: the shadow validation plan.json records
(workbench.validate) and the locks measured beside the predicted hazards (workbench.locks), as the
migration_plan notebook and the report show them. Rendering only: the verdicts are computed there."""
from __future__ import annotations

import html
from typing import Any, Iterable

import pandas as pd

from workbench.present.html import box, table_html
from workbench.present.labels import object_name

LOCK_COLUMNS = ["stage", "statement", "object", "action", "hazards", "predicted (at most)", "measured",
                "stronger than predicted"]


def _object(entry: dict[str, Any]) -> str:
    """The object a statement is about; a statement added to a stage file (an accepted edit) has
    none in plan.json: its SQL then."""
    if entry.get("kind") and isinstance(entry.get("identity"), dict):
        try:
            return object_name(entry["kind"], entry["identity"])
        except KeyError:
            pass
    return str(entry.get("id") or " ".join(str(entry.get("sql", "")).split())[:80])


def validation_html(validation: dict[str, Any] | None) -> str:
    """The shadow validation's verdict: a green box when it converged, red when it failed or
    diverged, grey when it could not run or was not asked for; what failed, what still differs
    and what the shadow could not reproduce, each in a small table."""
    if validation is None:
        return box("Not validated on a shadow (planned with <code>--no-validate</code>, or not by "
                   "<code>workbench plan</code>).", "info")
    status = validation.get("status", "error")
    kind = {"converged": "ok", "failed": "bad", "diverged": "bad"}.get(status, "info")
    build = validation.get("build") or {}
    seconds = (validation.get("ms") or {}).get("total_ms", 0) / 1000
    how = {"pg_dump": "from pg_dump -s of the target", "sql": "from the target's SQL files",
           "snapshot": "from the target's snapshot, by the planner"}.get(build.get("method", ""), "")
    parts = [box(f"<b>Shadow validation: {html.escape(status)}</b>: {html.escape(validation.get('message', ''))} "
                 f"(shadow {html.escape(str(validation.get('shadow') or ''))}, built {html.escape(how)}, "
                 f"{seconds:.1f} s)", kind)]
    if build.get("note"):
        parts.append(f"<p>{html.escape(build['note'])}</p>")
    if validation.get("failed"):
        frame = pd.DataFrame([{"stage": f.get("stage"), "statement": f.get("index"), "object": _object(f),
                               "sqlstate": f.get("sqlstate"), "message": f.get("message"),
                               "sql": " ".join(str(f.get("sql", "")).split())[:300]} for f in validation["failed"]])
        parts.append("<p>Failed on the shadow:</p>" + table_html(frame, index=False))
    for key, what in (("residual", "Still different from the source after the plan ran"),
                      ("left_out", "Objects of the target the shadow could not reproduce (left out of the proof)")):
        found = validation.get(key) or []
        if found:
            total = validation.get(f"{key}_count", len(found))
            frame = pd.DataFrame([{"kind": o["kind"], "object": _object(o), "status": o["status"],
                                   "differences": ", ".join(o.get("differences") or [])} for o in found])
            parts.append(f"<p>{html.escape(what)} ({total}{'' if total == len(found) else f', first {len(found)}'}):</p>"
                         + table_html(frame, index=False))
    if build.get("failed"):
        frame = pd.DataFrame(build["failed"])
        parts.append(f"<p>Statements of the target's schema the shadow refused ({build.get('failed_count')}):</p>"
                     + table_html(frame, index=False))
    return "".join(parts)


def _mode(locks: Iterable[dict[str, str]] | None) -> str:
    return ", ".join(f"{lock['relation']} {lock['mode']}" for lock in locks or ())


def locks_frame(entries: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """One row per measured statement (a rehearsal log's entries, or validation_entries()): what
    the hazards predict beside what pg_locks showed, and what is stronger than predicted."""
    rows = [{"stage": e.get("stage"), "statement": e.get("index"), "object": _object(e), "action": e.get("action"),
             "hazards": ", ".join(e.get("hazards") or []), "predicted (at most)": e.get("predicted_lock") or "",
             "measured": _mode(e.get("locks")) if e.get("locks") is not None else e.get("locks_note", ""),
             "stronger than predicted": _mode(e.get("lock_defects"))}
            for e in entries if "locks" in e]
    return pd.DataFrame(rows, columns=LOCK_COLUMNS)


def validation_entries(validation: dict[str, Any] | None, statements: Iterable[Any]) -> list[dict[str, Any]]:
    """The plan's statements with the locks the shadow measured for them (log entries' shape)."""
    measured = (validation or {}).get("statement_locks") or {}
    found = []
    for s in statements:
        entry = measured.get(s.id)
        if entry is not None:
            found.append({"stage": str(s.stage), "id": s.id, "kind": s.kind, "identity": s.identity,
                          "action": str(s.action), "hazards": [str(h) for h in s.hazards], "locks": entry["locks"],
                          "predicted_lock": entry["predicted"], "lock_defects": entry["defects"]})
    return found


def locks_html(locks: dict[str, Any] | None, where: str) -> str:
    """The lock summary of a run (locks.summary): how many were measured, the defects by operation."""
    if not locks:
        return ""
    head = (f"Locks measured {html.escape(where)} after {locks['measured']} statement(s), from pg_locks of the "
            f"session, beside the strongest lock the statement's hazards admit to.")
    if not locks.get("defects"):
        return box(head + " None was stronger than predicted.", "ok")
    rows = pd.DataFrame([{"statements": g["statements"], "operation": f"{g['action']} {g['kind']}",
                          "measured": g["measured"], "hazards admit": g["predicted"], "example": g["example"]}
                         for g in locks.get("by_operation", [])])
    return (box(head + f" <b>{locks['defects']} statement(s) took a stronger lock than predicted: a planner "
                       f"defect (the hazards say less than the database does).</b>", "bad")
            + table_html(rows, index=False))
