"""The fixed cast of DESIGN.md §6: a small union tree and a user at each level.

    national 全国总工会
    ├── province_a 四川省总工会
    │   └── city_a 成都市总工会
    │       ├── county_a 武侯区总工会
    │       │   ├── street_a  浆洗街街道工会
    │       │   └── street_a2 玉林街道工会
    │       └── county_a2 锦江区总工会
    └── province_b 广东省总工会
        └── city_b 广州市总工会
            └── county_b 天河区总工会
                └── street_b 石牌街道工会

Users are named after their role: `<unit>_admin` holds the unit-admin permission, `street_a`
and `street_a2` are clerks, `county_a` and `province_b` reviewers (business modules only).
"""

from contextlib import contextmanager
from importlib import import_module
from types import SimpleNamespace

import dramatiq
import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.code_tables import seed_code_tables
from org.models import CodeTable, Module, Unit, User
from org.services import second_factor
from records.kit import declaration

CAST_PASSWORD = "Cast#2026pass"

TREE = [
    # key, parent key, name, code
    ("national", None, "中华全国总工会", "0001"),
    ("province_a", "national", "四川省总工会", "57"),
    ("city_a", "province_a", "成都市总工会", "1106"),
    ("county_a", "city_a", "武侯区总工会", "110601"),
    ("street_a", "county_a", "浆洗街街道工会", "11060101"),
    ("street_a2", "county_a", "玉林街道工会", "11060102"),
    ("county_a2", "city_a", "锦江区总工会", "110602"),
    ("province_b", "national", "广东省总工会", "44"),
    ("city_b", "province_b", "广州市总工会", "4401"),
    ("county_b", "city_b", "天河区总工会", "440101"),
    ("street_b", "county_b", "石牌街道工会", "44010101"),
]

BUSINESS_MODULES = [m for m in Module.values if m != Module.UNIT_ADMIN]

USERS = [
    # username, unit key, modules
    ("national_admin", "national", [Module.UNIT_ADMIN, *BUSINESS_MODULES]),
    ("province_a_admin", "province_a", [Module.UNIT_ADMIN]),
    ("city_a_admin", "city_a", [Module.UNIT_ADMIN]),
    ("county_a_admin", "county_a", [Module.UNIT_ADMIN]),
    ("county_a", "county_a", BUSINESS_MODULES),
    ("street_a_admin", "street_a", [Module.UNIT_ADMIN]),
    ("street_a", "street_a", BUSINESS_MODULES),
    ("street_a2", "street_a2", BUSINESS_MODULES),
    ("province_b_admin", "province_b", [Module.UNIT_ADMIN]),
    ("province_b", "province_b", BUSINESS_MODULES),
]


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as having proved the second factor, as the sign-in step does
    after a correct token, binding a device for the user first when they have none. Only
    for users the rule asks it of: others keep no device, as in real life."""
    if not second_factor.required_at_sign_in(user):
        return
    device = second_factor.device_of(user) or TOTPDevice.objects.create(user=user, name="测试", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _signed_in_past_second_factor(monkeypatch):
    """`client.force_login(user)` means signed in, which for most users includes the second
    factor (org.services.second_factor). Tests of the second-factor step itself sign in
    through the real pages, or call `unverified_login`."""
    plain = Client.force_login

    def force_login(client, user, backend=None):
        plain(client, user, backend=backend)
        pass_second_factor(client, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "unverified_login", plain, raising=False)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_tree() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for key, parent_key, name, code in TREE:
        fields = dict(name=name, code=code, details_confirmed=True, office_phone="028-8736765" + str(len(units)))
        if parent_key is None:
            units[key] = Unit.objects.add_root(fields)
        else:
            units[key] = Unit.objects.add_child(units[parent_key], fields)
    return units


def make_user(username: str, unit: Unit, modules, *, password: str = CAST_PASSWORD, **extra) -> User:
    user = User(
        username=username,
        unit=unit,
        modules=list(modules),
        full_name=extra.pop("full_name", username),
        must_change_password=False,
        unit_confirmed=True,
        profile_confirmed=True,
        **extra,
    )
    user.set_password(password)
    user.save()
    return user


class Cast(SimpleNamespace):
    def client(self, username: str) -> Client:
        client = Client()
        client.force_login(self.users[username], backend="org.auth.ModulePermissionBackend")
        return client


@pytest.fixture
def code_tables(db):
    """The seeded code tables. A transactional test (live server, worker threads) flushes every
    table when it ends, the migration's seed included: put it back for the tests after it."""
    if not CodeTable.objects.exists():
        import_module("org.migrations.0002_seed_code_tables").seed(apps, None)
        seed_code_tables(import_module("records.migrations.0014_file_attachments").TABLES)[0](apps, None)
        for module in declaration.all_modules():  # each module seeds its own (org.code_tables)
            if module.model._meta.app_label == "records":
                continue  # the household files' tables are org's own seed, above
            try:
                seeding = import_module(f"{module.model._meta.app_config.name}.migrations.0002_seed_code_tables")
            except ModuleNotFoundError:
                continue  # a module without code tables of its own (the statistical forms)
            seed_code_tables(seeding.TABLES)[0](apps, None)
        seed_code_tables(import_module("approvals.migrations.0014_return_reason").TABLES)[0](apps, None)


@pytest.fixture
def cast(db, code_tables) -> Cast:
    units = build_tree()
    users = {name: make_user(name, units[unit_key], modules) for name, unit_key, modules in USERS}
    return Cast(units=units, users=users)


@pytest.fixture(autouse=True)
def _bulk_export_dir(settings, tmp_path):
    """Bulk-export files of a test go to its own directory, never to var/exports."""
    settings.BULK_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture(autouse=True)
def _attachment_dir(settings, tmp_path):
    """Attachments of a test go to its own directory, never to var/attachments."""
    settings.ATTACHMENT_DIR = tmp_path / "attachments"


@contextmanager
def worker_thread():
    """A dramatiq worker thread on the emptied (stub) broker, with its own database connection
    (tests using it need `django_db(transaction=True)`). Yields `drain(queue_name)`, which waits
    until the queue's messages are processed."""
    broker = dramatiq.get_broker()
    broker.flush_all()
    worker = dramatiq.Worker(broker, worker_timeout=100)
    worker.start()

    def drain(queue_name: str) -> None:
        broker.join(queue_name)
        worker.join()

    try:
        yield drain
    finally:
        worker.stop()
        connection.close()
