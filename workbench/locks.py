"""Measured locks: what a statement really locked, read from `pg_locks` of its own session, beside
what the planner predicted from its hazards (planner/hazards.py).

After each statement of a rehearsal or a shadow validation (inside the stage's transaction, where
every lock is held until the end), the session's granted relation locks are read. A statement is
credited with the (relation, mode) pairs that were not held before it: a mode an earlier statement
of the same transaction already holds on that relation is not seen again (the lock is there
anyway, since the stage began). Only relations that existed before the run count: a table the plan
creates is locked ACCESS EXCLUSIVE by its CREATE, and nobody else can see it yet. A relation's
strongest mode is what the entry records.

A measured mode is compared with the strongest mode the hazards allow:
`access_exclusive_lock` (or `table_rewrite`) allows ACCESS EXCLUSIVE, `blocks_writes` allows
EXCLUSIVE (it blocks writes, not reads), no lock hazard allows SHARE UPDATE EXCLUSIVE (which blocks
neither reads nor writes). A stronger measured lock is a planner defect: the plan says less than
the database does. Statements of a non-transactional stage commit one by one: their locks are gone
before they can be read, and the entry says so.

The reading is a diff the server makes: the locks seen so far in the transaction are kept in a
temporary table (ON COMMIT DROP, made at the start of each stage), and one statement returns the
(relation, mode) pairs of pg_locks that are not in it and adds them there. Only what is new comes
back to Python, so the client's work no longer grows with what the stage holds; the server's still
does, a little (pg_lock_status() lists every lock of the server at each call, about 1 µs a lock),
which no reading of pg_locks avoids. A session without the TEMP privilege on the database diffs in
Python, as before (every held lock read back each time). On a scratch copy (shadow validation of a
large plan: apply's measure_apart) each statement runs with its reading in one simple query, one
implicit transaction holding only that statement's locks: `reading_sql` and `credit`, no diff.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import psycopg

# PostgreSQL's table-level lock modes, weakest first (the conflict table's order)
MODES = ("AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock",
         "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
RANK = {mode: rank for rank, mode in enumerate(MODES)}
NOT_MEASURED = "not measured: the statement commits on its own (a non-transactional stage), its locks end with it"

# the relations of the database when the run starts (user schemas): oid -> qualified name
RELATIONS_SQL = """
SELECT c.oid::bigint, format('%I.%I', n.nspname, c.relname)
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
  AND n.nspname NOT LIKE 'pg\\_temp%'
"""
# the relation locks this session holds in its database (%(db)s: its oid)
HELD_SQL = """
SELECT relation::bigint, mode FROM pg_catalog.pg_locks
WHERE pid = pg_catalog.pg_backend_pid() AND locktype = 'relation' AND granted AND database = %(db)s
"""
# the server-side diff: the locks seen so far in this transaction, in a temporary table
SEEN = "pg_temp.workbench_locks_seen"
TEMP_ALLOWED_SQL = "SELECT pg_catalog.has_database_privilege(pg_catalog.current_database(), 'TEMP')"
BEGIN_SQL = ("CREATE TEMP TABLE IF NOT EXISTS workbench_locks_seen (relation oid, mode text) ON COMMIT DROP",
             f"DELETE FROM {SEEN}",
             f"INSERT INTO {SEEN} SELECT relation, mode FROM ({HELD_SQL}) held")
# the locks held now that were not seen yet, added to the seen ones by the same statement
NEW_SQL = f"""
WITH new AS (SELECT relation, mode FROM ({HELD_SQL}) held EXCEPT SELECT relation, mode FROM {SEEN}),
     kept AS (INSERT INTO {SEEN} SELECT relation, mode FROM new)
SELECT relation::bigint, mode FROM new
"""


def too_many_note(statements: int, limit: int) -> str:
    """Why a large plan's locks were not measured (apply.MEASURE_LOCKS_LIMIT)."""
    return (f"locks not measured: {statements:,} statements, more than the {limit:,} measured in one transaction "
            f"(each reading of pg_locks grows with the locks it holds); shadow validation (workbench plan) "
            f"measures every statement of such a plan on a copy, each in a transaction of its own")


def predicted_mode(hazards: Iterable[str]) -> str:
    """The strongest lock mode the statement's hazards admit to."""
    found = set(hazards)
    if found & {"access_exclusive_lock", "table_rewrite"}:
        return "AccessExclusiveLock"
    if "blocks_writes" in found:
        return "ExclusiveLock"
    return "ShareUpdateExclusiveLock"


