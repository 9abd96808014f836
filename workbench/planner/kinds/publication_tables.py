"""The tables a publication names (stage 09, after the publication, the table and the columns it
lists): ALTER PUBLICATION p ADD TABLE ONLY t (columns) WHERE (filter), as pg_dump writes it. A
changed column list or row filter is the table dropped from the publication and added again (ALTER
PUBLICATION ... SET TABLE would replace every member at once). ALTER PUBLICATION ... DROP TABLE in
stage 10, unless the publication or the table goes too (its memberships go with it)."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, qualified

KIND = "publication_tables"


def _add_sql(row: Row) -> str:
    columns = json_list(row.get("columns"))
    listed = f" ({', '.join(map(ident, columns))})" if row.get("columns") is not None else ""
    where = f" WHERE ({row['row_filter']})" if row.get("row_filter") else ""
    return f"ALTER PUBLICATION {ident(row['name'])} ADD TABLE ONLY {qualified(row['schema'], row['table'])}{listed}{where}"


@builds
class PublicationTables(Builder):
    kind = KIND
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FINISHING, KIND, (row["schema"], row["table"], row["name"]), "create", _add_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if (KIND, identity) in ctx.recreated:
            return
        drop = ctx.add(Stage.FINISHING, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note=f"its {', '.join(differences)} changes")
        ctx.add(Stage.FINISHING, KIND, identity, "create", _add_sql(source), depends_on=[drop])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        table = (row["schema"], row["table"])
        return [("publications", (row["name"],)), ("tables", table),
                *(("columns", (*table, column)) for column in json_list(row.get("columns")))]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if "only_in_target" in (ctx.status("tables", identity[:2]), ctx.status("publications", (row["name"],))):
            return
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        # DROP TABLE of ALTER PUBLICATION has no IF EXISTS
        return f"ALTER PUBLICATION {ident(identity[2])} DROP TABLE ONLY {qualified(identity[0], identity[1])}"
