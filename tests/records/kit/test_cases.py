"""records.kit.cases: the due date of petitions and legal aid (default, setting, the acceptance
it follows), starting and closing a case (who, when, on what day, whatever the report state),
the list's 逾期 tab, and the morning's reminders in the holding unit's inbox."""

import dataclasses
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.status import PROCESS

from approvals import reminders
from approvals import services as approvals
from approvals.models import ReportAction, ReportState
from audit.models import AuditLog
from org.errors import DomainError
from org.models import Module
from project.settings import parse_case_due_days
from records.kit import services
from records.kit.cases import (
    can_close,
    can_start,
    case_close,
    case_start,
    cases_remind_overdue,
    check_case_model,
    due_days_of_case_modules,
)
from records.kit.declaration import CaseProgress, get
from records.kit.events import CaseEvent
from records.kit.models import CaseState
from records.kit.notices import CaseNotice
from records.kit.pages import pages_of
from records.petitions.models import Petition
from tests.conftest import make_user
from tests.records.kit.conftest import make_petition, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid():
    return get("legal_aid")


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def overdue_petition(actor, **overrides) -> Petition:
    """Received 100 days ago: due 40 days ago with the default 60 days."""
    return make_petition(actor, received_on=days_ago(100), **overrides)


def report(actor, *rows) -> None:
    result = approvals.report_rows(actor=actor, model=type(rows[0]), pks=[row.pk for row in rows])
    assert result.moved == len(rows), result


def fresh(row):
    return type(row).objects.get(pk=row.pk)


# --- the due date ---------------------------------------------------------------------------------


def test_a_case_is_due_sixty_days_after_its_acceptance_by_default(cast, legal_aid):
    petition = make_petition(cast.users["street_a"], received_on=date(2026, 11, 2))
    assert (fresh(petition).accepted_on, fresh(petition).due_on) == (date(2026, 11, 2), date(2027, 1, 1))
    case = make_record(legal_aid, cast.users["street_a"], applied_on=days_ago(12), accepted_on=days_ago(10))
    assert fresh(case).due_on == days_ago(10) + timedelta(days=60)


def test_the_setting_overrides_the_days_of_one_module(cast, legal_aid, settings):
    settings.CASE_DUE_DAYS = {"petitions": 15}
    petition = make_petition(cast.users["street_a"], received_on=date(2026, 11, 2))
    case = make_record(legal_aid, cast.users["street_a"], applied_on=days_ago(12), accepted_on=days_ago(10))
    assert fresh(petition).due_on == date(2026, 11, 17)
    assert fresh(case).due_on == days_ago(10) + timedelta(days=60)


def test_the_setting_reads_pairs_or_json_and_refuses_anything_else():
    assert parse_case_due_days("") == {}
    assert parse_case_due_days(" petitions=30, legal_aid = 90,") == {"petitions": 30, "legal_aid": 90}
    assert parse_case_due_days('{"petitions": 30, "legal_aid": "90"}') == {"petitions": 30, "legal_aid": 90}
    for bad in ("petitions", "petitions=0", "petitions=1.5", "=30", "petitions=30=1", '{"petitions": true}', "{"):
        with pytest.raises(ImproperlyConfigured, match="BANGFU_CASE_DUE_DAYS"):
            parse_case_due_days(bad)


def test_a_key_of_the_setting_naming_no_case_module_fails_the_system_check(settings):
    settings.CASE_DUE_DAYS = {"petitions": 30, "petition": 30, "consultations": 30}
    errors = due_days_of_case_modules(None)
    assert [error.id for error in errors] == ["kit.E001", "kit.E001"]
    assert "'petition'" in errors[0].msg and "'consultations'" in errors[1].msg
    settings.CASE_DUE_DAYS = {"legal_aid": 90}
    assert due_days_of_case_modules(None) == []


def test_a_declaration_of_cases_needs_a_case_model_and_a_date_to_accept_from(petitions):
    with pytest.raises(ImproperlyConfigured, match="is no records.kit.models.Case"):
        check_case_model(dataclasses.replace(get("consultations"), cases=CaseProgress()))
    with pytest.raises(ImproperlyConfigured, match="is no DateField"):
        check_case_model(dataclasses.replace(petitions, cases=CaseProgress(accepted_from="name")))


