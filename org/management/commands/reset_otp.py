"""`manage.py reset_otp <login>`: the system administrator's way back for a user with no unit
admin above them (the national unit's admin) who lost their TOTP phone. Everyone else is reset
by a superior unit's admin on the user page (org.services.users.user_otp_reset)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from org.errors import DomainError
from org.models import User
from org.services.users import otp_devices_delete


class Command(BaseCommand):
    help = "删除某用户绑定的动态口令(TOTP)设备,该用户下次下载批量导出数据时重新绑定。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有登录名为“{username}”的用户。")
        try:
            deleted = otp_devices_delete(user=user, by="manage.py reset_otp")
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已重置“{username}”的动态口令({deleted} 个设备)。")
