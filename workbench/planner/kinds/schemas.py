"""Schemas (stage 00): CREATE SCHEMA; DROP SCHEMA in stage 10."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident


@builds
class Schemas(Builder):
    kind = "schemas"

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.PREREQUISITES, self.kind, (row["name"],), "create", f"CREATE SCHEMA {ident(row['name'])}")

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, self.kind, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP SCHEMA {ident(identity[0])}"            # never IF EXISTS nor CASCADE: a schema that
                                                               # still holds objects must stop the stage

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"SCHEMA {ident(identity[0])}"
