"""The cross-region directory (chapter 20): any signed-in user looks up any unit."""

import pytest
from django.urls import reverse

from org.models import HelpCentreProfile, Unit
from org.selectors import DIRECTORY_SEARCH_LIMIT

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("org:directory")


def card_url(unit):
    return reverse("org:directory_unit", args=[unit.pk])


def test_starts_at_the_national_unit_and_lists_provinces(cast):
    response = cast.client("street_a").get(DIRECTORY)
    assert response.status_code == 200
    assert response.context["current"] == cast.units["national"]
    assert [u.name for u in response.context["children"]] == ["四川省总工会", "广东省总工会"]


def test_children_follow_display_order(cast):
    Unit.objects.filter(pk=cast.units["province_a"].pk).update(display_order=2)
    response = cast.client("street_a").get(DIRECTORY)
    assert [u.name for u in response.context["children"]] == ["广东省总工会", "四川省总工会"]


def test_one_level_of_another_branch_with_breadcrumb(cast):
    response = cast.client("street_a").get(DIRECTORY, {"unit": cast.units["city_b"].pk})
    html = response.content.decode()
    assert [u.name for u in response.context["children"]] == ["天河区总工会"]
    assert [u.name for u in response.context["ancestors"]] == ["中华全国总工会", "广东省总工会"]
    assert "石牌街道工会" not in html  # one level only


def test_street_a_sees_a_province_b_unit_card(cast):
    unit = cast.units["city_b"]
    Unit.objects.filter(pk=unit.pk).update(
        address="广州市越秀区", postal_code="510030", area_code="020", person_in_charge="李明",
        leader_phone="83331234", fax="83331235", duty_phone="83331236", email="gz@example.cn",
        introduction="广州市困难职工帮扶中心",
    )  # fmt: skip
    response = cast.client("street_a").get(card_url(unit))
    html = response.content.decode()
    assert response.status_code == 200
    assert "广州市总工会(4401)" in html and "广东省总工会</a>(44)" in html
    for label in [
        "地址",
        "邮政编码",
        "区号",
        "负责人",
        "负责人电话",
        "办公电话",
        "传真",
        "值班电话",
        "电子邮件",
        "中心简介",
    ]:
        assert f"<dt>{label}</dt>" in html
    for value in ["广州市越秀区", "510030", "020", "李明", "83331234", "83331235", "83331236", "gz@example.cn"]:
        assert value in html


def test_card_shows_the_help_centre_profile(cast):
    unit = cast.units["county_b"]
    Unit.objects.filter(pk=unit.pk).update(is_help_centre=True)
    HelpCentreProfile.objects.create(unit=unit, centre_name="天河区帮扶中心", has_hotline=True, hotline="12351")
    html = cast.client("street_a").get(card_url(unit)).content.decode()
    assert "帮扶中心信息" in html and "天河区帮扶中心" in html and "12351" in html


def test_national_card_has_no_parent(cast):
    response = cast.client("street_a").get(card_url(cast.units["national"]))
    assert response.status_code == 200
    assert response.context["parent"] is None


def test_search_finds_a_unit_of_another_branch(cast):
    response = cast.client("street_a").get(DIRECTORY, {"q": " 广东 "})
    results = response.context["results"]
    assert [(u.name, u.parent_name) for u in results] == [("广东省总工会", "中华全国总工会")]
    assert card_url(cast.units["province_b"]) in response.content.decode()
    assert not response.context["truncated"]


def test_search_shows_each_result_with_its_parent(cast):
    response = cast.client("street_a").get(DIRECTORY, {"q": "街道"})
    results = {u.name: u.parent_name for u in response.context["results"]}
    assert results == {"浆洗街街道工会": "武侯区总工会", "玉林街道工会": "武侯区总工会", "石牌街道工会": "天河区总工会"}


def test_search_without_match(cast):
    html = cast.client("street_a").get(DIRECTORY, {"q": "不存在的工会"}).content.decode()
    assert "没有名称含“不存在的工会”的单位。" in html


def test_search_is_limited_with_a_note(cast):
    county = cast.units["county_b"]
    for i in range(DIRECTORY_SEARCH_LIMIT + 1):
        Unit.objects.add_child(Unit.objects.get(pk=county.pk), {"name": f"测试基层工会{i}"})
    response = cast.client("street_a").get(DIRECTORY, {"q": "测试基层"})
    assert len(response.context["results"]) == DIRECTORY_SEARCH_LIMIT
    assert "仅显示前 100 条,请输入更精确的名称" in response.content.decode()


@pytest.mark.parametrize("pk", ["999999", "abc"])
def test_unknown_unit_is_404(cast, pk):
    client = cast.client("street_a")
    assert client.get(DIRECTORY, {"unit": pk}).status_code == 404
    assert client.get(f"{DIRECTORY}{pk}/").status_code == 404


def test_requires_sign_in(client):
    assert client.get(DIRECTORY).status_code == 302


def test_queries_stay_bounded_however_wide_the_level(cast, django_assert_max_num_queries):
    county = cast.units["county_b"]
    for i in range(30):
        Unit.objects.add_child(Unit.objects.get(pk=county.pk), {"name": f"基层工会{i}"})
    client = cast.client("street_a")
    # session, user, the user's unit, session save (3); current, ancestors, children, search
    with django_assert_max_num_queries(11):
        response = client.get(DIRECTORY, {"unit": county.pk, "q": "基层"})
    assert len(response.context["children"]) == 31
    assert len(response.context["results"]) == 30
    with django_assert_max_num_queries(11):
        client.get(card_url(county))
