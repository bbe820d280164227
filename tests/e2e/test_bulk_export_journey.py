"""Journey of a bulk export (manual 2.5) in the browser: a street admin requests an export, the
county admin approves it from 待办审批 and runs it now, a dramatiq worker writes the file, and
the street admin downloads a CSV that opens with correct Chinese and the expected rows."""

import csv
import io
import re

import pytest

from approvals import services as approvals
from records.models import BulkExport, ExportState, WorkerFile
from records.tasks import produce_export
from tests.conftest import worker_thread
from tests.e2e.conftest import sign_in
from tests.records.conftest import make_file

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def nav(page, label):
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name=label).click()


def test_street_admin_requests_county_admin_approves_and_runs_now_street_admin_downloads(cast, page):
    clerk = cast.users["street_a"]
    reported_file = make_file(clerk, address="成都市武侯区浆洗街 8 号")
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[reported_file.pk])
    draft = make_file(clerk)  # the street's own draft: in the street's export too
    make_file(cast.users["street_a2"])  # a sibling's file: never
    with worker_thread() as drain:
        sign_in(page, "street_a_admin")
        nav(page, "批量导出")
        page.get_by_role("link", name="提出申请").click()
        page.get_by_label(re.compile("CSV")).check()  # the form offers Excel first; this journey reads the CSV
        page.get_by_role("button", name="提交").click()
        page.get_by_text("保存成功").wait_for()
        export = BulkExport.objects.get()
        assert export.state == ExportState.REQUESTED

        sign_in(page, "county_a_admin")
        page.get_by_role("link", name=re.compile("待办审批")).first.click()
        page.get_by_role("link", name="处理", exact=True).click()
        page.get_by_label("批准", exact=True).check()
        page.get_by_role("button", name="确定").click()
        page.get_by_text("批准成功").wait_for()
        page.get_by_role("button", name="立即导出").click()
        page.get_by_text("已开始导出").wait_for()
        drain(produce_export.queue_name)
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED

    sign_in(page, "street_a_admin")
    nav(page, "批量导出")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载数据").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv") and "批量导出" in download.suggested_filename
    with open(download.path(), "rb") as f:
        text = f.read().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["职工编号"] for row in rows} == {reported_file.code, draft.code}
    row = next(r for r in rows if r["职工编号"] == reported_file.code)
    assert row["家庭住址"] == "成都市武侯区浆洗街 8 号" and row["填报单位"] == "浆洗街街道工会"
    assert row["姓名"] == reported_file.head.name and row["困难类别"] == "低保户"
