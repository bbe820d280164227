"""高级档案管理 in the browser:

a county admin merges two streets' duplicate files (same name and birth date, different ID
numbers) and reads both originals in the kept file's history; a county admin asks another
province to take a file, that province's admin accepts it in 待办审批, and the file is there,
unreported.
"""

import re

import pytest

from approvals import services as approvals
from approvals.models import ReportState
from records.models import FileSnapshot, WorkerFile
from tests.e2e.conftest import sign_in
from tests.records.merge_helpers import worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_county_admin_merges_two_streets_duplicates_and_sees_both_in_the_history(cast, page):
    kept = worker(cast.users["street_a"], name="王建华", birth="19700412", members=1)
    duplicate = worker(cast.users["street_a2"], name="王建华", birth="19700412", members=0)
    accept_dialogs(page)
    requested = []  # every URL the browser asked for: the server's access log holds no more
    page.on("request", lambda request: requested.append(request.url))

    sign_in(page, "county_a_admin")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="高级档案管理").click()
    page.get_by_role("link", name="合并重复档案").click()
    page.get_by_label("重复的身份证号").fill(kept.head.id_number)
    page.get_by_role("button", name="查询").click()
    page.get_by_text("玉林街道工会").wait_for()
    page.get_by_label("保留王建华(浆洗街街道工会)的档案").check()
    page.get_by_role("button", name="选择户主并合并").click()
    page.get_by_role("heading", name=re.compile("保留“王建华")).wait_for()
    page.get_by_role("button", name="合并当前档案").click()

    page.get_by_text("合并重复档案成功").wait_for()
    history = page.locator("#history")
    history.get_by_text("合并前各档案的信息").wait_for()
    assert "玉林街道工会" in history.inner_text() and "浆洗街街道工会" in history.inner_text()
    assert duplicate.code in history.inner_text() and kept.code in history.inner_text()
    assert not WorkerFile.objects.filter(pk=duplicate.pk).exists()
    assert FileSnapshot.objects.filter(file=kept).count() == 2
    numbers = {kept.head.id_number, duplicate.head.id_number}
    assert requested and not [url for url in requested if any(number in url for number in numbers)]


def test_a_cross_branch_transfer_is_accepted_in_the_inbox_and_lands_as_draft(cast, page):
    file = worker(cast.users["street_a"], name="陈志强", birth="19680808")
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    accept_dialogs(page)

    sign_in(page, "county_a_admin")
    page.goto(f"/files/manage/transfer/?unit={cast.units['street_a'].pk}&to_q=广东省")
    page.get_by_label("选择陈志强").check()
    page.locator("#to-unit").select_option(label="广东省总工会(中华全国总工会)")
    page.locator("#transfer-message").fill("随子女迁居广州")
    page.get_by_role("button", name="移动选中的档案").click()
    page.get_by_text("对方接收后档案才会转移").wait_for()
    page.get_by_role("button", name="提出申请").click()
    page.get_by_text("已向“广东省总工会”提出转移 1 份档案的申请").wait_for()
    assert WorkerFile.objects.get(pk=file.pk).unit_id == cast.units["street_a"].pk

    sign_in(page, "province_b_admin")
    page.get_by_role("link", name=re.compile("待办审批")).first.click()
    page.get_by_text("接收转来的 1 份职工档案").wait_for()
    page.get_by_role("link", name="处理", exact=True).click()
    page.get_by_role("button", name="接收档案").click()
    page.get_by_text("已接收 1 份档案").wait_for()

    sign_in(page, "province_b")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="困难职工档案").click()
    row = page.locator("tr", has_text="陈志强")
    row.wait_for()
    assert "未上报" in row.inner_text()
    file = WorkerFile.objects.get(pk=file.pk)
    assert (file.unit_id, file.report_state) == (cast.units["province_b"].pk, ReportState.DRAFT)
