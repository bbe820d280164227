"""Deadlines, completeness and timeliness, the scheduled reminders, the lock and the parent's
exception (beyond the manual, after DHIS2)."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from approvals import services as approvals
from approvals.reminders import pending_reminders_for_user
from audit.models import AuditLog
from org.errors import DomainError
from records.stat_forms import deadlines, reminders, services
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.completeness import LATE, MISSING, ON_TIME, completeness
from records.stat_forms.models import StatDeadline, StatException, StatForm, StatReminder
from tests.records.stat_forms.conftest import YEAR, make_form

pytestmark = pytest.mark.django_db
LAST = YEAR - 1  # a year whose deadline (default: 31 January + 15 days' grace) has passed


def reported(actor, values=None, **kwargs):
    row = make_form(actor, values=values or {"3A": 1, "3B": 1}, **kwargs)
    approvals.report_rows(actor=actor, model=StatForm, pks=[row.pk])
    return row


def test_default_deadline_and_the_national_units_setting(cast):
    assert deadlines.deadline_of("school_aid", YEAR, 0) == (date(YEAR + 1, 1, 31), 15)
    assert deadlines.deadline_of("training_stats", YEAR, 2) == (date(YEAR, 7, 31), 15)
    with pytest.raises(DomainError, match="只有全国总工会"):
        services.deadline_set(actor=cast.users["county_a"], form_type="school_aid", year=YEAR, quarter=0,
                              due_on=date(YEAR, 12, 20), grace_days=3)  # fmt: skip
    services.deadline_set(actor=cast.users["national_admin"], form_type="school_aid", year=YEAR, quarter=0,
                          due_on=date(YEAR, 12, 20), grace_days=3)  # fmt: skip
    assert deadlines.deadline_of("school_aid", YEAR, 0) == (date(YEAR, 12, 20), 3)
    page = cast.client("national_admin").post("/stat-forms/deadlines/", {"form_type": "warmth", "year": "x"})
    assert page.status_code == 200 and page.context["form"].errors["year"]


def test_completeness_shows_who_reported_on_time_late_or_not(cast):
    StatDeadline.objects.create(form_type="school_aid", year=YEAR, quarter=0, due_on=date(YEAR, 12, 1), grace_days=30)
    on_time = reported(cast.users["street_a"])
    StatForm.objects.filter(pk=on_time.pk).update(first_reported_at=timezone.make_aware(datetime(YEAR, 11, 30, 9)))
    draft = make_form(cast.users["street_a2"], values={"3A": 1, "3B": 1})  # a draft: not reported
    report = completeness(FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["county_a"], unit=cast.units["county_a"])
    assert {s.unit.name: s.status for s in report.units} == {
        "武侯区总工会": MISSING, "浆洗街街道工会": ON_TIME, "玉林街道工会": MISSING,
    }  # fmt: skip
    approvals.report_rows(actor=cast.users["street_a2"], model=StatForm, pks=[draft.pk])  # today: after 1 December
    report = completeness(FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["city_a"], unit=cast.units["city_a"])
    county = next(area for area in report.areas if area.label == "武侯区总工会")
    # The city sees the streets' forms once the county passes them on: none yet.
    assert (county.expected, county.on_time, county.late, county.missing) == (3, 0, 0, 3)
    approvals.report_rows(actor=cast.users["county_a"], model=StatForm, pks=[on_time.pk, draft.pk])
    report = completeness(FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["city_a"], unit=cast.units["city_a"])
    county = next(area for area in report.areas if area.label == "武侯区总工会")
    assert (county.on_time, county.late, county.missing, county.reported_rate) == (1, 1, 1, "66.7%")
    statuses = completeness(
        FORM_TYPES["school_aid"], YEAR, 0, viewer=cast.units["county_a"], unit=cast.units["county_a"]
    ).units
    assert [s.status for s in statuses] == [MISSING, ON_TIME, LATE]


def test_completeness_page_and_its_excel(cast):
    reported(cast.users["street_a"])
    client = cast.client("county_a")
    page = client.get(f"/stat-forms/completeness/?form_type=school_aid&year={YEAR}&quarter=0")
    text = page.content.decode()
    assert "玉林街道工会" in text and "未上报" in text and "按时上报" in text
    excel = client.get(f"/stat-forms/completeness/?form_type=school_aid&year={YEAR}&quarter=0&format=xlsx")
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_scheduled_reminder_reaches_a_unit_that_has_not_reported_and_closes_on_report(cast):
    StatDeadline.objects.create(form_type="school_aid", year=YEAR, quarter=0, due_on=date(YEAR, 12, 20), grace_days=5)
    reported(cast.users["street_a2"])
    early = timezone.make_aware(datetime(YEAR, 12, 1, 7))
    assert reminders.stat_forms_remind(now=early) == 0  # 19 days before: nothing yet
    week_before = timezone.make_aware(datetime(YEAR, 12, 14, 7))  # the clock moves on
    assert reminders.stat_forms_remind(now=week_before) > 0
    assert reminders.stat_forms_remind(now=week_before) == 0  # a second run sends nothing twice
    street = cast.users["street_a"]
    [notice] = [a for a in pending_reminders_for_user(street) if a.module == "stat_forms"]
    assert "截止日期为 " + f"{YEAR}-12-20" in notice.message
    assert not [a for a in pending_reminders_for_user(cast.users["street_a2"]) if a.module == "stat_forms"]
    reported(street)
    assert not [a for a in pending_reminders_for_user(street) if a.module == "stat_forms"]
    overdue = timezone.make_aware(datetime(YEAR, 12, 22, 7))
    reminders.stat_forms_remind(now=overdue)
    assert not StatReminder.objects.filter(unit=street.unit, stage=StatReminder.OVERDUE).exists()
    assert StatReminder.objects.filter(unit=cast.units["county_a"], stage=StatReminder.OVERDUE).exists()


def test_a_locked_period_refuses_entry_until_the_parent_grants_an_exception(cast):
    street = cast.users["street_a"]
    with pytest.raises(DomainError, match="已锁定"):
        make_form(street, year=LAST)
    page = cast.client("street_a").post("/stat-forms/new/?form=school_aid",
                                        {"year": LAST, "reporter": "王", "phone": "1"})  # fmt: skip
    assert "已锁定" in page.context["form"].errors["year"][0]
    with pytest.raises(DomainError, match="只有上级单位"):
        services.exception_grant(actor=cast.users["national_admin"], unit=street.unit, form_type="school_aid",
                                 year=LAST, quarter=0)  # fmt: skip
    response = cast.client("county_a").post(
        "/stat-forms/completeness/exception/",
        {"unit": street.unit.pk, "form_type": "school_aid", "year": LAST, "quarter": 0},
    )
    assert response.status_code == 302
    assert StatException.objects.filter(unit=street.unit, year=LAST).exists()
    assert AuditLog.objects.filter(event="stat_forms_exception", user=cast.users["county_a"]).exists()
    assert make_form(street, year=LAST).year == LAST
    with pytest.raises(DomainError, match="已锁定"):
        make_form(cast.users["street_a2"], year=LAST)  # the exception is one unit's


def test_periods_end_where_they_should():
    assert deadlines.period_end(YEAR, 4) == date(YEAR, 12, 31)
    assert deadlines.period_end(YEAR, 1) == date(YEAR, 3, 31)
    assert deadlines.locked_since("warmth", YEAR, 0) == date(YEAR + 1, 1, 31) + timedelta(days=16)
