"""Text search configurations (stage 00, after their parser and dictionaries): see text_search.py."""
from __future__ import annotations

from typing import Iterable, Sequence

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import builds
from workbench.planner.kinds.text_search import NO_HAZARD, PRE, TextSearch, identity_of
from workbench.planner.quote import ident, qualified


def _mappings(row: Row) -> dict[str, list[str]]:
    return {mapping[0]: list(mapping[1:]) for mapping in json_list(row.get("mappings"))}


@builds
class TextSearchConfigurations(TextSearch):
    kind = "text_search_configurations"
    what = "CONFIGURATION"
    hazard_rules = {**NO_HAZARD, (Action.ALTER, "mapping"): _rule()}

    def options(self, row: Row) -> list[str]:
        return [f"PARSER = {qualified(row['parser_schema'], row['parser_name'])}"]

    def create(self, ctx: Context, row: Row) -> None:
        super().create(ctx, row)
        created = ctx.about[(self.kind, identity_of(row))][-1].id
        self._map(ctx, row, {}, depends_on=[created])      # its mappings: after the CREATE, by an edge

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        if "parser" in differences:
            super().alter(ctx, source, target, ("parser",))
            return
        self._map(ctx, source, _mappings(target))

    def _map(self, ctx: Context, row: Row, present: dict[str, list[str]], depends_on: Sequence[str] = ()) -> None:
        name = qualified(*identity_of(row))
        wanted = _mappings(row)
        for token, dictionaries in wanted.items():
            if present.get(token) != dictionaries:
                verb = "ALTER" if token in present else "ADD"
                ctx.add(PRE, self.kind, identity_of(row), "alter",
                        f"ALTER TEXT SEARCH CONFIGURATION {name} {verb} MAPPING FOR {ident(token)} WITH "
                        f"{', '.join(dictionaries)}", clause="mapping", step=f"mapping {token}", depends_on=depends_on)
        for token in present:
            if token not in wanted:
                ctx.add(PRE, self.kind, identity_of(row), "alter",
                        f"ALTER TEXT SEARCH CONFIGURATION {name} DROP MAPPING FOR {ident(token)}", clause="mapping",
                        step=f"drop mapping {token}", depends_on=depends_on)

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = [("text_search_parsers", (row["parser_schema"], row["parser_name"]))]
        by_name = ctx.names_of("text_search_dictionaries")
        for dictionaries in _mappings(row).values():
            found += [("text_search_dictionaries", identity) for name in dictionaries for identity in by_name.get(name, ())]
        return found
