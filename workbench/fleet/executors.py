"""Where the per-target tasks run: a local thread pool (the default), any concurrent.futures
Executor, or a Dask cluster (`dask://HOST:PORT`, or a `distributed.Client` from Python).

The client keeps the limits, whatever runs the tasks: at most `jobs` targets in flight, and at
most `per_server` of them on one server (host:port), so that a fleet of 500 databases on one
server never opens more connections than it allows, and a Dask cluster of 50 workers does not
either. Tasks are submitted as earlier ones finish (a sliding window), and each result is handed
to `on_result` as it arrives (the progress bar). The source snapshot is sent once: a Dask cluster
gets it scattered to every worker, a local pool shares the object.
"""
from __future__ import annotations

import os
import queue
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, Sequence

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.compare import CompareOptions
    from workbench.connect import Timeouts
    from workbench.fleet.targets import Target
    from workbench.fleet.task import TargetResult
    from workbench.snapshot import Snapshot

DASK_SCHEME = "dask://"
DEFAULT_PER_SERVER = 8


def default_jobs() -> int:
    """Concurrent targets by default: reading a catalog is mostly waiting on a server, so a few per
    core, at least 4 and at most 32."""
    return max(4, min(32, 4 * (os.cpu_count() or 1)))


class _Future(Protocol):
    def result(self, timeout: float | None = None) -> Any: ...

    def add_done_callback(self, fn: Callable[[Any], Any]) -> Any: ...


class Backend:
    """What runs tasks: share() a value once with every worker, submit() a call with it."""

    name = "local threads"

    def __init__(self, jobs: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool: Any = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="workbench-fleet")
        self._owned = True

    def share(self, value: Any) -> Any:
        return value

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Future:
        future: _Future = self._pool.submit(fn, *args)
        return future

    def close(self) -> None:
        if self._owned:
            self._pool.shutdown(wait=True)


class ExecutorBackend(Backend):
    """A concurrent.futures Executor the caller made (a ProcessPoolExecutor, say); not shut down here."""

    def __init__(self, executor: Any) -> None:
        self._pool = executor
        self._owned = False
        self.name = type(executor).__name__


class DaskBackend(Backend):
    """A dask.distributed Client: tasks on the cluster's workers, the source scattered once."""

    def __init__(self, client: Any, owned: bool = False) -> None:
        self._client = client
        self._owned = owned
        self.name = f"dask {getattr(client.scheduler, 'address', '') or client}"

    def share(self, value: Any) -> Any:
        return self._client.scatter(value, broadcast=True)

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Future:
        future: _Future = self._client.submit(fn, *args, pure=False)
        return future

    def close(self) -> None:
        if self._owned:
            self._client.close()


def _is_dask_client(value: Any) -> bool:
    return type(value).__name__ == "Client" and type(value).__module__.startswith("distributed")


def backend_for(executor: Any, jobs: int) -> Backend:
    """None or "local": a thread pool of `jobs`; "dask://HOST:PORT": a client of that scheduler;
    a distributed.Client or a concurrent.futures Executor: used as it is."""
    if executor is None or executor in ("local", "threads"):
        return Backend(jobs)
    if isinstance(executor, str):
        if not executor.startswith(DASK_SCHEME):
            raise WorkbenchError(f"unknown executor {executor!r}: give local or dask://HOST:PORT")
        address = "tcp://" + executor[len(DASK_SCHEME):]
        try:
            from distributed import Client
        except ImportError:
            raise WorkbenchError("--executor dask://...: dask.distributed is not installed "
                                 "(pip install 'drift-workbench[fleet]')") from None
        try:
            client = Client(address, timeout=10)
        except (OSError, TimeoutError) as error:
            raise WorkbenchError(f"cannot reach the Dask scheduler at {address}: {' '.join(str(error).split())}") from None
        return DaskBackend(client, owned=True)
    if _is_dask_client(executor):
        return DaskBackend(executor)
    if hasattr(executor, "submit"):
        return ExecutorBackend(executor)
    raise WorkbenchError(f"unknown executor {executor!r}: give local, dask://HOST:PORT, a distributed.Client "
                         f"or a concurrent.futures Executor")


def _tell(done: "queue.Queue[tuple[Target, _Future]]", target: "Target") -> Callable[[Any], None]:
    """A done-callback that hands (target, future) to the loop waiting in run_tasks."""
    def callback(finished: Any) -> None:
        done.put((target, finished))

    return callback


def run_tasks(backend: Backend, source: "Snapshot", targets: Sequence["Target"], options: "CompareOptions",
              timeouts: "Timeouts | None", jobs: int, per_server: int, frames: bool = True) -> Iterator["TargetResult"]:
    """check_target for every target on the backend, within the limits; results as they finish."""
    from workbench.fleet.task import TargetResult, check_target

    if jobs < 1 or per_server < 1:
        raise WorkbenchError("--jobs and --per-server must be at least 1")
    shared = backend.share(source)
    waiting: deque[Target] = deque(targets)
    running: dict[str, int] = {}
    done: "queue.Queue[tuple[Target, _Future]]" = queue.Queue()
    in_flight = 0

    def start_what_fits() -> int:
        started = 0
        for _ in range(len(waiting)):
            if in_flight + started >= jobs:
                break
            target = waiting.popleft()
            if running.get(target.server, 0) >= per_server:
                waiting.append(target)                   # its server is busy: later
                continue
            running[target.server] = running.get(target.server, 0) + 1
            future = backend.submit(check_target, shared, target, options, timeouts, frames)
            future.add_done_callback(_tell(done, target))
            started += 1
        return started

    in_flight += start_what_fits()
    while in_flight:
        target, future = done.get()
        in_flight -= 1
        running[target.server] -= 1
        try:
            result: TargetResult = future.result()
        except Exception as error:         # the executor lost the task (a worker died, say)
            from workbench.connect import mask, scrub

            result = TargetResult(target.name, mask(target.dsn), target.server,
                                  error=scrub(f"the executor failed to run it: {type(error).__name__}: {error}",
                                              target.dsn))
        yield result
        in_flight += start_what_fits()
