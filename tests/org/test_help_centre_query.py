"""帮扶中心信息查询 (manual 18.3.2) and 帮扶中心信息统计 (18.3.3): the help centres' profiles of
the switcher's unit and below, by the proposed conditions (modules-spec), and their cross-tab
by area, counted at once (a profile is not reported)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from org.models import HelpCentreProfile

pytestmark = pytest.mark.django_db

QUERY, STATISTICS = reverse("org:help_centre_query"), reverse("forms_stats:help_centre_statistics")


def centre(unit, **fields):
    unit.is_help_centre = True
    unit.save(update_fields=["is_help_centre"])
    values = {"centre_name": f"{unit.name}帮扶中心", "full_time_staff": 2, "part_time_staff": 1} | fields
    return HelpCentreProfile.objects.create(unit=unit, **values)


@pytest.fixture
def centres(cast):
    units = cast.units
    return {
        "street_a": centre(units["street_a"], established_on=datetime.date(2008, 5, 1), floor_area=Decimal("120"),
                           has_independent_premises=True, has_hotline=True, hotline="028-12351"),
        "county_a": centre(units["county_a"], established_on=datetime.date(2012, 1, 1), floor_area=Decimal("300"),
                           full_time_staff=5),
        "street_b": centre(units["street_b"], has_hotline=True, hotline="020-12351"),
    }  # fmt: skip


def names(response) -> set[str]:
    return {profile.centre_name for profile in response.context["results"]}


def test_the_query_lists_the_help_centres_of_the_area_and_below(cast, centres):
    client = cast.client("city_a_admin")
    everything = client.get(QUERY, {"q": "1", "include_subordinates": "1"})
    assert names(everything) == {centres["street_a"].centre_name, centres["county_a"].centre_name}
    body = everything.content.decode()
    assert reverse("org:directory_unit", args=[cast.units["street_a"].pk]) in body and "028-12351" in body
    own_only = client.get(QUERY, {"q": "1", "unit": cast.units["county_a"].pk})
    assert names(own_only) == {centres["county_a"].centre_name}
    assert client.get(QUERY, {"unit": cast.units["street_b"].pk}).status_code == 404  # another branch


@pytest.mark.parametrize(
    ("conditions", "found"),
    [
        ({"centre_name": "浆洗"}, {"street_a"}),
        ({"established_from": "2010-01-01"}, {"county_a"}),
        ({"established_to": "2010-01-01"}, {"street_a"}),
        ({"area_from": "200"}, {"county_a"}),
        ({"area_to": "200", "area_from": "100"}, {"street_a"}),
        ({"has_independent_premises": "true"}, {"street_a"}),
        ({"has_hotline": "false"}, {"county_a"}),
    ],
)
def test_each_condition(cast, centres, conditions, found):
    response = cast.client("county_a").get(QUERY, {"q": "1", "include_subordinates": "1", **conditions})
    assert names(response) == {centres[key].centre_name for key in found}


def test_bad_conditions_are_told_next_to_their_field(cast, centres):
    client = cast.client("county_a")
    response = client.get(QUERY, {"q": "1", "established_from": "2010-02-30", "area_from": "多"})
    body = response.content.decode()
    assert response.status_code == 200 and response.context["results"] is None
    assert "查询条件有误" in body and "有效的日期" in body and "数字" in body
    reversed_range = client.get(QUERY, {"q": "1", "area_from": "300", "area_to": "100"})
    assert "结束值不能小于开始值。" in reversed_range.content.decode()


def test_the_statistics_count_the_help_centres_by_area_at_once(cast, centres):
    response = cast.client("city_a_admin").get(STATISTICS)
    table = response.context["table"]
    assert response.status_code == 200 and table.measures[0] == "帮扶中心数"
    county = next(row for row in table.rows if row.label == "武侯区总工会")
    assert county.total[:3] == [2, 7, 2]  # the county's and its street's centres, their staff
    assert county.total[4] == Decimal("420")  # 办公面积
    by_label = {column.label: cell for column, cell in zip(table.columns, table.totals.cells, strict=True)}
    assert by_label["是"][0] == 1 and by_label["否"][0] == 1
    hotline = cast.client("city_a_admin").get(STATISTICS, {"dimension": "has_hotline"}).context["table"]
    assert hotline.dimension == "开通服务热线"
    assert response.context["chart"]["measure"] == "帮扶中心数"
    excel = cast.client("city_a_admin").get(STATISTICS, {"format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    # The other branch's help centre is not in the nation's count below province_a, but is at the top.
    assert cast.client("national_admin").get(STATISTICS).context["table"].totals.total[0] == 3


def test_a_statistics_item_not_offered_is_refused(cast, centres):
    response = cast.client("county_a").get(STATISTICS, {"dimension": "services"})
    assert response.status_code == 200 and response.context["table"] is None
    assert "请从列表中选择统计项目。" in response.content.decode()
