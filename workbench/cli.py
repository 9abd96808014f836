"""The `workbench` command. Imports are lazy so that `workbench --help` answers at once.

Exit codes (like diff): 0 no drift / success, 1 drift found / a stage failed, 2 error.
Every error is one line `error: ...` on stderr; set WORKBENCH_DEBUG=1 to see a traceback of an
unexpected one.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from typing import TYPE_CHECKING, NoReturn, Sequence

if TYPE_CHECKING:
    from workbench.compare import CompareOptions, Drift
    from workbench.planner import Plan, PlanOptions
    from workbench.present.progress import Progress

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one `error:` line (no usage dump) and exits 2."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_ERROR)


def _progress(prefix: str = "reading ") -> "Progress | None":
    """Per-kind progress on a terminal (one line, rewritten); nothing when stderr is piped."""
    from workbench.present.progress import on_terminal

    return on_terminal(transient=True, prefix=prefix)


def _end_progress(progress: "Progress | None" = None) -> None:
    from workbench.present.progress import end

    end(progress)


SOURCE_HELP = ("the desired schema (legacy, the source of truth): a DSN (URL, libpq keywords or service name), a "
               "snapshot file, a .sql file or folder of them (a migrations folder, a pg_dump -s output), or a "
               "store entry (DIR@latest, DIR@first, DIR@LABEL, DIR@FINGERPRINT). Note the order: migra takes "
               "them the other way round "
               "(migra CURRENT DESIRED); workbench reads SOURCE TARGET and plans what turns TARGET into SOURCE")
TARGET_HELP = "the database to change (current), as SOURCE: DSN, snapshot file, .sql file or folder, store entry"


def _sides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    parser.add_argument("target", metavar="TARGET", help=TARGET_HELP)


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", action="append", default=[], metavar="S",
                        help="compare only this schema (repeatable)")
    parser.add_argument("--exclude-schema", action="append", default=[], metavar="S",
                        help="leave this schema out (repeatable)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND",
                        help="compare only this kind (repeatable; default: all)")
    parser.add_argument("--skip-kind", action="append", default=[], metavar="KIND",
                        help="leave this kind out (repeatable)")
    parser.add_argument("--ignore", action="append", default=[], metavar="PATTERN",
                        help="leave out objects whose name matches: GLOB or KIND:GLOB, e.g. 'functions:gis.st_*' "
                             "(repeatable)")
    parser.add_argument("--ignore-file", default=None, metavar="FILE",
                        help="ignore patterns, one [KIND:]GLOB per line (default: ./.workbenchignore when it exists)")
    parser.add_argument("--no-ignore-file", action="store_true", help="do not read ./.workbenchignore")
    parser.add_argument("--compare-extension-versions", action="store_true",
                        help="report extensions whose versions differ (ignored by default)")
    parser.add_argument("--with-owners", action="store_true",
                        help="compare the owners of schemas, types, tables, functions, ... (and plan ALTER ... "
                             "OWNER TO); without it they are listed as not compared")
    parser.add_argument("--compare-populated", action="store_true",
                        help="compare whether materialized views hold data (WITH NO DATA); not compared by default")


def _shadow_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shadow", default=None, metavar="DSN",
                        help="server to load SQL sides on, in a scratch database (default: an embedded "
                             "PostgreSQL 18 started for the occasion); e.g. one with PostGIS")


def _planning_arguments(parser: argparse.ArgumentParser) -> None:
    """The planner's options, as `plan` and `report` take them."""
    parser.add_argument("--allow-drops", action="store_true",
                        help="drop target-only objects (stage 10) and allow rebuilds that lose data")
    parser.add_argument("--concurrently", action="store_true", help="CREATE INDEX CONCURRENTLY on existing tables")
    parser.add_argument("--not-valid", action="store_true", help="add FOREIGN KEY/CHECK as NOT VALID, then VALIDATE")
    parser.add_argument("--with-privileges", action="store_true", help="plan GRANT/REVOKE as well")
    parser.add_argument("--rename", action="append", default=[], metavar="KIND:OLD=NEW",
                        help="plan ALTER ... RENAME of the target's OLD to the source's NEW instead of a drop "
                             "and an add, e.g. columns:public.t.old_name=public.t.new_name (repeatable)")
    parser.add_argument("--accept-renames", action="store_true",
                        help="plan every rename candidate the diff lists that is not ambiguous as a rename")


