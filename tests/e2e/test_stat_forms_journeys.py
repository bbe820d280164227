"""The journey of a statistical form in the browser (issue 20): a street fills 金秋助学 with a
broken hard rule → refused next to the item → fixed → a soft warning shown → reported; the
county's completeness page shows which streets are missing; the county's statistics sum its
streets; the county reports its own form."""

import re
from datetime import date

import pytest

from approvals import services as approvals
from approvals.models import ReportState
from records.stat_forms.models import StatForm
from tests.e2e.conftest import sign_in
from tests.records.stat_forms.conftest import YEAR, make_form

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def open_forms(page) -> None:
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="统计报表").click()


def new_school_aid(page) -> None:
    open_forms(page)
    page.get_by_role("link", name="新增统计报表").click()
    page.get_by_role("link", name="金秋助学活动统计表").click()
    page.get_by_label("年份").fill(str(YEAR))
    page.get_by_label("填报人").fill("王统计")
    page.get_by_label("联系电话").fill("028-87654321")
    page.get_by_label("报出时间").fill(date.today().isoformat())


def item(page, code: str):
    return page.locator(f'input[data-code="{code}"]')


def report(page, pk: int, message: str) -> None:
    open_forms(page)
    page.locator(f'input[name="pks"][value="{pk}"]').check()
    page.get_by_role("button", name="上报选中记录").click()
    page.locator("#move-message").fill(message)
    page.locator("[data-move-confirm]").click()


def test_a_street_fills_and_reports_and_the_county_sees_completeness_and_sums(cast, page):
    sign_in(page, "street_a")
    new_school_aid(page)
    for code, value in {"1A": "10", "1B": "4", "3A": "10", "3B": "5", "3C": "3", "3D": "1"}.items():
        item(page, code).fill(value)
    page.get_by_role("button", name="保存", exact=True).click()
    refused = page.locator(".stat-blank.has-error")
    refused.get_by_text(re.compile("3A.*应等于3B\\+3C\\+3D")).wait_for()
    assert refused.locator('input[data-code="3A"]').count() == 1  # next to the item it concerns
    assert not StatForm.objects.exists()

    item(page, "3D").fill("2")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    page.get_by_text(re.compile("提示:1A.*应等于1B\\+1C\\+1D\\+1E")).first.wait_for()  # soft: saved, warned
    row = StatForm.objects.get()
    report(page, row.pk, "本年金秋助学数据,请审核")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()

    sign_in(page, "county_a")
    open_forms(page)
    page.get_by_role("link", name="报表上报情况").click()
    page.get_by_label("报表").select_option("school_aid")
    page.get_by_label("年份").fill(str(YEAR))
    page.get_by_role("button", name="查看").click()
    units = page.locator("table.completeness-units")
    units.locator("tr", has_text="玉林街道工会").get_by_text("未上报").wait_for()
    units.locator("tr", has_text="浆洗街街道工会").get_by_text("按时上报").wait_for()

    other = make_form(cast.users["street_a2"], values={"1A": "5.5", "3A": 2, "3B": 2})
    approvals.report_rows(actor=cast.users["street_a2"], model=StatForm, pks=[other.pk])
    open_forms(page)
    page.get_by_role("link", name="统计报表统计").click()
    page.get_by_label("报表", exact=True).select_option("school_aid")
    page.get_by_label("年份").fill(str(YEAR))
    page.get_by_role("button", name="统计").click()
    total = page.locator("table.stat-form-totals tr.crosstab-total td")
    assert total.nth(0).inner_text() == "15.50"  # 1A: 10 + 5.5
    page.locator("table.stat-form-totals").get_by_role("link", name="合计").click()
    page.get_by_text("本次助学活动共筹集资金").wait_for()  # the paper form of the sums
    assert page.locator('.stat-value[data-code="3A"]').inner_text() == "12"

    page.go_back()  # the print view has no navigation
    new_school_aid(page)
    item(page, "3A").fill("1")
    item(page, "3B").fill("1")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    own = StatForm.objects.get(unit=cast.units["county_a"])
    report(page, own.pk, "本级数据")
    page.get_by_text(re.compile("已上报 1 条至")).wait_for()
    own.refresh_from_db()
    assert own.report_state == ReportState.REPORTED and own.holder == cast.units["city_a"]
