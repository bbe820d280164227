"""防返困: follow-ups at the configured months after an exit, moved and removed with it; a
reminder in the owning unit's inbox when the day comes (the test moves the clock by passing
`today`), the follow-up form that closes it, and 返困 reopening the household's file."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from approvals import reminders
from approvals import services as approvals
from approvals.models import ReportAction
from org.errors import DomainError
from project.settings import parse_follow_up_months
from records import services as file_services
from records.assistance.follow_ups import follow_up_record, follow_ups_remind, months_after
from records.assistance.models import Assistance, FollowUp
from records.assistance.notices import FollowUpNotice
from records.assistance.services import assistance_exit
from records.models import FileStatus
from tests.records.assistance.conftest import code, make_assistance

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def exited(actor, on: date, assisted_on: date | None = None, **kwargs) -> Assistance:
    row = make_assistance(actor, assisted_on=assisted_on or on - timedelta(days=10), **kwargs)
    return assistance_exit(actor=actor, row=row, exited=True, exit_on=on, exit_method=code("exit_method"))


def due_dates(row) -> list[tuple[int, date]]:
    return list(FollowUp.objects.filter(assistance=row).order_by("months").values_list("months", "due_on"))


def test_months_are_added_calendar_safely():
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert months_after(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert months_after(date(2026, 10, 20), 12) == date(2027, 10, 20)
    assert months_after(date(2026, 7, 15), 6) == date(2027, 1, 15)


def test_the_setting_reads_months_and_refuses_anything_else():
    assert parse_follow_up_months("12, 6,6") == (6, 12)
    for bad in ("", "0", "six", "6,-1"):
        with pytest.raises(ImproperlyConfigured):
            parse_follow_up_months(bad)


def test_an_exit_makes_follow_ups_that_move_with_it_and_go_when_it_is_undone(cast, settings):
    clerk = cast.users["street_a"]
    row = exited(clerk, date(2026, 10, 20), assisted_on=date(2026, 10, 8))
    assert due_dates(row) == [(6, date(2027, 4, 20)), (12, date(2027, 10, 20))]
    assistance_exit(actor=clerk, row=row, exited=True, exit_on=date(2026, 10, 25), exit_method=code("exit_method"))
    assert due_dates(row) == [(6, date(2027, 4, 25)), (12, date(2027, 10, 25))]
    assistance_exit(actor=clerk, row=row, exited=False, exit_on=None, exit_method=None)
    assert due_dates(row) == []
    settings.ASSISTANCE_FOLLOW_UP_MONTHS = (3,)
    assistance_exit(actor=clerk, row=row, exited=True, exit_on=date(2026, 10, 25), exit_method=code("exit_method"))
    assert due_dates(row) == [(3, date(2027, 1, 25))]


def test_an_exit_on_the_entry_form_makes_the_follow_ups_too(cast):
    row = make_assistance(
        cast.users["street_a"], exited=True, exit_on=date(2026, 10, 9), exit_method=code("exit_method")
    )
    assert due_dates(row) == [(6, date(2027, 4, 9)), (12, date(2027, 10, 9))]


def test_the_reminder_comes_when_the_clock_reaches_the_day_into_the_owning_units_inbox(cast):
    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=3))
    approvals.report_rows(actor=clerk, model=Assistance, pks=[row.pk])  # held above: the owner is reminded
    six_months = FollowUp.objects.get(assistance=row, months=6)
    assert follow_ups_remind() == 0
    assert follow_ups_remind(today=six_months.due_on - timedelta(days=1)) == 0
    assert follow_ups_remind(today=six_months.due_on) == 1
    assert follow_ups_remind(today=six_months.due_on) == 0  # idempotent
    action = ReportAction.objects.get(kind=FollowUpNotice.DUE)
    assert (action.sender, action.receiver) == (cast.units["street_a"], cast.units["street_a"])
    page = cast.client("street_a").get(reverse("approvals:reminders_pending")).content.decode()
    assert "帮扶救助脱困回访数据" in page and "已满 6 个月" in page
    assert f'href="{reverse("assistance:follow_up", args=[row.pk])}"' in page
    for other in ("county_a", "street_a2"):
        assert "脱困回访" not in cast.client(other).get(reverse("approvals:reminders_pending")).content.decode()
    assert follow_ups_remind(today=six_months.due_on + timedelta(days=200)) == 1  # the 12 months'


def test_a_due_exit_moved_later_completes_its_reminder_and_sends_again_when_due(cast):
    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    assert follow_ups_remind() == 1
    assistance_exit(
        actor=clerk, row=row, exited=True, exit_on=TODAY - timedelta(days=2), exit_method=code("exit_method")
    )
    assert not reminders.pending_reminders_for_user(clerk).filter(kind=FollowUpNotice.DUE).exists()
    assert follow_ups_remind() == 0


def test_the_owner_records_the_follow_up_which_closes_its_reminder(cast, assistance):
    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    follow_ups_remind()
    client = cast.client("street_a")
    detail = client.get(assistance.url("detail", row.pk)).content.decode()
    assert "填写脱困回访" in detail and "待回访" in detail
    page = client.get(assistance.url("follow_up", row.pk)).content.decode()
    assert "仍已脱困" in page and "返困" in page
    response = client.post(assistance.url("follow_up", row.pk),
                           {"outcome": "still_out", "note": "已稳定就业。", "done_on": TODAY.isoformat()})  # fmt: skip
    assert response.status_code == 302
    six_months = FollowUp.objects.get(assistance=row, months=6)
    assert (six_months.outcome, six_months.done_on, six_months.done_by) == ("still_out", TODAY, clerk)
    assert six_months.notice is None
    assert not reminders.pending_reminders_for_user(clerk).filter(kind=FollowUpNotice.DUE).exists()
    assert follow_ups_remind() == 0
    assert "已稳定就业" in client.get(assistance.url("detail", row.pk)).content.decode()


def test_bad_input_on_the_follow_up_form_is_told_next_to_the_field_and_saves_nothing(cast, assistance):
    clerk = cast.users["street_a"]
    exit_on = TODAY - timedelta(days=200)
    row = exited(clerk, exit_on, assisted_on=TODAY - timedelta(days=300))
    client = cast.client("street_a")
    cases = [
        ({"outcome": "", "done_on": TODAY.isoformat()}, "这个字段是必填项。"),
        ({"outcome": "maybe", "done_on": TODAY.isoformat()}, "选择一个有效的选项"),
        ({"outcome": "back", "done_on": (TODAY + timedelta(days=1)).isoformat()}, "回访完成日期不能晚于今天。"),
        ({"outcome": "back", "done_on": (exit_on - timedelta(days=1)).isoformat()}, f"回访完成日期不能早于脱困日期({exit_on:%Y-%m-%d})。"),
        ({"outcome": "back", "done_on": "2999-13-45"}, "输入一个有效的日期。"),
    ]  # fmt: skip
    for data, message in cases:
        response = client.post(assistance.url("follow_up", row.pk), data)
        assert response.status_code == 200, message
        assert message in response.content.decode(), message
    assert not FollowUp.objects.exclude(outcome="").exists()


def test_only_the_owners_users_record_a_due_follow_up(cast, assistance):
    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    approvals.report_rows(actor=clerk, model=Assistance, pks=[row.pk])
    six_months, twelve = FollowUp.objects.filter(assistance=row).order_by("months")
    with pytest.raises(DomainError, match="只有填报单位才能填写脱困回访"):
        follow_up_record(actor=cast.users["county_a"], follow_up=six_months, outcome="back", note="", on=TODAY)
    with pytest.raises(DomainError, match="已填写或尚未到期"):
        follow_up_record(actor=clerk, follow_up=twelve, outcome="back", note="", on=TODAY)
    response = cast.client("county_a").get(assistance.url("follow_up", row.pk), follow=True)
    assert "没有需要本单位填写的脱困回访" in response.content.decode()
    assert cast.client("street_a2").get(assistance.url("follow_up", row.pk)).status_code == 404


def test_back_in_hardship_restores_a_cancelled_file_into_the_owning_unit_and_keeps_the_exit(cast):
    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    file_services.file_cancel(actor=clerk, file=row.file, reason="已脱困")
    said = follow_up_record(actor=clerk, follow_up=FollowUp.objects.get(assistance=row, months=6), outcome="back",
                            note="再次失业。", on=TODAY)  # fmt: skip
    row.refresh_from_db()
    row.file.refresh_from_db()
    assert row.file.status == FileStatus.ACTIVE and row.file.unit == cast.units["street_a"]
    assert "已恢复为本单位的在档职工档案" in said
    assert row.exited and row.exit_on == TODAY - timedelta(days=200)


def test_the_reminders_go_out_every_morning(cast):
    from dramatiq_crontab import scheduler

    from records.assistance.tasks import remind_due_follow_ups

    jobs = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "hour='6', minute='10'" in jobs["remind_due_follow_ups"]
    exited(cast.users["street_a"], TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    remind_due_follow_ups.fn()
    assert FollowUp.objects.get(months=6).notice is not None


def test_deleting_an_exited_assistance_completes_its_open_reminders(cast, assistance):
    from records.kit import services

    clerk = cast.users["street_a"]
    row = exited(clerk, TODAY - timedelta(days=200), assisted_on=TODAY - timedelta(days=300))
    follow_ups_remind()
    services.record_delete(actor=clerk, module=assistance, row=row)
    assert not FollowUp.objects.exists()
    assert not reminders.pending_reminders_for_user(clerk).filter(kind=FollowUpNotice.DUE).exists()
