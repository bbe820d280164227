"""The second factor (动态口令, TOTP by django-otp) of sign-in and of bulk downloads, and its
recovery codes (django-otp's static tokens), MLPS 2.0 level 3.

Who must use it at sign-in is one predicate (`required_at_sign_in`); the pages ask it. A
device is bound with its first token; binding issues ten one-time recovery codes, any of which
stands in for a token once (a lost phone on a day without an administrator). Resets are in
org.services.users (a superior unit's admin, the security administrator, or `manage.py
reset_otp`)."""

import time
from base64 import b32encode

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Duty, Module, User

DEVICE_NAME = "动态口令"
RECOVERY_DEVICE_NAME = "恢复码"
RECOVERY_CODE_COUNT = 10
# When the session last proved the second factor: a bulk download asks for a fresh proof.
VERIFIED_AT_SESSION_KEY = "second_factor_verified_at"


def required_at_sign_in(user: User) -> bool:
    """Unit admins at province level and above; whoever may see full ID numbers (a clerk of
    household files sees those of the own unit's files) or download bulk exports (a unit
    admin); the three administrators (三员); and every user of a unit that opted in."""
    if user.duty != Duty.NONE or user.unit.sign_in_otp:
        return True
    return user.has_module(Module.UNIT_ADMIN) or user.has_module(Module.FILES)


def device_of(user: User) -> TOTPDevice | None:
    """The user's bound (confirmed) TOTP device, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def device_start(*, actor: User) -> TOTPDevice:
    """A new, unconfirmed device to bind (the same one until confirmed, so reloading the page
    does not change the key the user is typing in)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)


def base32_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in."""
    return b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code for the authenticator app."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="动态口令二维码")


@transaction.atomic
def device_confirm(*, actor: User, token: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Bind the half-bound device with its first token; a device bound before is replaced and
    new recovery codes replace the old. Returns the device and the codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        raise DomainError("请先生成新的动态口令密钥。", field="token")
    if not device.verify_token(token.strip()):
        audit_record(event=OrgEvent.OTP_DEVICE_CONFIRMED, actor=actor, request=request, success=False)
        raise DomainError("动态口令不正确或已过期,请核对手机时间后重新输入。", field="token")
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(event=OrgEvent.OTP_DEVICE_CONFIRMED, actor=actor, request=request, obj=device)
    return device, recovery_codes_issue(actor=actor, request=request)


@transaction.atomic
def recovery_codes_issue(*, actor: User, request=None) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(user=actor, defaults={"name": RECOVERY_DEVICE_NAME})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(event=OrgEvent.RECOVERY_CODES_ISSUED, actor=actor, request=request, obj=actor)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(*, actor: User, token: str, request=None):
    """Check a token of the user's bound device, or one of their recovery codes (used up by
    the check). django-otp throttles repeated failures on each device. Audited either way;
    returns the device that matched."""
    device = device_of(actor)
    if device is None:
        raise DomainError("尚未绑定动态口令。", field="token")
    token = token.strip()
    with transaction.atomic():
        matched = device if device.verify_token(token) else _recovery_match(actor, token)
        kind = "totp" if matched is device else "recovery"
        audit_record(event=OrgEvent.OTP_VERIFIED, actor=actor, request=request, obj=device,
                     success=matched is not None, detail={"kind": kind})  # fmt: skip
    if matched is None:
        raise DomainError("动态口令或恢复码不正确,请重新输入。", field="token")
    return matched


def _recovery_match(user: User, token: str) -> StaticDevice | None:
    """A recovery code has StaticToken.random_token's shape, 8 base-32 characters: a 6-digit
    token is no recovery code, and trying it would count against the codes' throttle."""
    if len(token) == 6 and token.isascii() and token.isdigit():
        return None
    device = StaticDevice.objects.filter(user=user).first()
    return device if device is not None and device.verify_token(token.lower()) else None


def devices_delete(*, user: User) -> list[int]:
    """Every TOTP device and every recovery code of the user: a reset's effect. The TOTP
    device ids deleted (the caller audits the reset)."""
    devices = TOTPDevice.objects.filter(user=user)
    ids = list(devices.values_list("pk", flat=True))
    devices.delete()
    StaticDevice.objects.filter(user=user).delete()
    return ids


# --- the session's proof -----------------------------------------------------------------------


def _clock() -> float:
    return time.time()


def mark_verified(request) -> None:
    request.session[VERIFIED_AT_SESSION_KEY] = _clock()


def verified_within(request, minutes: int) -> bool:
    """The session proved the second factor less than `minutes` ago, with a device that still
    exists (django-otp's is_verified: a reset device no longer counts)."""
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY, 0)
    return _clock() - verified_at < minutes * 60 and request.user.is_verified()
