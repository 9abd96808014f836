"""Hazards come from one table (planner/hazards.py), and the table says what PostgreSQL does: every
lock hazard is checked against pg_locks of the statement run on the real target."""
from __future__ import annotations

import dataclasses

import psycopg
import pytest

from workbench.compare import compare
from workbench.planner import PlanOptions, Statement, plan
from workbench.planner.hazards import Action, Fact, Hazard, UnknownOperation, hazards
from workbench.planner.model import Plan, Stage
from workbench.snapshot import capture

SOURCE = """
CREATE TABLE t (a int, b int);
CREATE INDEX t_changed ON t (b);
CREATE INDEX t_new ON t (a, b);
CREATE TABLE fresh (a int);
CREATE INDEX fresh_a ON fresh (a);
"""
TARGET = """
CREATE TABLE t (a int, b int);
CREATE INDEX t_changed ON t (a);
CREATE INDEX t_gone ON t (b);
CREATE UNIQUE INDEX t_unique_gone ON t (a, b);
ALTER TABLE t ADD CONSTRAINT t_check CHECK (a > 0);
ALTER TABLE t ADD CONSTRAINT t_key UNIQUE (b);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_stamp BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION stamp();
"""


@pytest.fixture(scope="module")
def pair(pg):
    dsns = {}
    for side, sql in (("source", SOURCE), ("target", TARGET)):
        name = f"hazards_{side}"
        pg.drop_database(name)
        pg.create_database(name)
        with psycopg.connect(pg.dsn(name), autocommit=True) as conn:
            conn.execute(sql)
        dsns[side] = pg.dsn(name)
    yield dsns
    for side in dsns:
        pg.drop_database(f"hazards_{side}")


def _locks_on_t(dsn: str, statement: Statement) -> set[str]:
    """The lock modes the statement's session holds on table t, the statement run and rolled back."""
    with psycopg.connect(dsn) as conn:
        conn.execute(statement.rehearsal_sql or statement.sql)
        modes = {mode for (mode,) in conn.execute(
            "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = 'public.t'::regclass")}
        conn.rollback()
    return modes


def test_drops_of_indexes_triggers_constraints_lock_the_table_and_say_so(pair):
    drift = compare(capture(pair["source"]), capture(pair["target"]))
    statements = [s for s in plan(drift, PlanOptions(allow_drops=True)).statements
                  if s.kind in ("indexes", "triggers", "constraints") and s.identity.get("table") == "t"]
    drops = [s for s in statements if s.action == Action.DROP]
    assert {(s.kind, s.identity["name"]) for s in drops} == {
        ("indexes", "t_changed"), ("indexes", "t_gone"), ("indexes", "t_unique_gone"), ("triggers", "t_stamp"),
        ("constraints", "t_check"), ("constraints", "t_key")}
    for statement in drops:
        assert Hazard.ACCESS_EXCLUSIVE_LOCK in statement.hazards, statement.sql
        assert "AccessExclusiveLock" in _locks_on_t(pair["target"], statement), statement.sql
    # the same kind and action agree: the recreation's DROP INDEX (stage 07) and the stage 10 drop
    assert {s.stage for s in drops if s.kind == "indexes"} == {Stage.INDEXES, Stage.DROPS}
    assert len({s.hazards for s in drops if s.kind == "indexes"}) == 1
    # dropping a key loses the guarantee it gave; a check constraint only the lock
    key, check = (next(s for s in drops if s.identity["name"] == n) for n in ("t_key", "t_check"))
    assert Hazard.DATA_LOSS in key.hazards and Hazard.DATA_LOSS not in check.hazards


