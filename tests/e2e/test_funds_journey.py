"""财政专项资金 in the browser (issue 21, "Done when"): a unit enters an income and an expense,
mistypes one, reverses it and enters the right one — the balance is right at every step, and
nothing about an entry can be changed from a page; a county builds a central 医疗救助类 table
from its assistance lines, the same line is refused for a local table, the line is locked in
assistance, the table is reported and returned."""

from datetime import date

import pytest

from approvals.models import ReportState
from funds.models import FundSummary, LedgerEntry
from org.models import Module
from records.assistance.models import AssistanceMeasure
from records.kit import declaration
from tests.conftest import make_user
from tests.e2e.conftest import sign_in
from tests.e2e.test_record_journeys import move
from tests.funds.conftest import income_type, make_assistance, make_summary

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def balance(page) -> str:
    return page.locator("[data-ledger-balance]").inner_text()


def add(page, kind: str, amount: str, *, expense_type: str = "") -> None:
    page.get_by_role("link", name=f"增加新的{kind}信息").click()
    page.locator("#id_entered_on").fill(date.today().isoformat())
    if expense_type:
        page.locator("#id_expense_type").select_option(label=expense_type)
    page.locator("#id_amount").fill(amount)
    page.get_by_role("button", name="保存", exact=True).click()


def test_a_unit_enters_mistypes_reverses_and_enters_the_right_expense(cast, page):
    sign_in(page, "street_a")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="收支明细", exact=True).click()
    page.locator("#id_fund_type").select_option(label="工会经费拨款")
    page.get_by_role("button", name="查看").click()
    assert balance(page) == "0.00"
    add(page, "收入", "100000")
    page.get_by_text("已保存").wait_for()
    assert balance(page) == "100000.00"

    add(page, "支出", "0", expense_type="医疗救助支出")
    page.get_by_text("金额应大于 0").wait_for()  # next to the field; nothing saved
    assert LedgerEntry.objects.count() == 1
    page.locator("#id_amount").fill("500000")  # 50万 typed for 5万
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    assert balance(page) == "-400000.00"

    wrong = LedgerEntry.objects.get(amount=500000)
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(f'form[action$="/{wrong.pk}/reverse/"] button').click()
    page.get_by_text("已冲账:新增冲账记录").wait_for()
    assert balance(page) == "100000.00"
    page.get_by_text("已冲账", exact=True).wait_for()  # the badge on the wrong entry
    assert page.locator(f'form[action$="/{wrong.pk}/reverse/"]').count() == 0  # reversed once only

    add(page, "支出", "50000", expense_type="医疗救助支出")
    page.get_by_text("已保存").wait_for()
    assert balance(page) == "50000.00"
    assert page.get_by_role("link", name="编辑").count() == 0 and page.get_by_role("button", name="删除").count() == 0

    sign_in(page, "county_a")  # a superior sees it at once, read-only
    page.goto(f"/fund-ledger/?unit={cast.units['street_a'].pk}&fund_type={income_type().pk}")
    assert balance(page) == "50000.00"
    assert page.get_by_role("button", name="冲账").count() == 0


def test_a_county_builds_a_central_table_from_its_lines_and_reports_it(cast, page):
    county = cast.users["county_a"]
    line = make_assistance(county, amount="300")
    make_assistance(county, measure="生活救助", amount="99")  # another category: not offered
    local = make_summary(county, scope="local")
    module = declaration.get("funds")
    sign_in(page, "county_a")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="中央财政资金帮扶情况", exact=True).click()
    page.get_by_role("link", name="新增实名制汇总表").click()
    page.locator("#id_year").select_option(str(date.today().year))
    page.locator("#id_category").select_option(label="医疗救助类")
    page.locator("#id_reporter").fill("李会计")
    page.locator("#id_phone").fill("028-12345678")
    page.locator("#id_filled_on").fill(date.today().isoformat())
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    table = FundSummary.objects.get(scope="central")

    page.get_by_role("link", name="增加新的职工").click()
    assert page.locator('input[name="measure"]').count() == 1
    page.locator(f'input[name="measure"][value="{line.pk}"]').check()
    page.get_by_role("button", name="增加选中的职工").click()
    page.get_by_text("已增加 1 名职工").wait_for()
    assert page.locator("[data-summary-total]").inner_text() == "300.00"

    page.goto(module.url("lines", local.pk))  # the same line is not offered to a local table
    page.get_by_text("没有可以汇总到本表的帮扶措施").wait_for()
    page.goto(f"/assistance/{line.assistance_id}/")
    page.get_by_text("已汇总").first.wait_for()  # locked in assistance
    assert AssistanceMeasure.objects.get(pk=line.pk).summarized_in

    page.goto(module.url("list"))
    move(page, table.pk, "上报选中记录", "医疗救助类实名制汇总表,请审核")
    page.get_by_text("已上报 1 条至成都市总工会").wait_for()
    table.refresh_from_db()
    assert (table.report_state, table.holder_id) == (ReportState.REPORTED, cast.units["city_a"].pk)

    make_user("city_a_funds", cast.units["city_a"], [Module.FUNDS])
    sign_in(page, "city_a_funds")
    page.goto(module.url("list"))
    move(page, table.pk, "退回选中记录", "请核对金额")
    page.get_by_text("已退回 1 条至武侯区总工会").wait_for()
    table.refresh_from_db()
    assert (table.report_state, table.holder_id) == (ReportState.RETURNED, cast.units["county_a"].pk)
