"""Rename candidates, and a target as it reads once renames have run.

A renamed object reads, to a comparison by identity, as one object only in the source and one
only in the target. `candidates(drift)` pairs them: per kind of RENAMEABLE, one only-in-source and
one only-in-target object under the same parent (the table of a column, index or constraint; the
schema of a table, view or function, and a function's argument types) whose definitions are equal
apart from the name (`signature`). Each pair is scored by how alike the two names are (0.5 for
equal definitions, plus up to 0.5 for the names: difflib's ratio), and marked `ambiguous` when
its group holds more than one object on a side (the pairs are then a best guess by name).

The planner plans a rename as `ALTER ... RENAME` instead of a drop and an add (the data and the
dependents stay): it compares the source with `renamed(target, renames)`, the target as it reads
after the renames, and adds the rename statements (planner/build.py). The renamed target follows
what PostgreSQL does: a table's columns, indexes, constraints and the rest move with it, a
constraint and the index that backs it carry one name, and names that PostgreSQL 18 gave NOT NULL
constraints stay as they were (so the plan renames them where the source's differ).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, Identity, object_label

if TYPE_CHECKING:
    from workbench.compare import Drift
    from workbench.snapshot import Snapshot

# the kinds whose objects can be renamed, tables first (the others may live on a renamed table)
RENAMEABLE = ("tables", "columns", "indexes", "constraints", "functions", "views", "materialized_views")
# columns that name the object itself (or a name derived from it): not part of "equal apart from the name"
_NAMED = {"columns": ("not_null_name", "identity_sequence", "identity_options")}


def name_position(kind: str) -> int:
    """Where the object's own name is in its identity: last, except a function's (schema, name, arguments)."""
    return 1 if kind == "functions" else len(KINDS[kind].identity) - 1


@dataclass(frozen=True)
class Rename:
    """One object of `kind` named `old` in the target and `new` in the source."""
    kind: str
    old: Identity
    new: Identity
    score: float = 1.0
    ambiguous: bool = False
    same_definition: bool = True

    @property
    def old_label(self) -> str:
        return object_label(self.kind, self.old)

    @property
    def new_label(self) -> str:
        return object_label(self.kind, self.new)

    @property
    def new_name(self) -> str:
        return self.new[name_position(self.kind)]

    @property
    def spec(self) -> str:
        """How `plan --rename` spells it: KIND:OLD=NEW."""
        return f"{self.kind}:{self.old_label}={self.new_label}"

    def reversed(self) -> "Rename":
        return Rename(self.kind, self.new, self.old, self.score, self.ambiguous, self.same_definition)

    def to_dict(self) -> dict[str, Any]:
        names = KINDS[self.kind].identity
        return {"kind": self.kind, "old": dict(zip(names, self.old)), "new": dict(zip(names, self.new)),
                "old_label": self.old_label, "new_label": self.new_label, "score": self.score,
                "ambiguous": self.ambiguous, "same_definition": self.same_definition, "spec": self.spec}


# --- candidates -------------------------------------------------------------------------------
def candidates(drift: "Drift", kinds: Iterable[str] = RENAMEABLE) -> list[Rename]:
    """Rename candidates of a comparison, best first within each kind (kinds in RENAMEABLE order)."""
    found: list[Rename] = []
    source, target = _Lookup(drift.source), _Lookup(drift.target)
    for kind in kinds:
        if kind not in drift.comparisons:
            continue
        compared = drift.comparisons[kind]
        news = [compared.key_at(i) for i, s in enumerate(compared.statuses) if s == "only_in_source"]
        olds = [compared.key_at(i) for i, s in enumerate(compared.statuses) if s == "only_in_target"]
        if not news or not olds:
            continue
        # the parent and the plain fields first: only objects whose first part meets one of the other
        # side's have their SQL text parsed for the rest of the signature (a third of a plan's time
        # at scale 30 was parsing the definition of every new and every dropped index)
        firsts = [{identity: first for identity in identities
                   if (first := _first_part(kind, identity, lookup, compared.compared)) is not None}
                  for identities, lookup in ((news, source), (olds, target))]
        met = set(firsts[0].values()) & set(firsts[1].values())
        groups: dict[Any, tuple[list[Identity], list[Identity]]] = {}
        for side, lookup in ((0, source), (1, target)):
            for identity, first in firsts[side].items():
                if first in met:
                    key = _signature(kind, identity, lookup, compared.compared, first)
                    groups.setdefault(key, ([], []))[side].append(identity)
        for key, (new_ones, old_ones) in groups.items():
            if new_ones and old_ones:
                found += _pair(kind, new_ones, old_ones)
    return found


def _pair(kind: str, news: list[Identity], olds: list[Identity]) -> list[Rename]:
    """Pairs within one group, most alike names first; ambiguous when the group is not one to one."""
    at = name_position(kind)
    ambiguous = len(news) > 1 or len(olds) > 1
    scored = sorted(((difflib.SequenceMatcher(None, old[at], new[at]).ratio(), old, new) for new in news for old in olds),
                    key=lambda item: (-item[0], item[1], item[2]))
    taken: set[Identity] = set()
    pairs = []
    for ratio, old, new in scored:
        if old in taken or new in taken:
            continue
        taken.update((old, new))
        pairs.append(Rename(kind, old, new, round(0.5 + 0.5 * ratio, 3), ambiguous))
    return pairs


class _Lookup:
    """A snapshot's rows by kind and identity, as dicts made when asked for: a kind is indexed once
    (identity -> its row as captured), and only the rows looked up become dicts (the candidates of
    a kind are few of its rows; a dict for every column of both sides was most of the time)."""

    def __init__(self, snapshot: "Snapshot"):
        self.snapshot = snapshot
        self._index: dict[str, tuple[list[str], dict[Identity, Sequence[Any]]]] = {}
        self._made: dict[tuple[str, Identity], dict[str, Any]] = {}
        self._columns_of: dict[Identity, list[tuple[Any, ...]]] | None = None

    def _indexed(self, kind: str) -> tuple[list[str], dict[Identity, Sequence[Any]]]:
        if kind not in self._index:
            found: dict[Identity, Sequence[Any]] = {}
            columns: list[str] = []
            if kind in self.snapshot.frames:
                columns, rows = self.snapshot.table(kind)
                positions = [columns.index(c) for c in KINDS[kind].identity]
                for row in rows:                  # the last row of an identity wins
                    found[tuple(row[p] for p in positions)] = row
            self._index[kind] = (columns, found)
        return self._index[kind]

    def row(self, kind: str, identity: Identity) -> dict[str, Any] | None:
        """The row of an object as a dict (column -> value), or None."""
        made = self._made.get((kind, identity))
        if made is None:
            columns, found = self._indexed(kind)
            raw = found.get(identity)
            if raw is None:
                return None
            made = self._made[(kind, identity)] = dict(zip(columns, raw))
        return made

    def columns_of(self, table: Identity) -> list[tuple[Any, ...]]:
        """A table's columns as (name, type, not null, identity, generated, collation), by name."""
        if self._columns_of is None:
            self._columns_of = {}
            columns, found = self._indexed("columns")
            at = {c: i for i, c in enumerate(columns)}
            take = [at.get(c) for c in ("name", "data_type", "not_null", "identity", "generated", "collation")]
            for row in found.values():
                self._columns_of.setdefault((row[at["schema"]], row[at["table"]]), []).append(
                    tuple(None if i is None else row[i] for i in take))
        return sorted(self._columns_of.get(table, []))


