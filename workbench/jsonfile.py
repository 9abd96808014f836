"""The one way JSON files are written and read: plan.json, schema_differences.json, verify.json.

Written by json's C encoder, atomically (a temporary file renamed over the target), with the long
list (statements, objects) one compact item per line so that the files read and diff well. Read
back with a check of their `format` field, so that a wrong file is named in a one-line error.
"""
from __future__ import annotations

import json
import os
from json.encoder import c_encode_basestring, c_make_encoder  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from workbench.errors import WorkbenchError


def _item_encoder() -> Callable[[Any], str]:
    """item -> its compact JSON text, as json.dumps(item, default=str, ensure_ascii=False) writes it.
    json.dumps with options builds a JSONEncoder per call, and a plan at scale 100 has 150,000
    statements: the C encoder is made once here (json's own c_make_encoder, with the arguments
    JSONEncoder.iterencode gives it; JSONEncoder.encode where the C accelerator is missing)."""
    if c_make_encoder is None or c_encode_basestring is None:
        return json.JSONEncoder(default=str, ensure_ascii=False).encode
    encode = c_make_encoder(None, str, c_encode_basestring, None, ": ", ", ", False, False, True)
    return lambda item: "".join(encode(item, 0))


def _pieces(data: dict[str, Any], list_key: str) -> Iterator[str]:
    """one_item_per_line's text in pieces: the header, then each item (nothing holds them all)."""
    head = {key: value for key, value in data.items() if key != list_key}
    if not head:
        yield json.dumps(data) + "\n"
        return
    text = json.dumps(head, indent=1, default=str, ensure_ascii=False)
    yield f"{text[:-2]},\n {json.dumps(list_key)}: [\n  "
    encode = _item_encoder()
    for i, item in enumerate(data[list_key]):
        yield (",\n  " if i else "") + encode(item)
    yield "\n ]\n}\n"


def one_item_per_line(data: dict[str, Any], list_key: str) -> str:
    """The small header indented, the long list under `list_key` one compact item per line."""
    return "".join(_pieces(data, list_key))


def write_text(path: str | Path, text: str | Iterable[str]) -> Path:
    """Write a file (a text, or its pieces in order) atomically: readers never see half of it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            if isinstance(text, str):
                out.write(text)
            else:
                out.writelines(text)
        os.replace(tmp, path)
    except OSError as error:
        raise WorkbenchError(f"cannot write {path}: {error.strerror}") from None
    return path


def write(path: str | Path, data: dict[str, Any], list_key: str | None = None) -> Path:
    """data as JSON; with list_key, one item of that list per line, written as it is encoded."""
    if list_key and list_key in data:
        return write_text(path, _pieces(data, list_key))
    return write_text(path, json.dumps(data, indent=1, default=str, ensure_ascii=False) + "\n")


def read(path: str | Path, what: str, format_name: str | None = None) -> dict[str, Any]:
    """A JSON object written by `write` (and, given format_name, of that format), or a one-line
    WorkbenchError that names the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbenchError(f"{what} {path} does not exist") from None
    except (OSError, ValueError) as error:
        raise WorkbenchError(f"{path}: cannot read {what}: {error}") from None
    if not isinstance(data, dict) or (format_name is not None and data.get("format") != format_name):
        raise WorkbenchError(f"{path}: not a {what} (format {format_name})" if format_name
                             else f"{path}: not a {what} (a JSON object)")
    return data
