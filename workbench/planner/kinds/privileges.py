"""Privileges (stage 09, only with --with-privileges: Kind.planned_with). A 'granted' row is a grant beyond the
defaults, a 'revoked' row a default taken away: creating the source's row means GRANT resp.
REVOKE, and dropping the target's the opposite."""
from __future__ import annotations

from workbench.kinds import Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident


def _grant_sql(row: Row, grantable: bool | None = None) -> str:
    column = f" ({row['sql_column']})" if row.get("sql_column") else ""
    option = " WITH GRANT OPTION" if (row["grantable"] if grantable is None else grantable) else ""
    return f"GRANT {row['privilege']}{column} ON {row['sql_object']} TO {row['sql_grantee']}{option}"


def _revoke_sql(row: Row) -> str:
    column = f" ({row['sql_column']})" if row.get("sql_column") else ""
    return f"REVOKE {row['privilege']}{column} ON {row['sql_object']} FROM {row['sql_grantee']}"


def _identity(row: Row) -> Identity:
    return (row["object_kind"], row["object"], row["grantee"], row["privilege"])


def _handed_over(ctx: Context, row: Row, side: str) -> Row | None:
    """The new owner's row that an owner change makes of a target's row about its old owner
    (side "target"), or the target's row about its old owner that becomes a source's row about
    the new owner (side "source"): ALTER ... OWNER TO moves the owner's own rights along
    (planner/owners.py). None when the object keeps its owner or the row is about someone else."""
    from workbench.planner import owners

    transfer = owners.transfer_of(ctx, row["object"])
    if transfer is None:
        return None
    old, new = transfer
    if side == "target" and row["grantee"] == old:
        return {**row, "grantee": new, "sql_grantee": ident(new)}
    if side == "source" and row["grantee"] == new:
        return ctx.target("privileges", (row["object_kind"], row["object"], old, row["privilege"]))
    return None


@builds
class Privileges(Builder):
    kind = "privileges"

    def create(self, ctx: Context, row: Row) -> None:
        kept = _handed_over(ctx, row, "source")
        if kept is not None and kept["state"] == row["state"] and kept["grantable"] == row["grantable"]:
            return                 # the target's owner had it the same way: the owner change hands it over
        ctx.add(Stage.FINISHING, "privileges", _identity(row), "create",
                _grant_sql(row) if row["state"] == "granted" else _revoke_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = _identity(source)
        revoke = ctx.add(Stage.FINISHING, "privileges", identity, "alter", _revoke_sql(target), clause="revoke", step="revoke")
        if source["state"] == "granted":
            ctx.add(Stage.FINISHING, "privileges", identity, "alter", _grant_sql(source), clause="grant", step="grant",
                    depends_on=[revoke])

    def drop(self, ctx: Context, row: Row) -> None:
        if ctx.goes_away(row["object_kind"], row["object"]):
            return
        moved = _handed_over(ctx, row, "target")
        if moved is not None:                   # after the owner change it is the new owner's
            wanted = ctx.source("privileges", _identity(moved))
            if wanted is not None and wanted["state"] == moved["state"] and wanted["grantable"] == moved["grantable"]:
                return
            row = moved
        ctx.add(Stage.DROPS, "privileges", _identity(row), "drop", self.drop_sql(_identity(row), row),
                note="restores a default privilege the target had revoked" if row["state"] == "revoked" else "")

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        assert row is not None
        return _revoke_sql(row) if row["state"] == "granted" else _grant_sql(row, grantable=False)
