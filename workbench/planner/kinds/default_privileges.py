"""Default privileges (ALTER DEFAULT PRIVILEGES; planned only with --with-privileges: Kind.planned_with).
Like privileges: a 'granted' row is a default grant beyond PostgreSQL's built-in ones, a 'revoked'
row a built-in one taken away (for every schema only); creating the source's row means GRANT resp.
REVOKE, dropping the target's the opposite.

They run in stage 00, right after the schemas, drops too (with --allow-drops): what the plan
creates afterwards is created under the source's defaults, not under the target's, so a new table
does not pick up a grant the source would not have given it. An entry of a schema the plan drops
goes with its schema."""
from __future__ import annotations

from typing import Iterable

from workbench.errors import WorkbenchError
from workbench.planner.context import Context
from workbench.kinds import Identity, Row
from workbench.planner.kinds.base import Builder, Key, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident

KIND = "default_privileges"
# object_type -> the words of ALTER DEFAULT PRIVILEGES ... ON <objects>
_OBJECTS = {"tables": "TABLES", "sequences": "SEQUENCES", "functions": "FUNCTIONS", "types": "TYPES",
            "schemas": "SCHEMAS", "large objects": "LARGE OBJECTS"}
_PRIVILEGES = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN", "USAGE",
               "EXECUTE", "CREATE"}


def _identity(row: Row) -> Identity:
    return (row["role"], row["in_schema"], row["object_type"], row["grantee"], row["privilege"])


def _parts(row: Row) -> tuple[str, str, str, str]:
    """(ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s], privilege, objects, grantee) of a row,
    its words checked against the fixed lists (a snapshot file is not trusted with SQL words)."""
    if row["object_type"] not in _OBJECTS or row["privilege"] not in _PRIVILEGES:
        raise WorkbenchError(f"default_privileges: {row['privilege']!r} ON {row['object_type']!r} is not a "
                             f"default privilege PostgreSQL knows")
    scope = f"ALTER DEFAULT PRIVILEGES FOR ROLE {ident(row['role'])}"
    if row["in_schema"]:
        scope += f" IN SCHEMA {ident(row['in_schema'])}"
    grantee = "PUBLIC" if row["to_public"] else ident(row["grantee"])
    return scope, row["privilege"], _OBJECTS[row["object_type"]], grantee


def _grant_sql(row: Row, grantable: bool | None = None) -> str:
    scope, privilege, objects, grantee = _parts(row)
    option = " WITH GRANT OPTION" if (row["grantable"] if grantable is None else grantable) else ""
    return f"{scope} GRANT {privilege} ON {objects} TO {grantee}{option}"


def _revoke_sql(row: Row) -> str:
    scope, privilege, objects, grantee = _parts(row)
    return f"{scope} REVOKE {privilege} ON {objects} FROM {grantee}"


@builds
class DefaultPrivileges(Builder):
    kind = KIND

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.PREREQUISITES, KIND, _identity(row), "create",
                _grant_sql(row) if row["state"] == "granted" else _revoke_sql(row))

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = _identity(source)
        revoke = ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", _revoke_sql(target), clause="revoke",
                         step="revoke")
        if source["state"] == "granted":
            ctx.add(Stage.PREREQUISITES, KIND, identity, "alter", _grant_sql(source), clause="grant", step="grant",
                    depends_on=[revoke])

    def drop(self, ctx: Context, row: Row) -> None:
        if row["in_schema"] and ctx.goes_away("schema", ident(row["in_schema"])):
            return                                  # DROP SCHEMA takes its default privileges along
        ctx.add(Stage.PREREQUISITES, KIND, _identity(row), "drop", self.drop_sql(_identity(row), row),
                note="restores a built-in default privilege the target had revoked" if row["state"] == "revoked" else "")

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        assert row is not None
        return _revoke_sql(row) if row["state"] == "granted" else _grant_sql(row, grantable=False)

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        return [("schemas", (row["in_schema"],))] if row["in_schema"] else []
