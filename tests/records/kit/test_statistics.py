"""统计 of the kit's modules (records.kit.statistics): the cross-tab per area and 统计项目 agrees
with a bare GROUP BY over the rows the viewer sees, for petitions and legal aid; the form's
date range; the print view, the Excel file and the chart data."""

import dataclasses
import json
import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

import pytest
from django.db import connection
from openpyxl import load_workbook

from approvals import services as approvals
from forms_stats.crosstab import UNFILLED, chart_data, crosstab, sum_of
from org.models import Module, Unit
from org.selectors import codes_of
from records.kit.declaration import get
from records.kit.pages import pages_of
from records.kit.statistics import dimension_of, dimensions_of
from tests.conftest import make_user
from tests.records.kit.conftest import make_petition, make_record

pytestmark = pytest.mark.django_db

CHART_DATA = re.compile(r'<script id="kit-chart-data" type="application/json">(.*?)</script>', re.S)


def url(key: str) -> str:
    return get(key).url("statistics")


def report(actor, key: str, *rows) -> None:
    result = approvals.report_rows(actor=actor, model=get(key).model, pks=[row.pk for row in rows])
    assert result.moved == len(rows), result


def stats_page(cast, key: str, username: str = "county_a", **params):
    response = cast.client(username).get(url(key), params)
    assert response.status_code == 200
    return response


def stats(cast, key: str, username: str = "county_a", **params):
    table = stats_page(cast, key, username, **params).context["table"]
    assert table is not None
    return table


def row(table, label):
    return next(r for r in table.all_rows if r.label == label)


def code(table: str, index: int):
    return list(codes_of(table))[index]


@pytest.fixture
def petition_rows(cast):
    """street_a reported two petitions (one collective of 6) and keeps a draft; street_a2
    reported a collective one of 3; county_a has its own draft; province_b one of its own."""
    users = cast.users
    category = [code("petition_category", i) for i in range(3)]
    rows = {
        "a1": make_petition(users["street_a"], category=category[0], received_on=date(2025, 3, 1)),
        "a2": make_petition(users["street_a"], category=category[1], collective=True, visitors=6,
                            received_on=date(2025, 6, 1), handling=code("petition_handling", 0)),
        "a_draft": make_petition(users["street_a"], category=category[0], received_on=date(2025, 6, 2)),
        "a2_1": make_petition(users["street_a2"], category=category[0], collective=True, visitors=3,
                              received_on=date(2025, 9, 1)),
        "own": make_petition(users["county_a"], category=category[2], received_on=date(2025, 12, 1)),
        "other": make_petition(users["province_b"], category=category[0], visitors=4, received_on=date(2025, 3, 1)),
    }  # fmt: skip
    report(users["street_a"], "petitions", rows["a1"], rows["a2"])
    report(users["street_a2"], "petitions", rows["a2_1"])
    return rows


@pytest.fixture
def legal_aid_rows(cast):
    """street_a reported two cases and keeps a draft; street_a2 reported one; county_a has its
    own; province_b one of its own."""
    users, module = cast.users, get("legal_aid")
    case_type = [code("legal_case_type", i) for i in range(2)]

    def case(username, n, people, recovered, applied_on):
        return make_record(
            module, users[username], case_type=case_type[n], people=people, recovered=Decimal(recovered),
            applied_on=applied_on, accepted_on=applied_on,
        )  # fmt: skip

    rows = {
        "a1": case("street_a", 0, 2, "1200.50", date(2025, 2, 1)),
        "a2": case("street_a", 1, 5, "30000", date(2025, 7, 1)),
        "a_draft": case("street_a", 0, 9, "999", date(2025, 7, 2)),
        "a2_1": case("street_a2", 0, 1, "0", date(2025, 8, 1)),
        "own": case("county_a", 1, 3, "450.25", date(2025, 10, 1)),
        "other": case("province_b", 0, 7, "70000", date(2025, 2, 1)),
    }
    report(users["street_a"], "legal_aid", rows["a1"], rows["a2"])
    report(users["street_a2"], "legal_aid", rows["a2_1"])
    return rows