def _plan_options(args: argparse.Namespace) -> "PlanOptions":
    from workbench.planner import PlanOptions

    return PlanOptions(allow_drops=args.allow_drops, concurrently=args.concurrently, not_valid=args.not_valid,
                       with_privileges=args.with_privileges, renames=tuple(args.rename),
                       accept_renames=args.accept_renames)


def _comparison_arguments(parser: argparse.ArgumentParser) -> None:
    """SOURCE TARGET, the output format and the scope: what diff and verify share."""
    _sides(parser)
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="table format: list at most N objects per kind (changed objects first)")
    _scope_arguments(parser)
    _shadow_argument(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Drift Workbench: see, plan, apply and prove PostgreSQL schema drift. "
                     "SOURCE is the desired schema (legacy), TARGET the database to change (current); "
                     "each is a DSN, a snapshot file, a .sql file or folder of them, or a store entry DIR@latest.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    snap = sub.add_parser("snapshot", help="capture a database's schema into a snapshot file or a store")
    snap.add_argument("dsn", help="database to read (URL, libpq keywords or service name; or any side: .sql, ...)")
    snap.add_argument("-o", "--output", default=None, metavar="FILE", help="snapshot file to write (JSON; - for stdout)")
    snap.add_argument("--store", default=None, metavar="DIR",
                      help="add the capture to a snapshot store (made when missing): the schema's history")
    snap.add_argument("--label", default="", metavar="TEXT", help="with --store: a label for this capture")
    snap.add_argument("--schema", action="append", default=[], metavar="S")
    snap.add_argument("--exclude-schema", action="append", default=[], metavar="S")
    _shadow_argument(snap)
    snap.set_defaults(run=_cmd_snapshot)

    history = sub.add_parser("history", help="the timeline of a snapshot store: what changed at each capture")
    history.add_argument("store", metavar="DIR", help="store written by workbench snapshot DSN --store DIR")
    history.add_argument("--since", default=None, metavar="TIME", help="captures from this ISO date or time on")
    history.add_argument("--until", default=None, metavar="TIME", help="captures up to this ISO date or time")
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.add_argument("--limit", type=int, default=20, metavar="N", help="text: list at most N objects per step")
    history.set_defaults(run=_cmd_history)

    check = sub.add_parser("check", help="CI gate: exit 0 when TARGET is in parity with SOURCE, 1 on drift, 2 on error")
    _sides(check)
    check.add_argument("--format", choices=("text", "github", "junit"), default="text",
                       help="text (a CI log summary), github (workflow annotations) or junit (XML)")
    check.add_argument("--junit", default=None, metavar="FILE", help="also write a JUnit XML report to FILE")
    check.add_argument("--limit", type=int, default=20, metavar="N", help="list at most N objects (default 20)")
    _scope_arguments(check)
    _shadow_argument(check)
    check.set_defaults(run=_cmd_check)

    diff = sub.add_parser("diff", help="compare SOURCE with TARGET (exit 0 no drift, 1 drift, 2 error)")
    _comparison_arguments(diff)
    diff.set_defaults(run=_cmd_diff)

    plan = sub.add_parser("plan", help="write the staged migration that turns TARGET into SOURCE")
    _sides(plan)
    plan.add_argument("--out", metavar="DIR", help="directory for the stage files and plan.json")
    plan.add_argument("--print", action="store_true", dest="print_sql",
                      help="print the migration SQL (schema_migration.sql) to stdout, the summary to stderr")
    plan.add_argument("--no-rollback", action="store_true",
                      help="do not write DIR/rollback/ (the plan that takes an applied target back)")
    _planning_arguments(plan)
    _scope_arguments(plan)
    _shadow_argument(plan)
    checked = plan.add_mutually_exclusive_group()
    checked.add_argument("--validate", action="store_true", dest="validate_explicitly",
                         help="validate the plan on a shadow of the target (the default): the target's schema "
                              "built in a scratch database (on --shadow, else an embedded PostgreSQL), the plan "
                              "applied there and compared with the source; exit 1 when it fails or does not converge")
    checked.add_argument("--no-validate", action="store_true", help="do not validate the plan on a shadow")
    plan.set_defaults(run=_cmd_plan)

    demo = sub.add_parser("demo", help="build the demo legacy/current pair in an embedded PostgreSQL, apply the plan "
                          "and write the report (exit like report)")
    demo.add_argument("--scale", type=int, default=1)
    demo.add_argument("--out", default="reports/demo", metavar="DIR", help="report folder (default reports/demo)")
    demo.set_defaults(run=_cmd_demo)

    apply = sub.add_parser("apply", help="apply a plan folder to TARGET, stage by stage "
                           "(exit 0 applied, 1 a stage failed, 2 error)")
    apply.add_argument("plan_dir", metavar="DIR", help="plan folder written by `workbench plan`")
    apply.add_argument("target", help="database to change (the plan's TARGET)")
    apply.add_argument("--rehearse", action="store_true",
                       help="run everything in one transaction and roll it back: finds errors, changes nothing "
                            "(each statement's locks are read from pg_locks and set beside its predicted hazards)")
    apply.add_argument("--on-copy", action="store_true",
                       help="with --rehearse: rehearse on CREATE DATABASE ... TEMPLATE TARGET (same server, needs "
                            "CREATEDB and no other session on TARGET), dropped afterwards: no lock on TARGET")
    apply.add_argument("--keep-going", action="store_true", help="after a failed stage, go on with the next ones")
    apply.add_argument("--force", action="store_true",
                       help="apply even when the target's schema changed since the plan was made")
    apply.add_argument("--accept-edits", action="store_true",
                       help="run stage files that differ from plan.json as they are (the log lists every edit)")
    apply.add_argument("--lock-timeout", type=int, default=10_000, metavar="MS",
                       help="lock_timeout of every statement (default 10000)")
    apply.add_argument("--statement-timeout", type=int, default=600_000, metavar="MS",
                       help="statement_timeout of every statement (default 600000)")
    apply.set_defaults(run=_cmd_apply)

    verify = sub.add_parser("verify", help="prove parity after an apply: residual drift and post-apply checks "
                            "(exit 0 verified, 1 not, 2 error)")
    _comparison_arguments(verify)
    verify.add_argument("--with-privileges", action="store_true",
                        help="the plan was made with --with-privileges: privilege differences count in the verdict "
                             "(without it they are reported as not planned)")
    verify.set_defaults(run=_cmd_verify)

    report = sub.add_parser("report", help="render the drift of SOURCE and TARGET (or a store's timeline: "
                            "report STORE --out DIR) as one self-contained HTML report")
    report.add_argument("source", metavar="SOURCE", help=SOURCE_HELP + "; or a snapshot store DIR alone, "
                        "for its timeline report")
    report.add_argument("target", metavar="TARGET", nargs="?", default=None, help=TARGET_HELP)
    report.add_argument("--out", required=True, metavar="DIR", help="report folder, e.g. reports/NAME")
    report.add_argument("--title", default="", metavar="T", help="report title")
    report.add_argument("--after", default="", metavar="TARGET_AFTER",
                        help="the target after a migration (DSN or snapshot): adds after counts and parity")
    report.add_argument("--plan", default="", metavar="DIR",
                        help="plan folder (default OUT/plan, planned anew); a DIR that already holds a plan.json "
                             "is used as it is (reviewed, perhaps edited)")
    _scope_arguments(report)
    mode = report.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="apply the plan to TARGET, verify, then report "
                      "(exit 0 applied with 100%% parity, 1 a stage failed or parity < 100%%, 2 error)")
    mode.add_argument("--rehearse", action="store_true", help="rehearse the plan on TARGET (rolled back), then report")
    report.add_argument("--keep-going", action="store_true", help="with --apply/--rehearse: after a failed stage, "
                        "go on with the next ones")
    report.add_argument("--accept-edits", action="store_true", help="with --plan DIR and --apply/--rehearse: run "
                        "stage files that differ from plan.json as they are (the log and report list the edits)")
    report.add_argument("--since", default="", metavar="TIME", help="a store's timeline: captures from then on")
    report.add_argument("--until", default="", metavar="TIME", help="a store's timeline: captures up to then")
    _planning_arguments(report)
    _shadow_argument(report)
    report.set_defaults(run=_cmd_report)

    fleet = sub.add_parser("fleet", help="one SOURCE against many targets: drift grouped by fingerprint "
                           "(exit 0 every target in parity, 1 any drifts or failed, 2 error)")
    fleet.add_argument("source", metavar="SOURCE", help=SOURCE_HELP)
    fleet.add_argument("--targets", nargs="+", action="extend", required=True, metavar="FILE|DSN",
                       help="targets files (one DSN or service name per line, an optional label before it, "
                            "# comments) or DSNs (repeatable)")
    fleet.add_argument("--out", default="", metavar="DIR", help="folder for report.html (the fleet report), "
                       "fleet.json, fleet_targets.json (and with --plan the group plans), e.g. reports/NAME")
    fleet.add_argument("--format", choices=("text", "json"), default="text")
    fleet.add_argument("--title", default="", metavar="T", help="title of the fleet report (OUT/report.html)")
    fleet.add_argument("--no-report", action="store_true", help="with --out: write the JSON files only, no report.html")
    fleet.add_argument("--limit", type=int, default=20, metavar="N", help="text: list at most N objects per group")
    fleet.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="targets read at once (default: 4 per core, 4 to 32)")
    fleet.add_argument("--per-server", type=int, default=None, metavar="N",
                       help="targets read at once on one server (host:port; default 8)")
    fleet.add_argument("--executor", default="local", metavar="local|dask://HOST:PORT",
                       help="where the per-target tasks run: local threads (default) or a Dask cluster")
    fleet.add_argument("--timeout", type=int, default=None, metavar="S",
                       help="statement timeout of each catalog query of a target, in seconds (default 60; a lock is "
                            "waited on half as long)")
    fleet.add_argument("--plan", action="store_true", help="write one plan folder per drift group into OUT/plans/ "
                       "(planned once, from one member; applies to every member)")
    fleet.add_argument("--apply", action="store_true", help="with --plan: apply each group's plan to each of its "
                       "members (fingerprint-pinned), then verify each (exit 0 all applied and verified)")
    _planning_arguments(fleet)
    fleet.add_argument("--no-validate", action="store_true",
                       help="with --plan: do not validate each group's plan on a shadow of the member it was "
                            "planned from (validated by default, all groups on one shadow server)")
    _scope_arguments(fleet)
    _shadow_argument(fleet)
    fleet.set_defaults(run=_cmd_fleet)

    explore = sub.add_parser("explore", help="the explorer as a local web app (Voila): kinds, statuses, both sides "
                             "marked, planned SQL, dependencies; prints the URL")
    _sides(explore)
    explore.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    explore.add_argument("--schema", action="append", default=[], metavar="S", help="compare only this schema (repeatable)")
    explore.add_argument("--plan", default="", metavar="DIR", help="show the statements of this plan folder "
                         "(default: planned in memory)")
    explore.set_defaults(run=_cmd_explore)
    return parser


