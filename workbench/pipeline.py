"""The steps strung together: snapshot -> compare -> plan -> apply/rehearse -> verify, each artifact
written once, by the module that owns its format.

    source.snapshot.json, target.snapshot.json      Snapshot.save          (snapshot.py)
    schema_differences.json                         compare.write_differences (one JSON writer)
    schema_comparison_report.txt                    present.text.drift_report
    plan/ stage files, plan.json, schema_migration.sql   planner.write_plan_dir
    plan/apply_log.json | rehearsal_log.json        apply.apply
    verify.json, target_after.snapshot.json         verify.write_result, Snapshot.save

`workbench report`, `workbench demo`, `workbench plan` and the migration_plan notebook call these
functions; the notebooks then read what was written (snapshot files, plan folder, logs), they
never capture or plan again. A failing or refused apply is kept in the Run (its error, its exit
code), not raised: the report shows it.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.apply import ApplyResult
    from workbench.aside import Aside
    from workbench.compare import CompareOptions, Drift
    from workbench.planner import Plan, PlanOptions
    from workbench.sides import Shadow
    from workbench.snapshot import Snapshot
    from workbench.verify import VerifyResult

Progress = Callable[[str], None]
MODES = (None, "apply", "rehearse")
SNAPSHOT_FILES = {"source": "source.snapshot.json", "target": "target.snapshot.json",
                  "target_after": "target_after.snapshot.json"}
DIFFERENCES_FILE = "schema_differences.json"
COMPARISON_TEXT_FILE = "schema_comparison_report.txt"


def _quiet(_text: str) -> None:
    return None


@dataclass
class Run:
    """What the pipeline did: the files it wrote, the drift, the plan folder, the apply and verify."""

    out: Path
    drift: "Drift"
    plan_dir: Path
    planned: bool                             # this run wrote the plan (False: an existing plan folder)
    snapshots: dict[str, Path] = field(default_factory=dict)   # role -> snapshot file
    mode: str | None = None                   # None, "apply" or "rehearse"
    apply: "ApplyResult | None" = None        # when apply returned
    log_path: Path | None = None              # the apply or rehearsal log this run wrote
    error: str = ""                           # apply or verify stopped with an error (shown in the report)
    verify: "VerifyResult | None" = None      # after an apply
    written: list[Path] = field(default_factory=list)
    background: list[Any] = field(default_factory=list)     # writers still running (Run.aside)
    errors: list[BaseException] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list, repr=False)   # passwords of the sides: in no file
    captured: dict[str, "Snapshot"] = field(default_factory=dict, repr=False)   # role -> what its file holds
    plan: "Plan | None" = field(default=None, repr=False)   # the plan this run wrote (None: an existing folder)

    def wait(self) -> "Run":
        """Join the background writers; the first error they met is raised here."""
        for thread in self.background:
            thread.join()
        self.background = []
        if self.errors:
            raise self.errors[0]
        return self

    def aside(self, job: "Aside", paths: list[Path]) -> None:
        """A writer forked aside (workbench.aside) whose files are `paths`: wait() waits for it too."""
        run = self

        class Waiting:
            def join(self) -> None:
                try:
                    job.wait()
                    run.written.extend(paths)
                except BaseException as error:       # raised by wait()
                    run.errors.append(error)

        self.background.append(Waiting())

    @property
    def verify_path(self) -> Path | None:
        from workbench.verify import VERIFY_FILE

        return self.out / VERIFY_FILE if self.verify is not None else None

    @property
    def exit_code(self) -> int:
        """0 written (and applied with 100% parity), 1 a stage failed or parity < 100%, 2 an error."""
        if self.error:
            return 2
        if self.apply is not None and self.apply.exit_code != 0:
            return 1
        if self.verify is not None and not self.verify.ok:
            return 1
        return 0


# --- secrets ------------------------------------------------------------------------------------
def check_no_secrets(files: Sequence[Path], secrets: Sequence[str]) -> None:
    """Every file is read; those that hold a password (any spelling of it, connect.secrets_of) are
    all deleted and the run refused, naming them."""
    if not secrets:
        return
    leaky = []
    for path in dict.fromkeys(Path(f) for f in files):
        try:
            text = path.read_text(errors="replace")
        except FileNotFoundError:
            continue
        except OSError as error:
            raise WorkbenchError(f"{path}: cannot read it to check it holds no password: {error.strerror}") from None
        if any(secret in text for secret in secrets):
            leaky.append(path)
    for path in leaky:
        path.unlink()
    if leaky:
        names = ", ".join(path.name for path in leaky)
        raise WorkbenchError(f"{names} would contain a password; {'it was' if len(leaky) == 1 else 'they were'} "
                             f"deleted and nothing was applied after that (please report this bug)")


# --- the steps ----------------------------------------------------------------------------------
def write_comparison(drift: "Drift", folder: str | Path) -> list[Path]:
    """schema_differences.json and schema_comparison_report.txt of a drift, into folder."""
    from workbench import jsonfile
    from workbench.compare import write_differences
    from workbench.present.text import drift_report

    folder = Path(folder)
    return [write_differences(drift, folder / DIFFERENCES_FILE),
            jsonfile.write_text(folder / COMPARISON_TEXT_FILE, drift_report(drift) + "\n")]


def comparison_aside(drift: "Drift", folder: str | Path) -> "Aside":
    """write_comparison(drift, folder) in a child process while this one plans (workbench.aside);
    Aside.wait() raises what it raised. The folder is made first."""
    from workbench import aside

    folder = make_folder(folder)
    return aside.start(lambda: write_comparison(drift, folder))


def plan_and_write(drift: "Drift", options: "PlanOptions", folder: str | Path, target: str = "",
                   rollback: bool = True) -> tuple["Plan", Path]:
    """plan(drift, options) written into folder as write_plan(comparison=False) writes it; the way
    back, when it can be planned ahead (rollback.plan_back_ahead), planned and written into
    DIR/rollback/ by a forked child meanwhile (workbench.aside: on the second core)."""
    from workbench.planner import plan
    from workbench.planner.build import now

    created_at = now()
    back = way_back_aside(drift, options, folder, target, created_at) if rollback else None
    try:
        made = plan(drift, options, created_at)
        return made, write_plan(made, folder, drift, target, comparison=False, rollback=rollback, back=back)
    except BaseException:
        if back is not None:
            with contextlib.suppress(BaseException):        # this error is the one to tell
                back.wait()
        raise


def way_back_aside(drift: "Drift", options: "PlanOptions", folder: str | Path, target: str,
                   created_at: str) -> "Aside | None":
    """The way back of the plan about to be made, planned and written into FOLDER/rollback/ by a
    forked child; its wait() gives what plan.json says of it (rollback.way_back). None when it
    cannot be planned ahead (renames)."""
    from workbench import aside
    from workbench.rollback import ROLLBACK_DIR, plan_back_ahead, way_back

    if options.renames or options.accept_renames:
        return None
    out = make_folder(folder)

    def job() -> dict[str, Any]:
        ahead = plan_back_ahead(drift, options, created_at)
        assert ahead is not None
        back, back_drift = ahead
        write_plan(back, out / ROLLBACK_DIR, back_drift, target, comparison=False, rollback=False)
        return way_back(back, ROLLBACK_DIR)

    return aside.start(job, result=True)


def write_plan(plan: "Plan", folder: str | Path, drift: "Drift | None" = None, target: str = "",
               comparison: bool = True, rollback: bool = True, back: "Aside | None" = None) -> Path:
    """The files of `workbench plan --out DIR`: the plan's (planner.write_plan_dir) and, given the
    drift it was made from, the comparison files beside them (unless not `comparison`) and the way
    back, DIR/rollback/ (workbench/rollback.py; unless not `rollback`; `back`: being written by
    way_back_aside). With the target (a live database), the steps that can delete rows carry their
    table's rows (rows.plan_rows)."""
    from workbench.planner import write_plan_dir
    from workbench.rows import plan_rows

    plan.rows = plan_rows(plan, target)
    if back is not None:           # plan.json, written last, says what the child made of the way back
        def told() -> None:
            plan.rollback = back.wait()

        out = write_plan_dir(plan, folder, before_header=told)
        if drift is not None and comparison:
            write_comparison(drift, out)
        return out
    back_plan = None
    if drift is not None and rollback and not plan.rollback_of:
        from workbench.rollback import ROLLBACK_DIR, plan_back, way_back

        back_plan, back_drift = plan_back(drift, plan)
        plan.rollback = way_back(back_plan, ROLLBACK_DIR)        # plan.json says where its way back is
    out = write_plan_dir(plan, folder)
    if drift is not None and comparison:
        write_comparison(drift, out)
    if back_plan is not None:
        write_plan(back_plan, out / ROLLBACK_DIR, back_drift, target, comparison=comparison, rollback=False)
    return out


