"""Sign-in and first sign-in (manual 0.3–0.4), password rules, lockout and the audit log."""

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from audit.events import SignInEvent
from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Module, Unit, User
from org.services import second_factor
from tests.conftest import CAST_PASSWORD, make_user, pass_second_factor

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Gonghui#2026"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def new_user(cast, **flags) -> User:
    user = make_user("xinren", cast.units["street_a"], [Module.FILES], password=settings.DEFAULT_PASSWORD)
    User.objects.filter(pk=user.pk).update(**flags)
    return User.objects.get(pk=user.pk)


def profile_data(**overrides):
    data = {"full_name": "孙小红", "gender": "F", "phone": "028-85551234", "position": "", "email": ""}
    return {**data, **overrides}


def test_cast_user_reaches_home(cast):
    response = cast.client("street_a").get(reverse("home"))
    assert response.status_code == 200
    assert "浆洗街街道工会" in response.content.decode()


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_with_default_password_forces_first_sign_in_steps(cast):
    new_user(cast, unit_confirmed=False, profile_confirmed=False, must_change_password=False)
    client = Client()
    response = sign_in(client, "xinren", settings.DEFAULT_PASSWORD)
    assert response.status_code == 302
    # Signing in with 123456 marks the account, whoever set that password.
    assert User.objects.get(username="xinren").must_change_password
    # The second factor comes first (the user holds `files`), then the first sign-in steps.
    assert client.get(reverse("home")).url.startswith(reverse("org:second_factor"))
    pass_second_factor(client, User.objects.get(username="xinren"))
    for url in (reverse("home"), reverse("org:directory"), reverse("org:first_profile")):
        assert client.get(url).url == reverse("org:first_unit_confirm")

    client.post(reverse("org:first_unit_confirm"), {"answer": "yes"})
    assert client.get(reverse("home")).url == reverse("org:first_profile")
    response = client.get(reverse("org:first_profile"))
    assert "new_password1" in response.content.decode()


