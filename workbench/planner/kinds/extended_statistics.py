"""Extended statistics (stage 07, beside the indexes): CREATE STATISTICS as pg_get_statisticsobjdef
writes it, then ALTER STATISTICS ... SET STATISTICS for a target other than the default. A changed
definition is dropped and created again (ALTER STATISTICS changes only the target); DROP STATISTICS
in stage 10, unless the table goes too (its statistics go with it). Each object waits for its table
and the columns it reads (depends_on): a statistics object on a column added in stage 03 comes
after it, and its drop comes before the drop of those columns."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, json_list
from workbench.planner.hazards import Action, _rule
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified

KIND = "extended_statistics"


def _name(identity: Identity, row: Row | None) -> str:
    schema = (row or {}).get("statistics_schema") or identity[0]
    return qualified(schema, identity[2])


@builds
class ExtendedStatistics(Builder):
    kind = KIND
    # CREATE/DROP/ALTER STATISTICS take SHARE UPDATE EXCLUSIVE on the table: reads and writes go on
    hazard_rules = {(Action.CREATE, ""): _rule(), (Action.ALTER, "statistics target"): _rule(),
                    (Action.DROP, ""): _rule()}

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        made = ctx.add(Stage.INDEXES, KIND, identity, "create", row["definition"])
        if row.get("statistics_target") is not None:
            _set_target(ctx, identity, row, depends_on=[made])

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["table"], source["name"])
        if (KIND, identity) in ctx.recreated:
            return
        if set(differences) <= {"statistics_target"}:
            _set_target(ctx, identity, source)
            return
        drop = ctx.add(Stage.INDEXES, KIND, identity, "drop", self.drop_sql(identity, target, if_exists=False),
                       step="recreate", note="its definition changes")
        made = ctx.add(Stage.INDEXES, KIND, identity, "create", source["definition"], depends_on=[drop])
        if source.get("statistics_target") is not None:
            _set_target(ctx, identity, source, depends_on=[made])

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        table = (row["schema"], row["table"])
        return [("tables", table), *(("columns", (*table, column)) for column in json_list(row.get("columns")))]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["table"], row["name"])
        if ctx.status("tables", identity[:2]) == "only_in_target":
            return
        ctx.add(Stage.DROPS, KIND, identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP STATISTICS {'IF EXISTS ' if if_exists else ''}{_name(identity, row)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[2])}


    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"STATISTICS {_name(identity, row)}"


def _set_target(ctx: Context, identity: Identity, row: Row, depends_on: list[str] | tuple[str, ...] = ()) -> None:
    target = row.get("statistics_target")
    value = -1 if target is None else int(target)          # -1: back to the default (every version)
    ctx.add(Stage.INDEXES, KIND, identity, "alter", f"ALTER STATISTICS {_name(identity, row)} SET STATISTICS {value}",
            clause="statistics target", depends_on=depends_on)
