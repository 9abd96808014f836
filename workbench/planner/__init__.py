"""The migration planner: Drift -> ordered Statements -> stage files (see model.py and files.py).

The names below are imported when first used (PEP 562): `workbench.planner.quote`, which every
command's output uses to show names, must not pull in the whole planner (its per-kind builders,
pglast's parse trees: about 0.1 s of each `workbench diff`)."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.planner.build import plan
    from workbench.planner.context import PlanOptions
    from workbench.planner.files import write_plan_dir
    from workbench.planner.model import STAGE_NAMES, Plan, Statement, read_plan

__all__ = ["plan", "PlanOptions", "write_plan_dir", "Plan", "Statement", "STAGE_NAMES", "read_plan"]
_HOMES = {"plan": "build", "PlanOptions": "context", "write_plan_dir": "files", "Plan": "model", "Statement": "model",
          "STAGE_NAMES": "model", "read_plan": "model"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
