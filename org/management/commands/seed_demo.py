"""Demo data for `make run`: a union tree with Chinese names and one user per level.

Loads once: when any unit exists the command leaves the database alone. `--logins` prints the
demo accounts (the README lists the same table).

Every demo account that signs in with a second factor is bound to one published TOTP key
(DEMO_OTP_KEY), so a visitor adds that key to any authenticator app once, or asks
`manage.py demo_otp_code <login>` for the current token. Only demo data carry that key.
"""

from base64 import b32encode
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import Duty, HelpCentreProfile, Module, Unit, User
from org.services.second_factor import required_at_sign_in

DEMO_PASSWORD = "Bangfu@2026"
DEMO_OTP_KEY = "42616e676675446f6d6f546f7470323032364b65"  # hex, 20 bytes: b"BangfuDomoTotp2026Ke"
DEMO_OTP_SECRET = b32encode(bytes.fromhex(DEMO_OTP_KEY)).decode()  # what an authenticator takes

# province → {city → {county → [streets]}}, with the telephone area code of each city.
TREE = {
    ("四川省总工会", "51", "成都市人民南路二段 33 号", "610016", "028"): {
        ("成都市总工会", "5101", "成都市西二环路二段 77 号", "610073", "028"): {
            "武侯区总工会": ["浆洗街街道工会", "玉林街道工会"],
            "锦江区总工会": ["春熙路街道工会", "书院街街道工会"],
        },
        ("绵阳市总工会", "5107", "绵阳市涪城区临园路东段 56 号", "621000", "0816"): {
            "涪城区总工会": ["城厢街道工会", "朝阳街道工会"],
            "游仙区总工会": ["富乐街道工会", "春雷街道工会"],
        },
    },
    ("广东省总工会", "44", "广州市越秀区越秀南路 185 号", "510100", "020"): {
        ("广州市总工会", "4401", "广州市越秀区流花路 120 号", "510010", "020"): {
            "天河区总工会": ["石牌街道工会", "天河南街道工会"],
            "越秀区总工会": ["北京街道工会", "农林街道工会"],
        },
        ("深圳市总工会", "4403", "深圳市福田区上步中路 1011 号", "518028", "0755"): {
            "福田区总工会": ["园岭街道工会", "南园街道工会"],
            "南山区总工会": ["南头街道工会", "粤海街道工会"],
        },
    },
    ("江苏省总工会", "32", "南京市玄武区北京东路 39 号", "210008", "025"): {
        ("南京市总工会", "3201", "南京市鼓楼区北京西路 23 号", "210008", "025"): {
            "玄武区总工会": ["新街口街道工会", "梅园新村街道工会"],
            "鼓楼区总工会": ["宁海路街道工会", "湖南路街道工会"],
        },
        ("苏州市总工会", "3205", "苏州市姑苏区三香路 1250 号", "215004", "0512"): {
            "姑苏区总工会": ["平江街道工会", "沧浪街道工会"],
            "吴中区总工会": ["长桥街道工会", "越溪街道工会"],
        },
    },
}

BUSINESS = [m for m in Module.values if m != Module.UNIT_ADMIN]

# username, unit name, full name, modules, what the account shows
LOGINS = [
    ("quanzong", "中华全国总工会", "王建国", [Module.UNIT_ADMIN, *BUSINESS], "全总用户管理员(含代码表管理)"),
    ("sichuan", "四川省总工会", "李秀英", [Module.UNIT_ADMIN], "省总用户管理员"),
    ("sichuan_bf", "四川省总工会", "张伟", BUSINESS, "省总帮扶业务审核"),
    ("chengdu", "成都市总工会", "刘洋", [Module.UNIT_ADMIN, *BUSINESS], "市总用户管理员兼业务审核"),
    ("wuhou", "武侯区总工会", "陈静", [Module.UNIT_ADMIN, *BUSINESS], "区县用户管理员兼业务审核"),
    ("jiangjie", "浆洗街街道工会", "杨帆", BUSINESS, "街道(基层)帮扶工作人员"),
    ("jiangjie_admin", "浆洗街街道工会", "赵敏", [Module.UNIT_ADMIN], "街道(基层)用户管理员"),
    ("guangdong", "广东省总工会", "黄丽", [Module.UNIT_ADMIN, *BUSINESS], "另一省总的用户管理员(看不到四川的数据)"),
]

# 三员 of the national unit (a real installation creates them with `manage.py create_duty_admins`).
DUTY_LOGINS = [
    ("xitong", Duty.SYSTEM, "系统管理员:单位、用户、代码表,不接触业务数据"),
    ("anquan", Duty.SECURITY, "安全管理员:账户锁定、动态口令重置、单位登录动态口令"),
    ("shenji", Duty.AUDIT, "审计管理员:查询和导出审计日志"),
]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["建华", "志强", "秀兰", "桂英", "海燕", "明", "军", "红梅", "立新", "晓东"]