def existing_plan(plan_dir: str | Path | None, plan_options: "PlanOptions | None") -> bool:
    """Whether plan_dir already holds a plan to use as it is (planning options are then an error)."""
    from workbench.planner import PlanOptions

    if not plan_dir or not (Path(plan_dir) / "plan.json").exists():
        return False
    if plan_options is not None and plan_options != PlanOptions():
        raise WorkbenchError(f"{plan_dir} already holds a plan (plan.json), used as it is: planning options "
                             f"are for a new plan (drop them, or give another --plan folder)")
    return True


def check_request(target: str, target_after: str, mode: str | None, plan_dir: str | Path | None,
                  plan_options: "PlanOptions | None") -> bool:
    """What cannot work fails before any work (and before any folder is made); returns whether
    plan_dir holds a plan to use as it is."""
    from workbench.sides import classify

    if mode not in MODES:
        raise WorkbenchError(f"unknown report mode {mode!r} (apply, rehearse or none)")
    if mode and target_after:
        raise WorkbenchError("--after is for a target migrated elsewhere; with --apply or --rehearse the report "
                             "reads the target itself")
    if mode and not classify(target).is_live:
        what = {"sql": "the SQL files", "store": "the store entry"}.get(classify(target).kind, "the snapshot file")
        raise WorkbenchError(f"--{mode} needs a live target database, not {what} {target}")
    return existing_plan(plan_dir, plan_options)


