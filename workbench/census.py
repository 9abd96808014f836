"""The census: what no kind models is counted and named, never silent.

A comparison can only be as good as the kinds it reads. `catalog/census.sql` lists every user
object of every kind PostgreSQL has beyond the ones the registry's own queries read (tables,
views, routines, ... are counted by those): base and shell types, collations, casts, conversions,
operators and their classes and families, text search objects, FDWs, servers, user mappings,
publications, subscriptions, event triggers, rules, extended statistics, languages, access
methods, transforms, default privileges, security labels, ownership by a role other than the
database owner; each under the name its registry entry has or will have. A capture keeps the
count of every census kind and the names of the kinds the registry does not model; what is
"modelled" is decided by `kinds.KINDS` when the census is read (so a snapshot taken before a kind
was added reports it as modelled once it is, and adding a kind to kinds.py takes it off the
census's list with no other change).

Two sides whose census differs in an unmodelled kind have drift the tool cannot show in detail:
`workbench diff` exits 1 and lists it under `unmodeled`, plan.json lists it under `skipped`.
Database-wide objects (casts, publications, ...) have no schema; a --schema filter leaves them out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

from workbench.kinds import KINDS

CENSUS_SQL = "census.sql"

# census kind -> what a person calls it (report and skipped reasons)
LABELS: dict[str, str] = {
    "base_types": "base types", "shell_types": "shell types", "collations": "collations", "conversions": "conversions",
    "operators": "operators", "operator_classes": "operator classes", "operator_families": "operator families",
    "text_search_configurations": "text search configurations", "text_search_dictionaries": "text search dictionaries",
    "text_search_parsers": "text search parsers", "text_search_templates": "text search templates",
    "extended_statistics": "extended statistics", "rules": "rules", "casts": "casts", "languages": "languages",
    "access_methods": "access methods", "transforms": "transforms", "foreign_data_wrappers": "foreign data wrappers",
    "foreign_servers": "foreign servers", "user_mappings": "user mappings", "publications": "publications",
    "subscriptions": "subscriptions", "event_triggers": "event triggers", "default_privileges": "default privileges",
    "security_labels": "security labels", "ownership": "owners other than the database owner",
}

Name = tuple["str | None", str]          # (schema or None for a database-wide object, name)

# census kinds that a column of registry kinds models rather than a kind of their own: ownership is
# every owned kind's `owner` (compared with --with-owners; without it a Drift lists it as not compared)
MODELLED_AS_COLUMN: dict[str, str] = {"ownership": "owner"}


def modelled(kind: str) -> bool:
    """Whether a census kind is modelled today: a registry kind, or a column some registry kind reads."""
    if kind in KINDS:
        return True
    column = MODELLED_AS_COLUMN.get(kind)
    return column is not None and any(column in entry.compared or column in entry.asked for entry in KINDS.values())


def census_sql() -> str:
    return resources.files("workbench.catalog").joinpath(CENSUS_SQL).read_text()


def label(kind: str) -> str:
    return LABELS.get(kind, kind.replace("_", " "))


@dataclass(frozen=True)
class Census:
    """One side's census: the number of user objects of every census kind, and the names of the
    objects of the kinds no registry entry modelled when it was taken."""

    counts: Mapping[str, int]
    names: Mapping[str, Sequence[Name]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]]) -> "Census":
        """From census.sql's rows (kind, catalog, schema, name)."""
        counts: dict[str, int] = {}
        names: dict[str, list[Name]] = {}
        for kind, _catalog, schema, name in rows:
            counts[kind] = counts.get(kind, 0) + 1
            if not modelled(kind):
                names.setdefault(kind, []).append((schema, name))
        return cls(dict(sorted(counts.items())),
                   {kind: sorted(found, key=lambda n: (n[0] or "", n[1])) for kind, found in sorted(names.items())})

    def unmodeled(self) -> dict[str, list[Name]]:
        """kind -> names, for the kinds kinds.py does not model (today's registry, not the capture's)."""
        return {kind: list(found) for kind, found in self.names.items() if not modelled(kind)}

    def filtered(self, schemas: Iterable[str] = (), exclude_schemas: Iterable[str] = ()) -> "Census":
        """Only the named objects in the wanted schemas (database-wide ones go when schemas are named)."""
        wanted, unwanted = set(schemas), set(exclude_schemas)
        if not wanted and not unwanted:
            return self
        names = {kind: [n for n in found if (not wanted or n[0] in wanted) and n[0] not in unwanted]
                 for kind, found in self.names.items()}
        return Census(self.counts, {kind: found for kind, found in names.items() if found})

    def to_dict(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "names": {kind: [list(n) for n in found] for kind, found in self.names.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Census":
        counts = {str(k): int(v) for k, v in data["counts"].items()}
        names = {str(k): [(n[0], str(n[1])) for n in found] for k, found in data["names"].items()}
        return cls(counts, names)


def compare_census(source: Census | None, target: Census | None) -> dict[str, dict[str, Any]]:
    """The `unmodeled` section of a comparison: per unmodelled kind found on either side, the
    count on each side and the names only one side has. Empty when a side has no census (a
    snapshot file written before censuses existed): nothing is known, nothing is claimed."""
    if source is None or target is None:
        return {}
    mine, theirs = source.unmodeled(), target.unmodeled()
    section: dict[str, dict[str, Any]] = {}
    for kind in sorted(set(mine) | set(theirs)):
        wanted = [n for _s, n in mine.get(kind, [])]
        present = [n for _s, n in theirs.get(kind, [])]
        section[kind] = {"label": label(kind), "source": len(wanted), "target": len(present),
                         "only_in_source": sorted(set(wanted) - set(present)),
                         "only_in_target": sorted(set(present) - set(wanted))}
    return section


def differs(section: Mapping[str, Mapping[str, Any]]) -> bool:
    """Whether an `unmodeled` section shows drift: a name one side lacks, or a count that differs."""
    return any(entry["only_in_source"] or entry["only_in_target"] or entry["source"] != entry["target"]
               for entry in section.values())


def skipped_entries(section: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """plan.json `skipped` entries for unmodelled drift: the planner cannot write what it cannot read."""
    entries = []
    for kind, entry in section.items():
        for status, what in (("only_in_source", "in the source only: create it by hand"),
                             ("only_in_target", "in the target only: drop it by hand if it should go")):
            for name in entry[status]:
                entries.append({"kind": kind, "identity": {"name": name}, "status": status,
                                "reason": f"unmodelled ({entry['label']}: no kind reads them), {what}"})
    return entries
