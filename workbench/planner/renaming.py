"""ALTER ... RENAME statements for the renames a plan makes (workbench/renames.py chooses them and
compares the source with the target as it reads after them; this writes the statements).

Each rename runs in the stage of its kind (a table's in stage 02, a column's in stage 03, ...) and
is filed under the object's new identity, so that whatever else the plan does to the renamed
object, or to what needs it, follows it (planner/graph.py's object edges)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Sequence

from workbench.kinds import KINDS, Identity, Row
from workbench.planner.context import Context
from workbench.planner.kinds import builder
from workbench.planner.quote import ident, qualified
from workbench.renames import Rename

if TYPE_CHECKING:
    from workbench.snapshot import Snapshot


def rename_sql(rename: Rename, row_of: Callable[[str, Identity], Row | None]) -> str:
    """The statement, from the target's rows (`row_of`: before the renames, then after them)."""
    kind, old = rename.kind, rename.old
    new = ident(rename.new_name)
    if kind in ("tables", "functions", "views", "materialized_views"):
        return f"ALTER {builder(kind).owned_object(old, row_of(kind, old) or {'table_kind': ''})} RENAME TO {new}"
    if kind == "indexes":
        return f"ALTER INDEX {qualified(old[0], old[2])} RENAME TO {new}"
    table = builder("tables").owned_object((old[0], old[1]), row_of("tables", (old[0], old[1])) or {"table_kind": ""})
    word = "COLUMN" if kind == "columns" else "CONSTRAINT"
    return f"ALTER {table} RENAME {word} {ident(old[2])} TO {new}"


def add_renames(ctx: Context, renames: Sequence[Rename], before: "Snapshot") -> None:
    """One statement per rename, about the object under its new name. `before` is the target as it
    was: a column of a renamed table is renamed on the table's new name, which the rows of the
    renamed target (ctx's) carry."""
    from workbench.renames import rows_by_identity

    found_before, found_after = rows_by_identity(before), rows_by_identity(ctx.drift.target)

    def row_of(kind: str, identity: Identity) -> Row | None:
        return found_before(kind, identity) or found_after(kind, identity)

    for rename in renames:
        sql = rename_sql(rename, row_of)
        ctx.add(KINDS[rename.kind].stage, rename.kind, rename.new, "alter", sql, clause="rename", step="rename",
                note=f"renamed from {rename.old_label} (keeps its data and dependents)")
