"""帮扶救助 in the browser (issue 18, "Done when"): a clerk adds assistance from a household
file's page → reports it → the county returns it → the clerk edits it and reports it again;
editing after reporting is refused with the reason; exit information is entered on the reported
record; batch assistance of three files makes three rows."""

import pytest

from approvals.models import ReportState
from records.assistance.models import Assistance
from records.kit import declaration
from tests.e2e.conftest import sign_in
from tests.e2e.test_record_journeys import move, open_module
from tests.records.conftest import make_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_assistance(page, amount: str) -> None:
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_form").select_option(index=1)
    page.locator("#id_lines-0-measure").select_option(label="医疗救助")
    page.locator("#id_lines-0-amount").fill(amount)
    page.locator("#id_lines-0-fund_source").select_option(label="中央财政")


def test_assistance_from_the_file_page_up_back_up_with_its_exit(cast, page):
    module = declaration.get("assistance")
    file = make_file(cast.users["street_a"])
    sign_in(page, "street_a")
    page.goto(f"/files/{file.pk}/")
    page.get_by_role("link", name="增加帮扶救助信息").first.click()
    page.get_by_text("第一次帮扶").wait_for()
    fill_assistance(page, "-3")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("金额不能小于 0。").wait_for()  # next to the line's amount; nothing saved
    assert not Assistance.objects.exists()
    page.locator("#id_lines-0-amount").fill("300")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    row = Assistance.objects.get()
    assert (row.file_id, row.amount) == (file.pk, 300)

    open_module(page, module)
    move(page, row.pk, "上报选中记录", "本月帮扶,请审核")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    page.goto(module.url("edit", row.pk))
    page.get_by_text("已上报,上级退回后才能修改").wait_for()  # refused, with the reason

    sign_in(page, "county_a")
    open_module(page, module)
    move(page, row.pk, "退回选中记录", "金额有误,请核实")
    page.get_by_text("已退回 1 条至浆洗街街道工会").wait_for()

    sign_in(page, "street_a")
    page.goto(module.url("edit", row.pk))
    page.locator("#id_lines-0-amount").fill("280")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()
    open_module(page, module)
    move(page, row.pk, "上报选中记录", "已核实")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    row.refresh_from_db()
    assert (row.amount, row.report_state, row.holder_id) == (280, ReportState.REPORTED, cast.units["county_a"].pk)

    page.goto(module.url("detail", row.pk))
    page.get_by_role("link", name="填写脱困信息").click()
    page.get_by_label("已脱困").check()
    page.locator("#id_exit_on").fill(row.assisted_on.isoformat())
    page.locator("#id_exit_method").select_option(index=1)
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("注销职工").first.wait_for()  # the offer, the person having left hardship
    row.refresh_from_db()
    assert row.exited and row.report_state == ReportState.REPORTED  # a later fact: the state stays


def test_batch_assistance_of_three_files_makes_three_rows(cast, page):
    module = declaration.get("assistance")
    files = [make_file(cast.users["street_a"]) for _ in range(3)]
    sign_in(page, "street_a")
    page.on("dialog", lambda dialog: dialog.accept())  # 确定为选中人员增加新帮扶救助信息吗?
    open_module(page, module)
    page.get_by_role("link", name="批量帮扶").first.click()
    page.get_by_role("button", name="查询", exact=True).click()
    for file in files:
        page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="为选中人员增加新帮扶救助信息").click()
    fill_assistance(page, "150")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已为 3 名职工增加帮扶救助信息").wait_for()
    assert sorted(Assistance.objects.values_list("file_id", flat=True)) == sorted(f.pk for f in files)
    assert {row.unit_id for row in Assistance.objects.all()} == {cast.units["street_a"].pk}
