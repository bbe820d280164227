"""Journey of MLPS 2.0 level 3 (issue 14): a province admin signs in with password and TOTP
(binding the phone the first time, a token the next); the audit administrator finds that
sign-in in the audit viewer and exports it to Excel; the system administrator cannot open the
audit log."""

import io
import re

import pytest
from openpyxl import load_workbook

from audit.events import AuditLogEvent
from audit.models import AuditLog
from org.events import OrgEvent
from org.models import Duty
from tests.conftest import make_user
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="退出").click()
    page.get_by_role("heading", name="用户登录").wait_for()


def test_province_admin_signs_in_with_totp_auditor_finds_and_exports_it_system_admin_cannot(cast, page):
    national = cast.units["national"]
    make_user("shenji", national, [], duty=Duty.AUDIT)
    make_user("xitong", national, [], duty=Duty.SYSTEM)

    # First sign-in: the password alone opens nothing; the phone is bound with the QR code.
    page.goto("/login/")
    page.get_by_label("用户名").fill("province_a_admin")
    page.get_by_label("密码").fill("Cast#2026pass")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="绑定动态口令").wait_for()
    assert page.locator(".otp-qr svg").count() == 1
    page.goto("/files/")
    page.get_by_role("heading", name="绑定动态口令").wait_for()  # still the second step
    sign_in(page, "province_a_admin")  # binds with the page's key, past the recovery codes
    sign_out(page)
    # Next sign-in: a token of the bound phone.
    sign_in(page, "province_a_admin")
    verified = AuditLog.objects.filter(username="province_a_admin", event=OrgEvent.OTP_VERIFIED, success=True)
    assert verified.count() == 1
    sign_out(page)

    # The audit administrator finds it and exports it.
    sign_in(page, "shenji")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="审计日志").click()
    page.get_by_label("登录名", exact=True).fill("province_a_admin")
    page.get_by_label("事件").select_option(label="动态口令验证")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table.list tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "四川省总工会" in rows.first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出Excel").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()), read_only=True).active
    values = [[str(cell.value or "") for cell in row] for row in sheet.iter_rows()]
    assert any("province_a_admin" in row and "动态口令验证" in row for row in values), values[:3]
    assert AuditLog.objects.filter(username="shenji", event=AuditLogEvent.AUDIT_EXPORTED).count() == 1
    sign_out(page)

    # The system administrator has no 审计日志 entry, and the address is refused.
    sign_in(page, "xitong")
    assert page.get_by_role("link", name="审计日志").count() == 0
    page.goto("/audit/")
    page.get_by_role("heading", name="没有权限").wait_for()
    assert re.search("审计管理员", page.content())
