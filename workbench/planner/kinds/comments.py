"""Comments (stage 09): COMMENT ON ... IS; a target-only comment becomes IS NULL (stage 10).

A comment needs the object it is on (depends_on): its COMMENT ON waits for that object's CREATE
or ALTER by an edge, and a drop of the object waits for the comment's IS NULL. comments.sql's
`object_kind` says the kind, `object` the name as that kind's builder spells it (`names`); a
column's comment is on a column (`... column`), spelled table.column; a domain constraint's on its
domain (domain.constraint). A target-only comment on an extension goes back to the extension's
own (`default_text`), any other to NULL.
"""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context
from workbench.planner.kinds.base import BUILDERS, Builder, builds
from workbench.planner.model import Stage
from workbench.planner.quote import ident, literal, qualified

# comments.sql's object_kind (less " column") -> the registry kind whose builder names the object
OBJECT_KINDS = {
    "table": "tables", "foreign table": "tables", "view": "views", "materialized view": "materialized_views",
    "sequence": "sequences", "index": "indexes", "type": "types", "domain": "types", "function": "functions",
    "procedure": "functions", "aggregate": "functions", "schema": "schemas", "constraint": "constraints",
    "trigger": "triggers", "policy": "policies", "collation": "collations", "statistics": "extended_statistics",
    "cast": "casts", "foreign data wrapper": "foreign_data_wrappers", "server": "foreign_servers",
    "publication": "publications", "rule": "rules", "event trigger": "event_triggers", "operator": "operators",
    "conversion": "conversions", "text search parser": "text_search_parsers",
    "text search template": "text_search_templates", "text search dictionary": "text_search_dictionaries",
    "text search configuration": "text_search_configurations", "operator class": "operator_classes",
    "operator family": "operator_families", "language": "languages", "extension": "extensions",
    "domain constraint": "types", "access method": "access_methods", "transform": "transforms",
}


def comment_again(ctx: Context, object_kind: str, name: str) -> None:
    """The source's comment on an object a statement of this plan drops and makes again outside a
    recreation (a domain CHECK rebuilt by the types builder, or taken off a function rebuilt) is made
    again after it: the DROP takes the comment along, and both sides' comments compare identical.
    For the builders of kinds built before this one (stage 09 comes after them): the comment's
    COMMENT ON waits for the object by its edge (depends_on)."""
    key = (object_kind, name)
    if key in ctx.source_rows.get("comments", {}):
        ctx.recreate("comments", key)


def domain_check_comment_again(ctx: Context, domain: Identity, check: str) -> None:
    """comment_again for a domain's CHECK (comments.sql spells it domain.constraint)."""
    comment_again(ctx, "domain constraint", f"{qualified(*domain)}.{ident(check)}")


def _objects(ctx: Context, kind: str) -> dict[str, list[Identity]]:
    """The objects of a kind (both sides) by the name comments.sql spells them with, built once a plan."""
    cache: dict[str, dict[str, list[Identity]]] = ctx.__dict__.setdefault("_comment_objects", {})
    if kind not in cache:
        found: dict[str, list[Identity]] = {}
        for rows in (ctx.source_rows.get(kind), ctx.target_rows.get(kind)):
            for identity in rows or ():
                names = ({f"{qualified(identity[0], identity[1])}.{ident(identity[2])}"} if kind == "columns"
                         else BUILDERS[kind].names(identity))
                for name in names:
                    known = found.setdefault(name, [])
                    if identity not in known:
                        known.append(identity)
        cache[kind] = found
    return cache[kind]


@builds
class Comments(Builder):
    kind = "comments"

    def create(self, ctx: Context, row: Row) -> None:
        ctx.add(Stage.FINISHING, "comments", (row["object_kind"], row["object"]), "create",
                f"COMMENT ON {row['sql_target']} IS {literal(row['text'])}")

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["object_kind"], source["object"])
        if ("comments", identity) not in ctx.recreated:
            ctx.add(Stage.FINISHING, "comments", identity, "alter", f"COMMENT ON {source['sql_target']} IS {literal(source['text'])}")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The object commented on (a column's comment: the column)."""
        object_kind = str(row["object_kind"])
        kind = "columns" if object_kind.endswith(" column") else OBJECT_KINDS.get(object_kind)
        if kind is None or kind not in ctx.source_rows and kind not in ctx.target_rows:
            return []
        objects, name = _objects(ctx, kind), str(row["object"])
        if name not in objects and kind == "types":            # a domain's constraint: on its domain
            name = name.rsplit(".", 1)[0]
        return [(kind, identity) for identity in objects.get(name, ())]

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["object_kind"], row["object"])
        if not ctx.goes_away(identity[0], identity[1]):
            ctx.add(Stage.DROPS, "comments", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        assert row is not None          # an extension's comment goes back to its control file's
        return f"COMMENT ON {row['sql_target']} IS {literal(row['default_text']) if row.get('default_text') else 'NULL'}"
