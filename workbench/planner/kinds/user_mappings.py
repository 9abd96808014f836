"""User mappings (stage 00, after their server): CREATE USER MAPPING FOR role|PUBLIC SERVER s with
its options; ALTER USER MAPPING ... OPTIONS when they change; DROP USER MAPPING in stage 10, before
its server. A password option's value is never read: the plan leaves it out, and says so."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.options import alter_options_sql, options_sql, readable, report_secrets
from workbench.planner.quote import ident, role

KIND = "user_mappings"


def _mapping(identity: Identity) -> str:
    return f"FOR {role(identity[0])} SERVER {ident(identity[1])}"


@builds
class UserMappings(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "options"): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["user"], row["server"])
        report_secrets(ctx, KIND, identity, row.get("options"))
        ctx.add(Stage.PREREQUISITES, KIND, identity, "create",
                f"CREATE USER MAPPING {_mapping(identity)}{options_sql(readable(row.get('options')))}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["user"], source["server"])
        change = alter_options_sql(readable(source.get("options")), readable(target.get("options")))
        if change:
            ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", f"ALTER USER MAPPING {_mapping(identity)}{change}",
                    clause="options")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("foreign_servers", (row["server"],))]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["user"], row["server"])
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP USER MAPPING {'IF EXISTS ' if if_exists else ''}{_mapping(identity)}"
