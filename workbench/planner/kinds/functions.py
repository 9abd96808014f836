"""Functions, procedures and aggregates (stage 04, check_function_bodies off). CREATE OR REPLACE
where PostgreSQL allows it; a changed kind, result type or parameter name needs DROP and CREATE,
and takes the views and triggers that use the function along."""
from __future__ import annotations

from typing import Iterable

from workbench.kinds import Identity, Key, Row
from workbench.planner.context import Context, functions_used, json_list
from workbench.planner.hazards import Fact
from workbench.planner.kinds.base import BUILDERS, Builder, builds
from workbench.planner.kinds.comments import domain_check_comment_again
from workbench.planner.model import STAGE_INDEX, Stage
from workbench.planner.quote import ident, qualified

FUNCTIONS = Stage.FUNCTIONS
# what is dropped and created again with a function that is (by its catalog facts, pg_depend)
_RECREATED_WITH_FUNCTION = ("views", "materialized_views", "constraints", "indexes")


def _needed_at(ctx: Context) -> dict[Identity, Stage]:
    """The functions to create that an object of an earlier stage calls (a domain's CHECK, a
    generated column: their builders' depends_on), and the earliest stage that needs each: they
    are created there, and so are the functions those need (an aggregate's, say). Worked out once,
    when the first function is built: every kind of the earlier stages is built by then."""
    found: dict[Identity, Stage] | None = ctx.__dict__.get("_functions_needed_at")
    if found is not None:
        return found
    from workbench.planner.graph import needs

    found = {}
    for function, stage in needs(ctx, "functions"):
        if STAGE_INDEX[stage] < STAGE_INDEX[found.get(function, FUNCTIONS)]:
            found[function] = stage
    pending = list(found)
    while pending:
        function = pending.pop()
        row = ctx.definition_row("functions", function)
        for kind, used in (BUILDERS["functions"].depends_on(ctx, row) if row is not None else ()):
            if kind == "functions" and STAGE_INDEX[found[function]] < STAGE_INDEX[found.get(used, FUNCTIONS)]:
                found[used] = found[function]
                pending.append(used)
    ctx.__dict__["_functions_needed_at"] = found
    return found


def predrop(ctx: Context, function: Identity, stage: str, note: str) -> str:
    """DROP of a function to be created again, in `stage`: after the column defaults, generated
    expressions and domain CHECKs of the target that call it are taken off it (DROP FUNCTION
    refuses while one does; _users_again puts them back after the create). Those are written as
    drops (of what needs the function): so the object edges order them before the function's drop,
    and their return after its create. Returns the drop's id."""
    drops = [ctx.add(stage, "columns", column, "alter",
                     f"ALTER TABLE {qualified(*column[:2])} ALTER COLUMN {ident(column[2])} DROP DEFAULT",
                     clause="drop default", step="default dropped",
                     note="its default calls a function dropped and created again")
             for column in _default_callers(ctx, function)]
    # a generated column is dropped and added again (DROP EXPRESSION would leave a plain column, and
    # SET EXPRESSION takes only a generated one): its values are computed again, none is lost
    drops += [ctx.add(stage, "columns", column, "drop",
                      BUILDERS["columns"].drop_sql(column, ctx.target("columns", column), if_exists=False),
                      step="generated column dropped",
                      note="its generated expression calls a function dropped and created again; added again after it")
              for column in _generated_callers(ctx, function)]
    drops += [ctx.add(stage, "types", domain, "drop", f"ALTER DOMAIN {qualified(*domain)} DROP CONSTRAINT {ident(check)}",
                      clause="drop check", step=f"check {check} dropped",
                      note="it calls a function dropped and created again")
              for domain, check, _ in _domain_checks_calling(ctx, function)]
    return ctx.add(stage, "functions", function, "drop", BUILDERS["functions"].drop_sql(function, ctx.target("functions", function)),
                   facts=[Fact.REBUILT], step="recreate", note=note, depends_on=drops)


def _default_callers(ctx: Context, function: Identity) -> list[Identity]:
    """The columns of the target whose default calls the function."""
    return [column for column, row in ctx.target_rows.get("columns", {}).items()
            if not row.get("generated") and function in functions_used(row)]


def _generated_callers(ctx: Context, function: Identity) -> list[Identity]:
    """The target's generated columns whose expression calls the function and that the source has
    as they are (a column whose expression changes is the columns builder's)."""
    found = []
    for column, row in ctx.target_rows.get("columns", {}).items():
        if row.get("generated") and function in functions_used(row):
            wanted = ctx.source("columns", column)
            if (wanted is not None and (wanted.get("generated"), wanted.get("generated_kind"))
                    == (row.get("generated"), row.get("generated_kind")) and ("tables", column[:2]) not in ctx.recreated):
                found.append(column)
    return found


