"""The demo data of `make run`: a five-level tree and the README's logins, loaded once."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from org.management.commands.seed_demo import DEMO_PASSWORD, LOGINS
from org.models import Unit, User

pytestmark = pytest.mark.django_db


def test_demo_tree_and_logins_load_once(capsys):
    call_command("seed_demo")
    units = Unit.objects.count()
    assert units >= 40
    assert set(Unit.objects.values_list("depth", flat=True)) == {1, 2, 3, 4, 5}
    assert Unit.objects.filter(depth=2).count() >= 3
    assert User.objects.count() == len(LOGINS)
    call_command("seed_demo")
    assert Unit.objects.count() == units and User.objects.count() == len(LOGINS)
    assert "演示数据已存在" in capsys.readouterr().out


@pytest.mark.parametrize("username", [login[0] for login in LOGINS])
def test_every_demo_login_reaches_home_without_forced_change(username):
    call_command("seed_demo")
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}).url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_readme_lists_every_demo_login(settings):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert DEMO_PASSWORD in readme
    for username, *_ in LOGINS:
        assert f"`{username}`" in readme
