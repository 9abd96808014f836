"""explore.py: the explorer's filters and diffs, without a browser."""
from __future__ import annotations

import re

import pytest

from report_helpers import seedscale_drift
from workbench import explore
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


def test_definition_diff_is_side_by_side(drift):
    diff = explore.definition_diff(drift, "views", {"schema": "public", "name": "store_logs_recent"})
    assert "source (legacy)" in diff and "target (current)" in diff
    assert "2020-01-01" in plain(diff) and "2021-01-01" in plain(diff)
    assert 'class="diff_chg"' in diff                         # the differing line is marked
    assert "changed" in diff and "definition" in diff
    created = explore.definition_diff(drift, "functions", ("public", "calculate_final_price",
                                                           drift["functions"].query(
                                                               "name == 'calculate_final_price'")["arguments"].iloc[0]))
    assert "CREATE OR REPLACE FUNCTION public.calculate_final_price" in plain(created)
    assert "only_in_source" in created
    check = explore.definition_diff(drift, "constraints", "public.promotions.promotions_base_price_check")
    assert "&gt;" in check and "(base_price >" not in check                  # SQL text is escaped


def test_explorer_widgets_follow_the_filters(drift):
    ui = explore.Explorer(drift)
    assert ui.kind.value == "schemas"                          # the first kind with drift (gis)
    ui.kind.value = "columns"
    ui.statuses.value = ("changed",)
    assert list(ui.choice.options) == ["public.orders.channel", "public.profiles.role", "public.stores.name"]
    assert "3 matching objects" in ui.table.value
    ui.choice.value = "public.profiles.role"
    assert "user_role_simple" in ui.diff.value and "profiles.role" in ui.diff.value
    ui.text.value = "stores"
    assert list(ui.choice.options) == ["public.stores.name"]
    assert "not_null" in ui.diff.value
    ui.text.value = "nothing matches this"
    assert ui.choice.options == () and "no object selected" in ui.diff.value
    ui.text.value = ""
    ui.statuses.value = ("only_in_source",)
    assert "966 matching objects" in ui.table.value and "and 766 more" in ui.table.value
