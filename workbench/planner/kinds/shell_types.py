"""Shell types (stage 00): CREATE TYPE name; (a type with no definition yet: the placeholder a base
type's I/O functions name, which pg_dump writes ahead of every base type), before the functions
that use it; DROP TYPE in stage 10, after them. A shell type has nothing to alter."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import BUILDERS, Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

KIND = "shell_types"


@builds
class ShellTypes(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}   # holds no data

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.PREREQUISITES, KIND, (row["schema"], row["name"]), "create",
                f"CREATE TYPE {qualified(row['schema'], row['name'])}")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        if ctx.source("base_types", identity) is not None:
            return                             # the source defines it: the base_types builder does
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return BUILDERS["types"].drop_sql(identity, None, if_exists=if_exists)      # DROP TYPE: the types kind's

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}