def _version() -> str:
    from workbench import __version__

    return __version__


def _options(args: argparse.Namespace) -> "CompareOptions":
    from workbench import ignorefile
    from workbench.compare import CompareOptions

    patterns = list(getattr(args, "ignore", ()))
    if hasattr(args, "ignore_file"):
        patterns += ignorefile.patterns_for(args.ignore_file, use_default=not args.no_ignore_file)
    return CompareOptions(schemas=tuple(args.schema), exclude_schemas=tuple(args.exclude_schema),
                          kinds=tuple(args.kind) or None, exclude_kinds=tuple(args.skip_kind),
                          ignore_extension_versions=not args.compare_extension_versions,
                          ignore=tuple(patterns), with_owners=args.with_owners,
                          compare_populated=args.compare_populated)


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.sides import open_side

    if not args.output and not args.store:
        raise WorkbenchError("snapshot needs -o FILE or --store DIR (or both)")
    if args.label and not args.store:
        raise WorkbenchError("--label is for --store")
    store = None
    if args.store:
        from workbench.store import Store

        store = Store(args.store, create=True)          # a bad store fails before the capture
    progress = _progress()
    snapshot = open_side(args.dsn, schemas=args.schema, exclude_schemas=args.exclude_schema, progress=progress,
                         shadow=args.shadow)
    _end_progress(progress)
    counts = ", ".join(f"{kind} {n}" for kind, n in snapshot.counts.items() if n)
    if args.output == "-":                   # the snapshot on stdout, what was written on stderr
        _write(json.dumps(snapshot.to_dict(), default=str) + "\n")
        sys.stderr.write(f"wrote the snapshot to stdout: {snapshot.dsn}, PostgreSQL {snapshot.server_version}, {counts}\n")
    elif args.output:
        path = snapshot.save(args.output)
        _write(f"wrote {path}: {snapshot.dsn}, PostgreSQL {snapshot.server_version}, {counts}\n")
    if store is not None:
        entry, written = store.add(snapshot, args.label)
        kept = "new snapshot" if written else "schema unchanged, the snapshot is shared"
        line = f"stored {store.path}/{entry.file}: fingerprint {entry.fingerprint[:12]} ({kept}), {counts}\n"
        if args.output == "-":
            sys.stderr.write(line)
        else:
            _write(line)
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from workbench.store import history

    result = history(args.store, since=args.since, until=args.until)
    if args.format == "json":
        return _finish(EXIT_OK, json.dumps(result.to_json(), default=str) + "\n")
    from workbench.present.text import history_text

    return _finish(EXIT_OK, history_text(result, args.limit) + "\n")


