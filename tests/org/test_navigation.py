"""The page frame (base.html, org.navigation): the unit, the user, the modules that open,
and its one form — 退出 — passes the CSRF check."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_frame_shows_the_unit_the_user_and_the_modules_that_open(cast):
    page = cast.client("county_a").get(reverse("files:list")).content.decode()
    unit = cast.units["county_a"]
    assert f'<span class="unit-badge" title="{unit.level_name}">{unit.name}</span>' in page
    assert f"<span>{cast.users['county_a']}</span>" in page
    assert f'<a href="{reverse("files:list")}" aria-current="page" class="active">困难职工档案</a>' in page
    assert page.count('aria-current="page"') == 1  # /files/migrant/ etc. are not the page
    assert reverse("org:units") not in page  # 用户管理: a unit admin's module only
    admin_page = cast.client("county_a_admin").get("/").content.decode()
    assert f'<a href="{reverse("org:units")}">用户管理</a>' in admin_page
    assert f'<a href="{reverse("home")}" aria-current="page" class="active">首页</a>' in admin_page


def test_the_unit_and_user_names_are_escaped(cast):
    unit = cast.units["county_a"]
    unit.name = "<b>区县</b>"
    unit.save()
    page = cast.client("county_a").get("/").content.decode()
    assert "&lt;b&gt;区县&lt;/b&gt;" in page and "<b>区县</b>" not in page


def test_signing_out_from_the_frame_passes_the_csrf_check(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.users["county_a"], backend="org.auth.ModulePermissionBackend")
    page = client.get("/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="inline"><input type="hidden" '
                     r'name="csrfmiddlewaretoken" value="([^"]+)">', page)  # fmt: skip
    assert form and form.group(1) == reverse("logout")
    response = client.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out: to the sign-in page


def test_a_signed_out_page_has_the_brand_link_and_no_frame():
    page = Client().get(reverse("login")).content.decode()
    assert f'<div class="brand"><a href="{reverse("home")}">' in page
    assert "whoami" not in page and "side-nav" not in page
