"""present/explorer.py: the explorer's filters, panes, dependencies and widgets, without a browser
(tests/test_explore_app.py drives it in Chromium through Voila)."""
from __future__ import annotations

import re

import pytest

from report_helpers import seedscale_drift
from workbench.present import explorer as explore
from workbench.compare import STATUSES
from workbench.errors import WorkbenchError


def plain(markup: str) -> str:
    return re.sub(r"<[^>]+>", "", markup).replace("&nbsp;", " ")


@pytest.fixture(scope="module")
def drift(seedscale_pair):
    return seedscale_drift(seedscale_pair)


def test_filter_by_status(drift):
    changed = explore.filter_objects(drift, "columns", ["changed"])
    assert changed["object"].tolist() == ["public.orders.channel", "public.profiles.role", "public.stores.name"]
    assert changed["differences"].tolist() == ["default_value", "data_type, default_value", "not_null"]
    assert list(changed.columns[:4]) == ["object", "schema", "table", "name"]
    default = explore.filter_objects(drift, "columns")
    assert len(default) == 966 + 66 + 3                          # every non-identical column
    assert set(default["status"]) == {"only_in_source", "only_in_target", "changed"}
    assert len(explore.filter_objects(drift, "columns", STATUSES)) == len(drift["columns"])
    assert len(explore.filter_objects(drift, "columns", "identical")) == 1200


def test_filter_by_text_is_case_insensitive(drift):
    found = explore.filter_objects(drift, "tables", ["only_in_source"], "AGI_RATE")
    assert found["object"].tolist() == ["public.agi_rate_limit_buckets", "public.agi_rate_limit_rules",
                                        "public.agi_rate_limit_violations"]
    st = explore.filter_objects(drift, "functions", ["only_in_target"], "st_")
    assert len(st) == 494 and all(".st_" in name for name in st["object"])
    # the list of differing fields is searched too
    assert explore.filter_objects(drift, "columns", ["changed"], "not_null")["object"].tolist() == ["public.stores.name"]
    assert explore.filter_objects(drift, "tables", STATUSES, "no such table").empty


def test_filter_in_definitions(drift):
    assert explore.filter_objects(drift, "views", STATUSES, "calculate_final_price").empty
    found = explore.filter_objects(drift, "views", STATUSES, "calculate_final_price", in_definitions=True)
    assert found["object"].tolist() == ["public.product_final_prices"]


def test_filter_rejects_typos(drift):
    with pytest.raises(WorkbenchError, match="unknown kind 'column'"):
        explore.filter_objects(drift, "column")
    with pytest.raises(WorkbenchError, match="unknown status 'chanegd'"):
        explore.filter_objects(drift, "columns", ["chanegd"])


def test_find_object_by_dict_tuple_or_label(drift):
    by_dict = explore.find_object(drift, "columns", {"schema": "public", "table": "profiles", "name": "role"})
    by_tuple = explore.find_object(drift, "columns", ("public", "profiles", "role"))
    by_label = explore.find_object(drift, "columns", "public.profiles.role")
    assert by_dict.name == by_tuple.name == by_label.name
    assert by_dict["source_data_type"] == "public.user_role_simple" and by_dict["target_data_type"] == "text"
    with pytest.raises(WorkbenchError, match="no columns object"):
        explore.find_object(drift, "columns", "public.profiles.nope")
    with pytest.raises(WorkbenchError, match="named by schema, table, name"):
        explore.find_object(drift, "columns", ("public", "profiles"))


def test_object_lines(drift):
    role = explore.find_object(drift, "columns", "public.profiles.role")
    assert "data_type: public.user_role_simple" in explore.object_lines(role, "columns", "source")
    assert "data_type: text" in explore.object_lines(role, "columns", "target")
    new_table = explore.find_object(drift, "tables", "public.agi_audit_logs")
    assert explore.object_lines(new_table, "tables", "target") == []          # not on that side
    assert "table_kind: ordinary" in explore.object_lines(new_table, "tables", "source")
    view = explore.find_object(drift, "views", "public.store_logs_recent")
    assert any("2020-01-01" in line for line in explore.object_lines(view, "views", "source"))
    assert any("2021-01-01" in line for line in explore.object_lines(view, "views", "target"))


def marks(markup: str, side: str) -> list[str]:
    """The marked words of one pane (source, target) of an object's detail."""
    pane = re.search(rf"wb-pane-{side}'>.*?<pre>(.*?)</pre>", markup, re.S).group(1)
    return re.findall(r"<mark class='wb-mark'>(.*?)</mark>", pane)