def test_the_acceptance_follows_its_declared_field_and_only_its_change_moves_the_due_date(cast, petitions, settings):
    clerk = cast.users["street_a"]
    row = make_petition(clerk, received_on=days_ago(20))
    settings.CASE_DUE_DAYS = {"petitions": 30}  # a new policy leaves the open cases as they were…
    services.record_update(actor=clerk, module=petitions, row=row, data={"name": "王建军"})
    assert fresh(row).due_on == days_ago(20) + timedelta(days=60)
    services.record_update(actor=clerk, module=petitions, row=fresh(row), data={"received_on": days_ago(10)})
    row = fresh(row)  # …till the acceptance moves
    assert (row.accepted_on, row.due_on) == (days_ago(10), days_ago(10) + timedelta(days=30))


def test_legal_aid_takes_its_acceptance_from_its_form(cast, legal_aid):
    clerk = cast.users["street_a"]
    case = make_record(legal_aid, clerk, applied_on=days_ago(12), accepted_on=days_ago(10))
    services.record_update(actor=clerk, module=legal_aid, row=case, data={"accepted_on": days_ago(4)})
    assert fresh(case).due_on == days_ago(4) + timedelta(days=60)


def test_an_acceptance_moved_past_the_closing_date_is_refused_next_to_its_field(cast, petitions):
    clerk = cast.users["street_a"]
    row = make_petition(clerk, received_on=days_ago(10))
    case_close(actor=clerk, module=petitions, row=row, on=days_ago(5))
    with pytest.raises(DomainError, match="接待日期不能晚于办结日期") as refused:
        services.record_update(actor=clerk, module=petitions, row=fresh(row), data={"received_on": days_ago(2)})
    assert refused.value.field == "received_on" and fresh(row).received_on == days_ago(10)


# --- starting and closing -------------------------------------------------------------------------


def test_only_the_owning_units_users_with_the_module_start_a_case(cast, petitions):
    row = make_petition(cast.users["street_a"])
    without_module = make_user("street_a_files", cast.units["street_a"], [Module.FILES])
    assert can_start(cast.users["street_a"], row)
    assert not can_start(cast.users["street_a2"], row) and not can_start(without_module, row)
    with pytest.raises(DomainError, match="只有填报单位才能办理"):
        case_start(actor=cast.users["street_a2"], module=petitions, row=row)
    with pytest.raises(PermissionDenied):
        case_start(actor=without_module, module=petitions, row=row)
    assert fresh(row).case_state == CaseState.ACCEPTED

    case_start(actor=cast.users["street_a"], module=petitions, row=row)
    row = fresh(row)
    assert row.case_state == CaseState.IN_PROGRESS
    assert not can_start(cast.users["street_a"], row) and can_close(cast.users["street_a"], row)
    with pytest.raises(DomainError, match="办理状态为“办理中”,不能开始办理"):
        case_start(actor=cast.users["street_a"], module=petitions, row=row)
    assert AuditLog.objects.filter(event=CaseEvent.CASE_STARTED, object_id=str(row.pk)).count() == 1


def test_a_closing_date_before_the_acceptance_or_after_today_is_refused_and_nothing_saved(cast, petitions):
    clerk = cast.users["street_a"]
    row = make_petition(clerk, received_on=days_ago(10))
    refusals = [
        (days_ago(11), "办结日期不能早于受理日期"),
        (days_ago(-1), "办结日期不能晚于今天。"),
        (None, "请填写办结日期。"),
    ]
    for on, message in refusals:
        with pytest.raises(DomainError, match=message) as refused:
            case_close(actor=clerk, module=petitions, row=row, on=on)
        assert refused.value.field == "closed_on"
    assert (fresh(row).case_state, fresh(row).closed_on) == (CaseState.ACCEPTED, None)
    assert not AuditLog.objects.filter(event=CaseEvent.CASE_CLOSED).exists()

    case_close(actor=clerk, module=petitions, row=row, on=days_ago(10))  # the day it came in
    row = fresh(row)
    assert (row.case_state, row.closed_on) == (CaseState.CLOSED, days_ago(10))
    assert not can_close(clerk, row) and not can_start(clerk, row)
    with pytest.raises(DomainError, match="办理状态为“办结”,不能办结"):
        case_close(actor=clerk, module=petitions, row=row, on=timezone.localdate())


def test_the_owner_progresses_a_reported_case_whose_holder_and_report_state_stay(cast, petitions):
    row = make_petition(cast.users["street_a"])
    report(cast.users["street_a"], row)
    case_start(actor=cast.users["street_a"], module=petitions, row=row)
    assert not can_close(cast.users["county_a"], fresh(row))  # the county sees it, but it is not its case
    with pytest.raises(DomainError, match="只有填报单位"):
        case_close(actor=cast.users["county_a"], module=petitions, row=row, on=timezone.localdate())
    case_close(actor=cast.users["street_a"], module=petitions, row=row, on=timezone.localdate())
    row = fresh(row)
    assert row.case_state == CaseState.CLOSED
    assert (row.holder, row.report_state) == (cast.units["county_a"], ReportState.REPORTED)


