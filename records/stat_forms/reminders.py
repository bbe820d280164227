"""Reminders to report (beyond the manual): every morning the scheduler (tasks) sends each unit
that has not reported a form's period one reminder DUE_SOON_DAYS before the deadline and one
when it has passed, in the unit's inbox, sent by the unit to itself; the owner's report of the
form completes them (approvals.services.AFTER_REPORT). A second run sends nothing new."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from approvals import reminders
from approvals import services as approvals
from approvals.models import ReportAction
from audit.services import audit_record
from org.models import Module, Unit
from records.kit.notices import reminders_start
from records.stat_forms import deadlines
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.events import StatFormEvent
from records.stat_forms.models import StatForm, StatReminder, period_label
from records.stat_forms.notices import StatFormNotice

DUE_SOON_DAYS = 7
BATCH = 500  # reminders per transaction
KINDS = {StatReminder.DUE_SOON: StatFormNotice.DUE_SOON, StatReminder.OVERDUE: StatFormNotice.OVERDUE}


def stage_on(today: date, form_type: str, year: int, quarter: int) -> str | None:
    """Which reminder a period calls for today: due within DUE_SOON_DAYS, or past due and not yet
    locked (once locked, entry needs the parent's exception, not a reminder)."""
    due, _grace = deadlines.deadline_of(form_type, year, quarter)
    if due < today < deadlines.locked_since(form_type, year, quarter):
        return StatReminder.OVERDUE
    if today <= due <= today + timedelta(days=DUE_SOON_DAYS):
        return StatReminder.DUE_SOON
    return None


def unreminded_units(form_type: str, year: int, quarter: int, stage: str):
    """Units below the national one (which reports to nobody) whose form of the period has not
    left them, and that have no reminder of this stage yet."""
    period = {"form_type": form_type, "year": year, "quarter": quarter}
    reported = StatForm.objects.filter(**period).exclude(holder_id=F("unit_id")).values("unit_id")
    reminded = StatReminder.objects.filter(**period, stage=stage).values("unit_id")
    return Unit.objects.filter(depth__gt=1).exclude(pk__in=reported).exclude(pk__in=reminded).order_by("pk")


def _message(form_type: str, year: int, quarter: int, stage: str) -> str:
    form = FORM_TYPES[form_type]
    name = f"{period_label(year, quarter)}{form.text(form.title)}"
    due, _grace = deadlines.deadline_of(form_type, year, quarter)
    if stage == StatReminder.DUE_SOON:
        return f"{name}的上报截止日期为 {due:%Y-%m-%d},本单位尚未上报,请按时填报并上报。"
    locked = deadlines.locked_since(form_type, year, quarter)
    return f"{name}已过上报截止日期({due:%Y-%m-%d}),本单位尚未上报;{locked:%Y-%m-%d} 起将锁定,请尽快上报。"


@transaction.atomic
def _remind_batch(form_type: str, year: int, quarter: int, stage: str) -> int:
    units = list(unreminded_units(form_type, year, quarter, stage)[:BATCH])
    message = _message(form_type, year, quarter, stage)
    actions = reminders_start([
        ReportAction(kind=KINDS[stage], module=Module.STAT_FORMS, sender=unit, receiver=unit, message=message)
        for unit in units
    ])  # fmt: skip
    StatReminder.objects.bulk_create([
        StatReminder(unit=unit, form_type=form_type, year=year, quarter=quarter, stage=stage, action=action)
        for unit, action in zip(units, actions, strict=True)
    ])  # fmt: skip
    return len(units)


def periods_around(today: date) -> list[tuple[str, int, int]]:
    """The periods of every form a reminder may concern today: this year's and last year's."""
    return [
        (form_type, year, quarter)
        for form_type in FORM_TYPES
        for year in (today.year - 1, today.year)
        for quarter in deadlines.periods_of(form_type, year)
    ]


def stat_forms_remind(now=None) -> int:
    """Send the reminders today calls for; how many were sent."""
    today = timezone.localdate(now)
    sent = 0
    for form_type, year, quarter in periods_around(today):
        stage = stage_on(today, form_type, year, quarter)
        if stage is None:
            continue
        period_sent = 0
        while batch := _remind_batch(form_type, year, quarter, stage):
            period_sent += batch
        if period_sent:
            detail = {"form_type": form_type, "year": year, "quarter": quarter, "stage": stage, "units": period_sent}
            audit_record(event=StatFormEvent.REMINDED, detail=detail)
        sent += period_sent
    return sent


def close_on_report(*, actor, model, ids) -> None:
    """approvals.services.AFTER_REPORT: the owner reported its form, so its reminders are done."""
    if model is not StatForm:
        return
    for form in StatForm.objects.filter(pk__in=ids, unit_id=actor.unit_id):
        pending = StatReminder.objects.filter(
            unit_id=form.unit_id, form_type=form.form_type, year=form.year, quarter=form.quarter, action__pending=True
        ).select_related("action")
        for reminder in pending:
            reminders.reminder_complete(actor=actor, action=reminder.action)


approvals.AFTER_REPORT.append(close_on_report)
for _kind in KINDS.values():
    reminders.register_notice_page(_kind, "stat_forms:list")
