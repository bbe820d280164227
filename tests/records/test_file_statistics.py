"""职工档案统计 (manual 2.2.8), the kit's statistics of the files module: the page, its
conditions (the query's), its measures and its Excel file."""

import threading
from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from approvals import services as approvals
from org.models import Module
from records import services
from records.households.module import files as files_module
from records.kit.statistics import statistics_form
from records.models import FileCategory, WorkerFile
from tests.conftest import make_user
from tests.records.conftest import code, file_data, head_data, id_number, member_data

pytestmark = pytest.mark.django_db
URL = reverse("files:statistics")


def new_file(actor, *, members=0, female=False, head=None, **fields) -> WorkerFile:
    head = head_data(id_number=id_number("19700101", female=female)) | (head or {})
    member_list = [member_data(name=f"成员{i}") for i in range(members)]
    data = file_data(household_size=members + 1) | fields
    return services.file_create(actor=actor, data=data, head=head, members=member_list)


def reported(actor, file):
    assert approvals.report_rows(actor=actor, model=WorkerFile, pks=[file.pk]).moved == 1
    return file


def stats(cast, username="county_a", **params):
    response = cast.client(username).get(URL, {"dimension": "head.gender", **params})
    assert response.status_code == 200
    return response.context["table"]


def row(table, label):
    return next(r for r in table.all_rows if r.label == label)


@pytest.fixture
def files(cast):
    """street_a reported two files (a man with 2 members, a woman with 1 member), one draft;
    street_a2 reported a man's file with 3 members; county_a has one woman's file, no members."""
    street_a, street_a2, county = cast.users["street_a"], cast.users["street_a2"], cast.users["county_a"]
    return {
        "a_man": reported(street_a, new_file(street_a, members=2, single_parent=True)),
        "a_woman": reported(street_a, new_file(street_a, members=1, female=True)),
        "a_draft": new_file(street_a, members=4),
        "a2_man": reported(street_a2, new_file(street_a2, members=3, household_size=4, monthly_income=3000)),
        "own": new_file(county, female=True, household_registration=code("household_registration", "农村")),
    }


def test_form_only_until_submitted(cast):
    response = cast.client("county_a").get(URL)
    assert response.status_code == 200
    assert response.context["table"] is None
    content = response.content.decode()
    for label in ("困难类别", "性别", "民族", "政治面貌", "健康状况", "婚姻状况", "户口类型", "致困主要原因",
                  "是否单亲", "是否零就业", "录入时间从", "家庭人口从", "本人月平均收入(元)从", "统计项目"):  # fmt: skip
        assert label in content


def test_table_by_gender_with_dependants(cast, files):
    table = stats(cast)
    assert [c.label for c in table.columns] == ["(未填)", "男", "女"]
    assert table.measures == ["职工人数", "供养人口数"]
    # (未填), 男, 女, 总数 × (职工人数, 供养人口数)
    assert row(table, "浆洗街街道工会").values == [0, 0, 1, 2, 1, 1, 2, 3]  # the draft is not there
    assert row(table, "玉林街道工会").values == [0, 0, 1, 3, 0, 0, 1, 3]
    assert row(table, "武侯区总工会(本级)").values == [0, 0, 0, 0, 1, 0, 1, 0]
    assert table.totals.values == [0, 0, 2, 5, 2, 1, 4, 6]
    # The street itself sees its draft too.
    assert stats(cast, "street_a").totals.total == [3, 7]


def test_page_renders_the_table_with_print_and_excel(cast, files):
    response = cast.client("county_a").get(URL, {"dimension": "household_registration"})
    content = response.content.decode()
    assert "职工档案统计(武侯区总工会)" in content
    assert "供养人口数" in content and "合计" in content and "总数" in content
    assert "data-print" in content and "另存为Excel" in content
    assert "format=xlsx" in content
    assert "css/crosstab.css" in content  # its screen and print styles (A4 landscape)
    table = response.context["table"]
    assert content.count('<td class="grand">') == len(table.all_rows)  # each row's first 总数 cell


def test_household_registration_dimension_and_unfilled_column(cast, files):
    table = stats(cast, dimension="household_registration")
    assert [c.label for c in table.columns] == ["(未填)", "城镇", "农村"]
    assert row(table, "武侯区总工会(本级)").values == [0, 0, 0, 0, 1, 0, 1, 0]
    assert table.totals.values == [3, 6, 0, 0, 1, 0, 4, 6]


def test_person_dimensions_are_the_heads(cast):
    clerk = cast.users["county_a"]
    member = member_data(political_status=code("political_status", "中共党员"))
    head = head_data(political_status=code("political_status", "群众"))
    services.file_create(actor=clerk, data=file_data(household_size=2), head=head, members=[member])
    table = stats(cast, dimension="head.political_status")
    labels = [c.label for c in table.columns]
    assert labels[0] == "(未填)" and labels[1:] == [
        "中共党员",
        "中共预备党员",
        "共青团员",
        "民主党派",
        "无党派人士",
        "群众",
    ]
    assert table.totals.cells[labels.index("群众")] == [1, 1]
    assert table.totals.cells[labels.index("中共党员")] == [0, 0]