class LockMeter:
    """Reads a session's relation locks around statements (see the module docstring)."""

    def __init__(self, conn: "psycopg.Connection", apart: bool = False):
        from workbench.connect import one

        self.conn = conn
        self.relations: dict[int, str] = {int(oid): name for oid, name in conn.execute(RELATIONS_SQL)}
        self.params = {"db": one(conn.execute(
            "SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()"))[0]}
        # statement by statement (apart): a transaction holds one statement's locks, read back whole
        self.server_side = not apart and bool(one(conn.execute(TEMP_ALLOWED_SQL))[0])
        self.held: set[tuple[int, str]] = set()          # the Python diff's (no TEMP privilege)

    def reading_sql(self) -> str:
        """The reading as text, run in the same simple query as a statement (apart: its implicit
        transaction holds that statement's locks only, so every lock it returns is the statement's)."""
        return HELD_SQL.replace("%(db)s", str(int(self.params["db"])))

    def credit(self, rows: Iterable[tuple[Any, Any]]) -> list[dict[str, str]]:
        """The strongest mode per relation of a reading's rows, by name (relations of the run only)."""
        strongest: dict[str, str] = {}
        for oid, mode in rows:
            name = self.relations.get(int(oid))
            if name is not None and (name not in strongest or RANK[str(mode)] > RANK[strongest[name]]):
                strongest[name] = str(mode)
        return [{"relation": name, "mode": strongest[name]} for name in sorted(strongest)]

    def _read(self) -> set[tuple[int, str]]:
        return {(int(oid), str(mode)) for oid, mode in self.conn.execute(HELD_SQL, self.params)}

    def begin(self) -> None:
        """At the start of a transaction (a stage, a rehearsal): what it already holds."""
        if self.server_side:
            for sql in BEGIN_SQL:
                self.conn.execute(sql, self.params if "%(db)s" in sql else None)
        else:
            self.held = self._read()

    def _new(self) -> set[tuple[int, str]]:
        """The (relation, mode) pairs held now and not before, remembered from now on."""
        if self.server_side:
            return {(int(oid), str(mode)) for oid, mode in self.conn.execute(NEW_SQL, self.params)}
        now = self._read()
        new, self.held = now - self.held, now
        return new

    def after(self) -> list[dict[str, str]]:
        """The locks the statement just run added: its strongest new mode per relation, by name."""
        return self.credit(self._new())


def judge(entry: dict[str, Any]) -> None:
    """Fill a log entry's `predicted_lock` and `lock_defects` (measured locks stronger than its
    hazards predict) from its `hazards` and `locks`."""
    if entry.get("locks") is None:
        return
    ceiling = predicted_mode(entry.get("hazards") or ())
    entry["predicted_lock"] = ceiling
    entry["lock_defects"] = [lock for lock in entry["locks"] if RANK[lock["mode"]] > RANK[ceiling]]


def summary(statements: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Counts over a log's statements: measured, not measured, and the defects found."""
    measured = defects = unmeasured = 0
    found: list[dict[str, Any]] = []
    for entry in statements:
        if entry.get("locks") is not None:
            measured += 1
            if entry.get("lock_defects"):
                defects += 1
                found.append({"stage": entry.get("stage"), "index": entry.get("index"), "id": entry.get("id"),
                              "kind": entry.get("kind") or "", "action": entry.get("action") or "",
                              "hazards": entry.get("hazards", []), "predicted": entry.get("predicted_lock"),
                              "measured": entry["lock_defects"]})
        elif entry.get("locks_note"):
            unmeasured += 1
    return {"measured": measured, "not_measured": unmeasured, "defects": defects, "stronger_than_predicted": found,
            "by_operation": by_operation(found)}


def by_operation(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The defects grouped by operation (kind and action) and measured mode: one line each for a
    report, most frequent first, with the first statement as an example."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for defect in found:
        kind, action = str(defect.get("kind") or ""), str(defect.get("action") or "")
        mode = max((lock["mode"] for lock in defect["measured"]), key=RANK.__getitem__)
        group = groups.setdefault((kind, action, mode), {"kind": kind, "action": action, "measured": mode,
                                                         "predicted": defect["predicted"], "statements": 0,
                                                         "example": defect.get("id")})
        group["statements"] += 1
    return sorted(groups.values(), key=lambda g: (-g["statements"], g["kind"], g["action"]))


def lines(locks: dict[str, Any] | None) -> list[str]:
    """What a terminal summary says of measured locks."""
    if not locks:
        return []
    head = f"locks measured after {locks['measured']} statement(s) (pg_locks of the session)"
    if locks.get("not_measured"):
        head += f", {locks['not_measured']} not measurable (non-transactional)"
    if not locks.get("defects"):
        return [head + ": none stronger than the hazards predict"]
    found = [head + f": {locks['defects']} took a lock stronger than their hazards predict (planner defect):"]
    for group in locks.get("by_operation", []):
        found.append(f"  {group['statements']} x {group['action']} {group['kind']}: {group['measured']} measured, "
                     f"hazards admit {group['predicted']} (e.g. {group['example']})")
    return found
