"""Foreign servers (stage 00, after their wrapper and its extension): CREATE SERVER with its type,
version and options; ALTER SERVER for a version or options that change. A server whose wrapper or
type changes cannot be altered, and dropping it takes its user mappings and foreign tables along:
reported as skipped. DROP SERVER in stage 10, after its user mappings and foreign tables (their
depends_on), before its wrapper. An option whose key names a password is never read: the plan
leaves it out, and says so."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.options import alter_options_sql, options_sql, readable, report_secrets
from workbench.planner.quote import ident, literal

KIND = "foreign_servers"


@builds
class ForeignServers(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "version"): _rule(),
                    (Action.ALTER, "options"): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["name"],)
        kind = f" TYPE {literal(row['server_type'])}" if row.get("server_type") is not None else ""
        version = f" VERSION {literal(row['server_version'])}" if row.get("server_version") is not None else ""
        report_secrets(ctx, KIND, identity, row.get("options"))
        ctx.add(Stage.PREREQUISITES, KIND, identity, "create",
                f"CREATE SERVER {ident(row['name'])}{kind}{version} FOREIGN DATA WRAPPER {ident(row['wrapper'])}"
                f"{options_sql(readable(row.get('options')))}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        name = ident(source["name"])
        fixed = [d for d in differences if d in ("wrapper", "server_type")]
        if fixed:
            ctx.skip(KIND, identity, f"its {', '.join(fixed)} changes, which needs DROP SERVER (taking its user mappings "
                                     "and foreign tables along): not planned")
            return
        if "server_version" in differences:
            version = literal(source["server_version"]) if source.get("server_version") is not None else "NULL"
            ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", f"ALTER SERVER {name} VERSION {version}",
                    clause="version", step="version")
        change = alter_options_sql(readable(source.get("options")), readable(target.get("options")))
        if change:
            ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", f"ALTER SERVER {name}{change}",
                    clause="options", step="options")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        found: list[Key] = [("foreign_data_wrappers", (row["wrapper"],))]
        if row.get("wrapper_extension"):
            found.append(("extensions", (row["wrapper_extension"],)))
        return found

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP SERVER {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"SERVER {ident(identity[0])}"