def test_the_record_page_shows_the_progress_and_the_owner_posts_the_steps(cast, petitions):
    row = overdue_petition(cast.users["street_a"], name="李秀英")
    report(cast.users["street_a"], row)
    owner, county = cast.client("street_a"), cast.client("county_a")
    url = petitions.url("case", row.pk)
    page = owner.get(petitions.url("detail", row.pk)).content.decode()
    assert "办理进度" in page and "已逾期" in page and f'action="{url}"' in page
    assert 'value="start"' in page and 'value="close"' in page
    page = county.get(petitions.url("detail", row.pk)).content.decode()
    assert "办理进度" in page and "已逾期" in page and f'action="{url}"' not in page

    response = owner.post(url, {"action": "start"}, follow=True)
    assert response.redirect_chain == [(petitions.url("detail", row.pk), 302)]
    assert "信访接待“李秀英" in response.content.decode() and "已开始办理。" in response.content.decode()
    response = owner.post(url, {"action": "close", "closed_on": days_ago(-1).isoformat()}, follow=True)
    assert "办结日期不能晚于今天。" in response.content.decode() and fresh(row).case_state == CaseState.IN_PROGRESS
    refused = county.post(url, {"action": "close", "closed_on": timezone.localdate().isoformat()}, follow=True)
    assert "只有填报单位才能办理" in refused.content.decode()
    assert "请选择" in owner.post(url, {}, follow=True).content.decode()
    response = owner.post(url, {"action": "close", "closed_on": timezone.localdate().isoformat()}, follow=True)
    page = response.content.decode()
    assert "已办结。" in page and "已逾期" not in page and 'value="close"' not in page
    assert fresh(row).case_state == CaseState.CLOSED


def test_a_module_without_case_progress_has_no_case_page_nor_overdue_tab(cast):
    consultations = get("consultations")
    assert "case" not in {page.name for page in pages_of(consultations)}
    assert "case" in {page.name for page in pages_of(get("legal_aid"))}
    page = cast.client("street_a").get(consultations.url("list"), {"overdue": "1"}).content.decode()
    assert "只看逾期" not in page and "按办理期限筛选" not in page


# --- the 逾期 tab -----------------------------------------------------------------------------------


def listed(response) -> set[str]:
    return {row["label"].split()[0] for row in response.context["rows"]}


def test_the_overdue_tab_counts_and_lists_only_open_cases_past_their_due_date(cast, petitions):
    clerk = cast.users["street_a"]
    overdue_petition(clerk, name="逾期甲")
    case_close(actor=clerk, module=petitions, row=overdue_petition(clerk, name="已办结乙"), on=days_ago(1))
    make_petition(clerk, name="未逾期丙", received_on=days_ago(60))  # due today: not yet late
    report(clerk, overdue_petition(clerk, name="逾期已上报丁"))
    make_petition(cast.users["street_a2"], name="别的街道戊", received_on=days_ago(100))
    client = cast.client("street_a")

    everything = client.get(petitions.url("list"))
    tab = everything.context["counts"]["overdue_tab"]
    assert (tab["count"], tab["active"], tab["href"]) == ("2", False, "?overdue=1")
    assert listed(everything) == {"逾期甲", "已办结乙", "未逾期丙", "逾期已上报丁"}
    assert 'href="?overdue=1"' in everything.content.decode()

    overdue = client.get(petitions.url("list"), {"overdue": "1"})
    assert listed(overdue) == {"逾期甲", "逾期已上报丁"} and overdue.context["counts"]["overdue_tab"]["active"]
    assert all("overdue" not in tab["href"] for tab in overdue.context["state_tabs"])  # another tab leaves it
    assert 'name="overdue" value="1" id="id_overdue" checked' in overdue.content.decode()  # the filter keeps it
    assert listed(client.get(petitions.url("list"), {"overdue": "1", "state": "draft"})) == {"逾期甲"}
    assert listed(client.get(petitions.url("list"), {"overdue": "1", "name": "丁"})) == {"逾期已上报丁"}

    county = cast.client("county_a").get(petitions.url("list"), {"overdue": "1"})
    assert listed(county) == {"逾期已上报丁"} and county.context["counts"]["overdue_tab"]["count"] == "1"


# --- the morning's reminders --------------------------------------------------------------------------


