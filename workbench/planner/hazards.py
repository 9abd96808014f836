"""Hazards from one table: what an operation risks follows from the operation, never from a call site.

A statement's hazards are looked up by (kind, action, clause), where the clause names the ALTER
sub-command for alters ("set not null", "type", ...) and is empty for plain CREATE / DROP /
REPLACE, then adjusted by facts about the object (the table exists before the migration, the
index is unique, the constraint is a foreign key, ...). Every operation the planner emits has a
row here (a missing row is a planner bug, raised when the statement is added), so two statements
of the same kind and action cannot disagree about their hazards.

Locks are what PostgreSQL takes, as measured from pg_locks (workbench.locks; tests/test_hazards.py
runs every lock row against PostgreSQL 18), and a lock is held until the stage's transaction
commits, however quick the statement: a "metadata-only" ALTER TABLE holds its ACCESS EXCLUSIVE
while the rest of the stage runs. So:
- ACCESS EXCLUSIVE (`access_exclusive_lock`) on an existing relation: every ALTER TABLE form but the
  ones below (ADD COLUMN, SET / DROP DEFAULT, SET / DROP NOT NULL, SET STORAGE / COMPRESSION,
  identity changes, ROW LEVEL SECURITY, REPLICA IDENTITY, OF, INHERIT, OWNER TO, ADD / DROP
  CONSTRAINT but foreign keys, ATTACH PARTITION on the partition), DROP INDEX / TRIGGER / VIEW /
  MATERIALIZED VIEW / SEQUENCE, CREATE OR REPLACE VIEW, CREATE / DROP POLICY, CREATE TABLE ...
  PARTITION OF an existing parent (on the parent), ALTER TYPE on a composite's attributes;
- SHARE or SHARE ROW EXCLUSIVE (`blocks_writes`: reads go on, writes wait): CREATE INDEX without
  CONCURRENTLY, ADD FOREIGN KEY (on both tables, NOT VALID too), CREATE [OR REPLACE] TRIGGER and
  ENABLE / DISABLE TRIGGER, ALTER SEQUENCE (nextval waits), a domain's new CHECK / NOT NULL (SHARE on
  the tables that use it, to validate them);
- SHARE UPDATE EXCLUSIVE or weaker (no lock hazard): SET STATISTICS, SET (storage parameters) of a
  table, index or materialized view, CLUSTER ON, ALTER INDEX RENAME / ATTACH PARTITION, VALIDATE
  CONSTRAINT, COMMENT, GRANT / REVOKE, CREATE STATISTICS, CREATE VIEW / TABLE (new relations, and
  ACCESS SHARE on what they read).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Iterable, Mapping

from workbench.kinds import KINDS


class Hazard(StrEnum):
    TABLE_REWRITE = "table_rewrite"
    ACCESS_EXCLUSIVE_LOCK = "access_exclusive_lock"
    BLOCKS_WRITES = "blocks_writes"
    DATA_LOSS = "data_loss"
    VALIDATES_ROWS = "validates_rows"
    NON_TRANSACTIONAL = "non_transactional"
    MAY_FAIL_ON_DATA = "may_fail_on_data"
    DISABLES_EVENT_TRIGGER = "disables_event_trigger"


MEANING: dict[Hazard, str] = {
    Hazard.TABLE_REWRITE: "rewrites the table (time and disk in proportion to its size)",
    Hazard.ACCESS_EXCLUSIVE_LOCK: ("takes an ACCESS EXCLUSIVE lock, held until its stage commits: blocks reads and "
                                   "writes of the relation meanwhile"),
    Hazard.BLOCKS_WRITES: ("takes a SHARE or SHARE ROW EXCLUSIVE lock, held until its stage commits: blocks writes "
                           "(not reads) meanwhile"),
    Hazard.DATA_LOSS: "drops or narrows data that cannot be recovered from the schema",
    Hazard.VALIDATES_ROWS: "scans existing rows to validate them",
    Hazard.NON_TRANSACTIONAL: "cannot run inside a transaction block",
    Hazard.MAY_FAIL_ON_DATA: "fails if existing rows violate it (NOT NULL, CHECK, UNIQUE, FOREIGN KEY)",
    Hazard.DISABLES_EVENT_TRIGGER: ("disables an event trigger of the target while a stage runs (enabled again at its "
                                    "end): DDL others run meanwhile is not seen by it"),
}


class Action(StrEnum):
    CREATE = "create"
    ALTER = "alter"
    REPLACE = "replace"
    DROP = "drop"


class Fact(StrEnum):
    """What is true of the object a statement is about, as far as its risk goes."""
    EXISTING_TABLE = "existing_table"          # the table is there before the migration (not new, not rebuilt)
    UNIQUE = "unique"                          # a unique index
    CONCURRENTLY = "concurrently"              # built with CONCURRENTLY (outside a transaction)
    FOREIGN_KEY = "foreign_key"                # SHARE ROW EXCLUSIVE, not ACCESS EXCLUSIVE
    KEY = "key"                                # a PRIMARY KEY or UNIQUE constraint
    USING_INDEX = "using_index"                # ADD CONSTRAINT ... USING INDEX: adopts a built index
    NOT_VALID = "not_valid"                    # added NOT VALID: existing rows are not checked
    NOT_NULL_WITHOUT_DEFAULT = "not_null_without_default"
    FILLS_ROWS = "fills_rows"                  # a new generated or identity column computes every row
    REBUILT = "rebuilt"                        # dropped to be created again by this plan: nothing is lost
    EXISTING_PARENT = "existing_parent"        # a new partition of a table that is there before the migration


@dataclass(frozen=True)
class Rule:
    """Hazards of one operation: always these, plus `when` a fact holds, less `unless` a fact holds."""
    always: frozenset[Hazard] = frozenset()
    when: Mapping[Fact, frozenset[Hazard]] = field(default_factory=dict)
    unless: Mapping[Fact, frozenset[Hazard]] = field(default_factory=dict)

    def hazards(self, facts: frozenset[Fact]) -> tuple[Hazard, ...]:
        found = set(self.always)
        for fact, added in self.when.items():
            if fact in facts:
                found |= added
        for fact, removed in self.unless.items():
            if fact in facts:
                found -= removed
        return tuple(sorted(found))


def _rule(*always: Hazard, when: Mapping[Fact, Iterable[Hazard]] | None = None,
          unless: Mapping[Fact, Iterable[Hazard]] | None = None) -> Rule:
    return Rule(frozenset(always), {f: frozenset(h) for f, h in (when or {}).items()},
                {f: frozenset(h) for f, h in (unless or {}).items()})


H, A, F = Hazard, Action, Fact
_NONE = _rule()
_LOCK = (H.ACCESS_EXCLUSIVE_LOCK,)
_VALIDATES = (H.VALIDATES_ROWS, H.MAY_FAIL_ON_DATA)
_WRITES = (H.BLOCKS_WRITES,)

# (kind, action, clause) -> Rule. Every operation the planner emits, hazard-free ones included.
TABLE: dict[tuple[str, Action, str], Rule] = {
    ("schemas", A.CREATE, ""): _NONE,
    ("schemas", A.DROP, ""): _rule(H.DATA_LOSS),
    ("extensions", A.CREATE, ""): _NONE,
    ("extensions", A.ALTER, "schema"): _NONE,
    ("extensions", A.ALTER, "version"): _NONE,
    ("extensions", A.DROP, ""): _rule(H.DATA_LOSS),
    ("types", A.CREATE, ""): _NONE,
    ("types", A.ALTER, "add value"): _NONE,
    ("types", A.ALTER, "rename"): _rule(*_LOCK),
    ("types", A.ALTER, "default"): _NONE,
    ("types", A.ALTER, "set not null"): _rule(*_VALIDATES, *_WRITES),   # SHARE on the tables using the domain
    ("types", A.ALTER, "drop not null"): _NONE,
    ("types", A.ALTER, "drop check"): _NONE,
    ("types", A.ALTER, "add check"): _rule(*_VALIDATES, *_WRITES),
    ("types", A.ALTER, "drop attribute"): _rule(H.DATA_LOSS, *_LOCK),      # a composite: its relation
    ("types", A.ALTER, "add attribute"): _rule(*_LOCK),
    ("types", A.ALTER, "attribute type"): _rule(*_LOCK),
    ("types", A.DROP, ""): _rule(H.DATA_LOSS, unless={F.REBUILT: [H.DATA_LOSS]}),
    ("sequences", A.CREATE, ""): _NONE,
    ("sequences", A.ALTER, "options"): _rule(*_WRITES),           # SHARE ROW EXCLUSIVE: nextval waits
    ("sequences", A.ALTER, "persistence"): _rule(*_LOCK),
    ("sequences", A.ALTER, "owned by"): _rule(*_WRITES),
    ("sequences", A.DROP, ""): _rule(H.DATA_LOSS, *_LOCK),
    ("tables", A.CREATE, ""): _rule(when={F.EXISTING_PARENT: _LOCK}),    # PARTITION OF: ACCESS EXCLUSIVE on the parent
    ("tables", A.ALTER, "persistence"): _rule(H.TABLE_REWRITE, *_LOCK),
    ("tables", A.ALTER, "options"): _NONE,
    ("tables", A.ALTER, "foreign options"): _rule(*_LOCK),   # a foreign table's OPTIONS (...)
    ("tables", A.ALTER, "detach partition"): _rule(*_LOCK),
    ("tables", A.ALTER, "attach partition"): _rule(*_VALIDATES, *_LOCK),   # on the partition (the parent: SHARE UPDATE EXCLUSIVE)
    ("tables", A.ALTER, "inheritance"): _rule(*_LOCK),
    ("tables", A.ALTER, "access method"): _rule(H.TABLE_REWRITE, *_LOCK),   # SET ACCESS METHOD rewrites the table
    # a column made inherited-only: renamed, added again through a helper parent, dropped; its values
    # copied over by an UPDATE of every row (a new version of each: time and disk like a rewrite)
    ("tables", A.ALTER, "column inherited"): _rule(*_LOCK),
    ("tables", A.ALTER, "column copy"): _rule(H.TABLE_REWRITE),
    ("tables", A.ALTER, "row security"): _rule(*_LOCK),
    ("tables", A.ALTER, "of type"): _rule(*_LOCK),          # OF / NOT OF (the columns must match)
    ("tables", A.ALTER, "replica identity"): _rule(*_LOCK),
    ("tables", A.DROP, ""): _rule(H.DATA_LOSS, *_LOCK),
    ("tables", A.ALTER, "rename"): _rule(*_LOCK),          # ALTER TABLE ... RENAME: the data stays
    ("columns", A.ALTER, "rename"): _rule(*_LOCK),
    ("constraints", A.ALTER, "rename"): _rule(*_LOCK),
    ("functions", A.ALTER, "rename"): _NONE,
    ("views", A.ALTER, "rename"): _rule(*_LOCK),
    ("materialized_views", A.ALTER, "rename"): _rule(*_LOCK),
    ("columns", A.CREATE, ""): _rule(when={F.EXISTING_TABLE: _LOCK, F.NOT_NULL_WITHOUT_DEFAULT: [H.MAY_FAIL_ON_DATA],
                                           F.FILLS_ROWS: [H.TABLE_REWRITE, *_LOCK]}),
    ("columns", A.ALTER, "set default"): _rule(*_LOCK),
    ("columns", A.ALTER, "drop default"): _rule(*_LOCK),
    ("columns", A.ALTER, "drop expression"): _rule(*_LOCK),
    ("columns", A.ALTER, "set expression"): _rule(H.TABLE_REWRITE, *_LOCK),
    ("columns", A.ALTER, "drop column"): _rule(H.DATA_LOSS, *_LOCK),
    ("columns", A.ALTER, "add column"): _rule(H.TABLE_REWRITE, *_LOCK),
    ("columns", A.ALTER, "drop identity"): _rule(*_LOCK),
    ("columns", A.ALTER, "identity"): _rule(*_LOCK),
    ("columns", A.ALTER, "sequence position"): _NONE,
    ("columns", A.ALTER, "type"): _rule(H.TABLE_REWRITE, *_LOCK, H.MAY_FAIL_ON_DATA),
    ("columns", A.ALTER, "set not null"): _rule(*_VALIDATES, *_LOCK),
    ("columns", A.ALTER, "drop not null"): _rule(*_LOCK),
    ("columns", A.ALTER, "not null name"): _rule(*_LOCK),   # RENAME CONSTRAINT of a NOT NULL (PostgreSQL 18)
    ("columns", A.ALTER, "set statistics"): _NONE,         # SHARE UPDATE EXCLUSIVE
    ("columns", A.ALTER, "set storage"): _rule(*_LOCK),     # rows already stored keep their form: no rewrite
    ("columns", A.ALTER, "set compression"): _rule(*_LOCK),  # likewise: only new values are compressed so
    ("columns", A.ALTER, "identity options"): _rule(*_LOCK),   # ALTER COLUMN SET ...: ACCESS EXCLUSIVE on the table
    ("columns", A.ALTER, "identity sequence"): _rule(*_LOCK),  # its name (ALTER SEQUENCE ... RENAME)
    ("columns", A.ALTER, "options"): _rule(*_LOCK),         # a foreign table's column OPTIONS (...)
    ("columns", A.ALTER, "attribute options"): _NONE,      # SET / RESET (n_distinct ...): SHARE UPDATE EXCLUSIVE
    # ALTER CONSTRAINT ... INHERIT (PostgreSQL 18) sets NOT NULL on the inheriting tables, checking their rows
    ("columns", A.ALTER, "not null inherit"): _rule(*_VALIDATES, *_LOCK),
    ("columns", A.ALTER, "not null no inherit"): _rule(*_LOCK),   # ... NO INHERIT: ALTER CONSTRAINT, ACCESS EXCLUSIVE
    ("columns", A.DROP, ""): _rule(H.DATA_LOSS, *_LOCK),
    # a domain CHECK taken off a function dropped and created again (functions.predrop)
    ("types", A.DROP, "drop check"): _NONE,
    ("functions", A.CREATE, ""): _NONE,
    ("functions", A.REPLACE, ""): _NONE,
    ("functions", A.DROP, ""): _rule(H.DATA_LOSS, unless={F.REBUILT: [H.DATA_LOSS]}),
    ("views", A.CREATE, ""): _NONE,
    ("views", A.REPLACE, ""): _rule(*_LOCK),
    ("views", A.DROP, ""): _rule(*_LOCK),
    ("materialized_views", A.CREATE, ""): _NONE,
    ("materialized_views", A.ALTER, "refresh"): _rule(*_LOCK),       # REFRESH [WITH NO DATA]: runs the query
    ("materialized_views", A.ALTER, "options"): _NONE,
    ("materialized_views", A.DROP, ""): _rule(*_LOCK),
    ("triggers", A.CREATE, ""): _rule(when={F.EXISTING_TABLE: _WRITES}),    # SHARE ROW EXCLUSIVE
    ("triggers", A.REPLACE, ""): _rule(when={F.EXISTING_TABLE: _WRITES}),
    ("triggers", A.ALTER, "enable"): _rule(when={F.EXISTING_TABLE: _WRITES}),
    ("triggers", A.DROP, ""): _rule(*_LOCK),
    ("indexes", A.CREATE, ""): _rule(when={F.UNIQUE: [H.MAY_FAIL_ON_DATA], F.EXISTING_TABLE: [H.BLOCKS_WRITES],
                                           F.CONCURRENTLY: [H.NON_TRANSACTIONAL]},
                                     unless={F.CONCURRENTLY: [H.BLOCKS_WRITES]}),
    ("indexes", A.ALTER, "attach partition"): _NONE,       # SHARE UPDATE EXCLUSIVE, catalog only
    ("indexes", A.ALTER, "rename"): _NONE,                 # the index PostgreSQL made for a new partition
    ("indexes", A.ALTER, "cluster"): _NONE,                # CLUSTER ON / SET WITHOUT CLUSTER: a flag, SHARE UPDATE EXCLUSIVE
    ("indexes", A.ALTER, "replica identity"): _rule(*_LOCK),   # REPLICA IDENTITY USING INDEX: ALTER TABLE
    ("indexes", A.ALTER, "options"): _NONE,                # ALTER INDEX SET / RESET (...): later builds only
    ("indexes", A.DROP, ""): _rule(*_LOCK),
    # a foreign key: SHARE ROW EXCLUSIVE on its table and on the referenced one (there before the
    # migration, mostly: a key between two new tables is said to block writes too), NOT VALID or not
    ("constraints", A.CREATE, ""): _rule(when={F.EXISTING_TABLE: [*_LOCK, *_VALIDATES], F.FOREIGN_KEY: _WRITES},
                                         unless={F.FOREIGN_KEY: _LOCK, F.USING_INDEX: _VALIDATES,
                                                 F.NOT_VALID: _VALIDATES}),
    ("constraints", A.ALTER, "validate"): _rule(*_VALIDATES),
    ("constraints", A.DROP, ""): _rule(*_LOCK, when={F.KEY: [H.DATA_LOSS]}, unless={F.REBUILT: [H.DATA_LOSS]}),
    ("policies", A.CREATE, ""): _rule(when={F.EXISTING_TABLE: _LOCK}),
    ("policies", A.DROP, ""): _rule(when={F.EXISTING_TABLE: _LOCK}),
    ("comments", A.CREATE, ""): _NONE,
    ("comments", A.ALTER, ""): _NONE,
    ("comments", A.DROP, ""): _NONE,
    ("privileges", A.CREATE, ""): _NONE,
    ("privileges", A.ALTER, "revoke"): _NONE,
    ("privileges", A.ALTER, "grant"): _NONE,
    ("privileges", A.DROP, ""): _NONE,
    ("default_privileges", A.CREATE, ""): _NONE,
    ("default_privileges", A.ALTER, "revoke"): _NONE,
    ("default_privileges", A.ALTER, "grant"): _NONE,
    ("default_privileges", A.DROP, ""): _NONE,
}


# ALTER ... OWNER TO (--with-owners, planner/owners.py): one catalog row updated, for every kind whose
# objects have owners; a relation's (a table with its indexes and sequences) is ACCESS EXCLUSIVE
_RELATIONS = {"tables", "views", "materialized_views", "sequences"}
TABLE.update({(name, A.ALTER, "owner"): _rule(*_LOCK) if name in _RELATIONS else _NONE
              for name, entry in KINDS.items() if entry.owned})


class UnknownOperation(LookupError):
    """The planner emitted an operation the hazard table does not list (a planner bug)."""


_CACHE: dict[tuple[str, str, str, frozenset[Fact]], tuple[Hazard, ...]] = {}


def hazards(kind: str, action: Action | str, clause: str = "", facts: Iterable[Fact] = ()) -> tuple[Hazard, ...]:
    """The hazards of one operation on one object, sorted by name."""
    key = (kind, str(action), clause, frozenset(facts))
    found = _CACHE.get(key)
    if found is None:
        rule = TABLE.get((kind, Action(action), clause))
        if rule is None:
            raise UnknownOperation(f"no hazard rule for {action} {kind}" + (f" ({clause})" if clause else ""))
        found = _CACHE[key] = rule.hazards(key[3])
    return found
