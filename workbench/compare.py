"""Drift: the comparison of two snapshots, one DataFrame per kind.

Each kind is a join of the two sides' rows on the kind's identity columns (an outer join, sorted by
identity); status comes from which sides hold the object, and `differences` from comparing the
compared fields. SQL text fields that differ verbatim get a second look through the pglast parse
tree (normalize.py), only for those rows. The comparison runs on the snapshots' rows in plain
Python, so a diff needs neither pandas nor numpy; each kind's DataFrame (identity, status,
differences, source_*/target_* columns) is built when someone asks for it.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from itertools import compress, repeat
from operator import itemgetter, ne
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from workbench.census import compare_census
from workbench.census import differs as census_differs
from workbench.errors import WorkbenchError
from workbench.gcpause import paused
from workbench.kinds import KINDS, Kind, select
from workbench.catalog.fetch import Table
from workbench.snapshot import Snapshot

if TYPE_CHECKING:
    import pandas as pd

    from workbench.renames import Rename

STATUSES = ("only_in_source", "only_in_target", "changed", "identical")
DIFF_FORMAT = "drift-workbench/diff"
DIFF_VERSION = 1


@dataclass(frozen=True)
class CompareOptions:
    schemas: tuple[str, ...] = ()
    exclude_schemas: tuple[str, ...] = ()
    exclude_kinds: tuple[str, ...] = ()
    kinds: tuple[str, ...] | None = None
    # extension versions differ between servers of different ages for the same DDL (design: ignorable)
    ignore_extension_versions: bool = True
    ignore: tuple[str, ...] = ()       # `GLOB` or `KIND:GLOB` over object names (kinds.ignore_filter)
    # columns compared only when asked (Kind.asked): owners of every owned kind, and planned then
    with_owners: bool = False
    compare_populated: bool = False    # whether a materialized view holds data (pg_dump restores them empty)

    def selected_kinds(self) -> list[str]:
        return select(self.kinds, self.exclude_kinds)

    def compared(self, kind: Kind) -> tuple[str, ...]:
        base = kind.compared
        if kind.name == "extensions" and self.ignore_extension_versions:
            base = tuple(c for c in base if c != "version")
        return base + tuple(column for column, option in kind.asked.items() if getattr(self, option))

    def not_compared(self, kind: Kind) -> tuple[str, ...]:
        """The kind's columns compared only when asked (Kind.asked) that these options leave out."""
        return tuple(column for column, option in kind.asked.items() if not getattr(self, option))

    def as_parameters(self) -> dict[str, Any]:
        """The options that are not the defaults, as JSON values (lists for tuples): what `workbench
        report` hands its notebooks (their `compare` parameter), so that they compare as it did."""
        found: dict[str, Any] = {}
        for option in fields(self):
            value = getattr(self, option.name)
            if value != option.default:
                found[option.name] = list(value) if isinstance(value, tuple) else value
        return found

    @classmethod
    def from_parameters(cls, given: object, **fixed: Any) -> "CompareOptions":
        """The options a notebook's `compare` parameter names (CompareOptions fields: lists of
        names or booleans, as as_parameters writes them), with `fixed` on top. A key that is no
        option, or a value of the wrong type, is one error naming it: never a silent default."""
        if given is None:
            given = {}
        if not isinstance(given, Mapping):
            raise WorkbenchError(f"parameter compare must be a dict of comparison options, not {given!r}")
        known = {option.name: option for option in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in given.items():
            option = known.get(str(name))
            if option is None or name in fixed:
                hint = f"give {name} as its own parameter" if name in fixed else f"known: {', '.join(known)}"
                raise WorkbenchError(f"parameter compare has no option {name!r} ({hint})")
            if isinstance(option.default, bool):
                if not isinstance(value, bool):
                    raise WorkbenchError(f"parameter compare: {name} must be true or false, not {value!r}")
            elif not (value is None and option.default is None):
                if not (isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)):
                    raise WorkbenchError(f"parameter compare: {name} must be a list of names, not {value!r}")
                value = tuple(value)
            values[str(name)] = value
        return cls(**{**values, **fixed})


