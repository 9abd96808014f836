"""The migration planner: Drift -> ordered Statements -> stage files (see model.py and files.py)."""
from workbench.planner.build import plan
from workbench.planner.context import PlanOptions
from workbench.planner.files import write_plan_dir
from workbench.planner.model import STAGE_NAMES, Plan, Statement, read_plan

__all__ = ["plan", "PlanOptions", "write_plan_dir", "Plan", "Statement", "STAGE_NAMES", "read_plan"]