def test_profile_step_refuses_weak_password_and_changes_nothing(cast):
    user = new_user(cast, unit_confirmed=True, profile_confirmed=False, must_change_password=True)
    client = Client()
    client.force_login(user)
    cases = {
        "Ab1!": "至少",  # too short
        "abcdefgh1": "至少 3 类",  # two classes
        "Xinren#2026": "登录名",  # contains the user name
    }
    for password, message in cases.items():
        data = profile_data(new_password1=password, new_password2=password)
        response = client.post(reverse("org:first_profile"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    mismatch = client.post(reverse("org:first_profile"), profile_data(new_password1=GOOD_PASSWORD, new_password2="x"))
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    user = User.objects.get(pk=user.pk)
    assert user.check_password(settings.DEFAULT_PASSWORD)
    assert not user.profile_confirmed and user.full_name == "xinren"


def test_profile_step_requires_details(cast):
    user = new_user(cast, unit_confirmed=True, profile_confirmed=False, must_change_password=True)
    client = Client()
    client.force_login(user)
    data = profile_data(full_name="", phone="abc", new_password1=GOOD_PASSWORD, new_password2=GOOD_PASSWORD)
    body = client.post(reverse("org:first_profile"), data).content.decode()
    assert "这个字段是必填项" in body
    assert "电话号码只能包含数字" in body
    assert User.objects.get(pk=user.pk).must_change_password


def test_profile_step_saves_details_and_new_password(cast):
    user = new_user(cast, unit_confirmed=True, profile_confirmed=False, must_change_password=True)
    client = Client()
    client.force_login(user)
    data = profile_data(new_password1=GOOD_PASSWORD, new_password2=GOOD_PASSWORD)
    response = client.post(reverse("org:first_profile"), data)
    assert response.url == reverse("home")
    user = User.objects.get(pk=user.pk)
    assert user.check_password(GOOD_PASSWORD)
    assert user.profile_confirmed and not user.must_change_password and user.full_name == "孙小红"
    assert client.get(reverse("home")).status_code == 200  # session survives the password change
    events = set(AuditLog.objects.filter(user=user).values_list("event", flat=True))
    assert {OrgEvent.FIRST_SIGN_IN, OrgEvent.PASSWORD_CHANGED} <= events


def test_wrong_unit_signs_out_and_leaves_account_unconfirmed(cast):
    user = new_user(cast, unit_confirmed=False, profile_confirmed=False)
    client = Client()
    client.force_login(user)
    response = client.post(reverse("org:first_unit_confirm"), {"answer": "no"})
    assert response.url == reverse("login")
    assert not User.objects.get(pk=user.pk).unit_confirmed
    assert client.get(reverse("home")).url.startswith(reverse("login"))
    assert AuditLog.objects.filter(user=user, event=OrgEvent.FIRST_SIGN_IN, success=False).exists()


def test_first_user_of_unit_completes_unit_details(cast):
    Unit.objects.filter(pk=cast.units["street_a"].pk).update(details_confirmed=False, address="")
    client = cast.client("street_a")
    assert client.get(reverse("home")).url == reverse("org:first_unit_details")
    bad = client.post(reverse("org:first_unit_details"), {"postal_code": "12", "area_code": "28"})
    body = bad.content.decode()
    assert "邮政编码应为 6 位数字" in body and "区号应为以 0 开头" in body
    assert not Unit.objects.get(pk=cast.units["street_a"].pk).details_confirmed
    good = {
        "address": "成都市武侯区浆洗街 1 号", "postal_code": "610041", "area_code": "028", "person_in_charge": "周平",
        "office_phone": "028-85550000", "leader_phone": "", "duty_phone": "", "fax": "", "email": "",
        "introduction": "",
    }  # fmt: skip
    assert client.post(reverse("org:first_unit_details"), good).url == reverse("home")
    unit = Unit.objects.get(pk=cast.units["street_a"].pk)
    assert unit.details_confirmed and unit.address == "成都市武侯区浆洗街 1 号"
    # The next user of the unit is not asked again.
    assert cast.client("street_a_admin").get(reverse("home")).status_code == 200


def test_password_change_checks_old_password_and_rules(cast):
    client = cast.client("street_a")
    url = reverse("org:password_change")
    wrong_old = {"old_password": "nope", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    assert "原密码不正确" in client.post(url, wrong_old).content.decode()
    weak = {"old_password": CAST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    assert "至少 3 类" in client.post(url, weak).content.decode()
    assert User.objects.get(username="street_a").check_password(CAST_PASSWORD)
    good = {"old_password": CAST_PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    assert client.post(url, good).url == reverse("home")
    assert User.objects.get(username="street_a").check_password(GOOD_PASSWORD)


def test_new_password_must_differ_from_the_current_one(cast):
    message = "新密码不能与当前密码相同。"
    client = cast.client("street_a")
    same = {"old_password": CAST_PASSWORD, "new_password1": CAST_PASSWORD, "new_password2": CAST_PASSWORD}
    response = client.post(reverse("org:password_change"), same)
    assert response.status_code == 200
    assert response.context["form"].errors["new_password1"] == [message]
    assert not AuditLog.objects.filter(user=cast.users["street_a"], event=OrgEvent.PASSWORD_CHANGED).exists()

    user = new_user(cast, unit_confirmed=True, profile_confirmed=False, must_change_password=True)
    client = Client()
    client.force_login(user)
    data = profile_data(new_password1=settings.DEFAULT_PASSWORD, new_password2=settings.DEFAULT_PASSWORD)
    response = client.post(reverse("org:first_profile"), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password1"]
    assert User.objects.get(pk=user.pk).must_change_password


def test_five_failed_sign_ins_lock_the_account(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "street_a", "wrong-password")
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    assert sign_in(client, "street_a", "wrong-password").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "street_a", CAST_PASSWORD)  # even the right password, for 15 minutes
    assert locked.status_code == 429
    assert "账户已暂时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    failures = AuditLog.objects.filter(username="street_a", event=SignInEvent.SIGN_IN_FAILED, success=False)
    assert failures.count() >= settings.AXES_FAILURE_LIMIT
    # Another account is not affected by this one's lock.
    assert sign_in(Client(), "street_a2", CAST_PASSWORD).status_code == 302


def test_sign_in_and_lock_pages_state_the_configured_lock(cast, settings):
    from datetime import timedelta

    settings.AXES_FAILURE_LIMIT = 3  # BANGFU_LOGIN_FAILURE_LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)  # BANGFU_LOCKOUT_MINUTES
    client = Client()
    assert "连续 3 次输入错误的密码,账户将被锁定 40 分钟" in client.get(reverse("login")).content.decode()
    for _ in range(3):
        locked = sign_in(client, "street_a", "wrong-password")
    assert locked.status_code == 429
    assert "请 40 分钟后再试" in locked.content.decode()


def test_successful_sign_in_is_audited_with_ip(cast):
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(client, "county_a", CAST_PASSWORD).status_code == 302
    row = AuditLog.objects.get(event=SignInEvent.SIGN_IN, username="county_a")
    assert row.ip == "10.1.2.3" and row.unit_id == cast.units["county_a"].pk and row.success


def test_audit_log_is_append_only(cast):
    row = AuditLog.objects.create(event=SignInEvent.SIGN_IN, username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(username="y")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.get(pk=row.pk).username == "x"


@pytest.fixture
def clock(monkeypatch):
    """Django's clock (`timezone.now`, what sessions expire by), moved on by `clock.advance()`."""
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now()
    state = SimpleNamespace(offset=timedelta())
    state.advance = lambda seconds: setattr(state, "offset", state.offset + timedelta(seconds=seconds))
    monkeypatch.setattr(timezone, "now", lambda: start + state.offset)
    return state


def test_every_request_extends_the_idle_timeout(cast, settings, clock):
    settings.SESSION_COOKIE_AGE = 60  # BANGFU_IDLE_TIMEOUT_MINUTES=1
    client = cast.client("street_a")
    for _ in range(3 * 60 // 40):  # active for three minutes, a request every 40 seconds
        clock.advance(40)
        assert client.get(reverse("home")).status_code == 200
    clock.advance(61)
    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_csrf_is_enforced(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["street_a"])
    response = client.post(reverse("org:password_change"), {"old_password": CAST_PASSWORD})
    assert response.status_code == 403


def test_module_permissions_are_django_permissions(cast):
    street_a = cast.users["street_a"]
    assert street_a.has_perm("org.module_files")
    assert not street_a.has_perm("org.module_unit_admin")
    assert cast.users["street_a_admin"].has_perm("org.module_unit_admin")


def test_one_unit_admin_per_unit_is_a_database_constraint(cast):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("second_admin", cast.units["street_a"], [Module.UNIT_ADMIN])


def test_home_page_loads_user_and_unit_in_one_query(cast, django_assert_num_queries):
    client = cast.client("street_a")
    client.get(reverse("home"))  # the first request refreshes the idle timeout (a session save)
    # session read, user joined with unit, the session's second-factor device (django-otp),
    # the unit's ancestors for the breadcrumb, and the home page's lists (bulletins.views.home):
    # the notices of the national unit and of the province (one UNION ALL), briefs, and the
    # pending reminders, whose window count is the header's too
    with django_assert_num_queries(7):
        assert client.get(reverse("home")).status_code == 200


def test_views_get_the_user_itself_with_its_second_factor_state(cast):
    """org.middleware.ResolvedUserMiddleware: no lazy proxy left around request.user, and what
    django_otp adds to it (otp_device, is_verified) is there."""
    from django.contrib.auth.models import AnonymousUser

    response = cast.client("street_a").get(reverse("home"))
    user = response.wsgi_request.user
    assert type(user) is User and user.username == "street_a"
    assert user.otp_device == second_factor.device_of(user) and user.is_verified() is True

    response = Client().get(reverse("login"))
    assert type(response.wsgi_request.user) is AnonymousUser
    assert response.wsgi_request.user.is_verified() is False


def test_resolved_sets_up_nested_lazy_objects():
    from django.utils.functional import SimpleLazyObject

    from org.middleware import resolved

    calls = []
    inner = SimpleLazyObject(lambda: calls.append("inner") or "the user")
    outer = SimpleLazyObject(lambda: calls.append("outer") or inner)
    assert resolved(outer) == "the user" and calls == ["outer", "inner"]
    assert resolved("plain") == "plain"