@dataclass
class KindDrift:
    """One kind's comparison as rows: per object (sorted by identity) its status and the compared
    fields that differ; its identity values and the shown fields of each side (None for a missing
    side) are looked up when asked for, so a diff that lists a few changes never builds them all."""

    kind: Kind
    compared: tuple[str, ...]
    shown: list[str]                      # compared fields, plus `definition` where the kind has one
    statuses: list[str]
    differences: list[tuple[str, ...]]
    key_at: Callable[[int], tuple[Any, ...]] = field(repr=False)          # object i -> its identity values
    sides: Callable[[], tuple[list[tuple[Any, ...] | None], list[tuple[Any, ...] | None]]] = field(repr=False)
    # where each object's row is on each side (None: not there), and each side's identities in row
    # order: for readers that look rows up by identity (the planner) without indexing them again;
    # None when a side holds an identity twice (_compare_grouped)
    rows_at: "RowsAt | None" = field(default=None, repr=False)

    @cached_property
    def keys(self) -> list[tuple[Any, ...]]:
        return list(map(self.key_at, range(len(self.statuses))))

    @cached_property
    def _sides(self) -> tuple[list[tuple[Any, ...] | None], list[tuple[Any, ...] | None]]:
        return self.sides()

    @property
    def source(self) -> list[tuple[Any, ...] | None]:
        return self._sides[0]

    @property
    def target(self) -> list[tuple[Any, ...] | None]:
        return self._sides[1]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for status in self.statuses:
            counts[status] += 1
        return counts

    def frame(self) -> "pd.DataFrame":
        """The comparison frame: identity columns, status, differences, source_*, target_* (NaN
        where a side lacks the object), one row per object in identity order."""
        import numpy as np
        import pandas as pd

        identity = list(self.kind.identity)
        width = len(self.shown)
        missing = (np.nan,) * width
        data: dict[str, object] = {}
        for j, column in enumerate(identity):
            data[column] = _object_array([key[j] for key in self.keys])
        for prefix, values in (("source", self.source), ("target", self.target)):
            filled = [missing if row is None else row for row in values]
            for j, column in enumerate(self.shown):
                data[f"{prefix}_{column}"] = _object_array([row[j] for row in filled])
        frame = pd.DataFrame(data, columns=list(data), dtype=object)
        frame.insert(len(identity), "status", np.array(self.statuses, dtype=str))
        frame.insert(len(identity) + 1, "differences", _object_array(self.differences))
        return frame


@dataclass(frozen=True)
class RowsAt:
    """Per object i of a KindDrift: its row position on each side; each side's identities in row order."""

    source: list[int | None]
    target: list[int | None]
    source_keys: list[tuple[Any, ...]]
    target_keys: list[tuple[Any, ...]]


def _object_array(values: list[Any]) -> "object":
    import numpy as np

    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


class DriftFrames(Mapping[str, "pd.DataFrame"]):
    """kind -> comparison DataFrame, built from the KindDrift on first access."""

    def __init__(self, comparisons: dict[str, KindDrift]):
        self.comparisons = comparisons
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, kind: str) -> "pd.DataFrame":
        frame = self._built.get(kind)
        if frame is None:
            frame = self._built[kind] = self.comparisons[kind].frame()
        return frame

    def __iter__(self) -> Iterator[str]:
        return iter(self.comparisons)

    def __len__(self) -> int:
        return len(self.comparisons)

    def __contains__(self, kind: object) -> bool:
        return kind in self.comparisons