def grouped_by_sql(key: str, dimension: str, measures: list[str], *, viewer: Unit, unit: Unit) -> dict:
    """(area path, dimension value) → (count, sums…): a bare GROUP BY over the rows `viewer`
    sees (DESIGN.md §3: unit_path under the viewer's, holder no deeper than the viewer),
    owned within `unit`'s subtree."""
    model = get(key).model
    sums = "".join(f", sum({model._meta.get_field(name).column})" for name in measures)
    sql = (
        f"SELECT left(unit_path, %s), {model._meta.get_field(dimension).column}, count(*){sums} "
        f"FROM {model._meta.db_table} WHERE unit_path LIKE %s AND unit_path LIKE %s AND holder_depth <= %s "
        "GROUP BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [len(unit.path) + Unit.steplen, viewer.path + "%", unit.path + "%", viewer.depth])
        return {(area, value): tuple(numbers) for area, value, *numbers in cursor.fetchall()}


def table_cells(table) -> dict:
    """The table's non-empty cells in the shape of grouped_by_sql."""
    cells = {}
    for area in table.rows:
        path = table.unit.path if area.kind == "own" else Unit.objects.get(pk=area.unit_pk).path
        for column, cell in zip(table.columns, area.cells, strict=True):
            if any(cell):
                cells[(path, column.value)] = tuple(cell)
    return cells


CASES = [
    ("petitions", "petition_rows", ["category", "channel", "handling", "collective", "case_state"], ["visitors"]),
    ("legal_aid", "legal_aid_rows", ["case_type", "aid_form", "outcome", "case_state"], ["people", "recovered"]),
]


@pytest.mark.parametrize(("key", "rows", "dimensions", "sums"), CASES, ids=[case[0] for case in CASES])
@pytest.mark.parametrize(("viewer", "unit"), [("county_a", None), ("county_a", "street_a"), ("street_a", None),
                                              ("province_b", None)])  # fmt: skip
def test_every_cell_is_the_group_by_of_the_visible_rows(cast, request, key, rows, dimensions, sums, viewer, unit):
    request.getfixturevalue(rows)
    viewer_unit = cast.units[viewer]
    shown = cast.units[unit] if unit else viewer_unit
    for dimension in dimensions:
        params = {"dimension": dimension, **({"unit": shown.pk} if unit else {})}
        table = stats(cast, key, viewer, **params)
        expected = grouped_by_sql(key, dimension, sums, viewer=viewer_unit, unit=shown)
        assert table_cells(table) == expected, dimension
        assert table.measures == [str(m.label) for m in get(key).stat_measures]


def test_petition_areas_own_row_and_total(cast, petition_rows):
    table = stats(cast, "petitions", dimension="category")
    assert [(r.kind, r.label) for r in table.rows] == [
        ("own", "武侯区总工会(本级)"),
        ("child", "浆洗街街道工会"),
        ("child", "玉林街道工会"),
    ]
    assert table.measures == ["批次", "人次"]
    # 总数 per area: (批次, 人次); street_a's draft has not reached the county.
    assert [r.total for r in table.all_rows] == [[1, 1], [2, 7], [1, 3], [4, 11]]
    assert table.totals.label == "合计"
    for m in range(2):
        assert table.totals.total[m] == sum(r.total[m] for r in table.rows)
    first, second, third = (code("petition_category", i).value for i in range(3))
    labels = [c.label for c in table.columns]
    assert labels[:4] == [UNFILLED, first, second, third]
    assert table.totals.cells[1] == [2, 4] and table.totals.cells[2] == [1, 6] and table.totals.cells[3] == [1, 1]


def test_boolean_and_blank_choice_dimensions(cast, petition_rows):
    table = stats(cast, "petitions", dimension="collective")
    assert [c.label for c in table.columns] == [UNFILLED, "是", "否"]
    assert table.totals.values == [0, 0, 2, 9, 2, 2, 4, 11]
    # A blank text choice is counted as (未填), like NULL.
    street_a = cast.users["street_a"]
    module = get("consultations")
    for satisfaction in ("", "satisfied", "satisfied"):
        make_record(module, street_a, satisfaction=satisfaction)
    table = stats(cast, "consultations", "street_a", dimension="satisfaction")
    assert [c.label for c in table.columns] == [UNFILLED, "满意", "基本满意", "不满意"]
    assert table.totals.values == [1, 2, 0, 0, 3]


def test_legal_aid_sums_people_and_recovered_money(cast, legal_aid_rows):
    table = stats(cast, "legal_aid", dimension="case_type")
    assert table.measures == ["件数", "涉及人数", "挽回经济损失(元)"]
    assert row(table, "浆洗街街道工会").total == [2, 7, Decimal("31200.50")]
    assert row(table, "玉林街道工会").total == [1, 1, Decimal("0")]
    assert row(table, "武侯区总工会(本级)").total == [1, 3, Decimal("450.25")]
    assert table.totals.total == [4, 11, Decimal("31650.75")]


def test_a_county_sees_a_streets_reported_rows_only(cast, petition_rows):
    # street_a itself counts its draft; its county only what street_a reported.
    assert stats(cast, "petitions", "street_a").totals.total == [3, 8]
    table = stats(cast, "petitions", unit=cast.units["street_a"].pk)
    assert [r.label for r in table.rows] == ["浆洗街街道工会(本级)"]
    assert table.totals.total == [2, 7]
    # Returned to street_a, a petition leaves the county's statistics.
    approvals.return_rows(actor=cast.users["county_a"], model=get("petitions").model, pks=[petition_rows["a2"].pk])
    assert stats(cast, "petitions").totals.total == [3, 5]


def test_the_other_branch_sees_none_of_branch_a(cast, petition_rows, legal_aid_rows):
    assert [r.label for r in stats(cast, "petitions", "province_b").rows] == ["广东省总工会(本级)", "广州市总工会"]
    assert stats(cast, "petitions", "province_b").totals.total == [1, 4]
    assert stats(cast, "legal_aid", "province_b").totals.total == [1, 7, Decimal("70000")]
    # Even once branch a's rows reach its province, they are not province_b's.
    city = make_user("city_a_clerk", cast.units["city_a"], [Module.PETITIONS])
    report(cast.users["county_a"], "petitions", petition_rows["a1"], petition_rows["own"])
    report(city, "petitions", petition_rows["a1"], petition_rows["own"])
    assert stats(cast, "petitions", "province_b").totals.total == [1, 4]
    province = make_user("province_a_clerk", cast.units["province_a"], [Module.PETITIONS])
    client = cast.client("province_b")
    client.force_login(province, backend="org.auth.ModulePermissionBackend")
    table = client.get(url("petitions")).context["table"]
    assert [(r.label, r.total) for r in table.rows] == [("四川省总工会(本级)", [0, 0]), ("成都市总工会", [2, 2])]


def test_unit_outside_the_subtree_is_404_and_no_module_is_403(cast):
    client = cast.client("county_a")
    assert client.get(url("petitions"), {"unit": cast.units["street_b"].pk}).status_code == 404
    assert client.get(url("petitions"), {"unit": cast.units["city_a"].pk}).status_code == 404
    assert cast.client("county_a_admin").get(url("petitions")).status_code == 403
    assert cast.client("county_a_admin").get(url("legal_aid"), {"format": "xlsx"}).status_code == 403


def test_the_conditions_are_the_querys(cast, petition_rows, legal_aid_rows):
    """One FilterSet: the statistics count what the query selects (a date range, a code…)."""
    table = stats(cast, "petitions", received_on_from="2025-06-01", received_on_to="2025-09-01")
    assert table.totals.total == [2, 9]  # a2 (6) and a2_1 (3), both ends included
    assert table.conditions == ["接待日期从 2025-06-01 到 2025-09-01"]
    assert stats(cast, "petitions", received_on_from="2025-06-02").totals.total == [2, 4]
    assert stats(cast, "petitions", received_on_to="2025-03-01").conditions == ["接待日期到 2025-03-01"]
    assert stats(cast, "legal_aid", applied_on_to="2025-07-31").totals.total == [2, 7, Decimal("31200.50")]
    content = stats_page(cast, "petitions", received_on_from="2025-06-01").content.decode()
    assert 'type="date"' in content and "接待日期从" in content
    form = stats_page(cast, "petitions").context["form"]
    assert "id_number" not in form.fields  # the query's ID number travels by POST only, never here


def test_a_range_that_ends_before_it_starts_is_refused_next_to_its_field(cast, petition_rows):
    response = stats_page(cast, "petitions", received_on_from="2025-09-01", received_on_to="2025-06-01")
    assert response.context["table"] is None
    form = response.context["form"]
    assert form.errors == {"received_on_to": ["“到”不能早于“从”。"]}
    content = response.content.decode()
    assert '<span class="field-error stat-field-error">“到”不能早于“从”。</span>' in content
    assert "kit-chart-data" not in content
    # An unreadable date, or a dimension not declared, is refused in Chinese too.
    form = stats_page(cast, "petitions", received_on_from="2025-13-01", dimension="content").context["form"]
    assert form.errors["received_on_from"] == ["输入一个有效的日期。"]
    assert form.errors["dimension"] == ["选择一个有效的选项。 content 不在可用的选项中。"]
    # The Excel download of a refused form is the page with its error.
    refused = {"received_on_from": "2025-09-01", "received_on_to": "2025-06-01", "format": "xlsx"}
    response = cast.client("county_a").get(url("petitions"), refused)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_the_form_offers_the_declared_dimensions_by_their_labels(cast):
    response = stats_page(cast, "legal_aid")
    form = response.context["form"]
    assert list(form.fields["dimension"].choices) == [
        ("case_type", "案件类别"),
        ("aid_form", "援助形式"),
        ("outcome", "办理结果"),
        ("case_state", "办理状态"),
    ]
    content = response.content.decode()
    assert "查看单位" in content and "统计项目" in content and "申请日期从" in content
    assert re.search(r'<input[^>]*value="case_type"[^>]*checked', content)
    assert response.context["table"].dimension == "案件类别"  # the first one, before any choice


def test_excel_opens_with_the_chinese_headers_and_the_table(cast, legal_aid_rows):
    params = {"dimension": "case_type", "applied_on_from": "2025-01-01"}
    table = stats(cast, "legal_aid", **params)
    response = cast.client("county_a").get(url("legal_aid"), {**params, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''" + quote("法律援助统计-武侯区总工会.xlsx") in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "法律援助统计(武侯区总工会)"
    assert "统计项目:案件类别" in values[1][0] and "申请日期从 2025-01-01" in values[1][0]
    assert values[2][0] == "地区" and values[2][1] == UNFILLED and "总数" in values[2]
    assert values[3][1:4] == ["件数", "涉及人数", "挽回经济损失(元)"]
    body = values[4:]
    assert [r[0] for r in body] == [r.label for r in table.all_rows]
    assert [[Decimal(str(v)) for v in r[1:]] for r in body] == [r.values for r in table.all_rows]


def test_print_view_has_the_table_and_the_chart_on_a4_landscape(cast, petition_rows):
    response = stats_page(cast, "petitions", dimension="channel", print="1")
    assert [t.name for t in response.templates][0] == "kit/statistics_print.html"
    content = response.content.decode()
    assert "信访接待统计(武侯区总工会)" in content and "合计" in content
    assert 'id="kit-chart-areas"' in content and 'id="kit-chart-shares"' in content
    assert CHART_DATA.search(content)
    assert "A4 横向" in content and "data-print" in content
    assert "kit_statistics.css" in content and "echarts.min.js" in content and "kit_charts.js" in content
    assert 'class="side-nav"' not in content  # paper only: no navigation
    # The page links to it and to the Excel file with the same conditions.
    page = stats_page(cast, "petitions", dimension="channel").content.decode()
    assert "?dimension=channel&amp;print=1" in page and "?dimension=channel&amp;format=xlsx" in page


@pytest.mark.parametrize("key", ["petitions", "legal_aid"])
def test_chart_data_on_the_page_is_the_tables(cast, petition_rows, legal_aid_rows, key):
    dimension = get(key).stat_dimensions[0]
    response = stats_page(cast, key, dimension=dimension)
    table = response.context["table"]
    data = json.loads(CHART_DATA.search(response.content.decode()).group(1))
    assert data == chart_data(table)
    assert data["measure"] == table.measures[0]
    assert data["areas"] == [{"name": r.label, "value": r.total[0]} for r in table.rows]  # 合计 left out
    shares = {c.label: cell[0] for c, cell in zip(table.columns, table.totals.cells, strict=True) if cell[0]}
    assert {s["name"]: s["value"] for s in data["shares"]} == shares
    assert sum(s["value"] for s in data["shares"]) == table.totals.total[0]


def test_a_money_measure_reaches_the_chart_as_a_number(cast, legal_aid_rows):
    county = cast.units["county_a"]
    table = crosstab(
        get("legal_aid").model.objects.all(), viewer=county, unit=county,
        dimension=dimension_of(get("legal_aid"), "case_type"), measures=[sum_of("挽回经济损失(元)", "recovered")],
    )  # fmt: skip
    data = chart_data(table)
    assert [a["value"] for a in data["areas"]] == [450.25, 31200.5, 0.0]
    assert sum(s["value"] for s in data["shares"]) == 31650.75
    assert json.loads(json.dumps(data)) == data


def test_the_page_runs_no_inline_script(cast, petition_rows):
    response = stats_page(cast, "petitions")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    assert scripts and all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert any("vendor/echarts/echarts.min.js" in attrs for attrs in scripts)


def test_queries_do_not_grow_with_units_and_rows(cast, petition_rows, django_assert_max_num_queries):
    client = cast.client("county_a")
    client.get(url("petitions"))  # the sign-in's first request saves its session

    def page():
        response = client.get(url("petitions"), {"dimension": "category"})
        assert response.status_code == 200
        return response.context["table"]

    # Session, user, second factor, reminder count; the switcher's children; the code selects
    # of the conditions (one query); the grouped query, the code table's values and the names
    # of the areas.
    with django_assert_max_num_queries(9):
        page()
    county = Unit.objects.get(pk=cast.units["county_a"].pk)
    for i in range(4):
        street = Unit.objects.add_child(county, {"name": f"新街道{i}", "code": f"1106019{i}"})
        clerk = make_user(f"new_street_{i}", street, [Module.PETITIONS])
        report(clerk, "petitions", *(make_petition(clerk, visitors=1) for _ in range(i + 1)))
    with django_assert_max_num_queries(9):
        table = page()
    assert len(table.rows) == 3 + 4 and table.totals.total == [4 + 10, 11 + 10]


def test_only_modules_with_dimensions_get_the_page(cast):
    petitions = get("petitions")
    assert "statistics" in {page.name for page in pages_of(petitions)}
    without = dataclasses.replace(petitions, stat_dimensions=())
    assert "statistics" not in {page.name for page in pages_of(without)}
    list_page = cast.client("street_a").get(petitions.url("list")).content.decode()
    assert petitions.url("statistics") in list_page


def test_a_dimension_of_another_kind_of_field_is_refused_at_declaration(cast):
    petitions = get("petitions")
    assert set(dimensions_of(petitions)) == set(petitions.stat_dimensions)
    with pytest.raises(ValueError, match="content"):
        dimension_of(petitions, "content")
