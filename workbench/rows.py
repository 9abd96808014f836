"""Rows kept: how many rows the tables a plan touches hold, before and after, and which steps can lose them.

A count is exact (`count(*)`) for a table whose heap is at most EXACT_LIMIT_BYTES (64 MiB: a
sequential scan of that takes well under a second), and above it PostgreSQL's own estimate
(`pg_class.reltuples`, as of the last VACUUM or ANALYZE), labelled "estimate"; a large table
never analyzed has no estimate ("unknown"). Every count says which it is (`exact`).

The plan lists the steps that can delete rows (a dropped table or column, a narrowing or
rewriting type change, a table rebuilt) with their table's rows, from the target when the target
is a live database (`plan_rows`); apply counts every table the plan alters before its first stage
and after its last one (`Counter`), and flags a loss: fewer rows after than before, or a table
that held rows and is gone.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    import psycopg

    from workbench.planner.model import Plan, Statement

EXACT_LIMIT_BYTES = 64 * 1024 * 1024
# kinds whose statements are about a table (identity schema, table, ...), tables aside
_ON_TABLE = ("columns", "indexes", "constraints", "triggers", "rules", "policies", "extended_statistics")
Table = tuple[str, str]


# tables per transaction: each read takes an AccessShareLock (pg_relation_size, count(*)) held to
# its transaction's end, and the server's lock table is small (max_locks_per_transaction, 64 by
# default, per connection): a scale-30 plan's 2,500 tables in one transaction ran out of it
BATCH = 100
_FACTS_SQL = (
    "SELECT CASE WHEN c.relkind = 'p' THEN (SELECT sum(greatest(p.reltuples, 0))::bigint FROM "
    "pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf) ELSE c.reltuples::bigint END, "
    "CASE WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_relation_size(t.relid)), 0) FROM "
    "pg_partition_tree(c.oid) t) ELSE pg_relation_size(c.oid) END, c.relkind::text "
    "FROM unnest(%s::text[]) WITH ORDINALITY AS n(name, i) LEFT JOIN pg_class c ON c.oid = to_regclass(n.name) "
    "ORDER BY n.i")


def count(conn: "psycopg.Connection[Any]", tables: Iterable[Table]) -> dict[Table, dict[str, Any]]:
    """(schema, table) -> {"rows": n or None, "exact": bool, "how": ...}; a table that does not
    exist has rows None and how "absent". A hundred tables at a time, each batch in a transaction
    of its own (a savepoint when the connection is in one): one query for their sizes and
    estimates, one for their exact counts (every table's count(*) in one row), a table at a time
    only when that one fails (a foreign partition the role cannot read)."""
    from workbench.planner.quote import qualified

    found: dict[Table, dict[str, Any]] = {}
    wanted = list(dict.fromkeys(tables))
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start:start + BATCH]
        names = [qualified(schema, table) for schema, table in batch]
        with conn.transaction():
            facts = conn.execute(_FACTS_SQL, (names,)).fetchall()
            exact = _exact_counts(conn, [(name, row[1]) for name, row in zip(names, facts)
                                         if row[2] is not None and row[2] != "f" and row[1] <= EXACT_LIMIT_BYTES])
        for table, name, row in zip(batch, names, facts):
            if row[2] is None:
                found[table] = {"rows": None, "exact": True, "how": "absent"}
            elif row[2] == "f":
                found[table] = {"rows": None, "exact": False, "how": "not counted (foreign table)"}
            elif exact.get(name) is not None:
                found[table] = {"rows": exact[name], "exact": True, "how": "count(*)"}
            elif row[0] >= 0:
                found[table] = {"rows": int(row[0]), "exact": False, "how": "estimate (pg_class.reltuples)"}
            else:
                found[table] = {"rows": None, "exact": False, "how": "unknown (large, never analyzed)"}
    return found


def _exact_counts(conn: "psycopg.Connection[Any]", sized: list[tuple[str, int]]) -> dict[str, int | None]:
    """count(*) of each (quoted name, heap bytes), tables together in one statement up to
    EXACT_LIMIT_BYTES of heap (a statement reads no more than one table at the limit would); when
    a statement fails, each of its tables alone."""
    import psycopg

    found: dict[str, int | None] = {}
    groups: list[list[str]] = []
    total = EXACT_LIMIT_BYTES + 1
    for name, size in sized:
        if total + size > EXACT_LIMIT_BYTES:
            groups.append([])
            total = 0
        groups[-1].append(name)
        total += size
    for names in groups:
        try:
            with conn.transaction():
                row = conn.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {n})" for n in names)).fetchone()
        except psycopg.Error:
            found.update((name, _exact_count(conn, name)) for name in names)
            continue
        found.update(zip(names, map(int, row or ())))
    return found


def _exact_count(conn: "psycopg.Connection[Any]", name: str) -> int | None:
    """count(*) of a table, or None when it cannot be read: a partition or an inheriting child may be
    a foreign table whose server needs a user mapping the counting role lacks (count(*) then fails
    and the estimate is used; a savepoint keeps the surrounding transaction usable)."""
    import psycopg

    try:
        with conn.transaction():
            found = conn.execute(f"SELECT count(*) FROM {name}").fetchone()
    except psycopg.Error:
        return None
    return int(found[0]) if found else 0


def _renamed_tables(plan: "Plan") -> dict[Table, Table]:
    """new (schema, table) -> old, for the tables the plan renames."""
    return {(r["new"]["schema"], r["new"]["name"]): (r["old"]["schema"], r["old"]["name"])
            for r in plan.renames if r.get("kind") == "tables"}


def table_of(statement: "Statement") -> Table | None:
    """The table a statement is about (by its name in the target before the plan), or None."""
    identity = statement.identity
    if statement.kind == "tables":
        return (identity["schema"], identity["name"])
    if statement.kind in _ON_TABLE and "table" in identity:
        return (identity["schema"], identity["table"])
    return None


def altered_tables(plan: "Plan") -> list[Table]:
    """The tables the plan touches, as the target names them before it runs (a renamed table by its
    old name), in plan order."""
    back = _renamed_tables(plan)
    found: dict[Table, None] = {}
    for statement in plan.statements:
        table = table_of(statement)
        if table is not None:
            found[back.get(table, table)] = None
    return list(found)


def can_lose_rows(statement: "Statement") -> bool:
    """A step that can delete rows: a table or column dropped (not a rebuild's drop), a type change
    that rewrites the column (narrowing ones fail or cut), a table rebuilt."""
    from workbench.planner.hazards import Hazard

    if statement.kind not in ("tables", "columns"):
        return False
    return Hazard.DATA_LOSS in statement.hazards or Hazard.TABLE_REWRITE in statement.hazards


def label(table: Table) -> str:
    from workbench.planner.quote import qualified

    return qualified(*table)


def plan_rows(plan: "Plan", target: str) -> dict[str, Any]:
    """plan.json's `rows`: the steps that can delete rows, each with its table's rows on the target
    (counted when `target` is a live database, else not known)."""
    from workbench import connect as connect_mod
    from workbench.sides import is_live

    back = _renamed_tables(plan)
    risky = [(s, back.get(t, t)) for s in plan.statements if can_lose_rows(s) and (t := table_of(s)) is not None]
    counts: dict[Table, dict[str, Any]] = {}
    source = "not known: the target is not a live database"
    if risky and target and is_live(target):
        try:
            with connect_mod.connect(target, autocommit=True) as conn:     # a transaction per batch
                counts = count(conn, dict.fromkeys(t for _, t in risky))
            source = "the target"
        except WorkbenchError as error:
            source = f"not known: {error}"
    unknown = {"rows": None, "exact": False, "how": source}
    return {"exact_limit_bytes": EXACT_LIMIT_BYTES, "counted_on": source,
            "at_risk": [{"statement": s.id, "stage": str(s.stage), "action": str(s.action), "table": label(t),
                         "hazards": [str(h) for h in s.hazards], **counts.get(t, unknown)} for s, t in risky]}


class Counter:
    """Apply's rows before and after, for the tables a plan alters (see the module docstring)."""

    def __init__(self, plan: "Plan"):
        self.tables = altered_tables(plan)
        forward = {old: new for new, old in _renamed_tables(plan).items()}
        self.after_name = {table: forward.get(table, table) for table in self.tables}

    def before(self, conn: "psycopg.Connection[Any]") -> list[dict[str, Any]]:
        """One entry per table the target holds before the plan runs."""
        counted = count(conn, self.tables)
        return [{"table": label(t), "after_name": label(self.after_name[t]), "schema": t[0], "name": t[1],
                 "after_table": self.after_name[t][1],
                 "before": c["rows"], "before_exact": c["exact"], "before_how": c["how"],
                 "after": None, "after_exact": None, "after_how": None, "lost": None}
                for t, c in counted.items() if c["how"] != "absent"]

    @staticmethod
    def after(conn: "psycopg.Connection[Any]", entries: Sequence[dict[str, Any]]) -> None:
        """Fill in the rows after (a renamed table by its new name), and whether rows were lost."""
        counted = count(conn, [(e["schema"], e["after_table"]) for e in entries])
        for entry in entries:
            found = counted[(entry["schema"], entry["after_table"])]
            entry["after"], entry["after_exact"], entry["after_how"] = found["rows"], found["exact"], found["how"]
            before, after = entry["before"], found["rows"]
            if found["how"] == "absent":
                entry["lost"] = bool(before)
            elif before is not None and after is not None:
                entry["lost"] = after < before


def summary_lines(entries: Sequence[dict[str, Any]]) -> list[str]:
    """'rows before -> after' per table, a loss flagged: for apply's summary, verify and the report."""
    lines = []
    for entry in entries:
        def shown(rows: Any, exact: Any, how: Any) -> str:
            if rows is None:
                return "gone" if how == "absent" else "?"
            return f"{rows:,}" + ("" if exact else " (estimate)")

        text = (f"  {entry['table']}: rows {shown(entry['before'], entry['before_exact'], entry['before_how'])} -> "
                f"{shown(entry['after'], entry['after_exact'], entry['after_how'])}")
        if entry.get("after_name") and entry["after_name"] != entry["table"]:
            text += f" (now {entry['after_name']})"
        if entry.get("lost"):
            text += "  ROWS LOST"
        lines.append(text)
    return lines