@dataclass
class Drift:
    """Per kind: identity columns, status, differences, source_*/target_* of the compared fields."""

    comparisons: dict[str, KindDrift]
    source: Snapshot
    target: Snapshot
    options: CompareOptions = field(default_factory=CompareOptions)

    @cached_property
    def frames(self) -> DriftFrames:
        return DriftFrames(self.comparisons)

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self.comparisons:
            raise WorkbenchError(f"drift has no kind {kind} (it has: {', '.join(self.comparisons)})")
        return self.frames[kind]

    @cached_property
    def counts(self) -> dict[str, dict[str, int]]:
        """kind -> status -> number of objects (every status, zeros included): the summary without pandas."""
        return {kind: compared.counts() for kind, compared in self.comparisons.items()}

    @cached_property
    def summary(self) -> pd.DataFrame:
        """kind x status counts (every status a column, every kind a row, zeros included)."""
        import pandas as pd

        table = pd.DataFrame.from_dict({kind: [counts[s] for s in STATUSES] for kind, counts in self.counts.items()},
                                       orient="index", columns=list(STATUSES)).astype(int)
        table.index.name, table.columns.name = "kind", "status"
        return table

    @property
    def has_drift(self) -> bool:
        """Drift in a modelled kind: what the planner can act on (see has_unmodeled_drift)."""
        return any(counts["only_in_source"] or counts["only_in_target"] or counts["changed"]
                   for counts in self.counts.values())

    def not_planned(self, plan_options: object | None, statuses: Iterable[str] = ("only_in_source", "changed")
                    ) -> dict[str, int]:
        """Differences (of these statuses) per option-gated kind that a plan made with plan_options
        leaves alone (kinds.unplanned_kinds); kinds without any are left out."""
        from workbench.kinds import unplanned_kinds

        found = {kind: sum(self.counts[kind][s] for s in statuses)
                 for kind in unplanned_kinds(plan_options) if kind in self.counts}
        return {kind: count for kind, count in found.items() if count}

    @cached_property
    def not_compared(self) -> list[dict[str, Any]]:
        """What was left out of this comparison because it was not asked for, one entry per column:
        {"field": "owner", "option": "--with-owners", "kinds": [...]} (the kinds compared whose
        objects have the column). Said in every summary: not compared is not the same as identical."""
        from workbench.kinds import ASKED_FLAGS

        found: dict[str, dict[str, Any]] = {}
        for kind in self.comparisons:
            for column in self.options.not_compared(KINDS[kind]):
                option = KINDS[kind].asked[column]
                entry = found.setdefault(column, {"field": column, "option": ASKED_FLAGS[option], "kinds": []})
                entry["kinds"].append(kind)
        return list(found.values())

    @cached_property
    def rename_candidates(self) -> "list[Rename]":
        """Pairs of one only-in-source and one only-in-target object of a kind, under one parent, whose
        definitions are equal apart from the name (workbench/renames.py), best first per kind."""
        from workbench.renames import candidates

        return candidates(self)

    @cached_property
    def unmodeled(self) -> dict[str, dict[str, Any]]:
        """Per kind no entry models (census.py): the count on each side and the names one side lacks,
        within the compared schemas (the sides are the scoped snapshots); empty when a side carries
        no census."""
        return compare_census(self.source.census, self.target.census)

    @property
    def has_unmodeled_drift(self) -> bool:
        """The sides differ in something no kind models: drift the tool cannot show in detail."""
        return census_differs(self.unmodeled)

    @cached_property
    def parity(self) -> pd.DataFrame:
        """Per kind: objects of the source, how many the target has identically, and the share."""
        import numpy as np
        import pandas as pd

        summary = self.summary
        source_objects = summary["only_in_source"] + summary["changed"] + summary["identical"]
        table = pd.DataFrame({
            "source_objects": source_objects,
            "identical": summary["identical"],
            "missing": summary["only_in_source"],
            "changed": summary["changed"],
            "extra_in_target": summary["only_in_target"],
        })
        table["parity_pct"] = np.where(source_objects > 0, 100.0 * summary["identical"] / source_objects.where(source_objects > 0, 1), 100.0)
        return table

    def objects(self, statuses: Iterable[str] = ("only_in_source", "only_in_target", "changed")) -> list[dict[str, Any]]:
        """Every object whose status is in `statuses`, as plain dicts (kind, identity, status, differences)."""
        wanted = set(statuses)
        found = []
        for kind, compared in self.comparisons.items():
            identity = KINDS[kind].identity
            statuses, differences = compared.statuses, compared.differences
            for i in compress(range(len(statuses)), map(wanted.__contains__, statuses)):
                found.append({"kind": kind, "identity": dict(zip(identity, compared.key_at(i))), "status": statuses[i],
                              "differences": list(differences[i])})
        return found

    def to_json(self) -> dict[str, Any]:
        def side(snap: Snapshot) -> dict[str, Any]:
            return {"dsn": snap.dsn, "server_version": snap.server_version, "fingerprint": snap.fingerprint,
                    "counts": snap.counts}

        return {
            "format": DIFF_FORMAT, "version": DIFF_VERSION,
            "source": side(self.source), "target": side(self.target),
            "summary": {kind: dict(counts) for kind, counts in self.counts.items()},
            "unmodeled": self.unmodeled,
            "not_compared": self.not_compared,
            "rename_candidates": [candidate.to_dict() for candidate in self.rename_candidates],
            "objects": self.objects(),
        }