def test_conditions_narrow_the_counts(cast, files):
    assert stats(cast, head_gender="F").totals.total == [2, 1]
    assert stats(cast, single_parent="1").totals.total == [1, 2]
    assert stats(cast, single_parent="0").totals.total == [3, 4]
    assert stats(cast, household_size_from="4").totals.total == [1, 3]
    assert stats(cast, household_size_to="1").totals.total == [1, 0]
    assert stats(cast, monthly_income_from="2000.01").totals.total == [1, 3]
    assert stats(cast, monthly_income_to="1999.99").totals.total == [3, 3]
    rural = code("household_registration", "农村").pk
    assert stats(cast, household_registration=rural).totals.total == [1, 0]
    party = code("political_status", "中共党员").pk
    assert stats(cast, head_political_status=party).totals.total == [0, 0]
    assert stats(cast, created_at_from="2000-01-01", created_at_to="2099-12-31").totals.total == [4, 6]
    assert stats(cast, created_at_to="2000-01-01").totals.total == [0, 0]
    table = stats(cast, head_gender="F", single_parent="0")
    assert "性别:女" in table.conditions and "是否单亲:否" in table.conditions


def test_only_active_hardship_files_unless_a_category_is_chosen(cast, files):
    county = cast.users["county_a"]
    services.file_cancel(actor=county, file=files["own"], reason="脱困")
    new_file(county, category=FileCategory.TEMPORARY)
    assert stats(cast).totals.total == [3, 6]
    assert stats(cast, category=FileCategory.TEMPORARY).totals.total == [1, 0]


def test_switcher_chooses_the_unit_whose_areas_are_rows(cast, files):
    table = stats(cast, unit=cast.units["street_a"].pk)
    assert [r.label for r in table.rows] == ["浆洗街街道工会(本级)"]
    assert table.totals.total == [2, 3]  # what street_a reported to county_a, not its draft


def test_province_row_is_the_city_subtree(cast, files):
    city = make_user("city_a_clerk", cast.units["city_a"], [Module.FILES])
    for f in (files["a_man"], files["a2_man"]):
        reported(cast.users["county_a"], f)
        reported(city, f)
    table = stats(cast, "province_b")
    assert table.totals.total == [0, 0]
    national = make_user("national_clerk", cast.units["national"], [Module.FILES])
    client = cast.client("province_b")
    client.force_login(national, backend="org.auth.ModulePermissionBackend")
    assert client.get(URL, {"dimension": "head.gender"}).context["table"].totals.total == [0, 0]
    province = make_user("province_a_clerk", cast.units["province_a"], [Module.FILES])
    client.force_login(province, backend="org.auth.ModulePermissionBackend")
    table = client.get(URL, {"dimension": "head.gender"}).context["table"]
    assert [(r.label, r.total) for r in table.rows] == [("四川省总工会(本级)", [0, 0]), ("成都市总工会", [2, 5])]


