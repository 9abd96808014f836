"""Drift: the comparison of two snapshots, one DataFrame per kind.

Each kind is one outer merge of the two frames on the kind's identity columns; status comes from
the merge indicator and `differences` from a column-wise comparison of the compared fields. SQL
text fields that differ verbatim get a second look through the pglast parse tree (normalize.py),
only for those rows. No Python loop runs per object except to spell out the differences of the
changed rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.kinds import KINDS, Kind, select
from workbench.normalize import same_sql
from workbench.snapshot import Snapshot

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
    ignore: tuple[str, ...] = ()       # `GLOB` or `KIND:GLOB` over object names (kinds.ignore_mask)

    def selected_kinds(self) -> list[str]:
        return select(self.kinds, self.exclude_kinds)

    def compared(self, kind: Kind) -> tuple[str, ...]:
        if kind.name == "extensions" and self.ignore_extension_versions:
            return tuple(c for c in kind.compared if c != "version")
        return kind.compared


@dataclass
class Drift:
    """Per kind: identity columns, status, differences, source_*/target_* of the compared fields."""

    frames: dict[str, pd.DataFrame]
    source: Snapshot
    target: Snapshot
    options: CompareOptions = field(default_factory=CompareOptions)

    def __getitem__(self, kind: str) -> pd.DataFrame:
        if kind not in self.frames:
            raise WorkbenchError(f"drift has no kind {kind} (it has: {', '.join(self.frames)})")
        return self.frames[kind]

    @cached_property
    def summary(self) -> pd.DataFrame:
        """kind x status counts (every status a column, every kind a row, zeros included)."""
        rows = {kind: frame["status"].value_counts().reindex(STATUSES, fill_value=0)
                for kind, frame in self.frames.items()}
        table = pd.DataFrame(rows).T.reindex(columns=list(STATUSES)).fillna(0).astype(int)
        table.index.name = "kind"
        return table

    @property
    def has_drift(self) -> bool:
        return bool(self.summary[["only_in_source", "only_in_target", "changed"]].to_numpy().sum())

    @cached_property
    def parity(self) -> pd.DataFrame:
        """Per kind: objects of the source, how many the target has identically, and the share."""
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

    def objects(self, statuses: Iterable[str] = ("only_in_source", "only_in_target", "changed")) -> list[dict]:
        """Every object whose status is in `statuses`, as plain dicts (kind, identity, status, differences)."""
        wanted = set(statuses)
        found = []
        for kind, frame in self.frames.items():
            identity = list(KINDS[kind].identity)
            rows = frame[frame["status"].isin(wanted)]
            for values, status, differences in zip(rows[identity].to_numpy().tolist(), rows["status"].tolist(),
                                                    rows["differences"].tolist()):
                found.append({"kind": kind, "identity": dict(zip(identity, values)), "status": status,
                              "differences": list(differences)})
        return found

    def to_json(self) -> dict:
        side = lambda snap: {"dsn": snap.dsn, "server_version": snap.server_version,  # noqa: E731
                             "fingerprint": snap.fingerprint, "counts": snap.counts}
        return {
            "format": DIFF_FORMAT, "version": DIFF_VERSION,
            "source": side(self.source), "target": side(self.target),
            "summary": {kind: {status: int(n) for status, n in row.items()}
                        for kind, row in self.summary.to_dict(orient="index").items()},
            "objects": self.objects(),
        }


def write_differences(drift: Drift, path: str | Path) -> Path:
    """schema_differences.json: Drift.to_json() through the one JSON writer (one object per line)."""
    from workbench import jsonfile

    return jsonfile.write(path, drift.to_json(), "objects")


def read_differences(path: str | Path) -> dict:
    """A schema_differences.json written by write_differences (its format checked)."""
    from workbench import jsonfile

    return jsonfile.read(path, "comparison file", DIFF_FORMAT)


def compare(source: Snapshot, target: Snapshot, options: CompareOptions | None = None, **kwargs) -> Drift:
    """Compare two snapshots kind by kind. Keyword arguments build CompareOptions."""
    options = options or CompareOptions(**{k: tuple(v) if isinstance(v, (list, set)) else v for k, v in kwargs.items()})
    kinds = options.selected_kinds()
    missing = [k for k in kinds if k not in source.frames or k not in target.frames]
    kinds = [k for k in kinds if k not in missing]
    if not kinds:
        raise WorkbenchError("nothing to compare: the two sides share none of the selected kinds")
    source_scope = source.filtered(options.schemas, options.exclude_schemas, kinds, options.ignore)
    target_scope = target.filtered(options.schemas, options.exclude_schemas, kinds, options.ignore)
    frames = {kind: compare_kind(KINDS[kind], source_scope.frames[kind], target_scope.frames[kind],
                                 options.compared(KINDS[kind]))
              for kind in kinds}
    return Drift(frames, source_scope, target_scope, options)


def compare_kind(kind: Kind, source: pd.DataFrame, target: pd.DataFrame,
                 compared: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One kind's comparison frame."""
    compared = kind.compared if compared is None else compared
    identity = list(kind.identity)
    shown = list(compared) + [c for c in ("definition",) if c not in compared and c in source.columns]
    # frames rebuilt from object arrays under their new names (cheaper than rename), each with a
    # marker column that says after the outer merge which side a row came from
    left = pd.DataFrame(source[identity + shown].to_numpy(), dtype=object,
                        columns=identity + [f"source_{c}" for c in shown])
    right = pd.DataFrame(target[identity + shown].to_numpy(), dtype=object,
                         columns=identity + [f"target_{c}" for c in shown])
    left["_in_source"], right["_in_target"] = True, True
    merged = left.merge(right, on=identity, how="outer", sort=True)
    in_source = merged.pop("_in_source").notna().to_numpy()
    in_target = merged.pop("_in_target").notna().to_numpy()
    both = in_source & in_target

    differs = np.zeros((len(merged), len(compared)), dtype=bool)
    for j, column in enumerate(compared):
        a, b = merged[f"source_{column}"], merged[f"target_{column}"]
        equal = ((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
        unequal = both & ~equal
        flavour = kind.sql_text.get(column)
        if flavour and unequal.any():
            rows = np.flatnonzero(unequal)
            same = np.fromiter((same_sql(a.iat[i], b.iat[i], flavour) for i in rows), dtype=bool, count=len(rows))
            unequal[rows[same]] = False
        differs[:, j] = unequal

    changed = differs.any(axis=1)
    status = np.select([~in_target, ~in_source, changed], ["only_in_source", "only_in_target", "changed"],
                       default="identical")
    differences = np.empty(len(merged), dtype=object)
    differences[:] = [()] * len(merged)
    for i in np.flatnonzero(changed):
        differences[i] = tuple(c for c, d in zip(compared, differs[i]) if d)
    merged.insert(len(identity), "status", status)
    merged.insert(len(identity) + 1, "differences", differences)
    return merged