def rows_by_identity(snapshot: "Snapshot") -> "Callable[[str, Identity], dict[str, Any] | None]":
    """(kind, identity) -> the snapshot's row as a dict, or None."""
    lookup = _Lookup(snapshot)
    return lambda kind, identity: lookup.row(kind, tuple(identity))


def _first_part(kind: str, identity: Identity, lookup: _Lookup, compared: Sequence[str]) -> Any:
    """The cheap part of an object's signature (_signature): its parent and the compared fields
    other than names and SQL text. None for an object that is never a candidate (an index that
    backs a constraint: the constraint's rename carries it)."""
    row = lookup.row(kind, identity)
    if row is None or (kind == "indexes" and row.get("backs_constraint")):
        return None
    at = name_position(kind)
    fields = [c for c in compared if c not in _NAMED.get(kind, ()) and c != "definition"]
    return (identity[:at] + identity[at + 1:], tuple(str(row.get(c)) for c in fields))


def _signature(kind: str, identity: Identity, lookup: _Lookup, compared: Sequence[str], first: Any) -> Any:
    """What must be equal for two objects to be one renamed: the parent, and the definition less the
    name (`first`, its _first_part, then the definition and a table's columns)."""
    row = lookup.row(kind, identity)
    assert row is not None                     # its first part was made from it
    parent, values = first
    rest: list[Any] = []
    if kind == "indexes":
        rest.append(_without_index_name(str(row.get("definition") or "")))
    elif "definition" in compared:
        rest.append(_canonical(str(row.get("definition") or ""), KINDS[kind].sql_text.get("definition", "")))
    if kind == "tables":
        rest.append(lookup.columns_of(identity))
    return (parent, values + tuple(map(str, rest)))


