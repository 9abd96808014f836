"""The words every rendering shares: one object label, one parity text, the status words."""
from __future__ import annotations

import math
from typing import Any, Mapping

from workbench.kinds import KINDS, object_label
from workbench.escapes import visible

STATUS_WORDS = {"only_in_source": "to create", "changed": "changed", "only_in_target": "extra in target",
                "identical": "identical"}
STATUS_MARK = {"only_in_source": "+", "only_in_target": "-", "changed": "~", "identical": "="}
# the order objects are listed in: changed first (they are what a reader misses most), then the
# objects to create, then what only the target has
STATUS_ORDER = {"changed": 0, "only_in_source": 1, "only_in_target": 2, "identical": 3}
SIDE_LABELS = {"source": "source (legacy)", "target": "target (current)"}
# compared fields under the names people use for them
FIELD_WORDS = {"default_value": "default", "data_type": "type", "not_null": "not null"}


def object_name(kind: str, identity: Mapping[str, object]) -> str:
    """schema.table.name / schema.name(args) / 'SELECT on table s.t to r': one readable name for an
    object, from its identity (a dict of the kind's identity columns; for a kind no entry models,
    a census name, its identity's values as they are)."""
    if kind not in KINDS:
        return ".".join(str(v) for v in identity.values())
    return key_name(kind, tuple(identity[c] for c in KINDS[kind].identity))


def key_name(kind: str, key: tuple[Any, ...]) -> str:
    """object_name from the identity values in the kind's identity order (what a comparison holds:
    no dict made per object when a listing names tens of thousands of them). Control characters are
    shown escaped (workbench.escapes.visible): a name must not move a terminal's cursor or split a line."""
    key = tuple(visible(str(value)) for value in key)
    if kind == "privileges":
        object_kind, name, grantee, privilege = key
        return f"{privilege} on {object_kind} {name} to {grantee}"
    if kind == "comments":
        return f"{key[0]} {key[1]}"
    return object_label(kind, key)


def field_word(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


def percent(identical: int, total: int) -> str:
    """identical/total as a percentage that is never rounded up: '100%' only when every object is
    identical, '99.99%' for 9,999 of 10,000 (truncated to two decimals, trailing zeros dropped)."""
    if total <= 0 or identical >= total:
        return "100%"
    hundredths = math.floor(10000 * identical / total)
    hundredths = min(hundredths, 9999)
    return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".") + "%"


def parity_text(identical: int, total: int) -> str:
    """'100% parity (n of n source objects identical in the target)': the one parity sentence."""
    return f"{percent(identical, total)} parity ({identical:,} of {total:,} source objects identical in the target)"
