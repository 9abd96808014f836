"""Generic options (OPTIONS (key 'value', ...)) of foreign data wrappers, servers, user mappings,
foreign tables and their columns: written from a catalog's JSON list of [key, value] pairs (in
the catalog's order, which is the order pg_dump writes them in), keys quoted as identifiers and
values as literals, never as text from the snapshot.

A change is one `OPTIONS (...)` clause of ALTER: DROP the keys that go, SET the values that change,
ADD the new keys (appended, as PostgreSQL does). When the keys kept would come out in another order
than the source's, every key is dropped and added again in the source's order: the catalog (and
pg_dump) then read the same.

Storage parameters (`WITH (...)` of tables, indexes, matviews) and a column's attribute options
(`ALTER COLUMN ... SET (n_distinct=...)`) are the other option list: `key=value,...` as the catalog
spells them (checked by fragments.reloptions), changed by RESET and SET (option_changes)."""
from __future__ import annotations

import json

from workbench.kinds import Identity, Row
from workbench.planner.context import Context, json_list
from workbench.planner.quote import ident, literal


def pairs(text: str | None) -> list[tuple[str, str]]:
    return [(str(key), str(value)) for key, value in json_list(text)]


def options_sql(text: str | None) -> str:
    """` OPTIONS (k 'v', ...)` for CREATE, or '' when there are none."""
    found = pairs(text)
    return f" OPTIONS ({', '.join(f'{ident(k)} {literal(v)}' for k, v in found)})" if found else ""


def alter_options_sql(wanted_text: str | None, present_text: str | None) -> str:
    """` OPTIONS (DROP k, SET k 'v', ADD k 'v')` turning the present options into the wanted ones;
    '' when they are the same."""
    wanted, present = pairs(wanted_text), pairs(present_text)
    if wanted == present:
        return ""
    wanted_keys, present_keys = [k for k, _ in wanted], [k for k, _ in present]
    kept_in_order = [k for k in present_keys if k in wanted_keys] == [k for k in wanted_keys if k in present_keys]
    first_new = next((i for i, k in enumerate(wanted_keys) if k not in present_keys), len(wanted_keys))
    appended = all(k not in present_keys for k in wanted_keys[first_new:])
    old = dict(present)
    if kept_in_order and appended:
        parts = [f"DROP {ident(k)}" for k in present_keys if k not in wanted_keys]
        parts += [f"SET {ident(k)} {literal(v)}" for k, v in wanted if k in old and old[k] != v]
        parts += [f"ADD {ident(k)} {literal(v)}" for k, v in wanted if k not in old]
    else:
        parts = [f"DROP {ident(k)}" for k in present_keys] + [f"ADD {ident(k)} {literal(v)}" for k, v in wanted]
    return f" OPTIONS ({', '.join(parts)})"


def option_changes(head: str, wanted: str | None, present: str | None) -> list[tuple[str, str]]:
    """(sql, step) that take storage parameters (reloptions as `name=value,...`, checked by
    fragments.reloptions) from the present ones to the wanted ones: RESET what goes, SET what is
    new or changed. For tables, indexes and materialized views alike (`head` is `ALTER ... name`), and the
    attribute options of a column (`head` is `ALTER TABLE ONLY t ALTER COLUMN c`): n_distinct, ..."""
    def parsed(text: str | None) -> dict[str, str]:
        return dict(item.split("=", 1) for item in (text or "").split(",") if item)

    want, have = parsed(wanted), parsed(present)
    removed = [key for key in have if key not in want]
    changed = {key: value for key, value in want.items() if have.get(key) != value}
    found = [(f"{head} RESET ({', '.join(removed)})", "reset")] if removed else []
    if changed:
        found.append((f"{head} SET ({', '.join(f'{key}={value}' for key, value in changed.items())})", "options"))
    return found


# what the catalog queries read in place of the value of an option whose key names a password
SECRET = "********"


def readable(text: str | None) -> str:
    """The options less those whose value was not read (a password): what a plan can write."""
    return json.dumps([[key, value] for key, value in pairs(text) if value != SECRET])


def report_secrets(ctx: Context, kind: str, identity: Identity, text: str | None) -> None:
    """A skipped entry for the options a plan cannot write because their value was never read."""
    hidden = [key for key, value in pairs(text) if value == SECRET]
    if hidden:
        ctx.skip(kind, identity, f"option {', '.join(hidden)} is not read (no credentials in a snapshot or a plan): "
                                 "set it by hand")
