"""Exit information (填写脱困信息, manual 3.2.2): the owner's users set it in any report state,
holder and report state staying; every change is audited with before/after and shown on the
record page; bad input is told next to its field and saves nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import services as approvals
from approvals.models import ReportState
from audit.models import AuditLog
from org.errors import DomainError
from records.assistance.events import AssistanceEvent
from records.assistance.models import Assistance
from records.assistance.services import assistance_exit, can_record_exit
from records.models import FileStatus
from tests.records.assistance.conftest import code, make_assistance

pytestmark = pytest.mark.django_db


def exit_now(actor, row, on=None, **overrides):
    values = {"exited": True, "exit_on": on or row.assisted_on + timedelta(days=5), "exit_method": code("exit_method")}
    return assistance_exit(actor=actor, row=row, **(values | overrides))


def test_the_owner_records_the_exit_of_a_reported_record_whose_holder_and_state_stay(cast):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    approvals.report_rows(actor=clerk, model=Assistance, pks=[row.pk])
    row.refresh_from_db()
    assert row.holder == cast.units["county_a"] and can_record_exit(clerk, row)
    exit_now(clerk, row, on=date(2026, 10, 20))
    row.refresh_from_db()
    assert (row.exited, row.exit_on) == (True, date(2026, 10, 20)) and row.exit_method is not None
    assert row.holder == cast.units["county_a"] and row.report_state == ReportState.REPORTED


def test_other_units_and_users_without_the_module_are_refused(cast):
    row = make_assistance(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=Assistance, pks=[row.pk])
    row.refresh_from_db()
    for name in ("county_a", "street_a2"):  # the superior holding it; a sibling
        assert not can_record_exit(cast.users[name], row)
        with pytest.raises(DomainError, match="只能填写本单位帮扶救助记录的脱困信息"):
            exit_now(cast.users[name], row)
    assert not can_record_exit(cast.users["street_a_admin"], row)
    assert not Assistance.objects.get(pk=row.pk).exited


def test_each_change_is_audited_with_before_and_after_and_undoing_clears_date_and_method(cast):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    exit_now(clerk, row, on=date(2026, 10, 20))
    exit_now(clerk, row, on=date(2026, 10, 20))  # nothing changed: nothing audited
    assistance_exit(actor=clerk, row=row, exited=False, exit_on=date(2026, 10, 21), exit_method=code("exit_method"))
    row.refresh_from_db()
    assert (row.exited, row.exit_on, row.exit_method) == (False, None, None)
    changes = AuditLog.objects.filter(event=AssistanceEvent.EXIT_CHANGED, object_id=str(row.pk)).order_by("id")
    method = str(code("exit_method"))
    assert [change.detail for change in changes] == [
        {"before": {"exited": False, "exit_on": None, "exit_method": None},
         "after": {"exited": True, "exit_on": "2026-10-20", "exit_method": method}},
        {"before": {"exited": True, "exit_on": "2026-10-20", "exit_method": method},
         "after": {"exited": False, "exit_on": None, "exit_method": None}},
    ]  # fmt: skip


def test_an_exit_entered_on_the_entry_form_is_audited_too(cast):
    row = make_assistance(
        cast.users["street_a"], exited=True, exit_on=date(2026, 10, 9), exit_method=code("exit_method")
    )
    change = AuditLog.objects.get(event=AssistanceEvent.EXIT_CHANGED, object_id=str(row.pk))
    assert change.detail["after"]["exit_on"] == "2026-10-09" and change.detail["before"]["exited"] is False


def test_the_service_refuses_what_the_model_refuses_next_to_the_field(cast):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    cases = [
        ({"exit_on": date(2026, 10, 1)}, "exit_on", "脱困日期不能早于帮扶日期(2026-10-08)。"),
        ({"exit_on": timezone.localdate() + timedelta(days=1)}, "exit_on", "脱困日期不能晚于今天。"),
        ({"exit_on": None}, "exit_on", "已脱困时请填写脱困日期。"),
        ({"exit_method": None}, "exit_method", "已脱困时请选择脱困方式。"),
    ]
    for overrides, field, message in cases:
        with pytest.raises(DomainError) as refusal:
            exit_now(clerk, row, **overrides)
        assert (refusal.value.field, refusal.value.message) == (field, message)
    assert not Assistance.objects.get(pk=row.pk).exited
    assert not AuditLog.objects.filter(event=AssistanceEvent.EXIT_CHANGED).exists()


# --- the pages --------------------------------------------------------------------------------------


def exit_post(on: str, method=None, exited="True") -> dict:
    return {"exited": exited, "exit_on": on, "exit_method": (method or code("exit_method")).pk}


def test_the_exit_page_shows_the_record_read_only_and_saves_the_three_fields(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    approvals.report_rows(actor=clerk, model=Assistance, pks=[row.pk])
    client = cast.client("street_a")
    detail = client.get(assistance.url("detail", row.pk)).content.decode()
    assert "填写脱困信息" in detail and assistance.url("exit", row.pk) in detail
    page = client.get(assistance.url("exit", row.pk)).content.decode()
    assert "帮扶措施" in page and "医疗救助" in page and 'name="exit_on"' in page and 'name="details"' not in page
    response = client.post(assistance.url("exit", row.pk), exit_post("2026-10-20"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.exit_on == date(2026, 10, 20) and row.report_state == ReportState.REPORTED
    detail = client.get(assistance.url("detail", row.pk)).content.decode()
    assert "脱困信息变更记录" in detail and "已脱困,2026-10-20" in detail


def test_bad_input_on_the_exit_page_is_told_next_to_the_field_and_saves_nothing(cast, assistance):
    row = make_assistance(cast.users["street_a"])
    client = cast.client("street_a")
    cases = [
        (exit_post("2026-10-01"), "脱困日期不能早于帮扶日期(2026-10-08)。"),
        (exit_post((timezone.localdate() + timedelta(days=2)).isoformat()), "脱困日期不能晚于今天。"),
        (exit_post("2026-10-20") | {"exit_method": ""}, "已脱困时请选择脱困方式。"),
        (exit_post("") , "已脱困时请填写脱困日期。"),
        (exit_post("2999-13-45"), "输入一个有效的日期。"),
        (exit_post("2026-10-20") | {"exit_method": "-1"}, "选择一个有效的选项"),
    ]  # fmt: skip
    for data, message in cases:
        response = client.post(assistance.url("exit", row.pk), data)
        assert response.status_code == 200, message
        assert message in response.content.decode(), message
    assert not Assistance.objects.get(pk=row.pk).exited


def test_a_superior_is_sent_back_to_the_record_page_with_the_reason(cast, assistance):
    row = make_assistance(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=Assistance, pks=[row.pk])
    client = cast.client("county_a")
    assert "填写脱困信息</a>" not in client.get(assistance.url("detail", row.pk)).content.decode()
    response = client.post(assistance.url("exit", row.pk), exit_post("2026-10-20"), follow=True)
    assert "只能填写本单位帮扶救助记录的脱困信息" in response.content.decode()
    assert not Assistance.objects.get(pk=row.pk).exited
    assert cast.client("street_a2").get(assistance.url("exit", row.pk)).status_code == 404


def test_after_an_exit_the_record_page_offers_to_cancel_the_active_file(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk)
    client = cast.client("street_a")
    assert "注销职工" not in client.get(assistance.url("detail", row.pk)).content.decode()
    exit_now(clerk, row)
    page = client.get(assistance.url("detail", row.pk)).content.decode()
    assert "注销职工" in page
    client.post(reverse("records:file_cancel", args=[row.file_id]), {"reason": "已脱困"})
    row.file.refresh_from_db()
    assert row.file.status == FileStatus.CANCELLED
    assert "注销职工" not in client.get(assistance.url("detail", row.pk)).content.decode()


def test_the_exit_list_holds_the_own_units_records_in_any_state_and_opens_their_exit_form(cast, assistance):
    own = make_assistance(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=Assistance, pks=[own.pk])
    url = assistance.url("exits")
    page = cast.client("street_a").get(url).content.decode()
    assert assistance.url("exit", own.pk) in page
    assert assistance.url("exit", own.pk) not in cast.client("county_a").get(url).content.decode()
    filtered = cast.client("street_a").get(url, {"file.head_name": "无此人"}).content.decode()
    assert assistance.url("exit", own.pk) not in filtered