def test_detail_marks_the_words_that_differ_on_both_sides(drift):
    diff = explore.definition_diff(drift, "views", {"schema": "public", "name": "store_logs_recent"})
    assert "source (legacy)" in diff and "target (current)" in diff and "planned statements" in diff
    assert "2020-01-01" in plain(diff) and "2021-01-01" in plain(diff)
    assert marks(diff, "source") == ["2020"] and marks(diff, "target") == ["2021"]   # only the differing word
    assert "changed" in diff and "definition" in diff
    created = explore.definition_diff(drift, "functions", ("public", "calculate_final_price",
                                                           drift["functions"].query(
                                                               "name == 'calculate_final_price'")["arguments"].iloc[0]))
    assert "CREATE OR REPLACE FUNCTION public.calculate_final_price" in plain(created)
    assert "to create" in created and "(not in the target)" in created
    check = explore.definition_diff(drift, "constraints", "public.promotions.promotions_base_price_check")
    assert "&gt;" in check and "(base_price >" not in check                  # SQL text is escaped


@pytest.fixture(scope="module")
def context(drift):
    from workbench.dependencies import Dependencies
    from workbench.planner import plan
    from workbench.present.drift_report import statements_by_object

    return explore.Context(statements_by_object(plan(drift)), Dependencies.of(drift.source),
                           Dependencies.of(drift.target))


def test_detail_shows_the_planned_sql_and_the_dependencies(drift, context):
    detail = explore.detail_html(drift, "columns", "public.profiles.role", context)
    # type and default differ in the type name only: that is what is marked, on both sides
    assert marks(detail, "source") == ["public.user_role_simple", "public.user_role_simple"]
    assert marks(detail, "target") == ["text", "text"]
    plan_pane = re.search(r"wb-pane-plan'>.*?<pre>(.*?)</pre>", detail, re.S).group(1)
    assert "ALTER TABLE public.profiles ALTER COLUMN role TYPE public.user_role_simple" in plan_pane
    # from pg_depend: the table it belongs to, and the constraint over it (the retyped-column trap)
    uses = re.search(r"wb-depends-on'>.*?<ul>(.*?)</ul>", detail, re.S).group(1)
    used_by = re.search(r"wb-depended-on-by'>.*?<ul>(.*?)</ul>", detail, re.S).group(1)
    assert "tables public.profiles" in uses
    assert "constraints public.profiles.profiles_role_not_banned <i>(source only)</i>" in used_by
    view = explore.detail_html(drift, "views", "public.store_logs_recent", context)
    assert "columns public.store_logs.created_at" in re.search(r"wb-depends-on'>.*?</ul>", view, re.S).group(0)


def test_pages_of_objects(drift):
    found = explore.filter_objects(drift, "columns", ["only_in_source"])
    rows, page, pages = explore.page_of(found, 0, 15)
    assert len(rows) == 15 and page == 0 and pages == -(-966 // 15)
    rows, page, _ = explore.page_of(found, 999, 15)
    assert page == pages - 1 and len(rows) == 966 - 15 * (pages - 1)           # clamped to the last page


def test_explorer_widgets_follow_the_toggles(drift, context):
    ui = explore.Explorer(drift, context)
    assert ui.kind.value == "schemas"                          # the first kind with drift (gis)
    ui.kind.value = "columns"
    for status, button in ui.status_buttons.items():
        button.value = status == "changed"
    shown = [line.children[0].tooltip for line in ui.rows.children[1:]]
    assert shown == ["public.orders.channel", "public.profiles.role", "public.stores.name"]
    assert "<b>3</b> matching columns" in ui.count.value
    ui.rows.children[2].children[0].click()                    # a row is a button: select it
    assert ui.selected == "public.profiles.role" and "user_role_simple" in ui.detail.value
    assert "wb-selected" in ui.rows.children[2]._dom_classes
    ui.text.value = "stores"
    assert [line.children[0].tooltip for line in ui.rows.children[1:]] == ["public.stores.name"]
    assert "not null" in ui.detail.value
    ui.text.value = "nothing matches this"
    assert len(ui.rows.children) == 1 and "No object matches" in ui.detail.value
    ui.text.value = ""
    ui.status_buttons["changed"].value = False
    ui.status_buttons["only_in_source"].value = True
    assert "<b>966</b> matching" in ui.count.value and "page 1 of 65" in ui.pages.value
    assert len(ui.rows.children) == 1 + 15
    ui.next.click()
    assert "page 2 of 65" in ui.pages.value and ui.previous.disabled is False