def write_differences(drift: Drift, path: str | Path) -> Path:
    """schema_differences.json: Drift.to_json() through the one JSON writer (one object per line)."""
    from workbench import jsonfile

    return jsonfile.write(path, drift.to_json(), "objects")


def read_differences(path: str | Path) -> dict[str, Any]:
    """A schema_differences.json written by write_differences (its format checked)."""
    from workbench import jsonfile

    return jsonfile.read(path, "comparison file", DIFF_FORMAT)


def compare(source: Snapshot, target: Snapshot, options: CompareOptions | None = None, **kwargs: Any) -> Drift:
    """Compare two snapshots kind by kind. Keyword arguments build CompareOptions."""
    given: dict[str, Any] = {k: (tuple(v) if isinstance(v, (list, set)) else v) for k, v in kwargs.items()}
    options = options or CompareOptions(**given)
    kinds = options.selected_kinds()
    for role, snapshot in (("source", source), ("target", target)):
        missing = [k for k in kinds if k not in snapshot.frames]
        if missing:                   # never "no drift" for a kind one side does not hold
            raise WorkbenchError(f"the {role} ({snapshot.dsn or snapshot.database}) holds no "
                                 f"{', '.join(missing)}: capture it again, or leave "
                                 f"{'it' if len(missing) == 1 else 'them'} out "
                                 f"({' '.join('--skip-kind ' + k for k in missing)})")
    source_scope = source.filtered(options.schemas, options.exclude_schemas, kinds, options.ignore)
    target_scope = target.filtered(options.schemas, options.exclude_schemas, kinds, options.ignore)
    with paused():
        versions = (source.server_version_num, target.server_version_num)
        compared = {kind: compare_rows(KINDS[kind], source_scope.table(kind), target_scope.table(kind),
                                       KINDS[kind].compared_between(versions, options.compared(KINDS[kind])))
                    for kind in kinds}
    return Drift(compared, source_scope, target_scope, options)


def compare_rows(kind: Kind, source: Table, target: Table, compared: tuple[str, ...] | None = None) -> KindDrift:
    """One kind's comparison, on (columns, rows) of each side: an outer join on the identity,
    objects sorted by identity. Identities are joined into one string each (hashed once, sorted
    like the tuples: see ordering.py); set operations on them find what one side lacks, and the
    rows both sides hold are compared in C (map over operator.ne, in row order, which keeps memory
    access sequential), so Python code runs per object only for the few whose values differ.
    Identities that are not plain names, or held twice on a side (a hand-made snapshot), go
    through _compare_grouped."""
    compared = kind.compared if compared is None else compared
    (source_columns, source_rows), (target_columns, target_rows) = source, target
    shown = list(compared) + [c for c in ("definition",) if c not in compared and c in source_columns]
    identity = list(kind.identity)
    source_index = _identity_index(source_columns, source_rows, identity)
    target_index = _identity_index(target_columns, target_rows, identity)
    if source_index is None or target_index is None:
        return _compare_grouped(kind, source, target, compared, shown)
    (source_position, source_keys), (target_position, target_keys) = source_index, target_index

    in_target = list(map(target_position.__contains__, source_position))      # source row order
    common = list(compress(source_position, in_target))
    a_rows = list(compress(source_rows, in_target))
    b_rows = list(map(target_rows.__getitem__, map(target_position.__getitem__, common)))
    a_compared, b_compared = _getter(source_columns, list(compared)), _getter(target_columns, list(compared))
    differing: dict[str, tuple[str, ...]] = {}
    for i in compress(range(len(common)), map(ne, map(a_compared, a_rows), map(b_compared, b_rows))):
        found = _differences(kind, compared, a_compared(a_rows[i]), b_compared(b_rows[i]))
        if found:                                      # else equal once normalised (or both missing)
            differing[common[i]] = found

    joined = sorted(source_position.keys() | target_position.keys())
    status_of = dict.fromkeys(joined, "identical")
    status_of.update(dict.fromkeys(source_position.keys() - target_position.keys(), "only_in_source"))
    status_of.update(dict.fromkeys(target_position.keys() - source_position.keys(), "only_in_target"))
    status_of.update(dict.fromkeys(differing, "changed"))

    # each object's row on either side (None where a side lacks it): what key_at and sides() keep,
    # instead of the joined strings and the dicts over them (a third of a comparison's memory)
    at_source = list(map(source_position.get, joined))
    at_target = list(map(target_position.get, joined))

    def key_at(i: int) -> tuple[Any, ...]:
        position = at_source[i]
        if position is not None:
            return source_keys[position]
        other = at_target[i]
        assert other is not None                       # every object is on one side at least
        return target_keys[other]

    def sides() -> tuple[list[tuple[Any, ...] | None], list[tuple[Any, ...] | None]]:
        found = []
        for columns, rows, at in ((source_columns, source_rows, at_source), (target_columns, target_rows, at_target)):
            shown_of = _getter(columns, shown)
            found.append([None if i is None else shown_of(rows[i]) for i in at])
        return found[0], found[1]

    return KindDrift(kind, tuple(compared), shown, list(map(status_of.__getitem__, joined)),
                     list(map(differing.get, joined, repeat(()))), key_at, sides,
                     RowsAt(at_source, at_target, source_keys, target_keys))


