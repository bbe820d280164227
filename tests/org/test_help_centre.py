"""The own unit's help-centre profile (manual 18.3.1)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AuditLog
from org.events import OrgEvent
from org.models import HelpCentreProfile
from org.services.help_centre import help_centre_profile_save

pytestmark = pytest.mark.django_db

URL = reverse("org:help_centre")

VALID = {
    "centre_name": "浆洗街街道困难职工帮扶中心",
    "established_on": "2008-05-01",
    "floor_area": "120.5",
    "full_time_staff": "3",
    "part_time_staff": "2",
    "service_windows": "2",
    "has_independent_premises": "on",
    "has_hotline": "on",
    "hotline": "028-12351",
    "annual_budget": "8.00",
    "services": "生活救助、助学、职业介绍",
}


@pytest.fixture
def centre(cast):
    unit = cast.units["street_a"]  # the same object as the cast users' `unit`
    unit.is_help_centre = True
    unit.save(update_fields=["is_help_centre"])
    return unit


def test_not_a_help_centre_only_explains(cast):
    response = cast.client("street_a_admin").get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "本单位不是帮扶中心,无需填写。" in html
    assert '<form method="post" novalidate>' not in html


def test_not_a_help_centre_refuses_post(cast):
    assert cast.client("street_a_admin").post(URL, VALID).status_code == 403
    assert not HelpCentreProfile.objects.exists()


def test_admin_sees_the_form_prefilled_with_the_unit_name(cast, centre):
    response = cast.client("street_a_admin").get(URL)
    assert response.context["form"].initial["centre_name"] == "浆洗街街道工会"


def test_admin_creates_then_updates(cast, centre):
    client = cast.client("street_a_admin")
    response = client.post(URL, VALID, follow=True)
    assert "保存成功" in [str(m) for m in response.context["messages"]]
    profile = HelpCentreProfile.objects.get(unit=centre)
    assert (profile.full_time_staff, profile.hotline, profile.has_independent_premises) == (3, "028-12351", True)

    client.post(URL, {**VALID, "full_time_staff": "5"})
    profile.refresh_from_db()
    assert profile.full_time_staff == 5
    logs = AuditLog.objects.filter(event=OrgEvent.HELP_CENTRE_CHANGED)
    assert sorted(log.detail["action"] for log in logs) == ["create", "update"]


def test_non_admin_sees_it_read_only(cast, centre):
    help_centre_profile_save(actor=cast.users["street_a_admin"], data={"centre_name": "浆洗街帮扶中心"})
    response = cast.client("street_a").get(URL)
    html = response.content.decode()
    assert response.context["form"] is None
    assert "浆洗街帮扶中心" in html and "只有本单位的用户管理员可以修改" in html


def test_non_admin_before_anything_was_filled_in(cast, centre):
    assert "尚未填写" in cast.client("street_a").get(URL).content.decode()


def test_non_admin_post_is_refused(cast, centre):
    assert cast.client("street_a").post(URL, VALID).status_code == 403
    assert not HelpCentreProfile.objects.exists()


def test_admin_of_another_unit_edits_only_their_own(cast, centre):
    # The page edits the user's own unit only; county_a is not a help centre.
    assert cast.client("county_a_admin").post(URL, VALID).status_code == 403
    assert not HelpCentreProfile.objects.exists()


def test_service_refuses_a_non_admin(cast, centre):
    with pytest.raises(PermissionDenied):
        help_centre_profile_save(actor=cast.users["street_a"], data={"centre_name": "x"})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hotline", "", "已开通服务热线,请填写服务热线号码。"),
        ("hotline", "abc", "电话号码只能包含数字、空格和 - ( ) + 转,长度 5–30 位。"),
        ("full_time_staff", "-1", "不能为负数。"),
        ("floor_area", "-3", "不能为负数。"),
        ("annual_budget", "-0.5", "不能为负数。"),
        ("established_on", "2999-01-01", "成立时间不能晚于今天。"),
        ("centre_name", "", "这个字段是必填项。"),
    ],
)
def test_invalid_input_is_shown_next_to_the_field(cast, centre, field, value, message):
    response = cast.client("street_a_admin").post(URL, {**VALID, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not HelpCentreProfile.objects.exists()


def test_hotline_may_be_empty_when_not_opened(cast, centre):
    data = {k: v for k, v in VALID.items() if k not in ("has_hotline", "hotline")}
    cast.client("street_a_admin").post(URL, data)
    assert HelpCentreProfile.objects.get(unit=centre).has_hotline is False
