"""Issue 17 items 5 and 6 on the household files, whose lists and query are the kit's: the
query's four print options (当前页/全部 × 显示字段/全部字段, manual 2.2.7) are print views, and
the display preferences (2.7) offer every field of the file's sheet, not only the nine defaults."""

import pytest
from django.urls import reverse

from records import id_numbers
from records.households.module import LIST_COLUMNS, files
from records.kit import results
from tests.records.conftest import code, head_data
from tests.records.test_file_query import new_file, report

pytestmark = pytest.mark.django_db

URL = reverse("files:query")
PREFERENCES = reverse("approvals:preferences") + "?list=files"


def show(client, columns, page_size=10):
    response = client.post(PREFERENCES, {"list": "files", "action": "save", "show": columns, "direction": "asc",
                                         "page_size": page_size})  # fmt: skip
    assert response.status_code == 302


def printed(client, option, **conditions):
    response = client.get(URL, {"q": "1", "export": option, "print": "1", **conditions})
    assert response.status_code == 200 and response.templates[0].name == "kit/query_print.html"
    return response.context


def test_the_four_print_options_of_the_file_query(cast):
    clerk = cast.users["street_a"]
    for _ in range(12):
        new_file(clerk)
    client = cast.client("street_a")
    show(client, ["code", "head.name", "category"])
    every = len(results.headers_of(results.all_columns(files)))
    expected = {"page_shown": (10, 5), "page_all": (10, every), "all_shown": (12, 5), "all_all": (12, every)}
    for option, (n_lines, n_columns) in expected.items():
        context = printed(client, option)
        assert len(context["lines"]) == n_lines, option
        assert len(context["headers"]) == n_columns and {len(line) for line in context["lines"]} == {n_columns}
    assert printed(client, "all_all")["headers"][:3] == ["状态", "职工编号", "困难类别"]
    body = client.get(URL, {"q": "1"}).content.decode()
    assert body.count("&amp;print=1") == 4 and "当前页全部字段" in body  # the four links on the results


def test_a_print_of_all_fields_masks_other_units_id_numbers(cast):
    clerk = cast.users["street_a"]
    number = head_data()["id_number"]
    report(clerk, new_file(clerk, head={"id_number": number}))
    headers_line = printed(cast.client("county_a"), "all_all", include_subordinates="on")
    column = headers_line["headers"].index("身份证号")
    assert [line[column] for line in headers_line["lines"]] == [id_numbers.mask(number)]


def test_display_preferences_offer_every_field_of_the_file(cast):
    client = cast.client("street_a")
    offered = [value for value, _label in client.get(PREFERENCES).context["form"].fields["show"].choices]
    sheet = [path for path in files.sheet_fields if not path.endswith("id_number")]
    worked_out = [value.name for value in files.computed]  # 家庭年人均收入 too
    assert offered == sheet + worked_out and len(offered) > len(LIST_COLUMNS) == 9
    assert {"phone", "head.ethnicity", "household_size", "remarks", "self_help_ability"} <= set(offered)
    new_file(cast.users["street_a"], phone="028-66667777", head={"ethnicity": code("ethnicity", "回族")})
    show(client, ["code", "phone", "head.ethnicity"])  # unnumbered: in the sheet's order
    listed = cast.client("street_a").get(reverse("files:list"))
    assert [c.label for c in listed.context["columns"]] == ["职工编号", "民族", "联系电话"]
    assert [str(cell) for cell in listed.context["rows"][0]["cells"][1:]] == ["回族", "028-66667777"]
