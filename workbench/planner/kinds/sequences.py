"""Sequences (stage 01; OWNED BY in stage 09, once the owning column exists)."""
from __future__ import annotations

from typing import Sequence

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import qualified


@builds
class Sequences(Builder):
    kind = "sequences"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        persistence = "UNLOGGED " if row.get("unlogged") else ""
        sql = (f"CREATE {persistence}SEQUENCE {qualified(*identity)} AS {row['data_type']}"
               f" INCREMENT BY {row['increment']} MINVALUE {row['min_value']} MAXVALUE {row['max_value']}"
               f" START WITH {row['start_value']} CACHE {row['cache']}{' CYCLE' if row['cycle'] else ' NO CYCLE'}")
        ctx.add(Stage.SEQUENCES, self.kind, identity, "create", sql)
        if row.get("owned_by"):
            owned_by(ctx, identity, row["owned_by"])

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"])
        differs = set(differences)
        clauses = []
        if differs & {"data_type", "min_value", "max_value"}:
            clauses += [f"AS {source['data_type']}", f"MINVALUE {source['min_value']}", f"MAXVALUE {source['max_value']}"]
        if "increment" in differs:
            clauses.append(f"INCREMENT BY {source['increment']}")
        if "start_value" in differs:
            clauses.append(f"START WITH {source['start_value']}")
        if "cache" in differs:
            clauses.append(f"CACHE {source['cache']}")
        if "cycle" in differs:
            clauses.append("CYCLE" if source["cycle"] else "NO CYCLE")
        if clauses:
            ctx.add(Stage.SEQUENCES, self.kind, identity, "alter", f"ALTER SEQUENCE {qualified(*identity)} {' '.join(clauses)}",
                    clause="options")
        if "unlogged" in differs:
            ctx.add(Stage.SEQUENCES, self.kind, identity, "alter",
                    f"ALTER SEQUENCE {qualified(*identity)} SET {'UNLOGGED' if source.get('unlogged') else 'LOGGED'}",
                    clause="persistence", step="persistence")
        if "owned_by" in differs:
            owned_by(ctx, identity, source["owned_by"] or "NONE")

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"])
        if (self.kind, identity) in ctx.early_drops:
            return
        owner = row.get("owned_by") or ""
        ctx.add(Stage.DROPS, self.kind, identity, "drop", self.drop_sql(identity, row),
                note=f"owned by {owner}" if owner else "")

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        return f"DROP SEQUENCE {'IF EXISTS ' if if_exists else ''}{qualified(*identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {qualified(identity[0], identity[1])}

    def owned_object(self, identity: Identity, row: Row) -> str:
        return f"SEQUENCE {qualified(*identity)}"


def owned_by(ctx: Context, identity: Identity, owner: str, *, stage: Stage = Stage.FINISHING, step: str = "owned by",
             depends_on: Sequence[str] = ()) -> str:
    """ALTER SEQUENCE ... OWNED BY: in stage 09 (the column exists by then), or NONE ahead of a rebuild."""
    return ctx.add(stage, "sequences", identity, "alter", f"ALTER SEQUENCE {qualified(*identity)} OWNED BY {owner}",
                   clause="owned by", step=step, depends_on=depends_on)