def test_each_overdue_case_gets_one_reminder_in_its_holding_units_inbox(cast, petitions, legal_aid):
    draft = overdue_petition(cast.users["street_a"], name="逾期未上报")
    reported = overdue_petition(cast.users["street_a"], name="逾期已上报")
    report(cast.users["street_a"], reported)
    make_petition(cast.users["street_a"], name="未逾期")
    closed = overdue_petition(cast.users["street_a"], name="已办结")
    case_close(actor=cast.users["street_a"], module=petitions, row=closed, on=days_ago(1))
    case = make_record(legal_aid, cast.users["street_a2"], applied_on=days_ago(100), accepted_on=days_ago(100))

    assert cases_remind_overdue() == 3
    for row, holder, module in [(draft, "street_a", petitions), (reported, "county_a", petitions),
                                (case, "street_a2", legal_aid)]:  # fmt: skip
        notice = fresh(row).overdue_notice
        assert (notice.kind, notice.module, notice.count) == (CaseNotice.OVERDUE, module.key, 1)
        assert notice.sender == notice.receiver == cast.units[holder]
        assert f"的办理期限为 {fresh(row).due_on:%Y-%m-%d},已逾期尚未办结" in notice.message
        inbox = reminders.pending_reminders_for_user(cast.users[holder]).filter(kind=CaseNotice.OVERDUE)
        assert list(inbox) == [notice]
    assert AuditLog.objects.filter(event=CaseEvent.OVERDUE_REMINDED).count() == 2  # one per module

    assert cases_remind_overdue() == 0
    assert ReportAction.objects.filter(kind=CaseNotice.OVERDUE).count() == 3


def test_closing_the_case_completes_its_reminder(cast, petitions):
    row = overdue_petition(cast.users["street_a"])
    report(cast.users["street_a"], row)
    cases_remind_overdue()
    notice = fresh(row).overdue_notice
    case_close(actor=cast.users["street_a"], module=petitions, row=row, on=timezone.localdate())
    notice.refresh_from_db()
    assert not notice.pending and notice.process.status == PROCESS.DONE
    assert fresh(row).overdue_notice is None
    assert not reminders.pending_reminders_for_user(cast.users["county_a"]).filter(kind=CaseNotice.OVERDUE).exists()
    assert cases_remind_overdue() == 0


def test_deleting_an_overdue_case_completes_its_reminder(cast, petitions):
    row = overdue_petition(cast.users["street_a"])
    cases_remind_overdue()
    notice = fresh(row).overdue_notice
    services.record_delete(actor=cast.users["street_a"], module=petitions, row=row)
    notice.refresh_from_db()
    assert not notice.pending and notice.process.status == PROCESS.DONE


def test_a_case_no_longer_due_completes_its_reminder_and_a_later_spell_sends_a_new_one(cast, petitions):
    clerk = cast.users["street_a"]
    row = overdue_petition(clerk)
    cases_remind_overdue()
    first = fresh(row).overdue_notice
    services.record_update(actor=clerk, module=petitions, row=fresh(row), data={"received_on": days_ago(1)})
    first.refresh_from_db()
    assert not first.pending and fresh(row).overdue_notice is None
    assert cases_remind_overdue() == 0
    assert cases_remind_overdue(now=timezone.now() + timedelta(days=70)) == 1
    assert fresh(row).overdue_notice != first


def test_a_reminder_handled_in_the_inbox_is_not_sent_again(cast, petitions):
    row = overdue_petition(cast.users["street_a"])
    cases_remind_overdue()
    reminders.reminders_mark_handled(actor=cast.users["street_a"], action_ids=[fresh(row).overdue_notice_id])
    assert cases_remind_overdue() == 0


def test_the_inbox_shows_the_reminder_opening_the_modules_overdue_tab(cast, petitions):
    row = overdue_petition(cast.users["street_a"], name="赵敏")
    report(cast.users["street_a"], row)
    cases_remind_overdue()
    client = cast.client("county_a")
    page = client.get(reverse("approvals:reminders_pending")).content.decode()
    link = f"{petitions.url('list')}?overdue=1"
    assert "信访接待办理逾期数据" in page and f'href="{link}"' in page and "信访接待“赵敏" in page
    assert listed(client.get(link)) == {"赵敏"}
    assert "办理逾期" not in cast.client("street_a").get(reverse("approvals:reminders_pending")).content.decode()


def test_the_reminders_go_out_every_morning_at_six(cast):
    from dramatiq_crontab import scheduler

    from records.kit.tasks import remind_overdue_cases

    jobs = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "hour='6', minute='0'" in jobs["remind_overdue_cases"]
    row = overdue_petition(cast.users["street_a"])
    remind_overdue_cases.fn()
    assert fresh(row).overdue_notice is not None
