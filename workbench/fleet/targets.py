"""The targets of a fleet: from arguments or a file, one DSN or service name per line.

A targets file holds one target per line: a DSN (a URL, a libpq keyword string) or a service
name, optionally preceded by a label (`tenant-7 postgresql://db7/app`), `#` starting a comment
(at the start of a line or after a blank). A line's first word is a label when the line has more
than one word and the first has neither `=` nor `://` (a keyword DSN's words all have `=`), so
`tenant-7 host=db7 dbname=app` is labelled and `host=db7 dbname=app` is not. Labels, or masked
DSNs where there is none, name the targets in every output; a label or a DSN given twice is an
error (which one would a group list?).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from workbench.errors import WorkbenchError

_COMMENT = re.compile(r"(^|\s)#.*$")


@dataclass(frozen=True)
class Target:
    """One target: its DSN (never shown: it may hold a password) and the name outputs use."""

    dsn: str
    label: str = ""

    @property
    def name(self) -> str:
        """The label, or the masked DSN."""
        if self.label:
            return self.label
        from workbench.connect import mask

        return mask(self.dsn)

    @property
    def server(self) -> str:
        """host:port (or the service name) of the target's server: the key of the per-server cap."""
        from workbench.connect import check_dsn

        try:
            params = check_dsn(self.dsn)
        except WorkbenchError:
            params = {}
        if "service" in params and "host" not in params:
            return f"service={params['service']}"
        return f"{params.get('host', 'localhost')}:{params.get('port', '5432')}"


def parse_line(line: str) -> Target | None:
    """A targets file's line as a Target, or None for a blank or comment line."""
    text = _COMMENT.sub("", line).strip()
    if not text:
        return None
    words = text.split()
    if len(words) > 1 and "=" not in words[0] and "://" not in words[0]:
        return Target(text[len(words[0]):].strip(), words[0])
    return Target(text)


def read_targets_file(path: str | Path) -> list[Target]:
    """Every target of a targets file, in order; a bad file is named in a one-line error."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot read the targets file: {error.strerror}") from None
    except UnicodeDecodeError:
        raise WorkbenchError(f"{path}: the targets file is not UTF-8 text") from None
    found = []
    for number, line in enumerate(lines, 1):
        try:
            target = parse_line(line)
        except WorkbenchError as error:
            raise WorkbenchError(f"{path}:{number}: {error}") from None
        if target is not None:
            found.append(target)
    if not found:
        raise WorkbenchError(f"{path}: the targets file names no target (one DSN or service name per line)")
    return found


def resolve_targets(specs: Sequence[str] | Iterable["str | Target"]) -> list[Target]:
    """Targets from `--targets` arguments: each an existing file (read as a targets file), a DSN
    or a service name (a label before it as in a file), or (from Python) a Target; checked for DSNs libpq rejects and duplicates."""
    from workbench.connect import check_dsn

    found: list[Target] = []
    for spec in specs:
        if isinstance(spec, Target):
            found.append(spec)
        elif "=" not in spec and "://" not in spec and Path(spec).is_file():
            found.extend(read_targets_file(spec))
        else:
            target = parse_line(spec)          # a DSN, a service name, or `LABEL DSN` as in a file
            if target is None:
                raise WorkbenchError(f"empty target {spec!r}")
            found.append(target)
    if not found:
        raise WorkbenchError("no targets: give --targets FILE or one or more DSNs")
    names: dict[str, int] = {}
    dsns: set[str] = set()
    for target in found:
        check_dsn(target.dsn)
        if target.dsn in dsns:
            raise WorkbenchError(f"target {target.name} is given twice")
        dsns.add(target.dsn)
        names[target.name] = names.get(target.name, 0) + 1
    twice = sorted(name for name, count in names.items() if count > 1)
    if twice:
        raise WorkbenchError(f"target label{'s' if len(twice) > 1 else ''} {', '.join(twice)} given twice")
    return found
