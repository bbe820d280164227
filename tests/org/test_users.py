"""User management by unit admins (manual 18.2.5–18.2.8)."""

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Module, User
from org.selectors import users_of_unit
from org.services import users as services

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Gonghui#2026"


def user_data(**overrides):
    data = {
        "username": "xinren", "full_name": "孙小红", "gender": "F", "phone": "028-85551234", "position": "干事",
        "email": "", "modules": [Module.FILES, Module.ASSISTANCE], "use_default_password": "on",
    }  # fmt: skip
    return {**data, **overrides}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def audited(event, obj) -> bool:
    return AuditLog.objects.filter(event=event, object_type=obj._meta.model_name, object_id=str(obj.pk)).exists()


def create_url(cast, unit_key):
    return reverse("org:user_create", args=[cast.units[unit_key].pk])


# --- create ------------------------------------------------------------------------------------


def test_create_with_default_password(cast):
    response = cast.client("county_a_admin").post(create_url(cast, "street_a"), user_data())
    assert response.url == reverse("org:unit_detail", args=[cast.units["street_a"].pk])
    user = User.objects.get(username="xinren")
    assert user.unit == cast.units["street_a"] and user.modules == [Module.FILES, Module.ASSISTANCE]
    assert user.check_password(settings.DEFAULT_PASSWORD) and user.must_change_password
    assert not user.unit_confirmed and not user.profile_confirmed
    assert audited(OrgEvent.USER_CREATED, user)


def test_create_with_chosen_password_checks_the_rules(cast):
    client = cast.client("county_a_admin")
    url = create_url(cast, "street_a")
    weak = user_data(use_default_password="", new_password1="abcdefgh1", new_password2="abcdefgh1")
    assert "至少 3 类" in client.post(url, weak).content.decode()
    missing = user_data(use_default_password="")
    assert "不使用默认口令时,请输入初始密码" in client.post(url, missing).content.decode()
    assert not User.objects.filter(username="xinren").exists()
    good = user_data(use_default_password="", new_password1=GOOD_PASSWORD, new_password2=GOOD_PASSWORD)
    assert client.post(url, good).status_code == 302
    user = User.objects.get(username="xinren")
    assert user.check_password(GOOD_PASSWORD) and user.must_change_password


def test_username_is_unique_case_insensitively(cast):
    client = cast.client("county_a_admin")
    body = client.post(create_url(cast, "street_a"), user_data(username="Street_A")).content.decode()
    assert "登录名“Street_A”已被使用" in body
    assert not User.objects.filter(username="Street_A").exists()


def test_required_fields_are_marked_and_checked(cast):
    client = cast.client("county_a_admin")
    page = client.get(create_url(cast, "street_a")).content.decode()
    assert 'class="required"' in page and "使用默认口令" in page and "用户管理" in page
    body = client.post(create_url(cast, "street_a"), user_data(full_name="", phone="abc")).content.decode()
    assert "这个字段是必填项" in body and "电话号码只能包含数字" in body


def test_second_unit_admin_is_refused_on_create_and_edit(cast):
    client = cast.client("county_a_admin")
    assert "不能再选择“用户管理”" in client.get(create_url(cast, "street_a")).content.decode()
    modules = [Module.UNIT_ADMIN]
    body = client.post(create_url(cast, "street_a"), user_data(modules=modules)).content.decode()
    assert "本单位已有用户管理员:street_a_admin" in body
    assert not User.objects.filter(username="xinren").exists()
    clerk = cast.users["street_a"]
    edit = user_data(username="street_a", modules=[Module.FILES, Module.UNIT_ADMIN])
    body = client.post(reverse("org:user_edit", args=[clerk.pk]), edit).content.decode()
    assert "本单位已有用户管理员:street_a_admin" in body
    assert Module.UNIT_ADMIN not in fresh(clerk).modules