def _cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.gate import check
    from workbench.errors import WorkbenchError

    result = check(args.source, args.target, _options(args), shadow=args.shadow, progress=_progress())
    _end_progress()
    if args.junit:
        try:
            Path(args.junit).write_text(result.junit())
        except OSError as error:
            raise WorkbenchError(f"cannot write {args.junit}: {error.strerror}") from None
    return _finish(result.exit_code, result.render(args.format, args.limit) + "\n")


def _cmd_diff(args: argparse.Namespace) -> int:
    from workbench.normalize import preload_parser

    preload_parser()
    from workbench.compare import compare
    from workbench.present.text import drift_report
    from workbench.sides import open_pair

    options = _options(args)
    kinds = options.selected_kinds()
    progress = _progress()
    source, target = open_pair(args.source, args.target, kinds, progress=progress, fingerprints=True,
                               shadow=args.shadow)
    _end_progress(progress)
    drift = compare(source, target, options)
    code = EXIT_DRIFT if drift.has_drift or drift.has_unmodeled_drift else EXIT_OK
    if args.format == "json":       # dumps (not dump) and no indent: json's C encoder, 20x faster
        return _finish(code, json.dumps(drift.to_json(), default=str) + "\n")
    return _finish(code, drift_report(drift, args.limit) + "\n")


