"""Publications (stage 09, once the tables exist): CREATE PUBLICATION [FOR ALL TABLES | FOR TABLES
IN SCHEMA ...] WITH (publish, publish_via_partition_root, publish_generated_columns); the tables it
names are the publication_tables kind. ALTER PUBLICATION ... SET (...) for the options and ADD /
DROP TABLES IN SCHEMA for the schemas; FOR ALL TABLES cannot be added or taken away by ALTER (before
PostgreSQL 19), so that change is skipped with the reason. DROP PUBLICATION in stage 10.
Subscriptions are counted by the census (reported), never planned: they connect to another server."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, literal

KIND = "publications"


def _with(row: Row, target: Row | None = None) -> list[str]:
    """The WITH (...) settings of a publication (those that differ from `target`, or from the defaults)."""
    base = target or {"publish": "insert, update, delete, truncate", "via_root": False, "generated_columns": None}
    found = []
    if row.get("publish") != base.get("publish"):
        found.append(f"publish = {literal(row.get('publish') or '')}")
    if bool(row.get("via_root")) != bool(base.get("via_root")):
        found.append(f"publish_via_partition_root = {'true' if row.get('via_root') else 'false'}")
    if row.get("generated_columns") != base.get("generated_columns"):
        found.append(f"publish_generated_columns = {row.get('generated_columns') or 'none'}")
    return found


@builds
class Publications(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "options"): _rule(),
                    (Action.ALTER, "schemas"): _rule(), (Action.DROP, ""): _rule()}   # no data, no table lock

    def create(self, ctx: Context, row: Row) -> None:
        schemas = json_list(row.get("schemas"))
        scope = (" FOR ALL TABLES" if row.get("all_tables") else
                 f" FOR TABLES IN SCHEMA {', '.join(map(ident, schemas))}" if schemas else "")
        settings = _with(row)
        ctx.add(Stage.FINISHING, KIND, (row["name"],), "create",
                f"CREATE PUBLICATION {ident(row['name'])}{scope}" + (f" WITH ({', '.join(settings)})" if settings else ""))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["name"],)
        name = ident(source["name"])
        if "all_tables" in differences:
            ctx.skip(KIND, identity, "FOR ALL TABLES is added or taken away only by DROP and CREATE PUBLICATION "
                                     "(subscribers lose their place): not planned")
            return
        settings = _with(source, target)
        if settings:
            ctx.add(Stage.FINISHING, KIND, identity, "alter", f"ALTER PUBLICATION {name} SET ({', '.join(settings)})",
                    clause="options", step="options")
        wanted, present = json_list(source.get("schemas")), json_list(target.get("schemas"))
        gone, new = [s for s in present if s not in wanted], [s for s in wanted if s not in present]
        if gone:
            ctx.add(Stage.FINISHING, KIND, identity, "alter",
                    f"ALTER PUBLICATION {name} DROP TABLES IN SCHEMA {', '.join(map(ident, gone))}",
                    clause="schemas", step="drop schemas")
        if new:
            ctx.add(Stage.FINISHING, KIND, identity, "alter",
                    f"ALTER PUBLICATION {name} ADD TABLES IN SCHEMA {', '.join(map(ident, new))}",
                    clause="schemas", step="add schemas")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("schemas", (schema,)) for schema in json_list(row.get("schemas"))]

    def drop(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.DROPS, KIND, (row["name"],), "drop", self.drop_sql((row["name"],), row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP PUBLICATION {'IF EXISTS ' if if_exists else ''}{ident(identity[0])}"

    def names(self, identity: Identity) -> set[str]:
        return {ident(identity[0])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"PUBLICATION {ident(identity[0])}"