def _canonical(text: str, flavour: str) -> str:
    """SQL text as pglast prints it (spelling differences of servers aside); the text itself when it
    does not parse."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    wrapped = {"constraint": "ALTER TABLE t ADD {}", "expression": "SELECT {}"}.get(flavour, "{}").format(text)
    try:
        return str(RawStream()(parse_sql(wrapped)[0]))
    except Exception:                       # noqa: BLE001 (text that does not parse is compared as it is)
        return text


def _without_index_name(definition: str) -> str:
    """CREATE INDEX's text with the index name left out (the rest: table, method, columns, predicate)."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    try:
        statement = parse_sql(definition)[0]
        statement.stmt.idxname = None       # type: ignore[union-attr]
        return str(RawStream()(statement))
    except Exception:                       # noqa: BLE001
        return definition


# --- choosing renames -------------------------------------------------------------------------
def parse_spec(spec: str) -> tuple[str, str, str]:
    """`KIND:OLD=NEW` -> (kind, old label, new label); NEW may be a bare name (OLD's parent kept)."""
    kind, colon, rest = spec.partition(":")
    old, equals, new = rest.partition("=")
    if not colon or not equals or not old or not new:
        raise WorkbenchError(f"--rename {spec}: expected KIND:OLD=NEW, e.g. columns:public.t.old_name=public.t.new_name")
    if kind not in RENAMEABLE:
        raise WorkbenchError(f"--rename {spec}: {kind} cannot be renamed (renameable: {', '.join(RENAMEABLE)})")
    return kind, old, new


def resolve(drift: "Drift", kind: str, old_label: str, new_label: str, spec: str) -> Rename:
    """The rename a user asked for, checked against the comparison: OLD must be an object only the
    target holds, NEW a name the target does not hold (a rename onto an existing name collides)."""
    compared = drift.comparisons.get(kind)
    if compared is None:
        raise WorkbenchError(f"--rename {spec}: {kind} are not compared")
    by_label = {object_label(kind, compared.key_at(i)): (compared.key_at(i), status)
                for i, status in enumerate(compared.statuses)}
    if old_label not in by_label:
        raise WorkbenchError(f"--rename {spec}: the target has no {KINDS[kind].label[:-1]} {old_label}")
    old, old_status = by_label[old_label]
    if old_status != "only_in_target":
        raise WorkbenchError(f"--rename {spec}: {old_label} is in the source too ({old_status.replace('_', ' ')}): "
                             "it keeps its name")
    at = name_position(kind)
    if new_label not in by_label and "." not in new_label and "(" not in new_label:
        new_label = object_label(kind, old[:at] + (new_label,) + old[at + 1:])       # a bare new name
    if new_label in by_label:
        new, status = by_label[new_label]
        if status != "only_in_source":
            raise WorkbenchError(f"--rename {spec}: refused: the target already has {new_label}, the rename would collide")
    else:
        raise WorkbenchError(f"--rename {spec}: the source has no {KINDS[kind].label[:-1]} {new_label}")
    if old[:at] + old[at + 1:] != new[:at] + new[at + 1:]:
        raise WorkbenchError(f"--rename {spec}: {old_label} and {new_label} are not on the same parent "
                             "(a rename changes the name only)")
    collision = _relation_collision(drift, kind, new)
    if collision:
        raise WorkbenchError(f"--rename {spec}: refused: the target already has {collision} of that name, "
                             "the rename would collide")
    same = next((c for c in candidates(drift, [kind]) if c.old == old and c.new == new), None)
    return same or Rename(kind, old, new, 0.0, False, False)