def _cmd_plan(args: argparse.Namespace) -> int:
    from workbench.compare import compare
    from workbench.errors import WorkbenchError
    from workbench.planner import plan
    from workbench.present.text import plan_summary
    from workbench.sides import open_pair

    if not args.out and not args.print_sql:
        raise WorkbenchError("plan needs --out DIR (the stage files) or --print (the SQL on stdout), or both")
    options = _options(args)
    kinds = options.selected_kinds()
    progress = _progress()
    drift = compare(*open_pair(args.source, args.target, kinds, progress=progress, fingerprints=True,
                               shadow=args.shadow), options)
    _end_progress(progress)
    if args.out:            # the comparison files, written by a child while this process plans
        from workbench.pipeline import comparison_aside

        comparison = comparison_aside(drift, args.out)
    try:
        if args.out:        # the way back planned and written by another child meanwhile
            from workbench.pipeline import plan_and_write

            result, out = plan_and_write(drift, _plan_options(args), args.out, args.target,
                                         rollback=not args.no_rollback)
        else:
            result = plan(drift, _plan_options(args))
    except BaseException:
        if args.out:
            with contextlib.suppress(BaseException):        # this error is the one to tell
                comparison.wait()
        raise
    if args.out:
        comparison.wait()
    summary = sys.stderr if args.print_sql else sys.stdout
    validation = None if args.no_validate else _validate(args, result, drift)
    if args.print_sql:
        from workbench.planner.files import migration_text

        _write(migration_text(result))
    summary.write(plan_summary(result) + "\n")
    statuses = ("only_in_source", "changed") + (("only_in_target",) if args.allow_drops else ())
    for kind, count in drift.not_planned(_plan_options(args), statuses).items():
        from workbench.kinds import not_planned_note

        summary.write(f"{not_planned_note(kind, count)}: compared, but left as they are\n")
    if args.out:
        summary.write(f"wrote {out}/ (stage00..stage10 .sql, plan.json, schema_migration.sql, "
                      f"schema_differences.json, schema_comparison_report.txt"
                      f"{'' if args.no_rollback else '; rollback/: the way back'})\n")
    if validation is not None:
        from workbench.validate import summary_line, way_back_line

        summary.write(summary_line(validation) + "\n")
        back = way_back_line(args.out) if args.out else None
        if back:
            summary.write(back + "\n")
        if validation["status"] in ("failed", "diverged"):
            return EXIT_DRIFT
    return EXIT_OK


