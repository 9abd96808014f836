"""What the DDL generators share: the drift, lookups of full catalog rows, and the growing plan.

The generators read rows (`Row`: a catalog row by column name) by kind and identity, and add Statements.
Objects that must be dropped and created again although the drift calls them identical (a view
over a column whose type changes, say) are registered as *recreated*: the generator of their
kind creates them from the source, or from the target when the source does not have them, so
that nothing the target had is lost.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Hashable, ItemsView, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar, overload

from workbench.compare import Drift
from workbench.kinds import KINDS, Identity, Key, Row
from workbench.errors import PlannerBug
from workbench.planner.hazards import Action, Fact, UnknownOperation, hazards
from workbench.planner.model import STAGE_INDEX, STAGE_NAMES, Stage, Statement

# by value; a member is its own value too (StrEnum: equal, same hash)
_STAGE: dict[str, Stage] = {stage.value: stage for stage in Stage}
_ACTION: dict[str, Action] = {action.value: action for action in Action}
# kinds whose identity starts with (schema, table) of the table they are on, and tables themselves
_ON_TABLES = {"tables", "columns", "indexes", "constraints", "triggers", "policies"}


@dataclass(frozen=True)
class PlanOptions:
    allow_drops: bool = False          # drop target-only objects (stage 10) and allow data-losing rebuilds
    concurrently: bool = False         # CREATE INDEX CONCURRENTLY on existing tables (non-transactional)
    not_valid: bool = False            # FOREIGN KEY / CHECK added NOT VALID, then VALIDATE
    with_privileges: bool = False      # plan GRANT / REVOKE (privileges kind)
    renames: tuple[str, ...] = ()      # KIND:OLD=NEW: ALTER ... RENAME instead of a drop and an add (renames.py)
    accept_renames: bool = False       # every rename candidate that is not ambiguous, too


def label(identity: Identity) -> str:
    return ".".join(str(part) for part in identity)


def json_list(text: str | None) -> list[Any]:
    """A catalog column holding a JSON list (dependencies, labels, attributes); None is empty."""
    return json.loads(text) if text else []


def functions_used(row: Mapping[str, Any] | None) -> list[Identity]:
    """The user functions an object calls, as its catalog row says (`depends_on_functions`, read
    from pg_depend: a default, a generated expression, a CHECK, an index expression, a domain, a
    view; each ["functions", schema, name, argument types])."""
    return [tuple(used[1:]) for used in json_list((row or {}).get("depends_on_functions"))]


@dataclass
class Context:
    drift: Drift
    options: PlanOptions
    statements: list[Statement] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    traps: list[dict[str, Any]] = field(default_factory=list)
    # (kind, identity) -> stage where the object is dropped ahead of a change that needs it gone
    predropped: dict[tuple[str, Identity], str] = field(default_factory=dict)
    recreated: set[tuple[str, Identity]] = field(default_factory=set)
    predrop_ids: dict[tuple[str, Identity], str] = field(default_factory=dict)
    # columns whose type changes in stage 03 (a changed type, or an enum rebuilt under them)
    retype: set[Identity] = field(default_factory=set)
    # target-only objects dropped early (their name is needed by a new object of another kind)
    early_drops: dict[tuple[str, Identity], str] = field(default_factory=dict)
    # new object -> the target-only object whose name it takes (its create waits for that drop)
    takes_name: dict[Key, Key] = field(default_factory=dict)
    # constraints a new view relies on (GROUP BY over a primary key): added in stage 05 before it
    early_constraints: dict[Identity, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # per kind one index identity -> object of the comparison, shared by the statuses, the
        # differences and both sides' rows (views, not copies: at scale 100 a dict per lookup
        # table was the planner's largest allocation)
        self.source_rows: defaultdict[str, Rows] = defaultdict(Rows.empty)
        self.target_rows: defaultdict[str, Rows] = defaultdict(Rows.empty)
        self.statuses: dict[str, Mapping[Identity, str]] = {}
        self.differences: dict[str, Mapping[Identity, tuple[str, ...]]] = {}
        for kind, compared in self.drift.comparisons.items():
            index: dict[Identity, int] = dict(zip(compared.keys, range(len(compared.statuses))))
            self.statuses[kind] = Positional(index, compared.statuses)
            self.differences[kind] = Positional(index, compared.differences)
            at = compared.rows_at
            if at is not None:
                self.source_rows[kind] = Rows(self.drift.source.table(kind), at.source_keys, index, at.source)
                self.target_rows[kind] = Rows(self.drift.target.table(kind), at.target_keys, index, at.target)
        for rows, snapshot in ((self.source_rows, self.drift.source), (self.target_rows, self.drift.target)):
            for kind in snapshot.frames:
                if kind not in rows:
                    rows[kind] = _rows(snapshot.table(kind), kind)
        self.target_version = self.drift.target.server_version_num
        self._ids: set[str] = set()
        # (kind, identity) -> the statements about the object, as written: the ends of the object edges
        self.about: dict[Key, list[Statement]] = {}
        # lookups built when first asked for (see the methods that fill them)
        self._new_function_names: set[str] | None = None
        self._dropped_names: set[str] | None = None
        self._names_of: dict[str, dict[str, list[Identity]]] = {}
        self._keys_of_table: dict[str, list[Identity]] | None = None
        self._children_of: dict[str, list[Identity]] | None = None
        self._primary_keys: dict[tuple[str, str], list[tuple[Identity, Row]]] | None = None
        self._column_names: dict[str, dict[tuple[int, int], str]] = {}
        self._columns_by_table: dict[str, dict[tuple[str, str], list[Row]]] = {}

    # --- lookups -----------------------------------------------------------------------------
    def changed(self, kind: str) -> Iterator[tuple[Identity, Row, Row]]:
        """(identity, source row, target row) of the changed objects of a kind (both sides hold them)."""
        source, target = self.source_rows[kind], self.target_rows[kind]
        for identity, status in self.statuses.get(kind, {}).items():
            if status == "changed":
                yield identity, source[identity], target[identity]

    def only_in_target(self, kind: str) -> Iterator[tuple[Identity, Row]]:
        """(identity, target row) of the objects of a kind that only the target holds."""
        target = self.target_rows[kind]
        for identity, status in self.statuses.get(kind, {}).items():
            if status == "only_in_target":
                yield identity, target[identity]

    def status(self, kind: str, identity: Identity) -> str | None:
        return self.statuses.get(kind, {}).get(identity)

    def source(self, kind: str, identity: Identity) -> Row | None:
        rows = self.source_rows.get(kind)
        return None if rows is None else rows.find(identity)

    def target(self, kind: str, identity: Identity) -> Row | None:
        rows = self.target_rows.get(kind)
        return None if rows is None else rows.find(identity)

    def to_create(self, kind: str) -> list[Identity]:
        """Objects to create: those only in the source, and those recreated (dropped first)."""
        new = [identity for identity, status in self.statuses.get(kind, {}).items() if status == "only_in_source"]
        known = set(new)
        again = sorted((identity for k, identity in self.recreated if k == kind and identity not in known
                        and self.definition_row(kind, identity) is not None), key=str)
        return new + again

    def new_function_names(self) -> set[str]:
        """Names of the functions this plan creates (only in source, or dropped and created again)."""
        if self._new_function_names is None:
            self._new_function_names = {identity[1] for identity in self.to_create("functions")}
        return self._new_function_names

    @staticmethod
    def stage_index(stage: str) -> int:
        return STAGE_INDEX[stage]

    def goes_away(self, object_kind: str, object_name: str) -> bool:
        """Whether a comment's or privilege's object is itself dropped by this plan (stage 10)."""
        if not self.options.allow_drops:
            return False
        if self._dropped_names is None:
            self._dropped_names = {name for kind in self.statuses for identity, _ in self.only_in_target(kind)
                                   for name in object_names(kind, identity)}
        return object_name in self._dropped_names or object_name.rsplit(".", 1)[0] in self._dropped_names

    def names_of(self, kind: str) -> dict[str, list[Identity]]:
        """schema.name as format_type / regproc spell it -> the identities of that name (both sides)."""
        cache = self._names_of
        if kind not in cache:
            from workbench.planner.quote import qualified

            found: dict[str, list[Identity]] = {}
            for rows in (self.source_rows.get(kind, NO_ROWS), self.target_rows.get(kind, NO_ROWS)):
                for identity in rows:
                    known = found.setdefault(qualified(identity[0], identity[1]), [])
                    if identity not in known:
                        known.append(identity)
            cache[kind] = found
        return cache[kind]

    def function_names_in(self, text: str) -> list[Identity]:
        """The functions (not aggregates) whose schema.name occurs in a text such as an aggregate's
        `sfunc=... finalfunc=...`: more matches than needed only add harmless edges."""
        return [identity for name, identities in self.names_of("functions").items() if name in text
                for identity in identities
                if (self.definition_row("functions", identity) or {}).get("function_kind") != "aggregate"]

    def keys_of_table(self, table: str) -> list[Identity]:
        """PRIMARY KEY / UNIQUE constraints (either side) of a table, by its qualified name."""
        index = self._keys_of_table
        if index is None:
            from workbench.planner.quote import qualified

            index = self._keys_of_table = {}
            for rows in (self.source_rows.get("constraints", NO_ROWS), self.target_rows.get("constraints", NO_ROWS)):
                for identity, row in rows.items():
                    if row["constraint_type"] in ("p", "u"):
                        known = index.setdefault(qualified(identity[0], identity[1]), [])
                        if identity not in known:
                            known.append(identity)
        return index.get(table, [])

    def target_primary_keys(self, schema: str, table: str) -> list[tuple[Identity, Row]]:
        """The target's PRIMARY KEY constraints of a table (one, or none), indexed once."""
        index = self._primary_keys
        if index is None:
            index = self._primary_keys = {}
            for key, row in self.target_rows.get("constraints", NO_ROWS).items():
                if row["constraint_type"] == "p":
                    index.setdefault((key[0], key[1]), []).append((key, row))
        return index.get((schema, table), [])

    def children_of(self, parent: str) -> list[Identity]:
        """The target's tables that inherit from a table (by its qualified name), in the target's
        row order: indexed once (a scan of every table per dropped column was quadratic)."""
        index = self._children_of
        if index is None:
            index = self._children_of = {}
            for child, row in self.target_rows.get("tables", NO_ROWS).items():
                for name in dict.fromkeys(json_list(row.get("inherits"))):
                    index.setdefault(name, []).append(child)
        return index.get(parent, [])

    @staticmethod
    def kinds_on_tables() -> list[str]:
        """The kinds whose objects live on a table and go with it (triggers, indexes, constraints,
        policies): identity (schema, table, name), columns aside (part of CREATE TABLE)."""
        return [kind for kind, entry in KINDS.items() if entry.identity == ("schema", "table", "name") and kind != "columns"]

    def table_is_new(self, schema: str, table: str) -> bool:
        """True when the table does not exist in the target before the migration (or is rebuilt)."""
        return (("tables", (schema, table)) in self.recreated
                or self.target("tables", (schema, table)) is None)

    # --- building the plan ---------------------------------------------------------------------
    def add(self, stage: str, kind: str, identity: Identity, action: str, sql: str, *, clause: str = "",
            facts: Iterable[Fact] = (), transactional: bool = True, depends_on: Sequence[str] = (),
            note: str = "", rehearsal_sql: str | None = None, step: str = "") -> str:
        """Add a statement; returns its id (kind:identity:action[:step], unique in the plan). Its
        hazards come from the hazard table (planner/hazards.py) for (kind, action, clause) and the
        facts; whether the table exists before the migration is known here and added to them."""
        names = KINDS[kind].identity if kind in KINDS else tuple(f"part{i}" for i in range(len(identity)))
        base = f"{action}:{kind}:{label(identity)}" + (f":{step}" if step else "")
        statement_id, n = base, 1
        while statement_id in self._ids:
            n += 1
            statement_id = f"{base}#{n}"
        self._ids.add(statement_id)
        known = set(facts)
        if kind in _ON_TABLES and not self.table_is_new(identity[0], identity[1]):
            known.add(Fact.EXISTING_TABLE)
        try:
            found = hazards(kind, action, clause, known)
        except UnknownOperation as error:
            raise PlannerBug(f"planner bug: {error} ({statement_id})", kind=kind, label=label(identity)) from None
        statement = Statement(stage=_STAGE[stage], kind=kind, identity=dict(zip(names, identity)), action=_ACTION[action],
                              sql=sql, hazards=found, transactional=transactional, depends_on=tuple(depends_on),
                              note=note, id=statement_id, rehearsal_sql=rehearsal_sql)
        self.statements.append(statement)
        self.about.setdefault((kind, tuple(identity)), []).append(statement)
        return statement_id

    def steps(self, stage: str, kind: str, identity: Identity) -> Callable[[str, str, str], str]:
        """add(sql, clause, step) for the ALTER steps of one change of one object, each after the
        step before it (an ADD VALUE after the label it is placed next to, a check added after the
        old one of its name is dropped): their order is an edge, not the order they were written in."""
        previous: list[str] = []

        def add(sql: str, clause: str, step: str) -> str:
            previous[:] = [self.add(stage, kind, identity, "alter", sql, clause=clause, step=step, depends_on=previous)]
            return previous[0]

        return add

    def skip(self, kind: str, identity: Identity, reason: str) -> None:
        names = KINDS[kind].identity
        self.skipped.append({"kind": kind, "identity": dict(zip(names, identity)), "reason": reason})

    def trap(self, name: str, kind: str, identity: Identity, problem: str, resolution: str) -> None:
        names = KINDS[kind].identity
        self.traps.append({"trap": name, "kind": kind, "identity": dict(zip(names, identity)),
                           "problem": problem, "resolution": resolution})

    def recreate(self, kind: str, identity: Identity, before_stage: str | None = None) -> None:
        """Mark an object to be dropped (in before_stage, ahead of what needs it gone) and created again."""
        self.recreated.add((kind, identity))
        if before_stage is not None:
            current = self.predropped.get((kind, identity))
            if current is None or STAGE_NAMES.index(before_stage) < STAGE_NAMES.index(current):
                self.predropped[(kind, identity)] = before_stage

    def constraint_columns(self, row: Row, side: str = "source") -> list[str]:
        """A constraint's column names, from its attnums and the columns of the same snapshot."""
        rows = self.source_rows if side == "source" else self.target_rows
        cache = self._column_names.setdefault(side, {})
        if not cache:
            for (_, _, name), column in rows.get("columns", {}).items():
                cache[(column["table_oid"], column["position"])] = name
        numbers = (row.get("column_numbers") or "{}").strip("{}")
        return [cache.get((row["table_oid"], int(n)), f"#{n}") for n in numbers.split(",") if n]

    def columns_of_table(self, schema: str, table: str, side: str = "source") -> list[Row]:
        """A table's column rows in position order (indexed once per side: no scan per table)."""
        index = self._columns_by_table.setdefault(side, {})
        if not index:
            rows = self.source_rows if side == "source" else self.target_rows
            for (s, t, _), row in rows.get("columns", {}).items():
                index.setdefault((s, t), []).append(row)
            for found in index.values():
                found.sort(key=lambda row: row["position"])
        return index.get((schema, table), [])

    def definition_row(self, kind: str, identity: Identity) -> Row | None:
        """The row to (re)create an object from: the source's, else the target's own."""
        return self.source(kind, identity) or self.target(kind, identity)


