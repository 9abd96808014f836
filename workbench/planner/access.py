"""Stage 09: row-level security policies, comments and privileges."""
from __future__ import annotations

from workbench.planner.context import Context, json_list
from workbench.planner.quote import ident, literal, qualified, role

FINISHING, DROPS = "stage09_finishing", "stage10_drops"


def _create_policy_sql(identity, row: dict) -> str:
    schema, table, name = identity
    sql = (f"CREATE POLICY {ident(name)} ON {qualified(schema, table)}"
           f" AS {'PERMISSIVE' if row['permissive'] else 'RESTRICTIVE'} FOR {row['command']}"
           f" TO {', '.join(role(r) for r in json_list(row['roles'])) or 'PUBLIC'}")
    if row.get("using_expression"):
        sql += f" USING ({row['using_expression']})"
    if row.get("with_check"):
        sql += f" WITH CHECK ({row['with_check']})"
    return sql


def _drop_policy_sql(identity) -> str:
    return f"DROP POLICY IF EXISTS {ident(identity[2])} ON {qualified(*identity[:2])}"


def policies(ctx: Context) -> None:
    for identity in ctx.to_create("policies"):
        ctx.add(FINISHING, "policies", identity, "create", _create_policy_sql(identity, ctx.definition_row("policies", identity)))
    for identity, source, target in ctx.objects("policies", "changed"):
        if ("policies", identity) in ctx.recreated:
            continue
        drop = ctx.add(FINISHING, "policies", identity, "drop", _drop_policy_sql(identity), step="recreate")
        ctx.add(FINISHING, "policies", identity, "create", _create_policy_sql(identity, source), depends_on=[drop])
    if ctx.options.allow_drops:
        for identity, _, _ in ctx.objects("policies", "only_in_target"):
            if ctx.status("tables", identity[:2]) != "only_in_target":
                ctx.add(DROPS, "policies", identity, "drop", _drop_policy_sql(identity))


def comments(ctx: Context) -> None:
    for identity in ctx.to_create("comments"):
        row = ctx.definition_row("comments", identity)
        ctx.add(FINISHING, "comments", identity, "create", f"COMMENT ON {row['sql_target']} IS {literal(row['text'])}")
    for identity, source, _ in ctx.objects("comments", "changed"):
        if ("comments", identity) not in ctx.recreated:
            ctx.add(FINISHING, "comments", identity, "alter", f"COMMENT ON {source['sql_target']} IS {literal(source['text'])}")
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("comments", "only_in_target"):
            if not ctx.goes_away(identity[0], identity[1]):
                ctx.add(DROPS, "comments", identity, "drop", f"COMMENT ON {target['sql_target']} IS NULL")


def _grant_sql(row: dict, grantable: bool | None = None) -> str:
    column = f" ({row['sql_column']})" if row.get("sql_column") else ""
    option = " WITH GRANT OPTION" if (row["grantable"] if grantable is None else grantable) else ""
    return f"GRANT {row['privilege']}{column} ON {row['sql_object']} TO {row['sql_grantee']}{option}"


def _revoke_sql(row: dict) -> str:
    column = f" ({row['sql_column']})" if row.get("sql_column") else ""
    return f"REVOKE {row['privilege']}{column} ON {row['sql_object']} FROM {row['sql_grantee']}"


def privileges(ctx: Context) -> None:
    """Only with --with-privileges. A 'granted' row is a grant beyond the defaults, a 'revoked'
    row a default taken away: creating the source's row means GRANT resp. REVOKE."""
    if not ctx.options.with_privileges:
        return
    for identity in ctx.to_create("privileges"):
        row = ctx.definition_row("privileges", identity)
        sql = _grant_sql(row) if row["state"] == "granted" else _revoke_sql(row)
        ctx.add(FINISHING, "privileges", identity, "create", sql)
    for identity, source, target in ctx.objects("privileges", "changed"):
        revoke = ctx.add(FINISHING, "privileges", identity, "alter", _revoke_sql(target), clause="revoke", step="revoke")
        if source["state"] == "granted":
            ctx.add(FINISHING, "privileges", identity, "alter", _grant_sql(source), clause="grant", step="grant",
                    depends_on=[revoke])
    if ctx.options.allow_drops:
        for identity, _, target in ctx.objects("privileges", "only_in_target"):
            if ctx.goes_away(target["object_kind"], target["object"]):
                continue
            sql = _revoke_sql(target) if target["state"] == "granted" else _grant_sql(target, grantable=False)
            ctx.add(DROPS, "privileges", identity, "drop", sql,
                    note="restores a default privilege the target had revoked" if target["state"] == "revoked" else "")
