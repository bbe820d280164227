"""三员 (separation of duties, MLPS 2.0 level 3): the national unit's system, security and audit
administrators come from a management command, hold no business module and no two duties;
the security administrator unlocks accounts, resets second factors and sets which units sign
in with one."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Duty, Module, User
from org.services import second_factor, users
from tests.conftest import CAST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SECURITY = reverse("org:security")


def test_the_command_creates_the_three_once(cast, capsys):
    call_command("create_duty_admins")
    out = capsys.readouterr().out
    three = {u.username: u for u in User.objects.exclude(duty=Duty.NONE)}
    assert set(three) == {"xitong", "anquan", "shenji"}
    assert {u.duty for u in three.values()} == {Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT}
    for user in three.values():
        assert user.unit == cast.units["national"] and user.modules == [] and user.must_change_password
        password = out.split(f"登录名 {user.username},初始密码 ")[1].split()[0]
        assert user.check_password(password) and len(password) == 16
    assert AuditLog.objects.filter(event=OrgEvent.DUTY_ASSIGNED).count() == 3
    with pytest.raises(CommandError, match="已有"):
        call_command("create_duty_admins", system="xitong2", security="anquan2", audit="shenji2")


def test_no_account_holds_two_duties_or_a_business_module(cast):
    with pytest.raises(CommandError, match="不能同时担任两种职责"):
        call_command("create_duty_admins", system="same", security="same")
    assert not User.objects.exclude(duty=Duty.NONE).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("auditor_with_files", cast.units["national"], [Module.FILES], duty=Duty.AUDIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("system_with_admin", cast.units["national"], [Module.UNIT_ADMIN], duty=Duty.SYSTEM)
    make_user("auditor", cast.units["national"], [], duty=Duty.AUDIT)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("auditor2", cast.units["national"], [], duty=Duty.AUDIT)  # one of each per unit


@pytest.fixture
def three(cast):
    national = cast.units["national"]
    users = {
        duty: make_user(f"duty_{duty}", national, [], duty=duty) for duty in (Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT)
    }
    cast.users.update({user.username: user for user in users.values()})
    return users


def test_the_system_administrator_keeps_units_users_and_code_tables_and_no_business_data(cast, three):
    client = cast.client(f"duty_{Duty.SYSTEM}")
    national = cast.units["national"]
    for url in (reverse("org:unit_detail", args=[national.pk]), reverse("org:user_search"), reverse("org:code_tables")):
        assert client.get(url).status_code == 200, url
    for url in (reverse("files:list"), reverse("records:exports"), reverse("records:manage"), SECURITY):
        assert client.get(url).status_code == 403, url


def test_only_the_security_administrator_opens_security(cast, three):
    assert cast.client(f"duty_{Duty.SECURITY}").get(SECURITY).status_code == 200
    for username in (f"duty_{Duty.SYSTEM}", f"duty_{Duty.AUDIT}", "national_admin", "street_a"):
        assert cast.client(username).get(SECURITY).status_code == 403, username
    security = cast.client(f"duty_{Duty.SECURITY}")
    for url in (reverse("files:list"), reverse("org:units"), reverse("org:code_tables")):
        assert security.get(url).status_code == 403, url


def lock(client, username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "wrong-Password1"})


def test_the_security_administrator_unlocks_an_account(cast, three, client):
    lock(client, "street_a")
    assert client.post(reverse("login"), {"username": "street_a", "password": "x"}).status_code == 429
    security = cast.client(f"duty_{Duty.SECURITY}")
    page = security.get(SECURITY).content.decode()
    assert "street_a" in page and "解除锁定" in page
    response = security.post(reverse("org:account_unlock"), {"unlock-username": "street_a"}, follow=True)
    assert "已解除“street_a”的锁定" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="street_a").exists()
    log = AuditLog.objects.get(event=OrgEvent.ACCOUNT_UNLOCKED)
    assert log.user == three[Duty.SECURITY] and log.detail["username"] == "street_a"
    page = security.post(reverse("org:account_unlock"), {"unlock-username": "street_a"}).content.decode()
    assert "当前没有被锁定" in page


def test_the_security_administrator_resets_a_second_factor(cast, three):
    target = cast.users["province_a_admin"]
    second_factor.device_start(actor=target)
    assert not second_factor.has_device(target)
    security = cast.client(f"duty_{Duty.SECURITY}")
    page = security.post(reverse("org:security_otp_reset"), {"reset-username": "province_a_admin"}).content.decode()
    assert "尚未绑定动态口令" in page
    cast.client("province_a_admin")  # binds a device on the way in
    assert second_factor.has_device(target)
    response = security.post(reverse("org:security_otp_reset"), {"reset-username": "province_a_admin"}, follow=True)
    assert "已重置" in response.content.decode() and not second_factor.has_device(target)
    page = security.post(reverse("org:security_otp_reset"), {"reset-username": "nobody"}).content.decode()
    assert "没有登录名为“nobody”的用户" in page


def test_the_security_administrator_sets_a_units_sign_in_second_factor(cast, three):
    street = cast.units["street_a"]
    security = cast.client(f"duty_{Duty.SECURITY}")
    data = {"unit-unit_code": "11060101", "unit-enabled": "1"}
    response = security.post(reverse("org:security_unit_otp"), data, follow=True)
    assert "已开启“浆洗街街道工会”的登录动态口令验证" in response.content.decode()
    street.refresh_from_db()
    assert street.sign_in_otp
    assert AuditLog.objects.filter(event=OrgEvent.SECURITY_SETTING_CHANGED, detail__sign_in_otp=True).exists()
    page = security.post(reverse("org:security_unit_otp"), {"unit-unit_code": "nope", "unit-enabled": "1"})
    assert "没有单位代码为“nope”的单位" in page.content.decode()


def test_the_user_pages_cannot_touch_the_three(cast, three):
    auditor = three[Duty.AUDIT]
    system = cast.client(f"duty_{Duty.SYSTEM}")
    for name in ("org:user_password_reset", "org:user_delete"):
        response = system.post(reverse(name, args=[auditor.pk]), follow=True)
        assert "只能由命令行维护" in response.content.decode(), name
    with pytest.raises(DomainError, match="只能由命令行维护"):
        users.user_update(actor=three[Duty.SYSTEM], user=auditor, data={"username": "taken_over"})
    auditor.refresh_from_db()
    assert auditor.username == f"duty_{Duty.AUDIT}" and auditor.check_password(CAST_PASSWORD)
