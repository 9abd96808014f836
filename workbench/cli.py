"""The `workbench` command. Imports are lazy so that `workbench --help` answers at once.

Exit codes (like diff): 0 no drift / success, 1 drift found / a stage failed, 2 error.
Every error is one line `error: ...` on stderr; set WORKBENCH_DEBUG=1 to see a traceback of an
unexpected one.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Callable, Sequence

EXIT_OK, EXIT_DRIFT, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad option as one `error:` line (no usage dump) and exits 2."""

    def error(self, message: str):  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see {self.prog} --help)\n")
        raise SystemExit(EXIT_ERROR)


def _progress() -> Callable[[str], None] | None:
    """Per-kind progress on a terminal; nothing when stderr is piped or captured."""
    if not sys.stderr.isatty():
        return None

    def show(step: str) -> None:
        sys.stderr.write(f"\r\033[K  reading {step} ...")
        sys.stderr.flush()

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", action="append", default=[], metavar="S",
                        help="compare only this schema (repeatable)")
    parser.add_argument("--exclude-schema", action="append", default=[], metavar="S",
                        help="leave this schema out (repeatable)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND",
                        help="compare only this kind (repeatable; default: all)")
    parser.add_argument("--skip-kind", action="append", default=[], metavar="KIND",
                        help="leave this kind out (repeatable)")
    parser.add_argument("--compare-extension-versions", action="store_true",
                        help="report extensions whose versions differ (ignored by default)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Drift Workbench: see, plan, apply and prove PostgreSQL schema drift. "
                     "SOURCE is the desired schema (legacy), TARGET the database to change (current); "
                     "each is a DSN or a snapshot file.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    snap = sub.add_parser("snapshot", help="capture a database's schema into a snapshot file")
    snap.add_argument("dsn", help="database to read (URL, libpq keywords or service name)")
    snap.add_argument("-o", "--output", required=True, help="snapshot file to write (JSON)")
    snap.add_argument("--schema", action="append", default=[], metavar="S")
    snap.add_argument("--exclude-schema", action="append", default=[], metavar="S")
    snap.set_defaults(run=_cmd_snapshot)

    diff = sub.add_parser("diff", help="compare SOURCE with TARGET (exit 0 no drift, 1 drift, 2 error)")
    diff.add_argument("source")
    diff.add_argument("target")
    diff.add_argument("--format", choices=("table", "json"), default="table")
    diff.add_argument("--limit", type=int, default=None, metavar="N",
                      help="table format: list at most N objects per kind")
    _scope_arguments(diff)
    diff.set_defaults(run=_cmd_diff)

    demo = sub.add_parser("demo", help="build the demo legacy/current pair in an embedded PostgreSQL and show its drift")
    demo.add_argument("--scale", type=int, default=1)
    demo.set_defaults(run=_cmd_demo)
    return parser


def _options(args: argparse.Namespace):
    from workbench.compare import CompareOptions

    return CompareOptions(schemas=tuple(args.schema), exclude_schemas=tuple(args.exclude_schema),
                          kinds=tuple(args.kind) or None, exclude_kinds=tuple(args.skip_kind),
                          ignore_extension_versions=not args.compare_extension_versions)


def _cmd_snapshot(args: argparse.Namespace) -> int:
    from workbench.snapshot import capture

    snapshot = capture(args.dsn, schemas=args.schema, exclude_schemas=args.exclude_schema, progress=_progress())
    _end_progress()
    path = snapshot.save(args.output)
    counts = ", ".join(f"{kind} {n}" for kind, n in snapshot.counts.items() if n)
    print(f"wrote {path}: {snapshot.dsn}, PostgreSQL {snapshot.server_version}, {counts}")
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace) -> int:
    from workbench.compare import compare
    from workbench.render import drift_report
    from workbench.snapshot import open_side

    options = _options(args)
    kinds = options.selected_kinds()
    progress = _progress()
    source = open_side(args.source, kinds, progress=progress)
    target = open_side(args.target, kinds, progress=progress)
    _end_progress()
    drift = compare(source, target, options)
    if args.format == "json":
        json.dump(drift.to_json(), sys.stdout, indent=1, default=str)
        sys.stdout.write("\n")
    else:
        print(drift_report(drift, args.limit))
    return EXIT_DRIFT if drift.has_drift else EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from workbench.demo import run_demo

    return run_demo(scale=args.scale)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_ERROR
    from workbench.errors import WorkbenchError

    try:
        return args.run(args)
    except WorkbenchError as error:
        _end_progress()
        sys.stderr.write(f"error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _end_progress()
        sys.stderr.write("error: interrupted\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: still one line, the traceback only on request
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        sys.stderr.write(f"error: internal error {type(error).__name__}: {' '.join(str(error).split())} "
                         f"(set WORKBENCH_DEBUG=1 for a traceback)\n")
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
