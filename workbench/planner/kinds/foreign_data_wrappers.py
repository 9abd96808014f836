"""Foreign data wrappers (stage 00): CREATE FOREIGN DATA WRAPPER with its handler, validator and
options; ALTER FOREIGN DATA WRAPPER for each of them that changes; DROP in stage 10, after the
servers that use it (their depends_on). A wrapper of an extension (postgres_fdw) is the
extension's, not a kind's object. Handlers are an extension's functions (stage 00) in practice: a
handler written in this database's own functions would be created later, in stage 04."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.options import alter_options_sql, options_sql
from workbench.planner.quote import ident, qualified

KIND = "foreign_data_wrappers"


def _function(row: Row, role: str) -> str:
    """HANDLER f / VALIDATOR f, or NO HANDLER / NO VALIDATOR."""
    name = row.get(f"{role}_name")
    return f"{role.upper()} {qualified(row[f'{role}_schema'], name)}" if name else f"NO {role.upper()}"


@builds
class ForeignDataWrappers(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "handler"): _rule(),
                    (Action.ALTER, "validator"): _rule(), (Action.ALTER, "options"): _rule(),
                    (Action.DROP, ""): _rule()}        # a wrapper holds no data; in use, its drop fails

    def create(self, ctx: Context, row: Row) -> None:
        parts = [_function(row, role) for role in ("handler", "validator") if row.get(f"{role}_name")]
        ctx.add(Stage.PREREQUISITES, KIND, (row["name"],), "create",
                f"CREATE FOREIGN DATA WRAPPER {ident(row['name'])}{''.join(' ' + p for p in parts)}"
                f"{options_sql(row.get('options'))}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        name = ident(source["name"])
        for role in ("handler", "validator"):
            if role in differences:
                ctx.add(Stage.PREREQUISITES, KIND, identity, "alter",
                        f"ALTER FOREIGN DATA WRAPPER {name} {_function(source, role)}", clause=role, step=role)
        change = alter_options_sql(source.get("options"), target.get("options"))
        if change:
            ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", f"ALTER FOREIGN DATA WRAPPER {name}{change}",
                    clause="options", step="options")

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP FOREIGN DATA WRAPPER {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"FOREIGN DATA WRAPPER {ident(identity[0])}"
