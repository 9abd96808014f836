"""Text search parsers (stage 00): see text_search.py."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.kinds.base import builds
from workbench.planner.kinds.text_search import NO_HAZARD, TextSearch


@builds
class TextSearchParsers(TextSearch):
    kind = "text_search_parsers"
    what = "PARSER"
    hazard_rules = NO_HAZARD

    def options(self, row: Row) -> list[str]:
        found = [f"START = {row['start_function']}", f"GETTOKEN = {row['token_function']}",
                 f"END = {row['end_function']}", f"LEXTYPES = {row['lextypes_function']}"]
        return found + ([f"HEADLINE = {row['headline_function']}"] if row.get("headline_function") else [])