# kinds whose objects share one namespace per schema with each other (pg_class)
_RELATIONS = ("tables", "views", "materialized_views", "indexes", "sequences")


def _relation_collision(drift: "Drift", kind: str, new: Identity) -> str:
    """The target's relation (of any kind) that already has the name a table, view or index gets."""
    if kind not in _RELATIONS:
        return ""
    schema, name = new[0], new[name_position(kind)]
    for other in _RELATIONS:
        if other not in drift.target.frames:
            continue
        columns, rows = drift.target.table(other)
        s, n = columns.index("schema"), columns.index("name")
        if any(row[s] == schema and row[n] == name for row in rows):
            return f"a {KINDS[other].label[:-1]}"
    return ""


# --- the target after the renames -------------------------------------------------------------
def renamed(snapshot: "Snapshot", renames: Sequence[Rename]) -> "Snapshot":
    """The snapshot as it reads after the renames ran (see the module docstring); self when none."""
    from workbench.snapshot import Frames, Snapshot

    if not renames:
        return snapshot
    tables = {kind: (list(columns), [list(row) for row in rows]) for kind, (columns, rows) in snapshot.tables.items()}
    pg18 = snapshot.server_version_num >= 180000
    for rename in renames:
        _rename_rows(tables, rename, pg18)
    frames = Frames({kind: (columns, [tuple(row) for row in rows]) for kind, (columns, rows) in tables.items()})
    return Snapshot(frames, snapshot.dsn, snapshot.server_version, snapshot.server_version_num, snapshot.database,
                    snapshot.captured_at, dict(snapshot.settings), snapshot.census, snapshot.origin)


def _rename_rows(tables: dict[str, tuple[list[str], list[list[Any]]]], rename: Rename, pg18: bool) -> None:
    from workbench.planner.quote import ident, qualified

    kind, old, new = rename.kind, rename.old, rename.new
    at = name_position(kind)
    old_name, new_name = old[at], new[at]

    def rows_of(name: str) -> tuple[list[str], list[list[Any]]]:
        return tables.get(name, ([], []))

    columns, rows = rows_of(kind)
    ids = [columns.index(c) for c in KINDS[kind].identity]
    for row in rows:
        if tuple(row[i] for i in ids) == old:
            row[ids[at]] = new_name
    if kind == "tables":
        schema = old[0]
        for other, (cols, other_rows) in tables.items():
            if "table" in cols and KINDS[other].identity[:2] == ("schema", "table"):
                s, t = cols.index("schema"), cols.index("table")
                for row in other_rows:
                    if row[s] == schema and row[t] == old_name:
                        row[t] = new_name
        _replace_names(tables, qualified(schema, old_name), qualified(schema, new_name))
        _rewrite_definitions(tables, old_name, lambda kind, row: True, _table_renamer(schema, old_name, new_name))
        if pg18:
            _keep_not_null_names(tables, schema, new_name, None, old_name)
    elif kind == "columns":
        schema, table = old[0], old[1]
        _replace_names(tables, f"{qualified(schema, table)}.{ident(old_name)}",
                       f"{qualified(schema, table)}.{ident(new_name)}", exact=True)
        _rewrite_definitions(tables, old_name, lambda kind, row: kind in ("indexes", "constraints"),
                             _column_renamer(schema, table, old_name, new_name))
        if pg18:
            _keep_not_null_names(tables, schema, table, new_name, table, old_name)
    if kind == "indexes":
        _rewrite_definitions(tables, old_name, lambda k, row: k == "indexes" and (row["schema"], row["table"],
                                                                                  row["name"]) == new,
                             _index_renamer(new_name))
    if kind in ("constraints", "indexes"):          # a key and its index carry one name
        other = "indexes" if kind == "constraints" else "constraints"
        cols, other_rows = rows_of(other)
        if cols:
            s, t, n = cols.index("schema"), cols.index("table"), cols.index("name")
            for row in other_rows:
                if (row[s], row[t], row[n]) == old:
                    row[n] = new_name


