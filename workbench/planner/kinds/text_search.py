"""What the builders of text search parsers, templates, dictionaries and configurations share
(text_search_parsers.py, ... beside it). They are made in stage 00, before the generated
columns, defaults and indexes that name a configuration), one builder each, in the order they need
one another: a dictionary after its template, a configuration after its parser and the dictionaries
of its mappings (depends_on). A parser or template is made of functions that only C can write
(an extension's, or PostgreSQL's own), so they are in place before stage 00.

CREATE TEXT SEARCH PARSER / TEMPLATE cannot be altered (a changed one is reported as skipped);
ALTER TEXT SEARCH DICTIONARY sets and removes options (a changed template is skipped);
ALTER TEXT SEARCH CONFIGURATION ADD / ALTER / DROP MAPPING follows the mappings (a changed
parser is skipped: dropping the configuration would take the indexes using it along). Drops in
stage 10, each before what it needs."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

PRE = Stage.PREREQUISITES
NO_HAZARD = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}


def identity_of(row: Row) -> Identity:
    return (row["schema"], row["name"])


class TextSearch(Builder):
    """What the four kinds share: CREATE TEXT SEARCH <what> (options), DROP, names."""
    what = ""

    def options(self, row: Row) -> list[str]:
        raise NotImplementedError

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(PRE, self.kind, identity_of(row), "create",
                f"CREATE TEXT SEARCH {self.what} {qualified(*identity_of(row))} ({', '.join(self.options(row))})")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.skip(self.kind, identity_of(source), f"text search {self.what.lower()} {', '.join(differences)} differs and "
                                               "cannot be altered: drop it and create it again by hand")

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, self.kind, identity_of(row), "drop", self.drop_sql(identity_of(row), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP TEXT SEARCH {self.what} {'IF EXISTS ' if if_exists else ''}{qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(*identity)}


    def owned_object(self, identity: Identity, row: Row) -> str:
        """(dictionaries and configurations have owners; parsers and templates none)"""
        return f"TEXT SEARCH {self.what} {qualified(*identity)}"