def test_create_index_blocks_writes_on_an_existing_table_only(pair):
    drift = compare(capture(pair["source"]), capture(pair["target"]))
    creates = {s.identity["name"]: s for s in plan(drift).statements if s.kind == "indexes" and s.action == Action.CREATE}
    on_existing, on_new = creates["t_new"], creates["fresh_a"]
    assert Hazard.BLOCKS_WRITES in on_existing.hazards and Hazard.BLOCKS_WRITES in creates["t_changed"].hazards
    assert "ShareLock" in _locks_on_t(pair["target"], on_existing)          # SHARE: reads go on, writes wait
    assert Hazard.BLOCKS_WRITES not in on_new.hazards                        # the table is created by the plan
    concurrent = {s.identity["name"]: s for s in plan(drift, PlanOptions(concurrently=True)).statements
                  if s.kind == "indexes" and s.action == Action.CREATE}["t_new"]
    assert concurrent.hazards == (Hazard.NON_TRANSACTIONAL,)


def test_the_table_answers_for_every_operation_and_refuses_unknown_ones():
    assert hazards("indexes", "create", facts=[Fact.EXISTING_TABLE, Fact.UNIQUE]) == (
        Hazard.BLOCKS_WRITES, Hazard.MAY_FAIL_ON_DATA)
    # a foreign key: SHARE ROW EXCLUSIVE on both tables (blocks writes), NOT VALID or not; a NOT VALID
    # CHECK still takes ACCESS EXCLUSIVE, it only leaves the rows unchecked
    assert hazards("constraints", "create", facts=[Fact.EXISTING_TABLE, Fact.FOREIGN_KEY]) == (
        Hazard.BLOCKS_WRITES, Hazard.MAY_FAIL_ON_DATA, Hazard.VALIDATES_ROWS)
    assert hazards("constraints", "create", facts=[Fact.EXISTING_TABLE, Fact.FOREIGN_KEY, Fact.NOT_VALID]) == (
        Hazard.BLOCKS_WRITES,)
    assert hazards("constraints", "create", facts=[Fact.EXISTING_TABLE, Fact.NOT_VALID]) == (
        Hazard.ACCESS_EXCLUSIVE_LOCK,)
    # ADD COLUMN holds ACCESS EXCLUSIVE to the stage's commit, however brief the statement
    assert hazards("columns", "create", facts=[Fact.EXISTING_TABLE]) == (Hazard.ACCESS_EXCLUSIVE_LOCK,)
    assert hazards("triggers", "create", facts=[Fact.EXISTING_TABLE]) == (Hazard.BLOCKS_WRITES,)
    assert hazards("views", "replace") == (Hazard.ACCESS_EXCLUSIVE_LOCK,)
    assert hazards("functions", "drop", facts=[Fact.REBUILT]) == ()
    with pytest.raises(UnknownOperation, match="alter indexes .frobnicate."):
        hazards("indexes", "alter", "frobnicate")