def make_folder(out: str | Path) -> Path:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkbenchError(f"cannot create {out}: {error.strerror}") from None
    return out


def plan_files(folder: Path) -> list[Path]:
    from workbench.planner import STAGE_NAMES

    return [folder / f"{name}.sql" for name in STAGE_NAMES] + [folder / "plan.json", folder / "schema_migration.sql"]


def capture_sides(sides: dict[str, str], out: Path, kinds: Sequence[str] | None, step: Progress,
                  shadow: "Shadow" = None) -> tuple[dict[str, "Snapshot"], dict[str, Path]]:
    """Each side (DSN, snapshot file, SQL, store entry) saved as OUT/<role>.snapshot.json; live
    sides (and the scratch databases of SQL sides, loaded on `shadow`) read concurrently."""
    from workbench.sides import open_sides

    roles = list(sides)
    names = [role.replace("_", " ") for role in roles]
    step("reading " + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]))
    opened = open_sides([sides[role] for role in roles], kinds, fingerprints=True, shadow=shadow)
    snapshots = dict(zip(roles, opened))
    return snapshots, {role: snapshot.save(out / SNAPSHOT_FILES[role]) for role, snapshot in snapshots.items()}


def _log_stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def apply_and_verify(run: Run, target: str, options: "CompareOptions", keep_going: bool, step: Progress,
                     accept_edits: bool = False) -> None:
    """Apply or rehearse the plan, then verify an apply; errors are kept in the run, not raised.
    Stage files that differ from plan.json are refused unless `accept_edits` (workbench.apply)."""
    from workbench.apply import APPLY_LOG, REHEARSAL_LOG, apply
    from workbench.verify import VERIFY_FILE, verify, write_result

    check_no_secrets(run.wait().written, run.secrets)      # before anything reaches the target
    rehearse = run.mode == "rehearse"
    log_path = run.plan_dir / (REHEARSAL_LOG if rehearse else APPLY_LOG)
    before = _log_stamp(log_path)
    verb = "rehearsing" if rehearse else "applying"
    step(f"{verb} the plan")
    try:
        run.apply = apply(run.plan_dir, target, rehearse=rehearse, keep_going=keep_going, accept_edits=accept_edits,
                          progress=lambda text: step(f"{verb} {text}" if text.startswith("stage") else text))
    except WorkbenchError as error:
        run.error = f"{'rehearsal' if rehearse else 'apply'}: {error}"
    stamp = _log_stamp(log_path)
    if stamp is not None and stamp != before:
        run.log_path = log_path                       # written by this run (also on a lost connection)
        run.written.append(log_path)
    if run.mode == "apply" and run.apply is not None:
        step("verifying")
        try:
            from workbench.planner.model import read_plan

            planned_with = read_plan(run.plan_dir)[0].options      # what the plan left to options
            run.verify = verify(str(run.snapshots["source"]), target, options, plan_options=planned_with,
                                rows=run.apply.log.get("rows"))
        except WorkbenchError as error:
            run.error = f"verify: {error}"
            return
        run.captured["target_after"] = run.verify.drift.target
        run.snapshots["target_after"] = run.verify.drift.target.save(run.out / SNAPSHOT_FILES["target_after"])
        run.written += [run.snapshots["target_after"], write_result(run.verify, run.out / VERIFY_FILE)]


