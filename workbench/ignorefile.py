"""`.workbenchignore`: ignore patterns kept in a file beside the code, one `[KIND:]GLOB` per line.

The patterns are those of `--ignore` (kinds.ignore_mask): `GLOB` leaves out objects of any kind
whose name matches, `KIND:GLOB` only objects of that kind, e.g. `functions:gis.st_*`. Blank lines
and lines starting with `#` are skipped. A `WORD:` prefix that looks like a kind but is none is an
error naming the file and line: a typo must not silently ignore nothing.
"""
from __future__ import annotations

import re
from pathlib import Path

from workbench.errors import WorkbenchError

DEFAULT_NAME = ".workbenchignore"
_KIND_PREFIX = re.compile(r"^(?P<kind>[a-z_]+):(?P<glob>.*)$")


def read(path: str | Path) -> list[str]:
    """The patterns of an ignore file, checked."""
    from workbench.kinds import KINDS

    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise WorkbenchError(f"{path}: ignore file does not exist") from None
    except (OSError, UnicodeDecodeError) as error:
        raise WorkbenchError(f"{path}: cannot read the ignore file ({error})") from None
    patterns = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _KIND_PREFIX.match(line)
        if match and match["kind"] not in KINDS:
            raise WorkbenchError(f"{path}:{number}: unknown kind {match['kind']!r} "
                                 f"(a line is [KIND:]GLOB; kinds: {', '.join(KINDS)})")
        if match and not match["glob"]:
            raise WorkbenchError(f"{path}:{number}: {line!r} has no pattern after the kind")
        patterns.append(line)
    return patterns


def patterns_for(explicit: str | None, use_default: bool = True, directory: Path | None = None) -> list[str]:
    """Patterns from --ignore-file FILE, else from ./.workbenchignore when it exists (and
    use_default), else none."""
    if explicit:
        return read(explicit)
    default = (directory or Path.cwd()) / DEFAULT_NAME
    if use_default and default.is_file():
        return read(default)
    return []