def object_names(kind: str, identity: Identity) -> set[str]:
    """How comments.sql and privileges.sql spell an object of a kind (their `object` column): the
    kind's builder knows (planner/kinds/<kind>.py)."""
    from workbench.planner.kinds import builder

    return builder(kind).names(identity)


def _rows(table: tuple[list[str], Sequence[Sequence[Any]]], kind: str) -> "Rows":
    """identity -> row, from a snapshot's (columns, rows) without a comparison to share the index
    with (a kind not compared, or held twice on a side): its own index, the last row winning."""
    columns, rows = table
    positions = [columns.index(c) for c in KINDS[kind].identity]
    key = itemgetter(*positions) if len(positions) > 1 else (lambda row, i=positions[0]: (row[i],))
    position: dict[Identity, int] = dict(zip(map(key, rows), range(len(rows))))
    return Rows(table, list(position), position, range(len(rows)))


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")


class Positional(Mapping[K, V]):
    """key -> value, the values one sequence and a shared index key -> position (in position
    order). Serves as one catalog row read by column name (a view over the snapshot's own tuple:
    a dict per row of both snapshots was the planner's largest allocation) and as a comparison's
    values (status, differences) by identity, one index shared by both."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: Mapping[K, int], values: Sequence[V]) -> None:
        self._index, self._values = index, values

    def __getitem__(self, key: K) -> V:
        return self._values[self._index[key]]

    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V, /) -> V: ...
    @overload
    def get(self, key: K, default: T, /) -> V | T: ...

    def get(self, key: K, default: object = None, /) -> object:
        position = self._index.get(key)
        return default if position is None else self._values[position]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[K]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def items(self) -> ItemsView[K, V]:
        """(key, value) in position order, without a lookup per key."""
        return _Pairs(self, lambda: zip(self._index, self._values))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self.items())!r})"


class _Pairs(ItemsView[K, V]):
    """items() of a view: iterated by the view's own way of pairing keys and values."""

    def __init__(self, owner: Mapping[K, V], pairs: Callable[[], Iterator[tuple[K, V]]]) -> None:
        super().__init__(owner)
        self._pairs = pairs

    def __iter__(self) -> Iterator[tuple[K, V]]:
        return self._pairs()


