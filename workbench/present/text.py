"""Text renderings for terminals, e-mails and `schema_comparison_report.txt`.

Rendering is separate from computing: these functions only read a Drift, a Plan, an apply log, a
VerifyResult or a store's History. A changed object is shown as migra shows it in SQL, with both values of every field
that differs (`- default 'web'::text` is the target's, `+ default 'app'::text` the source's, the
value the migration brings), long definitions as a unified diff; changed objects come first in
every list, so that `--limit` never hides them behind the objects to create.
"""
from __future__ import annotations

import difflib
from collections import Counter
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from workbench.compare import STATUSES
from workbench.escapes import visible
from workbench.kinds import KINDS
from workbench.present.labels import (STATUS_MARK, STATUS_ORDER, field_word, key_name, object_name, parity_text,
                                      percent)

if TYPE_CHECKING:
    from workbench.compare import Drift
    from workbench.planner.model import Plan
    from workbench.store import History, Step
    from workbench.verify import VerifyResult

_HEADINGS = {"only_in_source": "in source only", "only_in_target": "in target only",
             "changed": "changed", "identical": "identical"}
LEGEND = ("Legend: + only in source (to create)   - only in target   ~ changed: "
          "- the target's value, + the source's (what the migration brings)")
INLINE_LIMIT = 100          # longer values, and values with line breaks, are shown as a unified diff


def identity_label(kind: str, identity: Mapping[str, object]) -> str:
    """The one object label (present.labels.object_name), under the name the listings use."""
    return object_name(kind, identity)


def summary_table(drift: "Drift") -> str:
    counts = drift.counts                          # kind -> status -> n, without pandas
    width = max(len(k) for k in counts) if counts else 5
    header = f"{'kind':<{width}}  " + "  ".join(f"{_HEADINGS[s]:>14}" for s in STATUSES)
    lines = [header, "-" * len(header)]
    for kind, row in counts.items():
        lines.append(f"{kind:<{width}}  " + "  ".join(f"{row[s]:>14}" for s in STATUSES))
    lines.append("-" * len(header))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{sum(row[s] for row in counts.values()):>14}" for s in STATUSES))
    return "\n".join(lines)


def side_line(label: str, facts: Mapping[str, Any]) -> str:
    return (f"{label}: {facts['dsn']} (PostgreSQL {facts['server_version']}, "
            f"fingerprint {str(facts['fingerprint'])[:12]})")


# --- values of changed objects ------------------------------------------------------------------
def value_text(value: object) -> str:
    """A compared value as a person reads it: booleans lower case, lists joined, nothing as (none)."""
    if value is None or (isinstance(value, float) and value != value):
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return str(value)


def field_lines(field: str, source: object, target: object, indent: str = "      ") -> list[str]:
    """Both values of one differing field: `- field target` / `+ field source`, or for long and
    multi-line values (view bodies, function bodies) a unified diff from target to source."""
    old, new = value_text(target), value_text(source)
    name = field_word(field)
    if "\n" not in old + new and len(old) <= INLINE_LIMIT and len(new) <= INLINE_LIMIT:
        return [f"{indent}- {name} {old}", f"{indent}+ {name} {new}"]
    diff = difflib.unified_diff(_lines(old), _lines(new), f"{name} (target)", f"{name} (source)", n=2, lineterm="")
    return [f"{indent}{line}" for line in diff]


def _lines(text: str) -> list[str]:
    """A long one-line value (a deparsed definition) laid out on lines, so that a diff points at the
    part that differs: by the parser (pglast.prettify) when it is a statement, else wrapped."""
    if "\n" in text:
        return text.splitlines()
    try:
        from pglast import prettify

        return prettify(text).splitlines()
    except Exception:                  # a fragment (CHECK (...)), not a statement: wrap it
        import textwrap

        return textwrap.wrap(text, 100, break_long_words=False, break_on_hyphens=False) or [text]