def _validate(args: argparse.Namespace, result: "Plan", drift: "Drift") -> dict[str, object]:
    """Shadow validation of a written plan (a temporary folder for --print alone): workbench.validate."""
    import tempfile
    from pathlib import Path

    from workbench.validate import validate

    progress = _progress("")
    try:
        if args.out:
            return validate(args.out, drift.source, args.target, drift.target, drift.options, shadow=args.shadow,
                            progress=progress)
        from workbench.planner import write_plan_dir

        with tempfile.TemporaryDirectory(prefix="drift-workbench-plan-") as folder:
            write_plan_dir(result, folder)
            return validate(folder, drift.source, args.target, drift.target, drift.options, shadow=args.shadow,
                            progress=progress)
    finally:
        _end_progress(progress)


def _cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import run_demo

    return run_demo(scale=args.scale, out=args.out)


def _cmd_apply(args: argparse.Namespace) -> int:
    from workbench.apply import apply
    from workbench.present.text import apply_summary

    progress = _progress("rehearsing " if args.rehearse else "applying ")
    result = apply(args.plan_dir, args.target, rehearse=args.rehearse, keep_going=args.keep_going,
                   force=args.force, lock_timeout_ms=args.lock_timeout,
                   statement_timeout_ms=args.statement_timeout, progress=progress,
                   accept_edits=args.accept_edits, on_copy=args.on_copy)
    _end_progress(progress)
    return _finish(result.exit_code, f"{apply_summary(result.log)}\n\nlog: {result.path}\n")


def _cmd_verify(args: argparse.Namespace) -> int:
    from workbench.present.text import verify_report
    from workbench.verify import verify

    result = verify(args.source, args.target, _options(args), shadow=args.shadow,
                    plan_options={"with_privileges": args.with_privileges})
    if args.format == "json":
        return _finish(result.exit_code, json.dumps(result.to_json(), indent=1, default=str) + "\n")
    return _finish(result.exit_code, verify_report(result, args.limit) + "\n")


