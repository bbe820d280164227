"""Journey of a household file through the reporting engine, in the browser:

a street clerk enters a file with two members, is stopped by a wrong ID check character, fixes
it, saves and reports; the county reviewer sees it, returns it with a message; the clerk's
inbox shows the reminder; the clerk fixes the file and reports it again.
"""

import re

import pytest

from approvals.models import ReportState
from records.models import WorkerFile
from tests.e2e.conftest import sign_in
from tests.records.conftest import id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_member(page, index, *, name, relation, number):
    page.locator(f"#id_members-{index}-name").fill(name)
    page.locator(f"#id_members-{index}-relation").select_option(label=relation)
    page.locator(f"#id_members-{index}-id_number").fill(number)


def test_clerk_reports_a_new_file_reviewer_returns_it_clerk_fixes_and_reports_again(cast, page):
    head_number = id_number("19700412")
    wrong = head_number[:-1] + ("0" if head_number[-1] != "0" else "1")

    sign_in(page, "street_a")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="困难职工档案").click()
    page.get_by_role("link", name="新增职工档案").click()
    page.locator("#id_head-name").fill("王建华")
    page.locator("#id_head-id_number").fill(wrong)
    page.locator("#id_code").fill("JX-0001")
    page.locator("#id_category").select_option(label="低保户")
    page.locator("#id_file_date").fill("2026-11-01")
    page.locator("#id_address").fill("成都市武侯区浆洗街 8 号")
    page.locator("#id_household_size").fill("3")
    fill_member(page, 0, name="李秀兰", relation="妻子", number=id_number("19721103", female=True))
    page.get_by_role("button", name="增加家庭成员").click()
    fill_member(page, 1, name="王小明", relation="儿子", number=id_number("20000601"))
    page.get_by_role("button", name="保存当前档案", exact=True).click()

    page.get_by_text("校验码应为").wait_for()
    assert not WorkerFile.objects.exists()
    page.locator("#id_head-id_number").fill(head_number)
    page.get_by_role("button", name="保存当前档案", exact=True).click()
    page.get_by_text("档案“王建华(JX-0001)”已保存").wait_for()
    file = WorkerFile.objects.get()
    assert file.members.count() == 2 and file.problems == []

    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="困难职工档案").click()
    page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="上报选中记录").click()
    page.locator("#move-message").fill("新建档案,请审核")
    page.locator("[data-move-confirm]").click()
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()

    sign_in(page, "county_a")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="困难职工档案").click()
    page.get_by_text("王建华").wait_for()
    page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="退回选中记录").click()
    page.locator("#move-message").fill("家庭住址请写到门牌号和单元")
    page.locator("[data-move-confirm]").click()
    page.get_by_text("已退回 1 条至浆洗街街道工会").wait_for()
    assert WorkerFile.objects.get().report_state == ReportState.RETURNED

    sign_in(page, "street_a")
    page.get_by_role("link", name=re.compile("待处理提醒")).first.click()
    page.get_by_text("家庭住址请写到门牌号和单元").wait_for()
    page.goto(f"/files/{file.pk}/edit/")
    page.locator("#id_address").fill("成都市武侯区浆洗街 8 号 2 单元 301")
    page.get_by_role("button", name="保存当前档案", exact=True).click()
    page.get_by_text("档案已保存").wait_for()
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="困难职工档案").click()
    page.locator(f'input[name="pks"][value="{file.pk}"]').check()
    page.get_by_role("button", name="上报选中记录").click()
    page.locator("[data-move-confirm]").click()
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    file = WorkerFile.objects.get()
    assert (file.holder_id, file.report_state) == (cast.units["county_a"].pk, ReportState.REPORTED)
    assert file.address.endswith("301")