def _domain_checks_calling(ctx: Context, function: Identity) -> list[tuple[Identity, str, str]]:
    """(domain, check, definition) of the target's domain CHECKs that call the function (by name, or
    every check of a domain that calls it) and that the source keeps as they are (a changed one
    the types builder drops and adds itself, in stage 00)."""
    found = []
    for domain, row in ctx.target_rows.get("types", {}).items():
        if function not in functions_used(row):
            continue
        checks = [(str(n), str(d)) for n, d in json_list(row.get("checks"))]
        calling = [(n, d) for n, d in checks if f"{function[1]}(" in d] or checks
        wanted = dict((str(n), str(d)) for n, d in json_list((ctx.source("types", domain) or {}).get("checks")))
        found += [(domain, n, d) for n, d in calling if wanted.get(n) == d]
    return found


def _users_again(ctx: Context, function: Identity, create: str) -> None:
    """After a function dropped for its change is created again: the generated expressions and
    domain CHECKs taken off it (predrop) are put back."""
    from workbench.planner.kinds.columns import column_definition

    for column in _generated_callers(ctx, function):
        wanted = ctx.source("columns", column)
        assert wanted is not None                                     # _generated_callers made sure
        ctx.add(FUNCTIONS, "columns", column, "create",
                f"ALTER TABLE {qualified(*column[:2])} ADD COLUMN {column_definition(ctx, wanted)}",
                facts=[Fact.FILLS_ROWS], step="generated column again", depends_on=[create],
                note="its generated expression calls the function created again above")
    for domain, check, definition in _domain_checks_calling(ctx, function):
        domain_check_comment_again(ctx, domain, check)      # its comment went with the DROP CONSTRAINT
        ctx.add(FUNCTIONS, "types", domain, "alter",
                f"ALTER DOMAIN {qualified(*domain)} ADD CONSTRAINT {ident(check)} {definition}",
                clause="add check", step=f"check {check} again", depends_on=[create],
                note="it calls the function created again above")


def _defaults_again(ctx: Context, function: Identity) -> list[tuple[Identity, str]]:
    """(column, the source's default) of the defaults dropped before the function (predrop), to set
    again once it is created: not when the source has no default there, nor when the column's own
    change sets it later (stage 09)."""
    again = []
    for column in _default_callers(ctx, function):
        wanted = ctx.source("columns", column)
        if wanted is not None and wanted.get("default_value") is not None and not _set_later(ctx, column):
            again.append((column, wanted["default_value"]))
    return again


def _set_later(ctx: Context, column: Identity) -> bool:
    """Whether the plan sets the column's default after stage 04 already (it calls a new function)."""
    return any(s.kind == "columns" and tuple(s.identity.values()) == column and s.stage == Stage.FINISHING
               for s in ctx.statements)


def function_signature(identity: Identity) -> str:
    schema, name, arguments = identity
    return f"{qualified(schema, name)}({arguments})"


def _replaceable(source: Row, target: Row) -> bool:
    """CREATE OR REPLACE keeps the function (and what depends on it) when its kind and result type
    stay, and its parameters keep their modes, types and names (a target parameter without a name
    may get one) and lose no default; anything else needs DROP and CREATE (PostgreSQL refuses:
    'cannot change routine kind', 'cannot change name of input parameter', 'cannot remove
    parameter defaults from existing function')."""
    if source["function_kind"] != target["function_kind"] or source["returns"] != target["returns"]:
        return False
    if source["signature"] == target["signature"]:
        return True
    wanted, present = _parameters(source["definition"]), _parameters(target["definition"])
    if wanted is None or present is None or len(wanted) != len(present):
        return False
    for (name, mode, data_type, _), (old_name, old_mode, old_type, _) in zip(wanted, present):
        if mode != old_mode or data_type != old_type or (old_name and name != old_name):
            return False
    return sum(d for *_, d in wanted) >= sum(d for *_, d in present)


def _parameters(definition: str | None) -> list[tuple[str, str, str, bool]] | None:
    """(name, mode, type, has a default) of each parameter of a CREATE FUNCTION / PROCEDURE, read
    from its parse tree (None when it does not parse as one)."""
    from pglast import parse_sql
    from pglast.parser import ParseError
    from pglast.stream import RawStream

    try:
        statement = parse_sql(definition or "")[0].stmt
    except (ParseError, IndexError):
        return None
    parameters = getattr(statement, "parameters", None)
    if type(statement).__name__ != "CreateFunctionStmt":
        return None
    return [(p.name or "", "i" if p.mode in ("i", "d") else str(p.mode), str(RawStream()(p.argType)),
             p.defexpr is not None) for p in parameters or ()]


