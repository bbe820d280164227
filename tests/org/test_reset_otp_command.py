"""`manage.py reset_otp`: the system administrator resets the national admin's lost device."""

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditLog
from org.events import OrgEvent

pytestmark = pytest.mark.django_db


def test_the_command_deletes_the_devices_and_audits_it(cast):
    admin = cast.users["national_admin"]
    TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)

    call_command("reset_otp", "national_admin")

    assert not TOTPDevice.objects.filter(user=admin).exists()
    row = AuditLog.objects.get(event=OrgEvent.OTP_DEVICE_RESET)
    assert (row.username, row.object_id, row.user_id) == ("manage.py reset_otp", str(admin.pk), None)


def test_unknown_users_and_users_without_a_device_are_refused(cast):
    with pytest.raises(CommandError, match="没有登录名"):
        call_command("reset_otp", "nobody")
    with pytest.raises(CommandError, match="尚未绑定"):
        call_command("reset_otp", "national_admin")
    assert not AuditLog.objects.filter(event=OrgEvent.OTP_DEVICE_RESET).exists()
