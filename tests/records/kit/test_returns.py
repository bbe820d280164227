"""Structured return reasons (issue 17 item 17): a 退回原因 chosen in the return dialog (besides the
message) is kept on the action, shown with the reminder and the record's 流转记录, and counted
by reason and area for a period on each module's 退回原因统计 page (records.kit.returns)."""

import datetime

import pytest
from django.utils import timezone

from approvals.models import ReportAction, ReportKind
from org.models import Code
from tests.records.kit.conftest import make_petition

pytestmark = pytest.mark.django_db


def reason(value: str) -> Code:
    return Code.objects.get(table__key="return_reason", value=value)


def reported_petitions(cast, n=2):
    rows = [make_petition(cast.users["street_a"], name=f"来访人{i}") for i in range(n)]
    cast.client("street_a").post("/petitions/", {"move": "report", "pks": [r.pk for r in rows], "message": ""})
    return rows


def test_the_return_dialog_offers_the_reasons_and_the_action_keeps_the_chosen_one(cast, petitions):
    rows = reported_petitions(cast)
    county = cast.client("county_a")
    page = county.get("/petitions/").content.decode()
    assert 'name="reason"' in page and "身份证号有误" in page and "重复建档" in page
    chosen = reason("信息填写不完整")
    county.post("/petitions/", {"move": "return", "pks": [rows[0].pk], "message": "请补充", "reason": chosen.pk})
    action = ReportAction.objects.get(kind=ReportKind.RETURN)
    assert action.return_reason == chosen and action.message == "请补充"
    inbox = cast.client("street_a").get("/reminders/").content.decode()
    assert "退回原因:信息填写不完整" in inbox
    record = cast.client("street_a").get(petitions.url("detail", rows[0].pk)).content.decode()
    assert "退回原因:信息填写不完整;请补充" in record


def test_a_reason_of_another_table_is_refused_and_nothing_moves(cast, petitions):
    rows = reported_petitions(cast)
    other = Code.objects.filter(table__key="petition_channel").first()
    county = cast.client("county_a")
    response = county.post("/petitions/", {"move": "return", "pks": [rows[0].pk], "reason": other.pk}, follow=True)
    assert "请从列表中选择退回原因。" in response.content.decode()
    assert not ReportAction.objects.filter(kind=ReportKind.RETURN).exists()
    response = county.post(
        petitions.url("quick"), {"move": f"quick_return:{cast.units['street_a'].pk}", "reason": "x"}, follow=True
    )
    assert "请从列表中选择退回原因。" in response.content.decode()
    assert not ReportAction.objects.filter(kind=ReportKind.QUICK_RETURN).exists()


def test_a_quick_return_keeps_its_reason(cast, petitions):
    reported_petitions(cast)
    chosen = reason("重复建档")
    cast.client("county_a").post(
        petitions.url("quick"), {"move": f"quick_return:{cast.units['street_a'].pk}", "reason": chosen.pk}
    )
    assert ReportAction.objects.get(kind=ReportKind.QUICK_RETURN).return_reason == chosen


def test_returns_by_reason_and_area_for_a_period(cast, petitions):
    rows = reported_petitions(cast, 3)
    county = cast.client("county_a")
    county.post("/petitions/", {"move": "return", "pks": [rows[0].pk, rows[1].pk], "reason": reason("重复建档").pk})
    county.post("/petitions/", {"move": "return", "pks": [rows[2].pk]})  # no reason: (未填)
    response = county.get(petitions.url("returns"))
    table = response.context["table"]
    assert response.status_code == 200 and table.measures == ["退回次数", "退回记录数"]
    by_label = {column.label: cell for column, cell in zip(table.columns, table.totals.cells, strict=True)}
    assert by_label["重复建档"] == [1, 2] and by_label["(未填)"] == [1, 1] and by_label["其他"] == [0, 0]
    assert table.rows[0].total == [2, 3]  # the county's own returns (本级)
    assert response.context["chart"]["measure"] == "退回次数"
    assert 'id="kit-chart-data"' in response.content.decode()
    # The national unit sees them in its area of the province; another branch sees none of them.
    city_view = cast.client("national_admin").get(petitions.url("returns")).context["table"]
    assert city_view.totals.total == [2, 3]
    assert cast.client("province_b").get(petitions.url("returns")).context["table"].totals.total == [0, 0]
    # A period before the returns counts none; its Excel downloads.
    before = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert county.get(petitions.url("returns"), {"date_to": before}).context["table"].totals.total == [0, 0]
    excel = county.get(petitions.url("returns"), {"date_from": "", "format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_period_is_told_next_to_its_field(cast, petitions):
    county = cast.client("county_a")
    response = county.get(petitions.url("returns"), {"date_from": "2026-13-01", "date_to": ""})
    assert response.status_code == 200 and response.context["table"] is None
    assert "请输入正确的日期" in response.content.decode()
    response = county.get(petitions.url("returns"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "结束日期不能早于开始日期。" in response.content.decode()
