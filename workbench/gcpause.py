"""Pausing Python's cyclic garbage collector while many small objects are made.

Reading a catalog, loading a snapshot file and comparing two snapshots create hundreds of
thousands of row tuples, lists and dicts. Each burst of allocations triggers the collector, and
every full collection walks all the rows made so far: at scale 10 that is a third of a
comparison's time. Rows hold no reference cycles, so nothing is lost by collecting later: the
collector is switched off for the `with` block and on again after it (when it was on), also when
several threads use paused() at once.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from typing import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