def test_statements_are_frozen_values_with_enums_after_a_round_trip_through_json(pair):
    drift = compare(capture(pair["source"]), capture(pair["target"]))
    planned = plan(drift, PlanOptions(allow_drops=True))
    statement = planned.statements[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.sql = "DROP TABLE t"                           # type: ignore[misc]
    again = Plan.from_dict(planned.to_dict())
    assert again.statements == planned.statements
    assert all(isinstance(s.stage, Stage) and isinstance(s.action, Action)
               and all(isinstance(h, Hazard) for h in s.hazards) for s in again.statements)


# --- every lock the table predicts, against what PostgreSQL takes ----------------------------------
LOCKS_TARGET = """
CREATE TABLE p (id int PRIMARY KEY, code text);
CREATE TABLE c (id int PRIMARY KEY, p int, v int, s text, n int NOT NULL);
CREATE SEQUENCE sq;
CREATE VIEW vw AS SELECT id FROM p;
CREATE TABLE parted (k int) PARTITION BY RANGE (k);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER c_gone BEFORE UPDATE ON c FOR EACH ROW EXECUTE FUNCTION f();
CREATE TRIGGER c_off BEFORE DELETE ON c FOR EACH ROW EXECUTE FUNCTION f();
CREATE DOMAIN dom AS int;
CREATE TABLE d (x dom);
"""
LOCKS_SOURCE = """
CREATE TABLE p (id int PRIMARY KEY, code text, extra int);
CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p, v int NOT NULL DEFAULT 0, s text, n int);
ALTER TABLE c ADD CONSTRAINT c_v CHECK (v >= 0);
CREATE SEQUENCE sq INCREMENT 5;
CREATE VIEW vw AS SELECT id, code FROM p;
CREATE TABLE parted (k int) PARTITION BY RANGE (k);
CREATE TABLE part1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER c_t BEFORE INSERT ON c FOR EACH ROW EXECUTE FUNCTION f();
CREATE TRIGGER c_off BEFORE DELETE ON c FOR EACH ROW EXECUTE FUNCTION f();
ALTER TABLE c DISABLE TRIGGER c_off;
CREATE POLICY pol ON p USING (true);
CREATE DOMAIN dom AS int CHECK (VALUE > 0);
CREATE TABLE d (x dom);
"""


def test_every_lock_the_table_predicts_is_what_postgresql_takes(make_db):
    """Each statement of a plan that adds columns, keys, triggers, a policy, a partition, changes
    defaults, nullability, a view, a sequence and a domain, run alone in its own transaction (so it
    is credited with every lock it takes, not only those its stage did not hold yet), measured from
    pg_locks by workbench.locks: no lock stronger than its hazards admit."""
    from workbench.locks import RANK, LockMeter, predicted_mode

    source, target = make_db(LOCKS_SOURCE), make_db(LOCKS_TARGET)
    made = plan(compare(capture(source), capture(target)), PlanOptions(allow_drops=True))
    measured: dict[str, list[dict[str, str]]] = {}
    with psycopg.connect(target, autocommit=True) as conn:
        meter = LockMeter(conn)
        assert meter.server_side               # the diff the server makes (the TEMP privilege is there)
        for statement in made.statements:
            with conn.transaction():
                meter.begin()
                conn.execute(statement.sql)
                measured[statement.id] = meter.after()
    defects = {s.id: (s.hazards, measured[s.id]) for s in made.statements
               if any(RANK[lock["mode"]] > RANK[predicted_mode(s.hazards)] for lock in measured[s.id])}
    assert defects == {}
    by_id = {s.id: s for s in made.statements}
    strongest = {i: {lock["relation"]: lock["mode"] for lock in locks} for i, locks in measured.items()}
    # the operations the table once called brief, or lock-free, and what PostgreSQL takes for them
    assert strongest["create:columns:public.p.extra"] == {"public.p": "AccessExclusiveLock"}
    fk = next(i for i in measured if i.startswith("create:constraints:public.c.c_p_fkey"))
    assert {"public.c": "ShareRowExclusiveLock", "public.p": "ShareRowExclusiveLock"}.items() <= strongest[fk].items()
    assert Hazard.BLOCKS_WRITES in by_id[fk].hazards and Hazard.ACCESS_EXCLUSIVE_LOCK not in by_id[fk].hazards
    assert strongest["create:triggers:public.c.c_t"] == {"public.c": "ShareRowExclusiveLock"}
    assert strongest["replace:views:public.vw"]["public.vw"] == "AccessExclusiveLock"
    assert strongest["create:policies:public.p.pol"] == {"public.p": "AccessExclusiveLock"}
    assert strongest["create:tables:public.part1"] == {"public.parted": "AccessExclusiveLock"}
    assert strongest["alter:sequences:public.sq"] == {"public.sq": "ShareRowExclusiveLock"}
    assert {"public.d": "ShareLock"}.items() <= next(
        strongest[i] for i in measured if i.startswith("alter:types:public.dom")).items()
    assert any(i.startswith("alter:triggers:public.c.c_off") for i in measured)
    assert any(i.startswith("alter:columns:public.c.v") for i in measured)