def _contact(name: str, address: str, postal_code: str, area_code: str, serial: int) -> dict:
    return {
        "name": name,
        "address": address,
        "postal_code": postal_code,
        "area_code": area_code,
        "person_in_charge": SURNAMES[serial % len(SURNAMES)] + GIVEN_NAMES[serial % len(GIVEN_NAMES)],
        "office_phone": f"{8730_0000 + serial * 17}",
        "duty_phone": f"{8730_0000 + serial * 17 + 1}",
        "introduction": f"{name}困难职工帮扶中心:了解和掌握困难职工在生活、就医、子女就学、就业等方面的实际困难,"
        "及时给予关心和帮助。",
        "details_confirmed": True,
    }


def _app_demo_loaders():
    """`load(password) -> summary` of every installed app that has a demo module (records…)."""
    for app in apps.get_app_configs():
        if app.name != "org" and module_has_submodule(app.module, "demo"):
            yield import_module(f"{app.name}.demo").load


class Command(BaseCommand):
    help = "Load the demo union tree and demo logins once (no-op when units exist)."

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, logins=False, **options):
        if logins:
            self._print_logins()
            return
        if Unit.objects.exists():
            self.stdout.write("演示数据已存在,跳过。")
            return
        with transaction.atomic():
            self._build_tree()
            self._create_users()
            loaded = [load(DEMO_PASSWORD) for load in _app_demo_loaders()]
            self._bind_demo_devices()
        summary = "、".join([f"{Unit.objects.count()} 个单位", f"{User.objects.count()} 个用户", *loaded])
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入:{summary}。"))

    def _build_tree(self) -> None:
        serial = iter(range(1, 10_000))
        national = Unit.objects.add_root(
            {**_contact("中华全国总工会", "北京市西城区复兴门外大街 10 号", "100865", "010", 0), "code": "0001"}
        )
        for (p_name, p_code, p_addr, p_zip, p_area), cities in TREE.items():
            province = Unit.objects.add_child(
                national, {**_contact(p_name, p_addr, p_zip, p_area, next(serial)), "code": p_code}
            )
            for (c_name, c_code, c_addr, c_zip, c_area), counties in cities.items():
                city = Unit.objects.add_child(
                    province,
                    {**_contact(c_name, c_addr, c_zip, c_area, next(serial)), "code": c_code, "is_help_centre": True},
                )
                HelpCentreProfile.objects.create(
                    unit=city, centre_name=f"{c_name}困难职工帮扶中心", full_time_staff=6, part_time_staff=4,
                    service_windows=3, has_independent_premises=True, has_hotline=True, hotline="12351",
                )  # fmt: skip
                for k, (county_name, streets) in enumerate(counties.items(), start=1):
                    county = Unit.objects.add_child(
                        city,
                        {**_contact(county_name, f"{c_addr[:3]}{county_name[:-3]}人民路 {k} 号", c_zip, c_area, next(serial)),
                         "code": f"{c_code}{k:02d}"},
                    )  # fmt: skip
                    for s, street_name in enumerate(streets, start=1):
                        Unit.objects.add_child(
                            county,
                            {**_contact(street_name, f"{county_name[:-3]}{street_name[:-4]}社区服务中心", c_zip, c_area,
                                        next(serial)), "code": f"{c_code}{k:02d}{s:02d}"},
                        )  # fmt: skip

    def _create_users(self) -> None:
        for order, (username, unit_name, full_name, modules, _role) in enumerate(LOGINS, start=1):
            user = User(
                username=username,
                unit=Unit.objects.get(name=unit_name),
                full_name=full_name,
                modules=list(modules),
                display_order=order,
                must_change_password=False,  # demo accounts skip the forced change (README)
                unit_confirmed=True,
                profile_confirmed=True,
                phone="13800000000",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        national = Unit.objects.get(depth=1)
        for username, duty, _role in DUTY_LOGINS:
            user = User(username=username, unit=national, full_name=str(Duty(duty).label), duty=duty,
                        must_change_password=False, unit_confirmed=True, profile_confirmed=True, phone="13800000000")  # fmt: skip
            user.set_password(DEMO_PASSWORD)
            user.save()

    def _bind_demo_devices(self) -> None:
        """Every demo user who must sign in with a second factor, bound to the demo key."""
        users = [user for user in User.objects.select_related("unit") if required_at_sign_in(user)]
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name="演示动态口令", key=DEMO_OTP_KEY, confirmed=True) for user in users
        )

    def _print_logins(self) -> None:
        self.stdout.write(f"演示账户(密码均为 {DEMO_PASSWORD}):")
        for username, unit_name, _full_name, _modules, role in LOGINS:
            self.stdout.write(f"  {username:<16} {unit_name:<10} {role}")
        for username, _duty, role in DUTY_LOGINS:
            self.stdout.write(f"  {username:<16} {'中华全国总工会':<10} {role}")
        self.stdout.write(f"动态口令:在手机验证器中添加密钥 {DEMO_OTP_SECRET}(所有演示账户共用),")
        self.stdout.write("或运行 .venv/bin/python manage.py demo_otp_code <登录名> 查看当前动态口令。")