def object_entries(drift: "Drift", kind: str, statuses: Iterable[str] = ("changed", "only_in_source", "only_in_target"),
                   ) -> Iterator[dict[str, Any]]:
    """Objects of a kind in listing order (changed first, then to create, then extra, each in
    identity order), each with its label, status, and for a changed object the (field, source
    value, target value) of every field that differs. Read from the comparison's rows: no frame is
    built, and the side values are looked up only when a changed object is listed."""
    compared = drift.comparisons[kind]
    identity = KINDS[kind].identity
    wanted = set(statuses)
    indices = sorted((i for i, status in enumerate(compared.statuses) if status in wanted),
                     key=lambda i: STATUS_ORDER[compared.statuses[i]])
    position = {name: j for j, name in enumerate(compared.shown)}
    for i in indices:
        status, differences = compared.statuses[i], compared.differences[i]
        key = compared.key_at(i)
        fields = []
        if status == "changed":
            source, target = compared.source[i], compared.target[i]
            fields = [(f, source[position[f]] if source else None, target[position[f]] if target else None)
                      for f in differences]
        yield {"kind": kind, "identity": dict(zip(identity, key)), "status": status, "differences": list(differences),
               "fields": fields, "label": key_name(kind, key)}


def entry_lines(entry: Mapping[str, Any], with_kind: bool = False, with_values: bool = True) -> list[str]:
    kind = f"{entry['kind']} " if with_kind else ""
    detail = f"  [{', '.join(entry['differences'])}]" if entry["differences"] else ""
    lines = [f"  {STATUS_MARK[entry['status']]} {kind}{entry['label']}{detail}"]
    if with_values:
        for field, source, target in entry.get("fields", ()):
            lines += field_lines(field, source, target)
    return lines


def listing(title: str, entries: Sequence[Mapping[str, Any]], total: int | None = None, with_kind: bool = False,
            with_values: bool = True) -> list[str]:
    """A titled list of objects: `entries` (the first ones, when `total` says there are more)."""
    total = len(entries) if total is None else total
    if not total:
        return []
    lines = ["", title]
    for entry in entries:
        lines += entry_lines(entry, with_kind, with_values)
    if len(entries) < total:
        lines.append(f"  ... and {total - len(entries)} more")
    return lines