# --- definitions that name a renamed object (pglast trees, printed again) --------------------------
Renamer = Callable[[Any, str], bool]                 # (parse tree node, kind of the row) -> whether it changed it


def _nodes(node: Any) -> Any:
    """Every node of a pglast tree, depth first."""
    from pglast import ast

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, ast.Node):
            yield item
            stack.extend(getattr(item, slot, None) for slot in getattr(type(item), "__slots__", ()))


def _rewrite(text: str, flavour: str, kind: str, renamer: Renamer) -> str:
    """The text with the renamed object's new name, printed by pglast; the text itself when it does
    not parse or names no such thing."""
    from pglast import parse_sql
    from pglast.stream import RawStream

    wrapped = {"constraint": "ALTER TABLE t ADD {}", "expression": "SELECT {}"}.get(flavour, "{}").format(text)
    try:
        statement = parse_sql(wrapped)[0]
        changed = [renamer(node, kind) for node in list(_nodes(statement))]
        if not any(changed):
            return text
        if flavour == "constraint":
            return str(RawStream()(statement.stmt.cmds[0].def_))   # type: ignore[union-attr]
        if flavour == "expression":
            return str(RawStream()(statement.stmt.targetList[0].val))   # type: ignore[union-attr]
        return str(RawStream()(statement))
    except Exception:                       # noqa: BLE001 (compared as it was: the plan then recreates it)
        return text


def _rewrite_definitions(tables: dict[str, tuple[list[str], list[list[Any]]]], name: str,
                         wanted: Callable[[str, dict[str, Any]], bool], renamer: Renamer) -> None:
    """The SQL text columns (Kind.sql_text) of the rows `wanted` picks that mention `name`."""
    for kind, (columns, rows) in tables.items():
        texts = [(columns.index(c), flavour) for c, flavour in KINDS[kind].sql_text.items() if c in columns]
        for row in rows:
            if not any(type(row[i]) is str and name in row[i] for i, _ in texts):
                continue
            if not wanted(kind, dict(zip(columns, row))):
                continue
            for i, flavour in texts:
                if type(row[i]) is str and name in row[i]:
                    row[i] = _rewrite(row[i], flavour, kind, renamer)


def _table_renamer(schema: str, old: str, new: str) -> Renamer:
    from pglast import ast

    def rename(node: Any, kind: str) -> bool:
        if isinstance(node, ast.RangeVar) and node.relname == old and node.schemaname == schema:
            node.relname = new
            return True
        return False

    return rename


def _column_renamer(schema: str, table: str, old: str, new: str) -> Renamer:
    """A column's name in the index and constraint definitions of its table (keys, expressions,
    INCLUDE), and in the REFERENCES (...) of foreign keys into it."""
    from pglast import ast

    def names(items: Any) -> bool:
        found = False
        for item in items or ():
            if isinstance(item, ast.String) and item.sval == old:
                item.sval, found = new, True
        return found

    def rename(node: Any, kind: str) -> bool:
        if isinstance(node, ast.IndexElem) and node.name == old:
            node.name = new
            return True
        if isinstance(node, ast.ColumnRef) and node.fields and isinstance(node.fields[-1], ast.String):
            return names(node.fields[-1:])
        if isinstance(node, ast.Constraint):
            changed = False
            into = node.pktable
            if into is not None and into.relname == table and into.schemaname == schema:
                changed = names(node.pk_attrs)
            return names(node.keys) | names(node.including) | names(node.fk_attrs) | changed
        return False

    return rename


