"""What an object depends on and what depends on it, in one snapshot.

The edges come from what the catalog queries read out of pg_depend and pg_constraint: the
relations, columns, functions and constraints a view's query uses (`depends_on_*`), the table of
every column, index, constraint, trigger and policy, the columns a constraint covers
(`column_numbers`), the table a foreign key references, the index behind a constraint, the
function a trigger calls and the column a sequence is owned by. No SQL text is parsed here.

An object is (kind, identity values), e.g. ("columns", ("public", "orders", "channel")).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from workbench.snapshot import Snapshot

Ref = tuple[str, tuple[str, ...]]


def _json_list(text: object) -> list[list[str]]:
    if not isinstance(text, str) or not text:
        return []
    value = json.loads(text)
    return value if isinstance(value, list) else []


def _attnums(text: object) -> list[int]:
    """'{1,3}' (an int2vector / smallint[] as text) as [1, 3]."""
    if not isinstance(text, str):
        return []
    return [int(part) for part in text.strip("{}").split(",") if part.strip().lstrip("-").isdigit()]


def _split(name: object, parts: int) -> tuple[str, ...] | None:
    """'schema.table' / 'schema.table.column' as a tuple (catalog output quotes odd names: kept as is)."""
    if not isinstance(name, str) or name.count(".") < parts - 1:
        return None
    pieces = name.split(".")
    return tuple(pieces[:parts - 1]) + (".".join(pieces[parts - 1:]),)


def edges(snapshot: "Snapshot") -> Iterable[tuple[Ref, Ref]]:
    """(object, what it depends on) for every dependency the snapshot records."""
    frames = snapshot.frames
    if "columns" in frames:
        columns = frames["columns"]
        by_position: dict[tuple[str, str, int], str] = {}
        for schema, table, name, position in columns[["schema", "table", "name", "position"]].itertuples(
                index=False, name=None):
            by_position[(schema, table, int(position))] = name
            yield ("columns", (schema, table, name)), ("tables", (schema, table))
    else:
        by_position = {}
    for kind in ("indexes", "constraints", "triggers", "policies"):
        if kind in frames:
            for schema, table, name in frames[kind][["schema", "table", "name"]].itertuples(index=False, name=None):
                yield (kind, (schema, table, name)), ("tables", (schema, table))
    if "constraints" in frames:
        for row in frames["constraints"].to_dict("records"):
            me: Ref = ("constraints", (row["schema"], row["table"], row["name"]))
            for attnum in _attnums(row.get("column_numbers")):
                column = by_position.get((row["schema"], row["table"], attnum))
                if column is not None:
                    yield me, ("columns", (row["schema"], row["table"], column))
            referenced = _split(row.get("references_table"), 2)
            if referenced is not None:
                yield me, ("tables", referenced)
            if row.get("index_name") and row.get("constraint_type") != "f":
                yield ("constraints", me[1]), ("indexes", (row["schema"], row["table"], row["index_name"]))
    if "triggers" in frames:
        for row in frames["triggers"].to_dict("records"):
            if row.get("function_name"):
                yield (("triggers", (row["schema"], row["table"], row["name"])),
                       ("functions", (row["function_schema"], row["function_name"], row.get("function_arguments") or "")))
    if "sequences" in frames:
        for row in frames["sequences"].to_dict("records"):
            owner = _split(row.get("owned_by"), 3)
            if owner is not None:
                yield ("sequences", (row["schema"], row["name"])), ("columns", owner)
    for kind in ("views", "materialized_views"):
        if kind not in frames:
            continue
        for row in frames[kind].to_dict("records"):
            me = (kind, (row["schema"], row["name"]))
            for used in _json_list(row.get("depends_on_relations")):
                yield me, (used[0], tuple(used[1:]))
            for used in _json_list(row.get("depends_on_functions")):
                yield me, ("functions", tuple(used[1:]))
            for used in _json_list(row.get("depends_on_columns")):
                yield me, ("columns", tuple(used))
            for used in _json_list(row.get("depends_on_constraints")):
                yield me, ("constraints", tuple(used))


@dataclass
class Dependencies:
    """The dependency graph of one snapshot, both ways."""

    uses: dict[Ref, set[Ref]] = field(default_factory=lambda: defaultdict(set))
    used_by: dict[Ref, set[Ref]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, snapshot: "Snapshot") -> "Dependencies":
        graph = cls()
        for child, parent in edges(snapshot):
            if child != parent:
                graph.uses[child].add(parent)
                graph.used_by[parent].add(child)
        return graph

    def depends_on(self, kind: str, identity: Iterable[object]) -> list[Ref]:
        """What the object uses, sorted (kind, then name)."""
        return sorted(self.uses.get((kind, tuple(str(v) for v in identity)), ()))

    def dependents(self, kind: str, identity: Iterable[object]) -> list[Ref]:
        """What uses the object, sorted."""
        return sorted(self.used_by.get((kind, tuple(str(v) for v in identity)), ()))
