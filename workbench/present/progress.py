"""One progress helper: what long work shows on a terminal, nothing when stderr is piped.

Two styles: `lines` (one timestamped line per step: the report's steps, apply's stages) and
`transient` (one line rewritten in place and cleared at the end: the kinds a snapshot reads).
The core takes a plain `progress(text)` callable; only this module knows about terminals.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

Show = Callable[[str], None]


class Progress:
    def __init__(self, stream: TextIO, transient: bool = False, prefix: str = "") -> None:
        self.stream = stream
        self.transient = transient
        self.prefix = prefix
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, text: str) -> None:
        if self.transient:
            self.stream.write(f"\r\033[K  {self.prefix}{text} ...")
        else:
            self.stream.write(f"[{time.perf_counter() - self.started:5.1f}s] {self.prefix}{text}\n")
        self.shown = True
        self.stream.flush()

    def end(self) -> None:
        """Clear a transient line (before the command's own output)."""
        if self.transient and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


_ACTIVE: list[Progress] = []


def on_terminal(stream: TextIO | None = None, transient: bool = False, prefix: str = "") -> Progress | None:
    """A Progress when `stream` (default stderr) is a terminal, else None (callers pass None on)."""
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return None
    progress = Progress(stream, transient, prefix)
    _ACTIVE.append(progress)
    return progress


def end(progress: Progress | None = None) -> None:
    """End one progress, or (None) every one still showing: before an error line, say."""
    for shown in ([progress] if progress is not None else list(_ACTIVE)):
        shown.end()