def _identity_index(columns: list[str], rows: Sequence[Sequence[Any]], identity: list[str]) -> tuple[dict[str, int], list[tuple[Any, ...]]] | None:
    """(joined identity -> row position, in row order; identity tuples in row order), or None when
    an identity part is not a str, holds a NUL, or an identity is held twice."""
    keys = list(map(_getter(columns, identity), rows))
    try:
        joined = list(map("\0".join, keys))
    except TypeError:
        return None
    if "".join(joined).count("\0") != len(joined) * (len(identity) - 1):
        return None
    position = dict(zip(joined, range(len(joined))))
    return (position, keys) if len(position) == len(joined) else None


def _differences(kind: Kind, compared: tuple[str, ...], a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[str, ...]:
    """The compared fields whose values differ, SQL text compared through its parse tree."""
    from workbench.normalize import same_sql

    return tuple(column for column, x, y in zip(compared, a, b)
                 if not (x == y or (_missing(x) and _missing(y)))
                 and not (kind.sql_text.get(column) and same_sql(x, y, kind.sql_text[column])))


def _compare_grouped(kind: Kind, source: Table, target: Table, compared: tuple[str, ...], shown: list[str]) -> KindDrift:
    """compare_rows for sides that hold an identity more than once: each of its rows on one side
    pairs with each on the other, in row order (as pandas' outer merge pairs them)."""
    def grouped(table: Table) -> dict[tuple[Any, ...], list[tuple[Any, ...]]]:
        columns, rows = table
        key_of, shown_of = _getter(columns, list(kind.identity)), _getter(columns, shown)
        found: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for row in rows:
            found.setdefault(key_of(row), []).append(shown_of(row))
        return found

    by_source, by_target = grouped(source), grouped(target)
    count = len(compared)
    keys: list[tuple[Any, ...]] = []
    statuses: list[str] = []
    differences: list[tuple[str, ...]] = []
    sources: list[tuple[Any, ...] | None] = []
    targets: list[tuple[Any, ...] | None] = []
    for key in sorted(by_source.keys() | by_target.keys()):
        nothing: list[tuple[Any, ...] | None] = [None]
        for a in by_source.get(key) or nothing:
            for b in by_target.get(key) or nothing:
                found: tuple[str, ...] = ()
                if b is None:
                    status = "only_in_source"
                elif a is None:
                    status = "only_in_target"
                else:
                    found = _differences(kind, compared, a[:count], b[:count])
                    status = "changed" if found else "identical"
                keys.append(key)
                statuses.append(status)
                differences.append(found)
                sources.append(a)
                targets.append(b)
    return KindDrift(kind, compared, shown, statuses, differences, keys.__getitem__, lambda: (sources, targets))


def _getter(columns: list[str], names: list[str]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """row -> tuple of the named columns' values (itemgetter gives a bare value for one name)."""
    positions = [columns.index(name) for name in names]
    if len(positions) == 1:
        (position,) = positions
        return lambda row: (row[position],)
    if not positions:
        return lambda row: ()
    return itemgetter(*positions)


def _missing(value: object) -> bool:
    """None or a NaN (what pandas' isna treats as missing among the values a catalog row holds)."""
    return value is None or value != value        # NaN, float or Decimal, is the one value unequal to itself


def compare_kind(kind: Kind, source: pd.DataFrame, target: pd.DataFrame,
                 compared: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One kind's comparison frame, from two snapshot frames."""
    return compare_rows(kind, (list(source.columns), source.values.tolist()),
                        (list(target.columns), target.values.tolist()), compared).frame()