class Rows(Mapping[Identity, Row]):
    """identity -> Row of one kind of one side, iterated in the side's row order. `index` maps an
    identity to a slot of `at`, which holds the row's position (None: not on this side). A Row is
    made when first asked for and kept: the same object every time (generators tell the sides
    apart with `is`). `find` is the lookup without an exception for a missing object."""

    __slots__ = ("_rows", "_columns", "_keys", "_slot", "_at", "_made")

    def __init__(self, table: tuple[list[str], Sequence[Sequence[Any]]], keys: list[Identity],
                 index: Mapping[Identity, int], at: Sequence[int | None]) -> None:
        columns, self._rows = table
        self._columns = {column: i for i, column in enumerate(columns)}
        self._keys, self._slot, self._at = keys, index, at
        self._made: dict[int, Row] = {}

    @staticmethod
    def empty() -> Rows:
        return Rows(([], []), [], {}, [])

    def _position(self, identity: object) -> int | None:
        if not isinstance(identity, tuple):
            return None
        slot = self._slot.get(identity)
        return None if slot is None else self._at[slot]

    def _row(self, position: int) -> Row:
        row = self._made.get(position)
        if row is None:
            row = self._made[position] = Positional(self._columns, self._rows[position])
        return row

    def __getitem__(self, identity: Identity) -> Row:
        position = self._position(identity)
        if position is None:
            raise KeyError(identity)
        return self._row(position)

    def find(self, identity: Identity) -> Row | None:
        position = self._position(identity)
        return None if position is None else self._row(position)

    def __contains__(self, identity: object) -> bool:
        return self._position(identity) is not None

    def __iter__(self) -> Iterator[Identity]:
        return iter(self._keys)

    def items(self) -> ItemsView[Identity, Row]:
        """(identity, row) in the side's row order, without a lookup per identity through the
        Mapping protocol."""
        return _Pairs(self, self._pairs)

    def _pairs(self) -> Iterator[tuple[Identity, Row]]:
        for key in self._keys:
            position = self._at[self._slot[key]]
            if position is not None:
                yield key, self._row(position)

    def __len__(self) -> int:
        return len(self._keys)


NO_ROWS = Rows.empty()                 # the rows of a kind a side does not hold