def test_excel_has_the_same_numbers(cast, files):
    params = {"dimension": "head.gender", "head_gender": "M"}
    table = stats(cast, **params)
    response = cast.client("county_a").get(URL, {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("职工档案统计-武侯区总工会.xlsx") in disposition

    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "职工档案统计(武侯区总工会)"
    assert "统计项目:性别" in values[1][0] and "性别:男" in values[1][0]
    assert values[2][:3] == ["地区", "(未填)", None] and "总数" in values[2]
    assert values[3][1:3] == ["职工人数", "供养人口数"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:C3", "D3:E3", "F3:G3", "H3:I3"} <= merged
    body = values[4:]
    assert [r[0] for r in body] == [r.label for r in table.all_rows]
    assert [list(r[1:]) for r in body] == [r.values for r in table.all_rows]
    assert body[-1][0] == "合计" and list(body[-1][-2:]) == [2, 5]  # the two men's files


def test_403_without_the_files_module(cast):
    assert cast.client("county_a_admin").get(URL).status_code == 403
    assert cast.client("county_a_admin").get(URL, {"format": "xlsx"}).status_code == 403


def test_unit_outside_the_subtree_is_404(cast):
    client = cast.client("county_a")
    assert client.get(URL, {"unit": cast.units["street_b"].pk}).status_code == 404
    assert client.get(URL, {"unit": cast.units["city_a"].pk}).status_code == 404  # above is outside too
    assert client.get(URL, {"unit": cast.units["street_b"].pk, "format": "xlsx"}).status_code == 404
    assert client.get(URL, {"unit": "x"}).status_code == 404


def test_invalid_condition_shows_the_form_without_a_table(cast):
    response = cast.client("county_a").get(URL, {"household_size_from": "abc", "head_name": "<张>"})
    assert response.status_code == 200 and response.context["table"] is None
    assert response.context["form"].errors
    page = response.content.decode()
    # The error next to its field; the typed values kept and escaped.
    assert '<div class="stat-field has-error"> <label for="id_household_size_from">家庭人口从</label>' in " ".join(
        page.split()
    )
    assert '<span class="field-error stat-field-error">输入整数。</span>' in page
    assert 'value="&lt;张&gt;"' in page and "<张>" not in page
    form = response.context["form"]
    assert page.count('<div class="stat-field') == len(form.visible_fields())  # one block each


def test_query_count_does_not_grow_with_files(cast, files):
    client = cast.client("county_a")
    client.get(URL, {"dimension": "head.health"})  # warm the session and the user
    with CaptureQueriesContext(connection) as before:
        client.get(URL, {"dimension": "head.health"})
    for _ in range(5):
        reported(cast.users["street_a2"], new_file(cast.users["street_a2"], members=2))
    with CaptureQueriesContext(connection) as after:
        client.get(URL, {"dimension": "head.health"})
    assert len(after) == len(before)
    grouped = [q["sql"] for q in after if "GROUP BY" in q["sql"] and "records_workerfile" in q["sql"]]
    assert len(grouped) == 1


def test_every_page_counts_what_is_committed_now(cast, files):
    """Each statistics page runs its grouped query: a report, a new file, a return, a member
    deleted, a write in another branch — the next page shows the true figures."""
    assert stats(cast).totals.total == [4, 6]
    reported(cast.users["street_a"], files["a_draft"])
    assert stats(cast).totals.total == [5, 10]
    new_file(cast.users["county_a"], members=1)
    assert stats(cast).totals.total == [6, 11]
    result = approvals.return_rows(actor=cast.users["county_a"], model=WorkerFile, pks=[files["a_draft"].pk])
    assert result.moved == 1
    assert stats(cast).totals.total == [5, 7]
    files["a_man"].members.first().delete()
    assert stats(cast).totals.total == [5, 6]
    new_file(cast.users["province_b"], members=3)
    assert stats(cast).totals.total == [5, 6]
    assert stats(cast, "province_b").totals.total == [1, 3]


@pytest.mark.django_db(transaction=True)
def test_a_file_committed_after_a_later_numbered_one_is_counted(cast):
    """Issue 15: a transaction that commits after a later-numbered one commits was missed by
    the kept answer's stamp (the highest history and movement ids), so statistics showed stale
    figures for the answer's whole minute. Real transactions: a file written first and
    committed last is counted on the next page."""
    county = cast.users["county_a"]
    written, commit = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                new_file(county, members=2)
                written.set()
                commit.wait(timeout=30)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        assert written.wait(timeout=30)
        new_file(county, members=1)  # numbered after the open one, committed before it
        assert stats(cast).totals.total == [1, 1]
    finally:
        commit.set()
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert stats(cast).totals.total == [2, 3]


def test_the_code_selects_come_from_one_query_and_keep_the_chosen_value(cast, files):
    client = cast.client("county_a")
    client.get(URL)  # warm the session and the user
    health = code("health", "健康")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"dimension": "head.gender", "head_health": health.pk})
    code_queries = [q["sql"] for q in queries.captured_queries if 'FROM "org_code"' in q["sql"]]
    # The choices of every code select, which check the submitted value too (it was 2: a lookup).
    assert len(code_queries) == 1
    assert f'<option value="{health.pk}" selected>健康</option>' in response.content.decode()
    assert response.context["form"].cleaned_data["head_health"] == health


def test_a_code_of_another_table_is_not_a_condition(cast):
    response = cast.client("county_a").get(
        URL, {"dimension": "head.gender", "head_health": code("ethnicity", "汉族").pk}
    )
    assert response.context["table"] is None and "head_health" in response.context["form"].errors


def test_the_code_fields_follow_the_code_tables_and_keep_no_form_state(cast):
    """A code added to a table is offered at once, and one form's bad value is not another's."""
    from org.models import Code

    form = statistics_form(files_module)
    health = code("health", "健康")
    added = Code.objects.create(table=health.table, value="新增健康状况", display_order=99)
    assert (added.pk, "新增健康状况") in form({"dimension": "head.gender"}).fields["head_health"].choices
    page = cast.client("county_a").get(URL).content.decode()
    assert f'<option value="{added.pk}">新增健康状况</option>' in page

    bad = form({"dimension": "head.gender", "head_health": code("ethnicity", "汉族").pk})
    good = form({"dimension": "head.gender", "head_health": health.pk})
    assert not bad.is_valid() and "head_health" in bad.errors
    assert good.is_valid() and good.cleaned_data["head_health"] == health
    assert not form({"dimension": "head.gender", "head_health": "1\x00"}).is_valid()
