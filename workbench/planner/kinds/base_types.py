"""Base types (stage 00): as pg_dump writes them, a shell first (CREATE TYPE name;, under the types
kind's key: the I/O functions written against it wait for it by their own depends_on), then its
I/O functions (made ahead of stage 04 for it: depends_on), then CREATE TYPE name (INPUT = ...,
OUTPUT = ..., ...), before the columns of the type. A shell type of the target with that name is
the one to define: no shell is made then. PostgreSQL can alter few of a base type's options: a
changed one is skipped with the reason. DROP TYPE ... CASCADE in stage 10: the type and its I/O
functions depend on each other, so the functions go with it (their own drops follow, IF EXISTS)."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.hazards import Hazard as H
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

KIND = "base_types"


@builds
class BaseTypes(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule(H.DATA_LOSS)}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        name = qualified(*identity)
        if ctx.target("shell_types", identity) is None:
            ctx.add(Stage.PREREQUISITES, "types", identity, "create", f"CREATE TYPE {name}", step="shell",
                    note="a shell: the base type's I/O functions are written against it")
        ctx.add(Stage.PREREQUISITES, KIND, identity, "create", f"CREATE TYPE {name} ({row['definition']})")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.skip(KIND, (source["schema"], source["name"]), "its definition differs: a base type is altered or made "
                                                           "again by hand (its columns and I/O functions go with it)")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("functions", (str(schema), str(function), str(arguments)))
                for schema, function, arguments in json_list(row.get("functions"))]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row),
                note="CASCADE: its I/O functions depend on it as it does on them")

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP TYPE {'IF EXISTS ' if if_exists else ''}{qualified(*identity)} CASCADE"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"TYPE {qualified(*identity)}"
