"""Journey: a new user signs in on the default password, must change it, and reaches home."""

import pytest
from django.conf import settings

from org.models import Module, User
from tests.conftest import make_user
from tests.e2e.conftest import pass_second_factor_step

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_new_user_changes_default_password_then_reaches_home(cast, page):
    user = make_user("xinyuangong", cast.units["street_a"], [Module.FILES], password=settings.DEFAULT_PASSWORD)
    User.objects.filter(pk=user.pk).update(must_change_password=True, unit_confirmed=False, profile_confirmed=False)

    page.goto("/")
    page.get_by_label("用户名").fill("xinyuangong")
    page.get_by_label("密码").fill(settings.DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    pass_second_factor_step(page, "xinyuangong")  # a files clerk binds a second factor first

    page.get_by_text("浆洗街街道工会").first.wait_for()
    page.get_by_role("button", name="单位正确,继续").click()

    page.get_by_label("姓名").fill("孙小红")
    page.get_by_label("女").check()
    page.get_by_label("联系电话").fill("028-85551234")
    page.locator("#id_new_password1").fill("abc12345")  # two classes only: refused
    page.get_by_label("确认新密码").fill("abc12345")
    page.get_by_role("button", name="我已阅读,并确认").click()
    page.get_by_text("密码须包含大写字母、小写字母、数字、符号中的至少 3 类").wait_for()

    page.locator("#id_new_password1").fill("Gonghui#2026")
    page.get_by_label("确认新密码").fill("Gonghui#2026")
    page.get_by_role("button", name="我已阅读,并确认").click()

    page.get_by_role("heading", name="欢迎,孙小红").wait_for()
    user = User.objects.get(pk=user.pk)
    assert not user.must_change_password and user.profile_confirmed and user.check_password("Gonghui#2026")
