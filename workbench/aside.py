"""Work done aside: a job run in a forked child process while this process goes on.

A plan at scale 100 writes 170 MB of files after the planning itself; the comparison files
(schema_differences.json, schema_comparison_report.txt) need only the Drift, so a child forked
once the comparison is made writes them on the second core while this process plans and writes
the plan folder. The child shares the parent's memory (copy on write) and sends nothing back but
its outcome: a WorkbenchError's one line, or a bug's.

Inline instead, in this process, where fork is missing (not POSIX), where another thread runs (a
thread that holds a lock at the fork would hold it forever in the child), or when
WORKBENCH_NO_FORK is set.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Callable

from workbench.errors import WorkbenchError

_USER, _BUG = b"U", b"B"          # first byte of the child's message: a WorkbenchError, or a bug


class Aside:
    """A job started by `start`; `wait()` returns when it is done and raises what it raised."""

    def __init__(self, pid: int | None, pipe: int | None, error: BaseException | None = None) -> None:
        self._pid, self._pipe, self._error = pid, pipe, error

    def wait(self) -> None:
        if self._pid is not None and self._pipe is not None:
            chunks = []
            with os.fdopen(self._pipe, "rb") as pipe:
                while chunk := pipe.read(65536):
                    chunks.append(chunk)
            _, status = os.waitpid(self._pid, 0)
            self._pid = self._pipe = None
            message = b"".join(chunks)
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                text = message[1:].decode(errors="replace")
                if message[:1] == _USER:
                    self._error = WorkbenchError(text)
                else:
                    self._error = RuntimeError(text or f"the child writing files ended with {code}")
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def start(job: Callable[[], object]) -> Aside:
    """Run job in a forked child (or inline, see the module docstring); its output goes to files."""
    if not hasattr(os, "fork") or os.environ.get("WORKBENCH_NO_FORK") or threading.active_count() > 1:
        try:
            job()
        except BaseException as error:        # raised by wait(), where the forked case raises it too
            return Aside(None, None, error)
        return Aside(None, None)
    for stream in (sys.stdout, sys.stderr):   # nothing buffered is written twice
        stream.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                                   # the child
        os.close(read_end)
        code, message = 0, b""
        try:
            job()
        except WorkbenchError as error:
            code, message = 2, _USER + str(error).encode()
        except BaseException as error:                             # noqa: BLE001 (a bug: told to the parent)
            if os.environ.get("WORKBENCH_DEBUG"):
                import traceback

                traceback.print_exc()
            code, message = 3, _BUG + f"{type(error).__name__}: {error}".encode(errors="replace")
        try:
            os.write(write_end, message)
        finally:
            os._exit(code)                    # no cleanup of the parent's state: it is the parent's
    os.close(write_end)
    return Aside(pid, read_end)
