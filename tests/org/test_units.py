"""Unit management by unit admins (manual 18.2.1–18.2.4)."""

import pytest
from django.urls import reverse

from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Unit
from org.selectors import children_of
from org.services.units import unit_children_order, unit_create, unit_delete, unit_move, unit_update
from org.signals import unit_moved
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NEW_UNIT = {"name": "簇桥街道工会", "code": "11060103", "address": "", "postal_code": "", "area_code": "",
            "person_in_charge": "", "leader_phone": "", "office_phone": "", "duty_phone": "", "fax": "",
            "email": "", "introduction": ""}  # fmt: skip


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def audited(event, obj) -> bool:
    return AuditLog.objects.filter(event=event, object_type=obj._meta.model_name, object_id=str(obj.pk)).exists()


def unit_data(**changes):
    return {**NEW_UNIT, **changes}


# --- access ------------------------------------------------------------------------------------


def test_units_page_opens_the_admins_own_unit(cast):
    response = cast.client("county_a_admin").get(reverse("org:units"))
    assert response.url == reverse("org:unit_detail", args=[cast.units["county_a"].pk])


def test_detail_shows_tree_children_and_users(cast):
    url = reverse("org:unit_detail", args=[cast.units["street_a"].pk])
    body = cast.client("city_a_admin").get(url).content.decode()
    for shown in ("成都市总工会", "武侯区总工会", "浆洗街街道工会", "street_a_admin", "新增人员", "人员排序", "剪切"):
        assert shown in body
    assert "四川省总工会" not in body  # above the admin's own unit
    assert "新建下级单位" not in body  # a street has no subordinate units


def test_non_admin_gets_403_in_scope_and_404_outside(cast):
    client = cast.client("street_a")
    for name in ("org:unit_detail", "org:unit_edit", "org:unit_create", "org:unit_delete", "org:unit_cut"):
        assert client.get(reverse(name, args=[cast.units["street_a"].pk])).status_code == 403
        assert client.get(reverse(name, args=[cast.units["county_a"].pk])).status_code == 404
    assert client.get(reverse("org:units")).status_code == 403


@pytest.mark.parametrize("other", ["city_a", "street_b", "province_a"])
def test_units_outside_the_subtree_are_404(cast, other):
    client = cast.client("county_a_admin")
    pk = cast.units[other].pk
    for name in ("org:unit_detail", "org:unit_edit", "org:unit_delete", "org:unit_cut", "org:unit_order"):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse("org:unit_edit", args=[pk]), unit_data(name="x")).status_code == 404
    assert client.post(reverse("org:unit_delete", args=[pk])).status_code == 404
    assert client.post(reverse("org:unit_order_reset", args=[pk])).status_code == 404
    assert Unit.objects.filter(pk=pk).exists() and fresh(cast.units[other]).name != "x"