def test_the_database_constraint_race_gives_the_same_message(cast, monkeypatch):
    monkeypatch.setattr(services, "_check_one_admin", lambda *args, **kwargs: None)
    with pytest.raises(DomainError, match="本单位已有用户管理员:street_a_admin"):
        services.user_create(
            actor=cast.users["county_a_admin"], unit=cast.units["street_a"],
            data=user_data(modules=[Module.UNIT_ADMIN]),
        )  # fmt: skip
    assert not User.objects.filter(username="xinren").exists()


def test_admin_may_be_given_to_a_unit_without_one(cast):
    admin = cast.users["county_a_admin"]
    services.user_create(actor=admin, unit=cast.units["street_a2"], data=user_data(modules=[Module.UNIT_ADMIN]))
    assert User.objects.get(username="xinren").is_unit_admin


# --- edit, password, delete --------------------------------------------------------------------


def test_edit_user(cast):
    clerk = cast.users["street_a"]
    client = cast.client("county_a_admin")
    data = user_data(username="street_a", full_name="王小明", modules=[Module.FILES])
    assert client.post(reverse("org:user_edit", args=[clerk.pk]), data).status_code == 302
    clerk = fresh(clerk)
    assert clerk.full_name == "王小明" and clerk.modules == [Module.FILES]
    assert audited(OrgEvent.USER_CHANGED, clerk)


def test_admin_cannot_remove_own_admin_permission(cast):
    admin = cast.users["county_a_admin"]
    client = cast.client("county_a_admin")
    data = user_data(username="county_a_admin", modules=[Module.FILES])
    body = client.post(reverse("org:user_edit", args=[admin.pk]), data).content.decode()
    assert "不能取消自己的“用户管理”权限" in body
    assert fresh(admin).is_unit_admin


def test_password_reset_to_default(cast):
    clerk = cast.users["street_a"]
    client = cast.client("county_a_admin")
    assert client.get(reverse("org:user_password_reset", args=[clerk.pk])).status_code == 405
    client.post(reverse("org:user_password_reset", args=[clerk.pk]))
    clerk = fresh(clerk)
    assert clerk.check_password(settings.DEFAULT_PASSWORD) and clerk.must_change_password
    assert AuditLog.objects.filter(event=OrgEvent.PASSWORD_CHANGED, object_id=str(clerk.pk)).exists()


def test_delete_user(cast):
    clerk = cast.users["street_a"]
    client = cast.client("county_a_admin")
    assert "确定删除" in client.get(reverse("org:user_delete", args=[clerk.pk])).content.decode()
    response = client.post(reverse("org:user_delete", args=[clerk.pk]))
    assert response.url == reverse("org:unit_detail", args=[cast.units["street_a"].pk])
    assert not User.objects.filter(pk=clerk.pk).exists()
    assert audited(OrgEvent.USER_DELETED, clerk)


def test_admin_cannot_delete_self(cast):
    admin = cast.users["county_a_admin"]
    client = cast.client("county_a_admin")
    assert "确定删除" not in client.get(reverse("org:user_delete", args=[admin.pk])).content.decode()
    response = client.post(reverse("org:user_delete", args=[admin.pk]))
    assert "不能删除自己的账户" in response.content.decode()
    assert User.objects.filter(pk=admin.pk).exists()


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["city_a_admin", "province_b", "province_a_admin"])
def test_users_outside_the_subtree_are_404(cast, other):
    client = cast.client("county_a_admin")
    pk = cast.users[other].pk
    assert client.get(reverse("org:user_edit", args=[pk])).status_code == 404
    assert client.post(reverse("org:user_edit", args=[pk]), user_data(username=other)).status_code == 404
    assert client.post(reverse("org:user_delete", args=[pk])).status_code == 404
    assert client.post(reverse("org:user_password_reset", args=[pk])).status_code == 404
    assert fresh(cast.users[other]).username == other