def _first(entries: Iterator[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    return list(entries) if limit is None else list(islice(entries, limit))


def drift_report(drift: "Drift", limit_per_kind: int | None = None) -> str:
    """Sides, summary per kind, then every non-identical object (changed ones first, with the values
    that differ)."""
    lines = [side_line("source", drift.source.facts()), side_line("target", drift.target.facts()), "",
             summary_table(drift), ""]
    lines += not_compared_lines(drift.not_compared)
    if not drift.has_drift and not drift.has_unmodeled_drift:
        lines.append("No drift: the target matches the source for every compared kind.")
        return "\n".join(lines + unmodeled_lines(drift.unmodeled, limit_per_kind))
    lines.append(LEGEND)
    for kind, counts in drift.counts.items():
        total = counts["changed"] + counts["only_in_source"] + counts["only_in_target"]
        lines += listing(f"{kind} ({total})", _first(object_entries(drift, kind), limit_per_kind), total)
    lines += rename_lines(drift.rename_candidates)
    return "\n".join(lines + unmodeled_lines(drift.unmodeled, limit_per_kind))


def rename_lines(candidates: Sequence[Any]) -> list[str]:
    """The rename candidates (Drift.rename_candidates): one line each, old -> new and its score."""
    if not candidates:
        return []
    lines = ["", "rename candidates (equal apart from the name; plan --rename KIND:OLD=NEW, or --accept-renames)"]
    for candidate in candidates:
        note = " (ambiguous: not taken by --accept-renames)" if candidate.ambiguous else ""
        lines.append(f"  {candidate.kind:<12} {visible(candidate.old_label)} -> {visible(candidate.new_label)}"
                     f"  score {candidate.score:.2f}{note}")
    return lines


def not_compared_lines(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    """'not compared (not asked): owner of schemas, tables, ... (--with-owners)': one line per column
    left out of the comparison (Drift.not_compared), so that not compared never reads as identical."""
    return [f"not compared (not asked): {entry['field']} of {', '.join(entry['kinds'])} ({entry['option']})"
            for entry in entries] + ([""] if entries else [])


def unmodeled_lines(section: Mapping[str, Mapping[str, Any]], limit: int | None = None) -> list[str]:
    """The `unmodeled` section (census.py): objects of kinds the workbench does not read in detail,
    counted per side, with the names one side lacks. Never left out: silence would read as parity."""
    if not section:
        return []
    lines = ["", "unmodeled (kinds the workbench does not compare in detail; counted by the catalog census)",
             f"  {'kind':<30}{'source':>8}{'target':>8}"]
    for kind, entry in section.items():
        lines.append(f"  {kind:<30}{entry['source']:>8}{entry['target']:>8}")
        for status in ("only_in_source", "only_in_target"):
            names = entry[status]
            shown = names if limit is None else names[:limit]
            lines += [f"    {STATUS_MARK[status]} {name}" for name in shown]
            if len(shown) < len(names):
                lines.append(f"    ... and {len(names) - len(shown)} more")
    return lines


# --- plan ---------------------------------------------------------------------------------------
def plan_summary(plan: "Plan") -> str:
    """Statements and hazards per stage, the traps resolved (grouped) and what was left out."""
    from workbench.planner.model import STAGE_NAMES

    lines = [f"{'stage':<24}{'statements':>11}  hazards"]
    by_stage = plan.by_stage()
    for stage in STAGE_NAMES:
        hazards = Counter(h for s in by_stage[stage] for h in s.hazards)
        text = ", ".join(f"{h} {n}" for h, n in sorted(hazards.items()))
        lines.append(f"{stage:<24}{len(by_stage[stage]):>11}  {text}")
    lines.append(f"{'total':<24}{len(plan.statements):>11}")
    lines += trap_groups(plan.traps, [trap.get("resolution", "") for trap in plan.traps])
    for skipped in plan.skipped:
        lines.append(f"skipped {skipped['kind']} {object_name(skipped['kind'], skipped['identity'])}: {skipped['reason']}")
    at_risk = (plan.rows or {}).get("at_risk") or []
    if at_risk:
        lines.append(f"{len(at_risk)} step(s) can delete rows (their table's rows, from {plan.rows['counted_on']}):")
        for entry in at_risk:
            rows = "?" if entry["rows"] is None else f"{entry['rows']:,}" + ("" if entry["exact"] else " (estimate)")
            lines.append(f"  {entry['statement']}: {visible(entry['table'])} holds {rows} rows")
    for rename in plan.renames:
        lines.append(f"renamed {rename['kind']} {visible(rename['old_label'])} -> {visible(rename['new_label'])} "
                     "(ALTER ... RENAME: data and dependents kept)")
    return "\n".join(lines)


def trap_groups(traps: Sequence[Mapping[str, Any]], outcomes: Sequence[str], shown: int = 2) -> list[str]:
    """Traps grouped by name: `2 traps, 20 objects: ...`, then per trap its count, a few objects and
    the outcomes (a real fleet meets hundreds; the report lists them all)."""
    if not traps:
        return []
    groups: dict[str, list[tuple[Mapping[str, Any], str]]] = {}
    for trap, outcome in zip(traps, outcomes):
        groups.setdefault(str(trap.get("trap", "")), []).append((trap, outcome))
    lines = [f"{len(groups)} trap{'s' if len(groups) != 1 else ''}, {len(traps)} object{'s' if len(traps) != 1 else ''}"
             f" (every one in the report and in plan.json):"]
    for name, items in groups.items():
        names = [f"{t['kind']} {object_name(str(t['kind']), t['identity'])}" for t, _ in items[:shown]]
        more = f", ... and {len(items) - shown} more" if len(items) > shown else ""
        lines.append(f"  {name}: {len(items)} ({'; '.join(names)}{more})")
        for outcome, count in Counter(o for _, o in items).items():
            if outcome:
                lines.append(f"    {outcome}" + (f" ({count})" if len(items) > 1 else ""))
    return lines


# --- apply --------------------------------------------------------------------------------------
def _entry_label(entry: Mapping[str, Any]) -> str:
    if entry.get("kind"):
        identity = ".".join(str(v) for v in (entry.get("identity") or {}).values())
        return f"{entry.get('action', '')} {entry['kind']} {identity}".strip()
    return " ".join(str(entry["sql"]).split())[:80]


def edit_line(edit: Mapping[str, Any]) -> str:
    """An accepted edit of a stage file (an apply log entry), as apply's refusal names it."""
    from workbench.planner.stagecheck import Edit

    return Edit(edit["file"], edit.get("line"), edit["change"], edit["sql"], edit.get("planned_id"),
                edit.get("planned_sql")).describe()


def apply_summary(log: Mapping[str, Any]) -> str:
    """One screen: per stage status, statements and ms; then the failing statements."""
    mode = "rehearsal" if log["mode"] == "rehearse" else "apply"
    lines = [f"{mode} of {log['plan']['dir']} on {log['target']['dsn']}: {log['status']}"
             + (" (rolled back: the target is unchanged)" if log["mode"] == "rehearse" else ""), ""]
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for entry in log["statements"]:
        by_stage.setdefault(entry["stage"], []).append(entry)
    lines.append(f"{'stage':<24}{'status':<17}{'statements':>12}{'ms':>10}")
    for stage in log["stages"]:
        entries = by_stage.get(stage["name"], [])
        ran = sum(1 for e in entries if e["status"] in ("ok", "rolled_back", "failed"))
        shown = f"{ran}/{len(entries)}" if stage["status"] not in ("already_applied",) else f"{len(entries)}"
        status = stage["status"] + (" (edited)" if stage.get("edited") else "")
        lines.append(f"{stage['name']:<24}{status:<17}{shown:>12}{stage['ms']:>10.0f}")
    failures = [e for e in log["statements"] if e["status"] == "failed"]
    failures += [s for s in log["stages"] if s["status"] == "failed" and s.get("message")
                 and not any(e["stage"] == s["name"] for e in failures)]
    for failure in failures:
        lines.append("")
        if "index" in failure:
            lines.append(f"failed: {failure['stage']} statement {failure['index']} ({_entry_label(failure)}): "
                         f"SQLSTATE {failure['sqlstate'] or '-'}: {failure['message']}")
            lines.append("  " + " ".join(failure["sql"].split())[:200])
            if failure.get("hint"):
                lines.append(f"  hint: {failure['hint']}")
        else:
            lines.append(f"failed: {failure['name']}: SQLSTATE {failure['sqlstate'] or '-'}: {failure['message']}")
    skipped = sum(1 for e in log["statements"] if e["status"] == "skipped")
    if skipped:
        lines.append("")
        lines.append(f"{skipped} statement(s) skipped (see the log's messages)")
    edits = log.get("accepted_edits") or []
    if edits:
        lines.append("")
        lines.append(f"{len(edits)} edit(s) of the stage files accepted (--accept-edits):")
        lines.extend(f"  {edit_line(edit)}" for edit in edits)
    if log.get("rows"):
        from workbench.rows import summary_lines

        lost = sum(1 for entry in log["rows"] if entry.get("lost"))
        lines += ["", f"rows of the {len(log['rows'])} table(s) the plan alters, before -> after"
                  + (f": {lost} LOST ROWS" if lost else ": none lost")]
        lines += summary_lines(log["rows"])
    if log.get("locks_skipped"):
        lines += ["", str(log["locks_skipped"])]
    if log.get("locks"):
        from workbench.locks import lines as lock_lines

        lines.append("")
        lines.extend(lock_lines(log["locks"]))
    if log.get("on_copy"):
        copy = log["on_copy"]
        lines.append("")
        lines.append(f"rehearsed on {copy['copy']}, a copy of {copy['target']} (CREATE DATABASE ... TEMPLATE), "
                     f"dropped afterwards: no lock was taken on the target")
    return "\n".join(lines)



# --- verify -------------------------------------------------------------------------------------
def _objects(drift: "Drift", statuses: Sequence[str]) -> list[dict[str, Any]]:
    return [entry for kind in drift.comparisons for entry in object_entries(drift, kind, statuses)]


def verify_report(result: "VerifyResult", limit: int | None = None) -> str:
    """Parity per kind, residual drift, target-only objects, checks, verdict: one text."""
    drift = result.drift
    lines = [side_line("source", drift.source.facts()), side_line("target", drift.target.facts()), ""]
    parity = result.parity
    width = max([len(k) for k in parity.index] + [5])
    lines.append(f"{'kind':<{width}}  {'source':>8}  {'identical':>9}  {'missing':>7}  {'changed':>7}  "
                 f"{'extra in target':>15}  {'parity':>7}")
    for kind, row in parity.iterrows():
        lines.append(f"{kind:<{width}}  {int(row['source_objects']):>8}  {int(row['identical']):>9}  "
                     f"{int(row['missing']):>7}  {int(row['changed']):>7}  {int(row['extra_in_target']):>15}  "
                     f"{percent(int(row['identical']), int(row['source_objects'])):>7}")
    total, identical = int(parity["source_objects"].sum()), int(parity["identical"].sum())
    lines += ["", f"parity: {parity_text(identical, total)}"]
    lines += [f"{note}: not counted in parity or the verdict" for note in result.notes]
    lines += not_compared_lines(drift.not_compared)
    residual = [o for o in _objects(drift, ("changed", "only_in_source")) if o["kind"] not in result.not_planned]
    extra = _objects(drift, ("only_in_target",))
    lines += listing(f"residual drift: missing (+) or different (~) in the target ({len(residual)})",
                     residual[:limit] if limit is not None else residual, len(residual), with_kind=True)
    lines += listing(f"only in the target (kept, not counted against parity) ({len(extra)})",
                     extra[:limit] if limit is not None else extra, len(extra), with_kind=True, with_values=False)
    lines.append("")
    if result.rows:
        from workbench.rows import summary_lines

        lost = [entry for entry in result.rows if entry.get("lost")]
        lines.append(f"rows before -> after (the apply's counts): {len(lost)} table(s) LOST ROWS" if lost
                     else "rows before -> after (the apply's counts): none lost")
        lines += summary_lines(result.rows) + [""]
    if result.checks_note:
        lines.append(f"post-apply checks: not run ({result.checks_note})")
    elif result.checks.empty:
        lines.append("post-apply checks: no invalid index, NOT VALID constraint, failing view or disabled trigger")
    else:
        lines.append(f"post-apply checks ({len(result.failed_checks)} failed)")
        for row in result.checks.to_dict(orient="records"):
            lines.append(f"  {'FAIL' if row['failed'] else 'info'}  {row['check']}  {row['object']}: {row['detail']}")
    lines.append("")
    if result.ok:
        lines.append("verified: every source object is identical in the target and no check failed")
    else:
        problems = []
        if result.residual:
            problems.append(f"{len(result.residual)} source objects missing or different")
        if not result.failed_checks.empty:
            problems.append(f"{len(result.failed_checks)} checks failed")
        lines.append("NOT verified: " + ", ".join(problems))
    return "\n".join(lines)


# --- one side of an object ----------------------------------------------------------------------
def object_lines(row: Mapping[str, Any], kind: str, side: str) -> list[str]:
    """The text of one side of an object (a row of drift[kind]): its definition (when the kind has
    one), then every other compared field as `field: value`. Empty when the object is not there."""
    from workbench.errors import WorkbenchError

    if side not in ("source", "target"):
        raise WorkbenchError(f"side must be source or target, not {side!r}")
    absent = {"source": "only_in_target", "target": "only_in_source"}[side]
    if row["status"] == absent:
        return []
    lines: list[str] = []
    definition = row.get(f"{side}_definition")
    if isinstance(definition, str):
        lines.extend(definition.splitlines() or [""])
        lines.append("")
    for field in KINDS[kind].compared:
        if field == "definition" or (field == "body" and isinstance(definition, str)):
            continue
        value = row.get(f"{side}_{field}")
        if isinstance(value, str) and "\n" in value:
            lines.append(f"{field}:")
            lines.extend("    " + line for line in value.splitlines())
        else:
            lines.append(f"{field}: {'' if value is None else value}")
    if not KINDS[kind].compared and not isinstance(definition, str):
        lines.append("(this kind is compared by name only)")
    return lines


def object_text(row: Mapping[str, Any], kind: str, side: str) -> str | None:
    """object_lines as one text, or None when the object is not on that side."""
    lines = object_lines(row, kind, side)
    return "\n".join(lines).rstrip() if lines else None


# --- the report's account in the terminal -----------------------------------------------------------
def report_summary(report: Any, drift_table: bool = True) -> str:
    """What `workbench report` and `workbench demo` print: drift per kind, counts before (and
    after), the plan and its traps (grouped), the apply, the parity, and where report.html is."""
    from workbench.apply import read_log
    from workbench.planner import read_plan
    from workbench.present.drift_report import counts_frame
    from workbench.present.migration_plan import apply_verdict_of
    from workbench.verify import trap_outcomes

    run = report.run
    lines = [summary_table(report.drift), ""] if drift_table else []
    after = run.verify.drift.target if run is not None and run.verify is not None else None
    lines += [counts_frame(report.drift, after).to_string(), ""]
    if run is not None:
        plan = run.plan if run.plan is not None else read_plan(run.plan_dir)[0]      # the one it wrote, or the folder's
        log = (run.apply.log if run.apply is not None and run.apply.path == run.log_path
               else read_log(run.log_path) if run.log_path else None)
        verified = run.verify.to_json() if run.verify is not None else None
        where = "written to" if run.planned else "read from"
        lines.append(f"plan: {len(plan.statements)} statements, {where} {run.plan_dir}/")
        lines += trap_groups(plan.traps, trap_outcomes(plan, log, run.error, verified))
        verdict = apply_verdict_of(log, run.error)
        if verdict:
            lines.append(verdict)
        if run.verify is not None:
            parity = run.verify.parity
            lines.append(("verified: " if run.verify.ok else "NOT verified: ")
                         + parity_text(int(parity["identical"].sum()), int(parity["source_objects"].sum())))
    lines.append(f"wrote {report.html}")
    return "\n".join(lines)


# --- a store's history (workbench.store.History) ----------------------------------------------
CHANGE_MARKS = {"appeared": "+", "disappeared": "-", "changed": "~"}


def history_text(result: "History", limit: int | None = 20) -> str:
    """The timeline for a terminal (`workbench history`): one line per capture, under each change
    what changed (at most `limit` objects per step)."""
    lines = [f"store {result.store}: {len(result.entries)} captures, {len(result.steps)} changes of schema"]
    steps = {step.after.seq: step for step in result.steps}
    for index, entry in enumerate(result.entries):
        head = f"{entry.at}  {entry.fingerprint[:12]}" + (f"  {entry.label}" if entry.label else "")
        step = steps.get(entry.seq)
        if step is None:
            if index == 0:
                counts = ", ".join(f"{kind} {n}" for kind, n in entry.counts.items() if n)
                lines.append(f"{head}  {counts or 'empty schema'}")
            else:
                lines.append(f"{head}  unchanged")
            continue
        lines.append(f"{head}  {step_summary(step) or 'no compared field changed'}")
        changes = step.changes
        for obj in changes if limit is None else changes[:limit]:
            detail = f"  [{', '.join(obj['differences'])}]" if obj["differences"] else ""
            name = object_name(obj["kind"], obj["identity"])
            lines.append(f"    {CHANGE_MARKS[obj['status']]} {obj['kind']} {name}{detail}")
        if limit is not None and len(changes) > limit:
            lines.append(f"    ... and {len(changes) - limit} more")
    return "\n".join(lines)


def step_summary(step: "Step") -> str:
    """`columns +1, indexes -1`: what a step changed per kind."""
    return ", ".join(f"{kind} " + " ".join(f"{CHANGE_MARKS[c]}{n}" for c, n in statuses.items() if n)
                     for kind, statuses in step.summary.items() if any(statuses.values()))

