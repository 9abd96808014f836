"""One builder module per kind (planner/kinds/<kind>.py), checked against the kinds registry at
import: a kind without a builder, a kind with two, or a builder without a kind stops the import
with a message naming it (so a new kind cannot be diffed and then silently not planned). Every
module of this package is imported: adding a kind adds a module, and nothing here changes."""
from __future__ import annotations

import importlib
import pkgutil

from workbench.kinds import KINDS
from workbench.planner.hazards import TABLE
from workbench.planner.kinds.base import BUILDERS, Builder, RegistryError, check_registry
from workbench.planner.model import STAGE_NAMES

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

check_registry(KINDS, BUILDERS, STAGE_NAMES)
for _kind, _builder in BUILDERS.items():         # a kind's own hazard rows, beside its builder
    for (_action, _clause), _rule in _builder.hazard_rules.items():
        if (_kind, _action, _clause) in TABLE:
            raise RegistryError(f"kind {_kind}: hazard rule for {_action} {_clause!r} is given twice")
        TABLE[(_kind, _action, _clause)] = _rule


def builder(kind: str) -> Builder:
    return BUILDERS[kind]


__all__ = ["BUILDERS", "Builder", "RegistryError", "builder"]
