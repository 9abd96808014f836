"""Work done aside: a job run in a forked child process while this process goes on.

A plan at scale 100 writes 170 MB of files after the planning itself; the comparison files
(schema_differences.json, schema_comparison_report.txt) need only the Drift, so a child forked
once the comparison is made writes them on the second core while this process plans and writes
the plan folder; the way back (rollback/) is planned and written by another. The child shares the
parent's memory (copy on write) and sends nothing back but its outcome: the job's result as JSON
(a small summary, such as the way back's for plan.json), a WorkbenchError's one line, or a bug's.

Inline instead, in this process, where fork is missing (not POSIX), where another thread runs (a
thread that holds a lock at the fork would hold it forever in the child), or when
WORKBENCH_NO_FORK is set.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any, Callable

from workbench.errors import WorkbenchError

_RESULT, _USER, _BUG = b"R", b"U", b"B"    # first byte of the child's message: its result, a WorkbenchError, a bug


class Aside:
    """A job started by `start`; `wait()` returns its result (None, or what JSON gives back of it)
    when it is done, and raises what it raised."""

    def __init__(self, pid: int | None, pipe: int | None, error: BaseException | None = None,
                 result: Any = None) -> None:
        self._pid, self._pipe, self._error, self._result = pid, pipe, error, result

    def wait(self) -> Any:
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
            elif message[:1] == _RESULT:
                self._result = json.loads(message[1:])
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._result


def start(job: Callable[[], object], result: bool = False) -> Aside:
    """Run job in a forked child (or inline, see the module docstring); its output goes to files.
    With `result`, wait() returns what the job returned (through JSON, forked or not)."""
    if not hasattr(os, "fork") or os.environ.get("WORKBENCH_NO_FORK") or threading.active_count() > 1:
        try:
            done = job()
        except BaseException as error:        # raised by wait(), where the forked case raises it too
            return Aside(None, None, error)
        return Aside(None, None, result=json.loads(json.dumps(done)) if result else None)
    for stream in (sys.stdout, sys.stderr):   # nothing buffered is written twice
        stream.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                                                   # the child
        os.close(read_end)
        code, message = 0, b""
        try:
            done = job()
            if result:
                message = _RESULT + json.dumps(done).encode()
        except WorkbenchError as error:
            code, message = 2, _USER + str(error).encode()
        except BaseException as error:                             # noqa: BLE001 (a bug: told to the parent)
            if os.environ.get("WORKBENCH_DEBUG"):
                import traceback

                traceback.print_exc()
            code, message = 3, _BUG + f"{type(error).__name__}: {error}".encode(errors="replace")
        try:
            view = memoryview(message)
            while view:                       # a result may be larger than the pipe's buffer
                view = view[os.write(write_end, view):]
        finally:
            os._exit(code)                    # no cleanup of the parent's state: it is the parent's
    os.close(write_end)
    return Aside(pid, read_end)