def _cmd_report(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.present.progress import on_terminal
    from workbench.present.text import report_summary
    from workbench.report import build

    if args.target is None:
        return _report_timeline(args)
    if args.since or args.until:
        raise WorkbenchError("--since and --until are for a store's timeline (report STORE --out DIR)")
    options = _plan_options(args)
    mode = "apply" if args.apply else "rehearse" if args.rehearse else None
    if args.keep_going and not mode:
        raise WorkbenchError("--keep-going is for --apply or --rehearse")
    if args.accept_edits and not mode:
        raise WorkbenchError("--accept-edits is for --apply or --rehearse")
    result = build(args.source, args.target, args.out, title=args.title, options=_options(args),
                   target_after=args.after, plan_dir=args.plan, mode=mode, plan_options=options,
                   keep_going=args.keep_going, progress=on_terminal(), shadow=args.shadow,
                   accept_edits=args.accept_edits)
    _write(report_summary(result) + "\n")
    if result.run is not None and result.run.error:     # shown in the report too; the command still fails
        sys.stderr.write(f"error: {result.run.error}\n")
    return result.exit_code


def _report_timeline(args: argparse.Namespace) -> int:
    """`workbench report STORE --out DIR`: the store's timeline, no TARGET, nothing planned."""
    from workbench.errors import WorkbenchError
    from workbench.present.progress import on_terminal
    from workbench.report import build_timeline
    from workbench.store import is_store

    if not is_store(args.source):
        raise WorkbenchError(f"report needs SOURCE and TARGET, or a snapshot store DIR alone for its timeline "
                             f"({args.source} is not a store: no store.json)")
    comparison_only = {"--after": args.after, "--plan": args.plan, "--apply": args.apply, "--rehearse": args.rehearse,
                       "--keep-going": args.keep_going, "--shadow": args.shadow, "--accept-edits": args.accept_edits}
    given = [name for name, value in comparison_only.items() if value]
    if given:
        raise WorkbenchError(f"{', '.join(given)}: for a report of SOURCE and TARGET, not of a store's timeline")
    result = build_timeline(args.source, args.out, since=args.since, until=args.until, title=args.title,
                            progress=on_terminal())
    _write(f"wrote {result.html}\n")
    return EXIT_OK


def _cmd_fleet(args: argparse.Namespace) -> int:
    from workbench.connect import Timeouts, secrets_of
    from workbench.errors import WorkbenchError
    from workbench.fleet import run_fleet, write_files
    from workbench.pipeline import check_no_secrets
    from workbench.present.fleet import apply_lines, fleet_text, plan_lines, progress_bar

    if args.plan and not args.out:
        raise WorkbenchError("--plan needs --out DIR (the plans go to DIR/plans/)")
    if args.apply and not args.plan:
        raise WorkbenchError("--apply needs --plan (it applies the group plans)")
    if (args.no_report or args.title) and not args.out:
        raise WorkbenchError("--no-report and --title are for --out DIR (the report goes there)")
    planning = (args.allow_drops, args.concurrently, args.not_valid, args.with_privileges)
    if any(planning) and not args.plan:
        raise WorkbenchError("--allow-drops, --concurrently, --not-valid and --with-privileges are for --plan")
    timeouts = None
    if args.timeout is not None:
        if args.timeout < 1:
            raise WorkbenchError("--timeout must be at least 1 second")
        # the lock wait gives up first, so that the message says a lock was waited on
        defaults = Timeouts.from_environment()
        timeouts = Timeouts(args.timeout * 1000, min(defaults.lock_ms, args.timeout * 500), ("--timeout", "--timeout"))
    for name in ("jobs", "per_server"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise WorkbenchError(f"--{name.replace('_', '-')} must be at least 1")
    bar = progress_bar()
    try:
        result = run_fleet(args.source, args.targets, _options(args), jobs=args.jobs, per_server=args.per_server,
                           executor=args.executor, timeouts=timeouts, shadow=args.shadow, frames=False,
                           on_result=bar)
    finally:
        if bar is not None:
            bar.end()
    secrets = secrets_of([args.source, *(target.dsn for target in result.targets)])
    code, lines = result.exit_code, []
    if args.out:
        written = write_files(result, args.out)
        check_no_secrets(written, secrets)
        if args.no_report:
            lines.append(f"wrote {args.out}/ (fleet.json, fleet_targets.json)")
        else:
            from workbench.present.progress import on_terminal
            from workbench.report import build_fleet

            report = build_fleet(args.out, args.title, on_terminal(), secrets)
            lines.append(f"wrote {report.html} (and fleet.json, fleet_targets.json, {report.notebooks[0].name})")
    if args.plan:
        from workbench.fleet.plans import apply_group_plans, write_group_plans

        progress = _progress("")
        plans = write_group_plans(result, args.out, _plan_options(args), progress,
                                  validate_plans=not args.no_validate, shadow=args.shadow)
        _end_progress(progress)
        check_no_secrets([path for made in plans for path in made.directory.rglob("*") if path.is_file()], secrets)
        lines += plan_lines(plans)
        if args.apply:
            progress = _progress("")
            applied = apply_group_plans(result, plans, args.out, progress)
            _end_progress(progress)
            lines += apply_lines(applied)
            code = applied.exit_code
    if args.format == "json":
        if lines:
            sys.stderr.write("\n".join(lines) + "\n")
        return _finish(code, json.dumps(result.to_json(), default=str) + "\n")
    return _finish(code, "\n".join([fleet_text(result, args.limit), *lines]) + "\n")


def _cmd_explore(args: argparse.Namespace) -> int:
    from workbench.explore_app import serve

    return serve(args.source, args.target, schemas=args.schema, plan_dir=args.plan, port=args.port)


def _finish(code: int, text: str) -> int:
    """Write a command's output and return its exit code. A reader that stops early
    (`workbench diff A B | head -1`) closes the pipe: the code stays what the command found (1:
    drift), never success, so that `set -o pipefail` scripts read the truth."""
    _write(text)
    return code


def _write(text: str) -> None:
    """stdout, where a reader that has gone (a closed pipe) changes nothing the command does."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()


def _discard_stdout() -> None:
    """stdout to /dev/null, so that the interpreter's last flush does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# Commands that read, compare and write in one pass and exit: the cyclic garbage collector is
# paused for the whole command (gcpause.py). Their objects (rows, comparisons, statements) hold no
# cycles, yet every full collection walks all of them: a quarter of a plan's CPU time at scale 30
# (8.8 s instead of 11.9 s). Commands that run notebooks or serve (report, explore, demo) keep it.
_BATCH_COMMANDS = frozenset(("snapshot", "check", "diff", "plan", "verify"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_ERROR
    from workbench.errors import EXIT_BUG, PlannerBug, WorkbenchError, bug_line

    _show_warnings_as_lines()
    try:
        if args.command in _BATCH_COMMANDS:       # one pass over the data, then exit: see _BATCH_COMMANDS
            from workbench.gcpause import paused

            with paused():
                return int(args.run(args))
        return int(args.run(args))
    except PlannerBug as error:
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        _end_progress()
        sys.stderr.write(f"error: {bug_line(error)}\n")
        return EXIT_BUG
    except WorkbenchError as error:
        _end_progress()
        sys.stderr.write(f"error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _end_progress()
        sys.stderr.write("error: interrupted\n")
        return EXIT_ERROR
    except BrokenPipeError:                 # output lost before the command knew its result
        _discard_stdout()
        sys.stderr.write("error: the output was closed before it was all written (broken pipe)\n")
        return EXIT_ERROR
    except Exception as error:  # a bug: still one line, the traceback only on request
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        _end_progress()
        sys.stderr.write(f"error: {bug_line(error)}\n")
        return EXIT_BUG


def _show_warnings_as_lines() -> None:
    """A WorkbenchWarning (a corrupt store entry skipped, say) as one `warning: ...` line on stderr."""
    import warnings

    from workbench.errors import WorkbenchWarning

    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
        if issubclass(category, WorkbenchWarning):
            _end_progress()
            sys.stderr.write(f"warning: {' '.join(str(message).split())}\n")
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    warnings.simplefilter("always", WorkbenchWarning)


def run() -> None:
    """The console script: main(), then leave without tearing down the interpreter. A diff holds a
    few hundred MB of small objects whose orderly freeing costs about 0.1 s at exit and serves no
    one: outputs are flushed, files closed and servers stopped by then."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