def run(source: str, target: str, out: str | Path, options: "CompareOptions | None" = None,
        target_after: str = "", plan_dir: str = "", mode: str | None = None,
        plan_options: "PlanOptions | None" = None, keep_going: bool = False,
        progress: Progress | None = None, shadow: "Shadow" = None, accept_edits: bool = False) -> Run:
    """Snapshot both sides into `out`, compare, write the comparison files, plan (into plan_dir,
    default OUT/plan; a plan_dir holding a plan.json is used as it is), then apply or rehearse it
    (mode) and verify an apply."""
    result = prepare(source, target, out, options, target_after, plan_dir, mode, plan_options, progress, shadow)
    if mode:
        apply_and_verify(result, target, result.drift.options, keep_going, progress or _quiet, accept_edits)
    return result.wait()


def prepare(source: str, target: str, out: str | Path, options: "CompareOptions | None" = None,
            target_after: str = "", plan_dir: str = "", mode: str | None = None,
            plan_options: "PlanOptions | None" = None, progress: Progress | None = None,
            shadow: "Shadow" = None, settle: Callable[[], None] | None = None) -> Run:
    """The steps before any apply: snapshots, comparison files, the plan folder (a Run with `mode`
    set and nothing applied yet; apply_and_verify does the rest). The comparison files are still
    being written when it returns: Run.wait() before reading them. They and the way back are
    written by forked children while this process plans (workbench.aside), which needs this
    process to run no other thread then: `settle` (called once the sides are read) waits for the
    caller's own (the report's imports)."""
    from workbench.compare import CompareOptions, compare
    from workbench.planner import PlanOptions

    use_existing = check_request(target, target_after, mode, plan_dir, plan_options)
    options = options or CompareOptions()
    step = progress or _quiet
    out = make_folder(out)
    for stale in (SNAPSHOT_FILES["target_after"], "verify.json"):      # a previous report's, not this one's
        (out / stale).unlink(missing_ok=True)

    sides = {"source": source, "target": target, **({"target_after": target_after} if target_after else {})}
    captured, snapshots = capture_sides(sides, out, options.selected_kinds(), step, shadow)
    step("comparing")
    drift = compare(captured["source"], captured["target"], options)     # what the saved files hold
    written = list(snapshots.values())

    if settle is not None:
        settle()
    # the comparison files are for people and tools, not for the steps after: written meanwhile
    comparison = comparison_aside(drift, out)
    folder = Path(plan_dir) if plan_dir else out / "plan"
    made = None
    if use_existing:
        step(f"using the plan in {folder}")
    else:
        step(f"planning into {folder}")
        try:
            made = plan_and_write(drift, plan_options or PlanOptions(), folder, target)[0]
        except BaseException:
            with contextlib.suppress(BaseException):        # this error is the one to tell
                comparison.wait()
            raise
        written += plan_files(folder)
    from workbench.connect import secrets_of

    result = Run(out, drift, folder, not use_existing, dict(snapshots), mode, captured=dict(captured), plan=made,
                 written=written, secrets=secrets_of(sides.values()))
    result.aside(comparison, [out / DIFFERENCES_FILE, out / COMPARISON_TEXT_FILE])
    return result
