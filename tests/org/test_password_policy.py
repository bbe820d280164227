"""Password history and expiry (issue 14 item 12, MLPS 2.0 level 3): none of the last 5
passwords again, and a password older than PASSWORD_MAX_AGE_DAYS must be changed first."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Module, PasswordHistory, User
from org.passwords import password_expired
from org.services import accounts, users
from tests.conftest import CAST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

RECENT = "新密码不能与最近 5 次使用过的密码相同。"
CURRENT = "新密码不能与当前密码相同。"
CHANGE = reverse("org:password_change")


def passwords(n: int) -> list[str]:
    """n passwords that pass every other rule, oldest first."""
    return [f"Bangfu#{i}x2026" for i in range(1, n + 1)]


def change_all(user: User, chosen: list[str]) -> None:
    for password in chosen:
        accounts.password_change(actor=user, new_password=password)


def change(client: Client, old: str, new: str):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def history(user: User) -> list[str]:
    rows = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")
    return list(rows.values_list("password", flat=True))


def newcomer(cast) -> User:
    """A new account still on the default password."""
    user = make_user("xinren", cast.units["street_a"], [Module.FILES], password=settings.DEFAULT_PASSWORD)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    return User.objects.get(pk=user.pk)


def age(user: User, days: int) -> None:
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=days))


def test_each_of_the_last_five_is_refused_next_to_the_field_and_the_sixth_accepted(cast):
    user = cast.users["street_a"]
    chosen = passwords(6)
    change_all(user, chosen)  # current: the 6th; the last five: 2nd to 6th
    client = cast.client("street_a")
    current = chosen[-1]
    for reused in chosen[1:-1]:
        response = change(client, current, reused)
        assert response.status_code == 200
        assert response.context["form"].errors["new_password1"] == [RECENT]
    # The current password is one of the five; the form says so in its own words, once.
    assert change(client, current, current).context["form"].errors["new_password1"] == [CURRENT]
    assert User.objects.get(pk=user.pk).check_password(current)

    assert change(client, current, chosen[0]).url == reverse("home")
    assert User.objects.get(pk=user.pk).check_password(chosen[0])


def test_history_keeps_the_newest_five_rows(cast):
    user = cast.users["street_a"]
    chosen = passwords(7)
    change_all(user, chosen)
    rows = history(user)
    assert len(rows) == 5
    assert rows[0] == User.objects.get(pk=user.pk).password  # the current one is the newest
    for encoded, raw in zip(rows, reversed(chosen[2:]), strict=True):
        assert User(password=encoded).check_password(raw)
    # Other users' rows are not touched by the trimming.
    change_all(cast.users["street_a2"], passwords(1))
    assert len(history(user)) == 5 and len(history(cast.users["street_a2"])) == 1


def test_the_count_comes_from_the_setting(cast, settings):
    settings.PASSWORD_HISTORY_COUNT = 2
    user = cast.users["street_a"]
    chosen = passwords(3)
    change_all(user, chosen)
    assert len(history(user)) == 2
    client = cast.client("street_a")
    response = change(client, chosen[2], chosen[1])
    assert response.context["form"].errors["new_password1"] == ["新密码不能与最近 2 次使用过的密码相同。"]
    assert change(client, chosen[2], chosen[0]).url == reverse("home")


def test_first_sign_in_records_the_new_password(cast):
    user = newcomer(cast)
    client = Client()
    client.force_login(user)
    profile = {"full_name": "孙小红", "gender": "F", "phone": "028-85551234", "position": "", "email": ""}
    new = passwords(1)[0]
    client.post(reverse("org:first_profile"), {**profile, "new_password1": new, "new_password2": new})
    user = User.objects.get(pk=user.pk)
    assert user.check_password(new) and not user.must_change_password
    assert user.password_changed_at is not None and not password_expired(user)
    assert history(user) == [user.password]


def test_an_expired_password_leads_every_page_to_the_change_page_until_changed(cast):
    user = cast.users["street_a"]
    age(user, 91)
    client = cast.client("street_a")
    for url in (reverse("home"), reverse("org:directory"), reverse("org:first_profile")):
        assert client.get(url).url == CHANGE
    response = client.get(CHANGE)
    assert response.status_code == 200
    assert "您的密码已超过 90 天未修改,请修改密码后继续使用。" in response.content.decode()
    # Audited once per session, however often the page is reached.
    client.get(CHANGE)
    assert AuditLog.objects.filter(user=user, event=OrgEvent.PASSWORD_EXPIRED).count() == 1

    new = passwords(1)[0]
    assert change(client, CAST_PASSWORD, new).url == reverse("home")
    user = User.objects.get(pk=user.pk)
    assert not password_expired(user)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "您的密码已超过" not in client.get(CHANGE).content.decode()


def test_sign_out_stays_open_with_an_expired_password(cast):
    age(cast.users["street_a"], 91)
    response = cast.client("street_a").post(reverse("logout"))
    assert response.url == reverse(settings.LOGOUT_REDIRECT_URL)


def test_a_fresh_password_is_not_redirected(cast):
    user = cast.users["street_a"]
    age(user, 89)
    client = cast.client("street_a")
    assert client.get(reverse("home")).status_code == 200
    assert "您的密码已超过" not in client.get(CHANGE).content.decode()
    assert not AuditLog.objects.filter(event=OrgEvent.PASSWORD_EXPIRED).exists()


def test_an_account_never_stamped_counts_from_when_it_was_created(cast):
    # make_user sets the password outside password_set, like createsuperuser does.
    user = cast.users["street_a"]
    assert user.password_changed_at is None
    assert cast.client("street_a").get(reverse("home")).status_code == 200
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=91))
    assert cast.client("street_a").get(reverse("home")).url == CHANGE


def test_the_maximum_age_comes_from_the_setting(cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    user = cast.users["street_a"]
    age(user, 29)
    assert cast.client("street_a").get(reverse("home")).status_code == 200
    age(user, 31)
    client = cast.client("street_a")
    assert client.get(reverse("home")).url == CHANGE
    assert "您的密码已超过 30 天未修改" in client.get(CHANGE).content.decode()


def test_an_admin_reset_stamps_the_default_password_but_keeps_it_out_of_the_history(cast):
    clerk = cast.users["street_a"]
    chosen = passwords(5)
    change_all(clerk, chosen)
    age(clerk, 200)
    before = history(clerk)
    users.user_password_reset(actor=cast.users["county_a_admin"], user=clerk)
    clerk = User.objects.get(pk=clerk.pk)
    assert clerk.check_password(settings.DEFAULT_PASSWORD) and clerk.must_change_password
    assert not password_expired(clerk)
    assert history(clerk) == before

    # At the next sign-in the first-sign-in step asks for a new password: still none of the
    # user's own last five, which the default password did not push out.
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("home")).url == reverse("org:first_profile")
    profile = {"full_name": "孙小红", "gender": "F", "phone": "028-85551234", "position": "", "email": ""}
    response = client.post(
        reverse("org:first_profile"), {**profile, "new_password1": chosen[0], "new_password2": chosen[0]}
    )
    assert response.context["form"].errors["new_password1"] == [RECENT]
    new = passwords(6)[-1]
    client.post(reverse("org:first_profile"), {**profile, "new_password1": new, "new_password2": new})
    clerk = User.objects.get(pk=clerk.pk)
    assert clerk.check_password(new) and not clerk.must_change_password
    assert len(history(clerk)) == 5 and history(clerk)[0] == clerk.password


def test_the_migration_expires_nobody_and_remembers_current_passwords(cast):
    stamp_existing_users = import_module("org.migrations.0005_password_history").stamp_existing_users
    fresh = newcomer(cast)
    User.objects.update(password_changed_at=None, date_joined=timezone.now() - timedelta(days=400))
    assert password_expired(User.objects.get(username="street_a"))

    stamp_existing_users(apps, None)
    for user in User.objects.all():
        assert user.password_changed_at is not None and not password_expired(user)
    clerk = User.objects.get(username="street_a")
    assert history(clerk) == [clerk.password]
    assert history(fresh) == []  # the default password is not remembered
    assert cast.client("street_a").get(reverse("home")).status_code == 200