def test_unit_pages_outside_the_subtree_are_404(cast):
    client = cast.client("county_a_admin")
    pk = cast.units["street_b"].pk
    assert client.get(reverse("org:user_create", args=[pk])).status_code == 404
    assert client.post(reverse("org:user_create", args=[pk]), user_data()).status_code == 404
    assert client.post(reverse("org:user_order_reset", args=[pk])).status_code == 404
    assert not User.objects.filter(username="xinren").exists()


def test_non_admin_gets_403_in_scope_and_404_outside(cast):
    client = cast.client("street_a")
    assert client.get(reverse("org:user_search")).status_code == 403
    assert client.get(create_url(cast, "street_a")).status_code == 403
    assert client.post(reverse("org:user_delete", args=[cast.users["street_a_admin"].pk])).status_code == 403
    assert client.post(reverse("org:user_delete", args=[cast.users["street_a2"].pk])).status_code == 404
    assert User.objects.filter(username__in=["street_a_admin", "street_a2"]).count() == 2


def test_search_is_scoped_to_the_subtree(cast):
    client = cast.client("county_a_admin")
    body = client.get(reverse("org:user_search"), {"name": "admin"}).content.decode()
    assert "county_a_admin" in body and "street_a_admin" in body
    assert "province_b_admin" not in body and "city_a_admin" not in body
    assert "没有找到" in client.get(reverse("org:user_search"), {"name": "province_b"}).content.decode()
    found = services.user_search(actor=cast.users["national_admin"], name="PROVINCE_B")
    assert {u.username for u in found} == {"province_b", "province_b_admin"}


def test_search_matches_full_name(cast):
    User.objects.filter(username="street_a2").update(full_name="李玉林")
    found = services.user_search(actor=cast.users["county_a_admin"], name="玉林")
    assert [u.username for u in found] == ["street_a2"]


# --- ordering ----------------------------------------------------------------------------------


def test_order_users_then_reset_to_creation_order(cast):
    unit = cast.units["county_a"]
    admin, clerk = cast.users["county_a_admin"], cast.users["county_a"]
    client = cast.client("county_a_admin")
    page = client.get(reverse("org:user_order", args=[unit.pk])).content.decode()
    assert 'class="sortable"' in page and "data-restart" in page
    response = client.post(reverse("org:user_order", args=[unit.pk]), {"order": [clerk.pk, admin.pk]})
    assert response.url == reverse("org:unit_detail", args=[unit.pk])
    assert list(users_of_unit(unit)) == [clerk, admin]
    assert (fresh(clerk).display_order, fresh(admin).display_order) == (1, 2)
    assert audited(OrgEvent.USERS_ORDERED, unit)
    client.post(reverse("org:user_order_reset", args=[unit.pk]))
    assert list(users_of_unit(unit)) == [admin, clerk]


def test_user_order_refuses_a_different_set(cast):
    unit = cast.units["county_a"]
    client = cast.client("county_a_admin")
    body = client.post(reverse("org:user_order", args=[unit.pk]), {"order": [cast.users["county_a"].pk]})
    assert "请刷新页面后重新排序" in body.content.decode()
    assert not User.objects.exclude(display_order=0).exists()


def test_user_search_within_a_subordinate_unit_chosen_with_the_switcher(cast):
    client = cast.client("city_a_admin")
    url = reverse("org:user_search")
    everywhere = client.get(url, {"name": "street_a"}).content.decode()
    assert "street_a_admin" in everywhere and "street_a2" in everywhere
    response = client.get(url, {"name": "street_a", "unit": cast.units["street_a"].pk})
    body = response.content.decode()
    assert "street_a_admin" in body and "玉林街道工会" not in body.split("</select>")[1]
    # The switcher offers the way back up and the next level down, not the whole subtree.
    options = body.split("<select")[1].split("</select>")[0]
    assert "成都市总工会" in options and "武侯区总工会" in options and "锦江区总工会" not in options
    # A unit outside the admin's subtree is 404, as if it did not exist.
    assert client.get(url, {"name": "a", "unit": cast.units["street_b"].pk}).status_code == 404
