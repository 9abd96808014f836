"""Text search dictionaries (stage 00, after their template): see text_search.py."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Key, builds
from workbench.planner.kinds.text_search import NO_HAZARD, PRE, TextSearch, identity_of
from workbench.planner.quote import ident, qualified


def _option_names(options: str | None) -> list[str]:
    """The names of a dictionary's options, read through the parse tree of a CREATE that holds them."""
    if not options:
        return []
    from pglast import parse_sql

    from pglast import ast

    statement = parse_sql(f"CREATE TEXT SEARCH DICTIONARY x (TEMPLATE = y, {options})")[0].stmt
    assert isinstance(statement, ast.DefineStmt)
    return [str(element.defname) for element in statement.definition or () if element.defname != "template"]


@builds
class TextSearchDictionaries(TextSearch):
    kind = "text_search_dictionaries"
    what = "DICTIONARY"
    hazard_rules = {**NO_HAZARD, (Action.ALTER, "options"): _rule()}

    def options(self, row: Row) -> list[str]:
        return [f"TEMPLATE = {qualified(row['template_schema'], row['template_name'])}",
                *([row["options"]] if row.get("options") else [])]

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        if "template" in differences:
            super().alter(ctx, source, target, ("template",))
            return
        gone = [name for name in _option_names(target.get("options")) if name not in _option_names(source.get("options"))]
        settings = ([source["options"]] if source.get("options") else []) + [ident(name) for name in gone]
        ctx.add(PRE, self.kind, identity_of(source), "alter",
                f"ALTER TEXT SEARCH DICTIONARY {qualified(*identity_of(source))} ({', '.join(settings)})", clause="options")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("text_search_templates", (row["template_schema"], row["template_name"]))]
