"""Issue 17 items 16 and 17 in the browser: the county returns a file choosing a 退回原因 in the
dialog (asked of returns only), the clerk's reminder says why; the clerk fixes and reports it
again, then edits it while the county holds it: the county sees 已修改 on the row, opens the
已修改 tab and reads on the file's page what changed; the returns page counts the reason."""

import re

import pytest

from approvals import services as approvals
from approvals.models import ReportAction, ReportKind
from records.models import WorkerFile
from tests.e2e.conftest import sign_in
from tests.records.conftest import make_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_return_with_its_reason_then_a_change_after_reporting(cast, page):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])

    sign_in(page, "county_a")
    page.goto("/files/")
    page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="上报选中记录").click()
    assert page.locator("[data-move-reason]").is_hidden()  # a report has no reason
    page.get_by_role("button", name="取消").click()
    page.get_by_role("button", name="退回选中记录").click()
    page.get_by_label("退回原因").select_option(label="家庭人口与成员数不符")
    page.locator("#move-message").fill("请核对家庭人口")
    page.locator("[data-move-confirm]").click()
    page.get_by_text(re.compile("已退回 1 条")).wait_for()
    assert str(ReportAction.objects.get(kind=ReportKind.RETURN).return_reason) == "家庭人口与成员数不符"

    sign_in(page, "street_a")
    page.goto("/reminders/")
    page.get_by_text("退回原因:家庭人口与成员数不符").wait_for()
    page.goto("/files/")
    page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="上报选中记录").click()
    page.locator("[data-move-confirm]").click()
    page.get_by_text(re.compile("已上报 1 条")).wait_for()
    page.goto(f"/files/{file.pk}/edit/")
    page.locator("#id_address").fill("成都市武侯区新南路 8 号")
    page.get_by_role("button", name="保存当前档案", exact=True).click()
    page.get_by_text("档案已保存").wait_for()

    sign_in(page, "county_a")
    page.goto("/files/")
    row = page.locator("tr", has=page.locator(f'input[name="pks"][value="{file.pk}"]'))
    assert "已修改" in row.inner_text()
    page.get_by_role("link", name=re.compile("已修改")).click()
    page.wait_for_url("**changed=1**")
    page.get_by_role("link", name=file.code).click()
    changes = page.locator("#changes")
    assert "新南路 8 号" in changes.inner_text()
    page.goto("/files/returns/")
    page.locator(".crosstab").wait_for()
    assert "家庭人口与成员数不符" in page.locator(".crosstab").inner_text()
