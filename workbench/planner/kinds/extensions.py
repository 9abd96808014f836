"""Extensions (stage 00): CREATE EXTENSION, SET SCHEMA, UPDATE TO; DROP EXTENSION in stage 10."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, literal


@builds
class Extensions(Builder):
    kind = "extensions"

    def create(self, ctx: Context, row: Row) -> None:
        sql = f"CREATE EXTENSION IF NOT EXISTS {ident(row['name'])} WITH SCHEMA {ident(row['schema'])}"
        if not ctx.drift.options.ignore_extension_versions:
            sql += f" VERSION {literal(row['version'])}"
        ctx.add(Stage.PREREQUISITES, self.kind, (row["name"],), "create", sql)

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        if source["schema"] != target["schema"]:
            ctx.add(Stage.PREREQUISITES, self.kind, identity, "alter",
                    f"ALTER EXTENSION {ident(identity[0])} SET SCHEMA {ident(source['schema'])}", clause="schema",
                    step="schema")
        if not ctx.drift.options.ignore_extension_versions and source["version"] != target["version"]:
            ctx.add(Stage.PREREQUISITES, self.kind, identity, "alter",
                    f"ALTER EXTENSION {ident(identity[0])} UPDATE TO {literal(source['version'])}", clause="version",
                    step="version")

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, self.kind, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP EXTENSION {ident(identity[0])}"
