"""The one exception the CLI turns into `error: ...` and exit 2.

Everything the user can get wrong (a DSN, a file, an option, a permission) is raised as a
WorkbenchError with a message that is one line, names what was wrong and never holds a password.
"""


class WorkbenchError(Exception):
    """A failure to report as one line, without a traceback."""

    def __str__(self) -> str:
        return " ".join(super().__str__().split())


class WorkbenchWarning(UserWarning):
    """Something skipped that the user must hear about (a corrupt store entry, a scratch database
    that could not be dropped); the CLI prints it as one `warning: ...` line."""


class StalePlan(WorkbenchError):
    """The target is not the database the plan was made for (its schema changed since): apply
    refuses. Carries the masked target and both fingerprints, for a caller to decide what next."""

    def __init__(self, message: str, *, target: str = "", planned: str = "", found: str = ""):
        super().__init__(message)
        self.target, self.planned, self.found = target, planned, found


class StatementFailed(WorkbenchError):
    """A statement of a plan failed on the target (workbench.apply_plan(..., check=True)): which
    one, in which stage, and what the server said."""

    def __init__(self, message: str, *, statement_id: str = "", stage: str = "", sqlstate: str = "",
                 server_message: str = ""):
        super().__init__(message)
        self.statement_id, self.stage, self.sqlstate, self.server_message = statement_id, stage, sqlstate, server_message


class PlannerBug(WorkbenchError):
    """The planner failed or made something it must never output (a builder that raised, a
    dependency cycle, an operation without a hazard rule, a statement that does not parse): a bug
    of drift-workbench, not of the input; the CLI exits 3. Carries the kind and object when known."""

    def __init__(self, message: str, *, kind: str = "", label: str = ""):
        super().__init__(message)
        self.kind, self.label = kind, label
