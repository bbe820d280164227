"""`manage.py demo_otp_code <login>`: the current TOTP token of a demo account, for trying the
demo without an authenticator app. It answers only for a device bound to the published demo
key (seed_demo.DEMO_OTP_KEY), so on real data it reveals nothing."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.management.commands.seed_demo import DEMO_OTP_KEY


class Command(BaseCommand):
    help = "显示演示账户当前的动态口令(仅限绑定演示密钥的账户)。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=DEMO_OTP_KEY).first()
        if device is None:
            raise CommandError(f"“{username}”不是绑定演示密钥的演示账户。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")