def _index_renamer(new: str) -> Renamer:
    from pglast import ast

    def rename(node: Any, kind: str) -> bool:
        if isinstance(node, ast.IndexStmt):
            node.idxname = new
            return True
        return False

    return rename


def _replace_names(tables: dict[str, tuple[list[str], list[list[Any]]]], old: str, new: str, exact: bool = False) -> None:
    """Text values that name the renamed object (a comment's or a grant's object, a sequence's
    OWNED BY, a partition's parent): `old` itself, or (unless exact) `old.` followed by more."""
    for kind, (columns, rows) in tables.items():
        ids = set(KINDS[kind].identity) - {"object"}
        positions = [i for i, c in enumerate(columns) if c not in ids and c != "definition"]
        for row in rows:
            for i in positions:
                value = row[i]
                if type(value) is str and (value == old or (not exact and value.startswith(old + "."))):
                    row[i] = new + value[len(old):]


def _keep_not_null_names(tables: dict[str, tuple[list[str], list[list[Any]]]], schema: str, table: str,
                         column: str | None, old_table: str, old_column: str | None = None) -> None:
    """PostgreSQL 18 names a NOT NULL constraint table_column_not_null and keeps the name when the
    table or column is renamed: the catalog then reports it (not_null_name), as it will."""
    columns, rows = tables.get("columns", ([], []))
    if "not_null_name" not in columns:
        return
    s, t, n = columns.index("schema"), columns.index("table"), columns.index("name")
    nn, name_at = columns.index("not_null"), columns.index("not_null_name")
    inherited = columns.index("not_null_inherited") if "not_null_inherited" in columns else None
    for row in rows:
        if row[s] != schema or row[t] != table or (column is not None and row[n] != column):
            continue
        if row[nn] and row[name_at] is None and not (inherited is not None and row[inherited]):
            kept = f"{old_table}_{old_column or row[n]}_not_null"
            if kept != f"{table}_{row[n]}_not_null":
                row[name_at] = kept


def plan_renames(drift: "Drift", specs: Sequence[str], accept: bool) -> tuple[list[Rename], "Drift"]:
    """The renames a plan makes and the comparison of the source with the target after them.
    Tables go first: a column, index or constraint of a renamed table is named (and found as a
    candidate) on the table's new name, in a second round."""
    from workbench.compare import compare

    parsed = [(*parse_spec(spec), spec) for spec in specs]
    picked: list[Rename] = []
    current = drift
    for kinds in (("tables",), RENAMEABLE[1:]):
        found = [resolve(current, kind, old, new, spec) for kind, old, new, spec in parsed if kind in kinds]
        if accept:
            taken = {(r.kind, r.old) for r in found} | {(r.kind, r.new) for r in found}
            found += [c for c in candidates(current, kinds) if not c.ambiguous
                      and (c.kind, c.old) not in taken and (c.kind, c.new) not in taken]
        _refuse_twice(picked + found)
        picked += found
        if found:
            current = compare(drift.source, renamed(drift.target, picked), drift.options)
    return picked, current


def _refuse_twice(renames: Sequence[Rename]) -> None:
    """Two renames of one object, or two onto one name, are refused."""
    olds: dict[tuple[str, Identity], Rename] = {}
    news: dict[tuple[str, Identity], Rename] = {}
    for rename in renames:
        for seen, end in ((olds, (rename.kind, rename.old)), (news, (rename.kind, rename.new))):
            if end in seen:
                raise WorkbenchError(f"--rename {rename.spec}: refused: {seen[end].spec} renames the same object "
                                     "or onto the same name")
            seen[end] = rename
