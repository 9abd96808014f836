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
