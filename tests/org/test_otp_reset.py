"""重置动态口令: a unit admin resets the TOTP devices of a user of a unit strictly below their own
(the national admin also those of the national unit's other users), and the security
administrator anyone's but their own; the user binds a new device at the next sign-in."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Duty, Module
from org.services import second_factor
from org.services import users as services
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

OTP = reverse("org:second_factor")


def bind(user, *, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=second_factor.DEVICE_NAME, confirmed=confirmed)


def token(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def reset_url(user) -> str:
    return reverse("org:user_otp_reset", args=[user.pk])


@pytest.mark.parametrize(
    ("actor", "target", "refusal"),
    [
        ("national_admin", "province_a_admin", None),  # the province admin's: by the national admin
        ("province_a_admin", "city_a_admin", None),  # the city admin's: by the province admin
        ("province_a_admin", "street_a", None),  # anywhere below
        ("national_admin", "national_clerk", None),  # the national unit: nobody above it
        ("street_a_admin", "street_a", PermissionDenied),  # a colleague of the same unit
        ("province_b_admin", "province_b", PermissionDenied),
        ("national_admin", "national_admin", PermissionDenied),  # oneself, even at the top
        ("city_a_admin", "province_a_admin", DomainError),  # above the admin: out of scope
        ("province_b_admin", "city_a_admin", DomainError),  # another branch
        ("county_a", "street_a", PermissionDenied),  # not a unit admin
        ("security", "province_a_admin", None),  # the security administrator: anyone below
        ("security", "auditor", None),  # … the other administrators included
        ("security", "security", PermissionDenied),  # but not their own
        ("national_admin", "auditor", PermissionDenied),  # 三员 accounts: not by a unit admin
    ],
)
def test_who_may_reset_whose_devices(cast, actor, target, refusal):
    cast.users["national_clerk"] = make_user("national_clerk", cast.units["national"], [Module.FILES])
    cast.users["security"] = make_user("security", cast.units["national"], [], duty=Duty.SECURITY)
    cast.users["auditor"] = make_user("auditor", cast.units["national"], [], duty=Duty.AUDIT)
    actor, target = cast.users[actor], cast.users[target]
    device = bind(target)

    if refusal is None:
        assert services.may_reset_otp(actor, target)
        assert services.user_otp_reset(actor=actor, user=target) == 1
        assert not TOTPDevice.objects.filter(user=target).exists()
        log = AuditLog.objects.get(event=OrgEvent.OTP_DEVICE_RESET)
        assert (log.user_id, log.object_id, log.detail) == (actor.pk, str(target.pk), {"devices": [device.pk]})
    else:
        assert not services.may_reset_otp(actor, target)
        with pytest.raises(refusal):
            services.user_otp_reset(actor=actor, user=target)
        assert list(TOTPDevice.objects.filter(user=target)) == [device]
        assert not AuditLog.objects.filter(event=OrgEvent.OTP_DEVICE_RESET).exists()


def test_a_user_without_a_bound_device_has_nothing_to_reset(cast):
    target = cast.users["city_a_admin"]
    half_bound = bind(target, confirmed=False)
    with pytest.raises(DomainError, match="尚未绑定动态口令"):
        services.user_otp_reset(actor=cast.users["province_a_admin"], user=target)
    assert list(TOTPDevice.objects.filter(user=target)) == [half_bound]
    assert not AuditLog.objects.filter(event=OrgEvent.OTP_DEVICE_RESET).exists()

    client = cast.client("province_a_admin")
    page = client.get(reverse("org:user_edit", args=[target.pk])).content.decode()
    assert "重置动态口令" not in page
    response = client.post(reset_url(target), follow=True)
    assert "尚未绑定动态口令,无需重置" in response.content.decode()


def test_the_button_shows_only_to_who_may_reset_a_bound_device(cast):
    target = cast.users["street_a"]
    bind(target)
    edit = reverse("org:user_edit", args=[target.pk])
    assert "重置动态口令" in cast.client("county_a_admin").get(edit).content.decode()
    assert "重置动态口令" not in cast.client("street_a_admin").get(edit).content.decode()
    assert cast.client("street_a_admin").post(reset_url(target)).status_code == 403
    assert cast.client("province_b_admin").post(reset_url(target)).status_code == 404
    assert TOTPDevice.objects.filter(user=target).count() == 1


def test_after_a_reset_the_user_binds_a_new_device_at_the_next_sign_in(cast):
    admin = cast.users["province_a_admin"]
    home = reverse("home")
    phone_owner = cast.client("province_a_admin")
    assert phone_owner.get(home).status_code == 200
    lost = admin.totpdevice_set.get()

    national = cast.client("national_admin")
    page = national.get(reverse("org:user_edit", args=[admin.pk])).content.decode()
    assert "重置动态口令" in page and "data-confirm" in page
    response = national.post(reset_url(admin), follow=True)

    assert "已重置" in response.content.decode() and "重新绑定" in response.content.decode()
    assert not admin.totpdevice_set.exists()
    # The session verified with the lost phone is verified no more: every page leads to binding.
    response = phone_owner.get(home)
    assert response.status_code == 302 and response.url.startswith(OTP)
    assert "data-otp-secret" in phone_owner.get(OTP).content.decode()
    new = admin.totpdevice_set.get(confirmed=False)
    assert new.pk != lost.pk
    page = phone_owner.post(OTP, {"token": token(new), "next": home}).content.decode()
    assert "data-recovery-codes" in page
    assert list(admin.totpdevice_set.values_list("pk", "confirmed")) == [(new.pk, True)]
    assert phone_owner.get(home).status_code == 200
