"""Row-level security policies (stage 09): CREATE POLICY; a changed one is dropped and created."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, json_list
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified, role

FINISHING = Stage.FINISHING


def _create_policy_sql(identity: Identity, row: Row) -> str:
    schema, table, name = identity
    sql = (f"CREATE POLICY {ident(name)} ON {qualified(schema, table)}"
           f" AS {'PERMISSIVE' if row['permissive'] else 'RESTRICTIVE'} FOR {row['command']}"
           f" TO {', '.join(role(r) for r in json_list(row['roles'])) or 'PUBLIC'}")
    if row.get("using_expression"):
        sql += f" USING ({row['using_expression']})"
    if row.get("with_check"):
        sql += f" WITH CHECK ({row['with_check']})"
    return sql


@builds
class Policies(Builder):
    kind = "policies"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        ctx.add(FINISHING, "policies", identity, "create", _create_policy_sql(identity, row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if ("policies", identity) in ctx.recreated:
            return
        drop = ctx.add(FINISHING, "policies", identity, "drop", self.drop_sql(identity, target), step="recreate")
        ctx.add(FINISHING, "policies", identity, "create", _create_policy_sql(identity, source), depends_on=[drop])

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if ctx.status("tables", identity[:2]) != "only_in_target":
            ctx.add(Stage.DROPS, "policies", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP POLICY {'IF EXISTS ' if if_exists else ''}{ident(identity[2])} ON {qualified(*identity[:2])}"

    def names(self, identity: Identity) -> set[str]:
        return {f"{qualified(identity[0], identity[1])}.{ident(identity[2])}"}
