"""Owners (`--with-owners`): ALTER <object> OWNER TO role, for every kind whose objects have owners.

Compared only when asked (CompareOptions.with_owners: the `owner` column of the owned kinds,
Kind.asked), and planned whenever compared: what a comparison saw differ, the plan changes. An
object the plan creates belongs to the role that applies it, so it is given to its source owner
right after its CREATE, in the same stage; an object whose owner differs gets the statement in its
kind's stage. The statement comes from the kind's builder (Builder.owner_sql), its hazards from
the table's (kind, alter, "owner") row.

A sequence linked to a column (OWNED BY, serial) cannot change owner by itself (PostgreSQL refuses
it): its table's ALTER ... OWNER TO carries it along, so a linked sequence gets no statement of
its own. A role the target's server lacks is not found here (roles are cluster-wide, a snapshot
does not hold them): apply refuses the plan before it runs anything (apply.missing_roles).
"""
from __future__ import annotations

from workbench.kinds import KINDS, Identity, Row
from workbench.planner.context import Context
from workbench.planner.hazards import Action
from workbench.planner.kinds import builder


def planned(ctx: Context, kind: str) -> bool:
    """Whether this plan writes owners of the kind: it is owned and its owners were compared."""
    compared = ctx.drift.comparisons.get(kind)
    return KINDS[kind].owned and compared is not None and "owner" in compared.compared


def created(ctx: Context, kind: str, identity: Identity, row: Row) -> None:
    """After the CREATE of a new (or recreated) object: give it to the owner its row names."""
    creates = ctx.by_object.get((Action.CREATE, kind, tuple(identity)), [])
    if not creates or not row.get("owner"):
        return
    last = creates[-1]
    ctx.add(last.stage, kind, identity, "alter", builder(kind).owner_sql(identity, row, row["owner"]),
            clause="owner", step="owner", depends_on=[s.id for s in creates])


def changed(ctx: Context, kind: str, identity: Identity, source: Row, target: Row) -> None:
    """An object both sides hold whose owner differs (and that is not created again: created() has it)."""
    if (kind, identity) in ctx.recreated or not source.get("owner") or _linked(kind, target):
        return
    ctx.add(KINDS[kind].stage, kind, identity, "alter", builder(kind).owner_sql(identity, source, source["owner"]),
            clause="owner", step="owner")


def _linked(kind: str, row: Row) -> bool:
    """A sequence OWNED BY a column in the target: it follows its table's owner and refuses one of
    its own (a new sequence is linked in stage 09, after its owner is set)."""
    return kind == "sequences" and bool(row.get("owned_by"))


def transfers(ctx: Context) -> dict[str, tuple[str, str]]:
    """Objects whose owner this plan changes (ALTER ... OWNER TO on an object both sides hold), as
    privileges.sql spells them (Builder.names) -> (the target's owner, the source's). ALTER ...
    OWNER TO hands the old owner's own rights (and their revocations) to the new owner: the
    privileges builder reads the target's rows about its owner as rows about the new one."""
    cache: dict[str, tuple[str, str]] | None = ctx.__dict__.get("_owner_transfers")
    if cache is None:
        cache = {}
        for kind in ctx.drift.comparisons:
            if not planned(ctx, kind):
                continue
            for identity, source, target in ctx.changed(kind):
                if ("owner" in ctx.differences[kind][identity] and (kind, identity) not in ctx.recreated
                        and source.get("owner") and target.get("owner")):
                    for name in builder(kind).names(identity):
                        cache[name] = (target["owner"], source["owner"])
        ctx.__dict__["_owner_transfers"] = cache
    return cache


def transfer_of(ctx: Context, object_name: str) -> tuple[str, str] | None:
    """(old owner, new owner) of a privilege's object (a column's: its table's), None when it keeps its owner."""
    found = transfers(ctx)
    return found.get(object_name) or found.get(object_name.rsplit(".", 1)[0])