def test_detail_query_count_does_not_grow_with_children_or_users(cast, django_assert_max_num_queries):
    county = cast.units["county_a"]
    client = cast.client("county_a_admin")
    url = reverse("org:unit_detail", args=[county.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for i in range(15):
        Unit.objects.add_child(fresh(county), {"name": f"新街道{i}"})
        make_user(f"extra{i}", county, [])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


# --- create and edit ---------------------------------------------------------------------------


def test_create_subordinate_unit(cast):
    county = cast.units["county_a"]
    response = cast.client("county_a_admin").post(reverse("org:unit_create", args=[county.pk]), unit_data())
    assert response.url == reverse("org:unit_detail", args=[county.pk])
    unit = Unit.objects.get(name="簇桥街道工会")
    assert unit.depth == 5 and unit.is_within(county) and not unit.details_confirmed
    assert fresh(county).numchild == 3
    assert audited(OrgEvent.UNIT_CREATED, unit)


def test_create_is_refused_under_a_street(cast):
    with pytest.raises(DomainError, match="基层单位不能再建下级单位"):
        unit_create(actor=cast.users["county_a_admin"], parent=cast.units["street_a"], data=unit_data())
    client = cast.client("county_a_admin")
    body = client.post(reverse("org:unit_create", args=[cast.units["street_a"].pk]), unit_data()).content.decode()
    assert "基层单位不能再建下级单位" in body
    assert not Unit.objects.filter(name="簇桥街道工会").exists()


def test_create_refuses_duplicate_sibling_name_and_missing_name(cast):
    client = cast.client("county_a_admin")
    url = reverse("org:unit_create", args=[cast.units["county_a"].pk])
    assert "已有名为“玉林街道工会”的单位" in client.post(url, unit_data(name="玉林街道工会")).content.decode()
    assert "这个字段是必填项" in client.post(url, unit_data(name="")).content.decode()
    assert fresh(cast.units["county_a"]).numchild == 2


def test_edit_subordinate_and_own_unit(cast):
    client = cast.client("county_a_admin")
    street = cast.units["street_a"]
    data = unit_data(name="浆洗街街道总工会", address="浆洗街 1 号", postal_code="610041", person_in_charge="周平",
                     office_phone="028-85550000")  # fmt: skip
    assert client.post(reverse("org:unit_edit", args=[street.pk]), data).status_code == 302
    assert fresh(street).name == "浆洗街街道总工会" and fresh(street).address == "浆洗街 1 号"
    assert audited(OrgEvent.UNIT_CHANGED, street)
    own = cast.units["county_a"]
    response = client.post(reverse("org:unit_edit", args=[own.pk]), {**data, "name": "改名"})
    assert response.status_code == 302
    assert fresh(own).address == "浆洗街 1 号" and fresh(own).name == "武侯区总工会"  # no name field on the own unit
    with pytest.raises(DomainError, match="只能由上级单位的用户管理员修改"):
        unit_update(actor=cast.users["county_a_admin"], unit=own, data={"name": "改名"})


def test_edit_validates_contact_details(cast):
    client = cast.client("county_a_admin")
    street = cast.units["street_a"]
    body = client.post(reverse("org:unit_edit", args=[street.pk]), unit_data(postal_code="12")).content.decode()
    assert "邮政编码应为 6 位数字" in body
    assert fresh(street).name == "浆洗街街道工会"
    # The own unit's contact details are its directory entry: required there (manual 0.4).
    own = client.post(reverse("org:unit_edit", args=[cast.units["county_a"].pk]), {"address": ""}).content.decode()
    assert "这个字段是必填项" in own


# --- delete ------------------------------------------------------------------------------------


def test_delete_removes_the_whole_empty_subtree(cast):
    county = cast.units["county_a2"]
    street = Unit.objects.add_child(county, {"name": "督院街街道工会"})
    response = cast.client("city_a_admin").post(reverse("org:unit_delete", args=[county.pk]))
    assert response.url == reverse("org:unit_detail", args=[cast.units["city_a"].pk])
    assert not Unit.objects.filter(pk__in=[county.pk, street.pk]).exists()
    assert fresh(cast.units["city_a"]).numchild == 1
    assert audited(OrgEvent.UNIT_DELETED, county)


def test_delete_is_refused_while_the_subtree_holds_users(cast):
    county = cast.units["county_a"]
    with pytest.raises(DomainError) as refused:
        unit_delete(actor=cast.users["city_a_admin"], unit=county)
    assert (
        refused.value.message == "无法删除“武侯区总工会”:该单位及其下级单位中仍有 用户 5 个。请先删除或转移这些数据。"
    )
    body = cast.client("city_a_admin").post(reverse("org:unit_delete", args=[county.pk])).content.decode()
    assert "仍有 用户 5 个" in body
    assert Unit.objects.filter(path__startswith=county.path).count() == 3
    assert fresh(cast.units["city_a"]).numchild == 2


def test_own_unit_cannot_be_deleted_or_cut(cast):
    admin = cast.users["county_a_admin"]
    with pytest.raises(DomainError, match="不能删除、剪切或移动本单位"):
        unit_delete(actor=admin, unit=cast.units["county_a"])
    client = cast.client("county_a_admin")
    own = cast.units["county_a"].pk
    assert "不能删除、剪切或移动本单位" in client.post(reverse("org:unit_delete", args=[own])).content.decode()
    assert "不能删除、剪切或移动本单位" in client.post(reverse("org:unit_cut", args=[own])).content.decode()
    assert Unit.objects.filter(pk=own).exists() and "org_cut_unit" not in client.session


# --- cut and paste -----------------------------------------------------------------------------


def test_cut_and_paste_through_the_pages(cast):
    client = cast.client("city_a_admin")
    street = cast.units["street_a2"]
    assert "确定剪切" in client.get(reverse("org:unit_cut", args=[street.pk])).content.decode()
    client.post(reverse("org:unit_cut", args=[street.pk]))
    target = cast.units["county_a2"]
    detail = client.get(reverse("org:unit_detail", args=[target.pk])).content.decode()
    assert "已剪切" in detail and reverse("org:unit_paste", args=[target.pk]) in detail
    confirm = client.get(reverse("org:unit_paste", args=[target.pk])).content.decode()
    assert "未上报" in confirm
    response = client.post(reverse("org:unit_paste", args=[target.pk]))
    assert response.url == reverse("org:unit_detail", args=[street.pk])
    assert fresh(street).parent_unit() == target
    assert "org_cut_unit" not in client.session
    assert audited(OrgEvent.UNIT_MOVED, street)


def test_move_rewrites_subtree_paths_and_signals_once(cast):
    city = cast.units["city_a"]
    old_paths = dict(Unit.objects.filter(path__startswith=city.path).values_list("pk", "path"))
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    unit_moved.connect(receiver)
    try:
        unit_move(actor=cast.users["national_admin"], unit=city, new_parent=cast.units["province_b"])
    finally:
        unit_moved.disconnect(receiver)
    province_b = fresh(cast.units["province_b"])
    moved = fresh(city)
    assert moved.path.startswith(province_b.path) and moved.depth == 3
    assert len(received) == 1
    assert received[0]["old_path"] == old_paths[city.pk] and received[0]["new_path"] == moved.path
    assert received[0]["unit"].pk == city.pk and received[0]["actor"] == cast.users["national_admin"]
    for pk, old_path in old_paths.items():
        assert fresh(Unit(pk=pk)).path == moved.path + old_path[len(old_paths[city.pk]) :]
    assert fresh(cast.units["province_a"]).numchild == 0 and province_b.numchild == 2


def test_paste_under_own_descendant_is_refused(cast):
    admin = cast.users["province_a_admin"]
    for target in ("city_a", "street_a"):
        with pytest.raises(DomainError, match="粘贴到它自己"):
            unit_move(actor=admin, unit=cast.units["city_a"], new_parent=cast.units[target])
    client = cast.client("province_a_admin")
    client.post(reverse("org:unit_cut", args=[cast.units["city_a"].pk]))
    body = client.post(reverse("org:unit_paste", args=[cast.units["county_a"].pk])).content.decode()
    assert "不能把“成都市总工会”粘贴到它自己的下级单位“武侯区总工会”之下" in body
    assert fresh(cast.units["city_a"]).path == cast.units["city_a"].path


def test_paste_deeper_than_five_levels_is_refused(cast):
    with pytest.raises(DomainError, match="将超过 5 级"):
        unit_move(actor=cast.users["city_a_admin"], unit=cast.units["county_a"], new_parent=cast.units["county_a2"])
    with pytest.raises(DomainError, match="将超过 5 级"):
        unit_move(actor=cast.users["county_a_admin"], unit=cast.units["street_a"], new_parent=cast.units["street_a2"])
    assert fresh(cast.units["county_a"]).depth == 4


def test_paste_under_the_current_parent_or_outside_the_subtree_is_refused(cast):
    admin = cast.users["city_a_admin"]
    with pytest.raises(DomainError, match="已经是“武侯区总工会”的下级单位"):
        unit_move(actor=admin, unit=cast.units["street_a"], new_parent=cast.units["county_a"])
    with pytest.raises(DomainError, match="不在本单位管辖范围内"):
        unit_move(actor=admin, unit=cast.units["street_a"], new_parent=cast.units["county_b"])
    client = cast.client("city_a_admin")
    client.post(reverse("org:unit_cut", args=[cast.units["street_a"].pk]))
    assert client.post(reverse("org:unit_paste", args=[cast.units["county_b"].pk])).status_code == 404


# --- ordering ----------------------------------------------------------------------------------


def test_order_children_then_reset_to_creation_order(cast):
    county = cast.units["county_a"]
    third = Unit.objects.add_child(fresh(county), {"name": "簇桥街道工会"})
    a, a2 = cast.units["street_a"], cast.units["street_a2"]
    paths_before = dict(Unit.objects.values_list("pk", "path"))
    client = cast.client("county_a_admin")
    response = client.post(reverse("org:unit_order", args=[county.pk]), {"order": [third.pk, a.pk, a2.pk]})
    assert response.url == reverse("org:unit_detail", args=[county.pk])
    assert list(children_of(county)) == [third, a, a2]
    assert [fresh(u).display_order for u in (third, a, a2)] == [1, 2, 3]
    assert dict(Unit.objects.values_list("pk", "path")) == paths_before
    assert audited(OrgEvent.UNITS_ORDERED, county)
    assert client.get(reverse("org:unit_order_reset", args=[county.pk])).status_code == 405
    client.post(reverse("org:unit_order_reset", args=[county.pk]))
    assert list(children_of(county)) == [a, a2, third]
    assert AuditLog.objects.filter(event=OrgEvent.UNITS_ORDERED).count() == 2


def test_order_refuses_ids_that_are_not_exactly_the_children(cast):
    county = cast.units["county_a"]
    a, a2 = cast.units["street_a"], cast.units["street_a2"]
    admin = cast.users["city_a_admin"]
    for wrong in ([a.pk], [a.pk, a2.pk, cast.units["county_a2"].pk], [a.pk, a.pk]):
        with pytest.raises(DomainError, match="请刷新页面后重新排序"):
            unit_children_order(actor=admin, parent=county, ordered_ids=wrong)
    body = cast.client("city_a_admin").post(reverse("org:unit_order", args=[county.pk]), {"order": ["x"]})
    assert "请刷新页面后重新排序" in body.content.decode()
    assert not Unit.objects.exclude(display_order=0).exists()


def test_order_page_lists_children_sortably(cast):
    body = cast.client("county_a_admin").get(reverse("org:unit_order", args=[cast.units["county_a"].pk]))
    html = body.content.decode()
    assert 'class="sortable"' in html and "data-restart" in html and "玉林街道工会" in html
