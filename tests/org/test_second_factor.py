"""The second factor at sign-in (MLPS 2.0 level 3): who must use it, binding with a QR code,
recovery codes, rebinding, and that the password alone opens no page."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.events import SignInEvent
from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Duty, Module
from org.services import second_factor
from tests.conftest import CAST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN, STEP, HOME = reverse("login"), reverse("org:second_factor"), reverse("home")


def token(device, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, username: str):
    return client.post(LOGIN, {"username": username, "password": CAST_PASSWORD})


@pytest.mark.parametrize(
    ("username", "required"),
    [
        ("national_admin", True),
        ("province_a_admin", True),  # unit admins of province level and above
        ("street_a_admin", True),  # any unit admin downloads bulk exports
        ("street_a", True),  # a clerk of household files sees their full ID numbers
        ("county_a", True),
    ],
)
def test_who_must_use_the_second_factor(cast, username, required):
    assert second_factor.required_at_sign_in(cast.users[username]) is required


def test_users_without_files_or_user_administration_sign_in_with_the_password(cast, client):
    petitions = make_user("petitions_clerk", cast.units["street_a"], [Module.PETITIONS])
    assert not second_factor.required_at_sign_in(petitions)
    assert sign_in(client, "petitions_clerk").url == HOME
    assert client.get(HOME).status_code == 200
    # …unless their unit opts in, and the three administrators always
    cast.units["street_a"].sign_in_otp = True
    cast.units["street_a"].save()
    petitions.refresh_from_db()
    assert second_factor.required_at_sign_in(petitions)
    for duty in Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT:
        assert second_factor.required_at_sign_in(make_user(f"x_{duty}", cast.units["national"], [], duty=duty))


def test_binding_at_the_first_sign_in(cast, client):
    admin = cast.users["province_a_admin"]
    response = sign_in(client, "province_a_admin")
    # The password alone opens no page: every one leads to the second step.
    for url in (HOME, reverse("files:list"), reverse("org:units")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(STEP), url
    page = client.get(STEP).content.decode()
    assert "绑定动态口令" in page and "<svg" in page and "data-otp-secret" in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    secret = re.search(r"data-otp-secret>([A-Z2-7]+)<", page).group(1)
    assert secret == second_factor.base32_key(device)

    wrong = "000000" if token(device) != "000000" else "111111"
    response = client.post(STEP, {"token": wrong, "next": HOME})
    assert "动态口令不正确" in response.content.decode() and client.get(HOME).status_code == 302
    response = client.post(STEP, {"token": "12ab", "next": HOME})
    assert "请输入手机验证器显示的 6 位数字" in response.content.decode()

    page = client.post(STEP, {"token": token(device), "next": HOME}).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == second_factor.RECOVERY_CODE_COUNT
    assert client.get(HOME).status_code == 200
    events = set(AuditLog.objects.filter(user=admin).values_list("event", flat=True))
    assert {SignInEvent.SIGN_IN, OrgEvent.OTP_DEVICE_CONFIRMED, OrgEvent.RECOVERY_CODES_ISSUED} <= events


def test_a_bound_user_enters_a_token_or_a_recovery_code_once(cast, client):
    admin = cast.users["province_a_admin"]
    device = TOTPDevice.objects.create(user=admin, name="动态口令", confirmed=True)
    codes = second_factor.recovery_codes_issue(actor=admin)
    sign_in(client, "province_a_admin")
    page = client.get(STEP).content.decode()
    assert "动态口令或恢复码" in page and "data-otp-secret" not in page
    assert client.post(STEP, {"token": token(device), "next": HOME}).url == HOME
    assert client.get(HOME).status_code == 200

    other = client.__class__()
    sign_in(other, "province_a_admin")
    response = other.post(STEP, {"token": codes[0], "next": HOME}, follow=True)
    assert "您使用了一个恢复码(还剩 9 个)" in response.content.decode()
    assert StaticToken.objects.filter(device__user=admin).count() == 9

    third = client.__class__()
    sign_in(third, "province_a_admin")
    response = third.post(STEP, {"token": codes[0], "next": HOME})
    assert "动态口令或恢复码不正确" in response.content.decode()
    assert third.get(HOME).status_code == 302
    failures = AuditLog.objects.filter(event=OrgEvent.OTP_VERIFIED, success=False, user=admin)
    assert failures.count() == 1


def test_replacing_a_bound_device_needs_a_token_of_it_first(cast):
    """A stolen password alone must not replace the second factor."""
    admin = cast.users["province_a_admin"]
    client = cast.client("province_a_admin")  # signed in, with a bound device
    first = admin.totpdevice_set.get()
    rebind = STEP + "?rebind=1"
    page = client.get(rebind, follow=True).content.decode()
    assert "请先用原来的验证器" in page and "data-otp-secret" not in page
    assert client.post(STEP, {"token": token(first), "rebind": "1", "next": HOME}).status_code == 302
    assert "data-otp-secret" in client.get(rebind).content.decode()
    second = admin.totpdevice_set.get(confirmed=False)
    client.post(STEP, {"token": token(second), "rebind": "1", "next": HOME})
    assert list(admin.totpdevice_set.values_list("pk", "confirmed")) == [(second.pk, True)]


def test_new_recovery_codes_need_a_fresh_proof_and_replace_the_old(cast):
    admin = cast.users["province_a_admin"]
    client = cast.client("province_a_admin")
    old = second_factor.recovery_codes_issue(actor=admin)
    new_codes = reverse("org:recovery_codes_new")
    response = client.post(new_codes)
    assert response.status_code == 302 and response.url.startswith(STEP + "?fresh=1")
    client.post(STEP, {"token": token(admin.totpdevice_set.get()), "fresh": "1"})
    page = client.post(new_codes).content.decode()
    fresh = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(fresh) == 10 and not set(fresh) & set(old)
    assert set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)) == set(fresh)
    manage = client.get(reverse("org:second_factor_manage")).content.decode()
    assert "剩余恢复码:<strong>10</strong>" in manage


def test_the_step_sends_nowhere_outside_the_site(cast, client):
    admin = cast.users["province_a_admin"]
    device = TOTPDevice.objects.create(user=admin, name="动态口令", confirmed=True)
    sign_in(client, "province_a_admin")
    response = client.post(STEP, {"token": token(device), "next": "https://evil.example/"})
    assert response.url == HOME
