"""Collations (stage 00, before the types and columns that use them): CREATE COLLATION with its
provider (libc, icu, builtin) and locale; DROP COLLATION in stage 10. PostgreSQL cannot alter a
collation's definition (ALTER COLLATION only refreshes its version or renames it), and dropping
one in use fails, so a changed collation is reported as skipped, with the reason."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import literal, qualified


def create_collation_sql(row: Row) -> str:
    provider = row["provider"]
    if provider == "libc":
        options = [f"lc_collate = {literal(row['lc_collate'])}", f"lc_ctype = {literal(row['lc_ctype'])}"]
    else:                                             # icu, builtin: one locale
        options = [f"locale = {literal(row['locale'])}"]
    if row.get("deterministic") is False:
        options.append("deterministic = false")
    if row.get("rules"):
        options.append(f"rules = {literal(row['rules'])}")
    return f"CREATE COLLATION {qualified(row['schema'], row['name'])} (provider = {provider}, {', '.join(options)})"


@builds
class Collations(Builder):
    kind = "collations"
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}   # a drop in use fails: no data goes

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.PREREQUISITES, self.kind, (row["schema"], row["name"]), "create", create_collation_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        ctx.skip(self.kind, (source["schema"], source["name"]),
                 f"collation {', '.join(differences)} differs and cannot be altered: drop it (after the columns "
                 "and types using it) and create it again by hand")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        ctx.add(Stage.DROPS, self.kind, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP COLLATION {qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"COLLATION {qualified(*identity)}"
