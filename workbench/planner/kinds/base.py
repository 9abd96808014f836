"""The one face every kind's builder has, and the registry that holds one builder per kind.

A builder turns one object's rows into Statements (through `ctx.add`): `create(ctx, row)` for an
object the target lacks (or one dropped to be made again), `alter(ctx, source, target,
differences)` for one both sides hold differently, `drop(ctx, row)` for a target-only object
(stage 10, with --allow-drops), and `depends_on(ctx, row)`: the objects this one needs, as
(kind, identity) keys. Those keys are the edges the plan is ordered by (planner/graph.py): a
create waits for the creates of what it needs, and a drop of what it needs waits for its drop.
`drop_sql` is the only place a kind's DROP statement is written; `names` is how comments.sql and
privileges.sql spell the object (their `object` column), so that what is dropped takes its
comments and grants along. A kind whose objects have owners (Kind.owned) says how ALTER ... OWNER
TO names one (`owned_object`); `owner_sql` writes that statement for every kind, and
planner/owners.py decides when (--with-owners).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Iterable, Mapping

from workbench.kinds import Identity, Row
from workbench.planner.hazards import Action, Rule
from workbench.planner.quote import ident

if TYPE_CHECKING:
    from workbench.kinds import Kind
    from workbench.planner.context import Context

Key = tuple[str, Identity]           # (kind, identity)


class Builder:
    """Defaults: a kind with nothing to alter, no dependencies and no names of its own."""
    kind: ClassVar[str] = ""
    # (action, ALTER clause) -> Rule: the kind's rows of the hazard table (planner/hazards.py), for a
    # kind whose rows are not there yet
    hazard_rules: ClassVar[dict[tuple[Action, str], Rule]] = {}

    def create(self, ctx: "Context", row: Row) -> None:
        raise NotImplementedError(f"{self.kind}: create")

    def alter(self, ctx: "Context", source: Row, target: Row, differences: tuple[str, ...]) -> None:
        """Nothing to alter by default: a kind whose compared fields all need drop and create says so."""

    def drop(self, ctx: "Context", row: Row) -> None:
        raise NotImplementedError(f"{self.kind}: drop")

    def depends_on(self, ctx: "Context", row: Row) -> Iterable[Key]:
        return ()

    def drop_sql(self, identity: Identity, row: Row | None, *, if_exists: bool = True) -> str:
        raise NotImplementedError(f"{self.kind}: drop_sql")

    def names(self, identity: Identity) -> set[str]:
        return set()

    def owned_object(self, identity: Identity, row: Row) -> str:
        """The object as ALTER ... OWNER TO names it ('TABLE public.t'), for an owned kind (Kind.owned)."""
        raise NotImplementedError(f"{self.kind}: owned_object")

    def owner_sql(self, identity: Identity, row: Row, role: str) -> str:
        """ALTER <object> OWNER TO role: the one place an owner statement is written."""
        return f"ALTER {self.owned_object(identity, row)} OWNER TO {ident(role)}"

    def finish(self, ctx: "Context") -> None:
        """After every create and alter of the kind, before its drops: what needs all of them
        (the partitions' indexes, attached to their parents' once both exist)."""

    def recreations(self, ctx: "Context") -> None:
        """Before any statement is built: mark the objects that a change of this kind forces to be
        dropped and created again (ctx.recreate)."""


class RegistryError(ImportError):
    """The kinds registry and the builders disagree: raised while the planner is imported."""


BUILDERS: dict[str, Builder] = {}


def builds(cls: type[Builder]) -> type[Builder]:
    """Class decorator: register the builder of `cls.kind`; a second builder for a kind is refused."""
    if cls.kind in BUILDERS:
        raise RegistryError(f"kind {cls.kind} has two builders: {type(BUILDERS[cls.kind]).__name__} "
                            f"and {cls.__name__}")
    BUILDERS[cls.kind] = cls()
    return cls


def check_registry(kinds: Mapping[str, "Kind"], builders: Mapping[str, Builder], stages: Iterable[str]) -> None:
    """Every registered kind has exactly one builder and a known stage; no builder lacks a kind."""
    known_stages = set(stages)
    missing = [kind for kind in kinds if kind not in builders]
    if missing:
        raise RegistryError(f"kind {', '.join(missing)} has no builder (add workbench/planner/kinds/"
                            f"{missing[0]}.py with a @builds class for it)")
    stray = [kind for kind in builders if kind not in kinds]
    if stray:
        raise RegistryError(f"builder for {', '.join(stray)}, which is not a registered kind")
    bad = [kind for kind, entry in kinds.items() if entry.stage not in known_stages]
    if bad:
        raise RegistryError(f"kind {', '.join(bad)} names no known stage")
    unowned = [kind for kind, entry in kinds.items()
               if entry.owned and type(builders[kind]).owned_object is Builder.owned_object]
    if unowned:
        raise RegistryError(f"kind {', '.join(unowned)} has owners but its builder has no owned_object "
                            f"(how ALTER ... OWNER TO names its objects)")
