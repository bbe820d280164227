"""`manage.py reset_otp <login>`: the system administrator's way back for a user with no unit
admin above them (the national unit's admin) who lost their TOTP phone. Everyone else is reset
by a superior unit's admin on the user page (org.services.users.user_otp_reset)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals.models import AuditEvent
from approvals.services import audit_record
from org.models import User


class Command(BaseCommand):
    help = "删除某用户绑定的动态口令(TOTP)设备,该用户下次下载批量导出数据时重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有登录名为“{username}”的用户。")
        devices = TOTPDevice.objects.filter(user=user)
        ids = list(devices.values_list("pk", flat=True))
        if not ids:
            raise CommandError(f"“{username}”尚未绑定动态口令,无需重置。")
        devices.delete()
        audit_record(
            event=AuditEvent.OTP_DEVICE_RESET,
            username="manage.py reset_otp",
            obj=user,
            detail={"devices": ids, "by": "system administrator"},
        )
        self.stdout.write(f"已重置“{username}”的动态口令({len(ids)} 个设备)。")