@builds
class Functions(Builder):
    kind = "functions"

    def create(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["arguments"])
        if row.get("internal"):
            return                                   # a range constructor: made by CREATE TYPE
        if not row.get("definition"):
            ctx.skip("functions", identity, f"this {row['function_kind']} (ordered-set, moving-aggregate or window) "
                                            "is not planned: create it by hand")
            return
        stage = _needed_at(ctx).get(identity, FUNCTIONS)
        depends: list[str] = []
        defaults = _defaults_again(ctx, identity) if ("functions", identity) in ctx.predropped else []
        if ("functions", identity) in ctx.predrop_ids:            # dropped in an earlier stage (predrop)
            depends.append(ctx.predrop_ids[("functions", identity)])
        elif ("functions", identity) in ctx.predropped:
            depends.append(predrop(ctx, identity, stage, "its signature or result type changes"))
        note = "" if stage == FUNCTIONS else f"created ahead of {FUNCTIONS.value}: an object of this stage calls it"
        create = ctx.add(stage, "functions", identity, "create", row["definition"], depends_on=depends, note=note)
        if ("functions", identity) in ctx.predropped:
            _users_again(ctx, identity, create)
        for column, default in defaults:
            ctx.add(FUNCTIONS, "columns", column, "alter",
                    f"ALTER TABLE {qualified(*column[:2])} ALTER COLUMN {ident(column[2])} SET DEFAULT {default}",
                    clause="set default", step="default again", depends_on=[create],
                    note="its default calls the function created again above")

    def depends_on(self, ctx: Context, row: Row) -> Iterable[Key]:
        """The types of its signature (pg_depend: types, and the tables whose row type it uses), and
        an aggregate its state, final and combine functions (CREATE AGGREGATE checks them)."""
        types: list[Key] = [(used[0], tuple(used[1:])) for used in json_list(row.get("depends_on_types"))]
        if row["function_kind"] != "aggregate" or not row.get("aggregate"):
            return types
        return types + [("functions", identity) for identity in ctx.function_names_in(row["aggregate"])]

    def alter(self, ctx: Context, source: Row, target: Row, differences: tuple[str, ...]) -> None:
        identity = (source["schema"], source["name"], source["arguments"])
        if ("functions", identity) in ctx.recreated or source.get("internal"):
            return
        if source["function_kind"] == "aggregate":            # no CREATE OR REPLACE AGGREGATE before PG 16
            drop = ctx.add(FUNCTIONS, "functions", identity, "drop", self.drop_sql(identity, target),
                           facts=[Fact.REBUILT], step="recreate")
            ctx.add(FUNCTIONS, "functions", identity, "create", source["definition"], depends_on=[drop])
            return
        ctx.add(FUNCTIONS, "functions", identity, "replace", source["definition"])

    def drop(self, ctx: Context, row: Row) -> None:
        identity = (row["schema"], row["name"], row["arguments"])
        if not row.get("internal"):
            ctx.add(Stage.DROPS, "functions", identity, "drop", self.drop_sql(identity, row))

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get((row or {}).get("function_kind", ""), "FUNCTION")
        return f"DROP {word} IF EXISTS {function_signature(identity)}"

    def names(self, identity: Identity) -> set[str]:
        return {function_signature(identity)}

    def owned_object(self, identity: Identity, row: Row) -> str:
        word = {"procedure": "PROCEDURE", "aggregate": "AGGREGATE"}.get(row.get("function_kind", ""), "FUNCTION")
        return f"{word} {function_signature(identity)}"

    def recreations(self, ctx: Context) -> None:
        """Changed functions that CREATE OR REPLACE cannot change are dropped and created (with what
        uses them: recreate_with_users)."""
        for identity, source, target in ctx.changed("functions"):
            if not source.get("internal") and not _replaceable(source, target):
                recreate_with_users(ctx, identity, FUNCTIONS)


def recreate_with_users(ctx: Context, function: Identity, stage: Stage) -> None:
    """Mark a function to be dropped (in `stage`) and created again; the views, CHECK constraints,
    indexes and triggers of the target that use it go before it and come back after it (column
    defaults are dropped and set again around it: predrop)."""
    ctx.recreate("functions", function, before_stage=stage)
    for kind in _RECREATED_WITH_FUNCTION:
        for key, row in ctx.target_rows.get(kind, {}).items():
            if function in functions_used(row) and not row.get("backs_constraint"):
                ctx.recreate(kind, key, before_stage=stage)
    for trigger, row in ctx.target_rows.get("triggers", {}).items():
        if (row["function_schema"], row["function_name"], row["function_arguments"]) == function:
            ctx.recreate("triggers", trigger, before_stage=stage)
