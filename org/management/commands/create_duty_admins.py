"""`manage.py create_duty_admins`: the national unit's three administrators (三员, MLPS 2.0
level 3) — system, security and audit — created from the command line, never from the user
pages, so no administrator can make or take over another's account. Each gets a random
initial password, printed once, which must be changed at first sign-in; each binds a TOTP
device at first sign-in."""

import secrets
import string

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit.services import audit_record
from org.events import OrgEvent
from org.models import Duty, Unit, User

DEFAULT_LOGINS = {Duty.SYSTEM: "xitong", Duty.SECURITY: "anquan", Duty.AUDIT: "shenji"}


def initial_password() -> str:
    """16 random characters with every character class the password rules ask for."""
    alphabet = string.ascii_letters + string.digits + "@#%+=-"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(16))
        classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]  # fmt: skip
        if all(classes):
            return password


class Command(BaseCommand):
    help = "创建全国总工会的三员账户(系统管理员、安全管理员、审计管理员),并打印各自的初始密码。"

    def add_arguments(self, parser):
        for duty, login in DEFAULT_LOGINS.items():
            parser.add_argument(f"--{duty}", default=login, help=f"{Duty(duty).label}的登录名(默认 {login})")

    @transaction.atomic
    def handle(self, *args, **options):
        unit = Unit.objects.filter(depth=1).first()
        if unit is None:
            raise CommandError("尚未建立全国总工会单位。")
        logins = {duty: options[duty] for duty in DEFAULT_LOGINS}
        self._check(unit, logins)
        for duty, login in logins.items():
            password = initial_password()
            user = User(username=login, unit=unit, duty=duty, modules=[], full_name=str(Duty(duty).label),
                        must_change_password=True)  # fmt: skip
            user.set_password(password)
            user.save()
            audit_record(event=OrgEvent.DUTY_ASSIGNED, username="manage.py create_duty_admins", obj=user,
                         detail={"duty": duty, "unit": unit.pk})  # fmt: skip
            self.stdout.write(f"{Duty(duty).label}:登录名 {login},初始密码 {password}")
        self.stdout.write("请把初始密码分别交给三位管理员本人;首次登录时须修改密码并绑定动态口令。")

    def _check(self, unit: Unit, logins: dict) -> None:
        if len(set(logins.values())) != len(logins):
            raise CommandError("三员的登录名不能相同:一个账户不能同时担任两种职责。")
        held = User.objects.filter(unit=unit).exclude(duty=Duty.NONE).values_list("duty", flat=True)
        if held:
            names = "、".join(str(Duty(duty).label) for duty in held)
            raise CommandError(f"{unit.name}已有{names},不再重复创建。")
        taken = User.objects.filter(username__in=logins.values()).values_list("username", flat=True)
        if taken:
            raise CommandError(f"登录名“{'、'.join(taken)}”已被使用,请用 --system/--security/--audit 另选。")
