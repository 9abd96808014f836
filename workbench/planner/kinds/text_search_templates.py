"""Text search templates (stage 00): see text_search.py."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.kinds.base import builds
from workbench.planner.kinds.text_search import NO_HAZARD, TextSearch


@builds
class TextSearchTemplates(TextSearch):
    kind = "text_search_templates"
    what = "TEMPLATE"
    hazard_rules = NO_HAZARD

    def options(self, row: Row) -> list[str]:
        return ([f"INIT = {row['init_function']}"] if row.get("init_function") else []) + \
            [f"LEXIZE = {row['lexize_function']}"]
