"""防返困: the follow-ups after an assistance records its household's exit from hardship
(modules-spec §3, beyond the manual; FollowUp in records.assistance.models).

- Saving an exit (its own page or the entry form) makes one follow-up per month of
  settings.ASSISTANCE_FOLLOW_UP_MONTHS after the exit day; a moved exit day moves the open ones,
  an exit undone removes them and completes their reminders. Done follow-ups stay as history.
- Every morning one reminder per due follow-up goes to the owning unit's inbox (sent by that
  unit to itself, like an overdue case's); it opens the assistance's follow-up form.
- The owner's users record the outcome (仍已脱困 / 返困, a note, the day), which completes the
  reminder. 返困 reopens the household: the exit stays on the assistance as history, and a file
  cancelled meanwhile (注销) is restored into the owning unit (records.services.file_restore).
"""

import calendar
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from approvals import reminders
from approvals.models import ReportAction
from audit.services import audit_record
from org.errors import DomainError
from org.models import Module, User
from org.permissions import require_module
from records import services as file_services
from records.assistance.events import AssistanceEvent
from records.assistance.models import Assistance, FollowUp, FollowUpOutcome
from records.assistance.notices import FollowUpNotice
from records.kit import declaration, services
from records.kit.notices import notices_send
from records.models import FileStatus, WorkerFile

REMIND_BATCH = 500  # follow-ups per transaction of the morning's reminders


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31 August + 6
    months: the end of February). python-dateutil's relativedelta does this; it is not installed."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_notice(actor: User, follow_up: FollowUp, request=None) -> None:
    """The follow-up's reminder is done: recorded, moved to a later day, or no longer wanted."""
    action = ReportAction.objects.get(pk=follow_up.notice_id)
    reminders.reminder_complete(actor=actor, action=action, request=request)
    follow_up.notice = None


def _drop_open(open_ones: list[FollowUp], actor: User) -> None:
    for follow_up in open_ones:
        if follow_up.notice_id is not None:
            _end_notice(actor, follow_up)
    FollowUp.objects.filter(pk__in=[f.pk for f in open_ones]).delete()


def drop_with_deleted(row: Assistance, actor: User) -> None:
    """The declaration's before_delete: a deleted assistance's open reminders are done too."""
    _drop_open(list(FollowUp.objects.select_for_update().filter(assistance=row, outcome="")), actor)


def follow_ups_schedule(row: Assistance, actor: User) -> None:
    """After the exit of `row` changed (under its lock): its open follow-ups made, moved or gone."""
    today = timezone.localdate()
    follow_ups = {f.months: f for f in FollowUp.objects.select_for_update().filter(assistance=row)}
    if not row.exited:
        _drop_open([f for f in follow_ups.values() if not f.done], actor)
        return
    new = []
    for months in settings.ASSISTANCE_FOLLOW_UP_MONTHS:
        due = months_after(row.exit_on, months)
        follow_up = follow_ups.get(months)
        if follow_up is None:
            new.append(FollowUp(assistance=row, months=months, due_on=due))
        elif not follow_up.done and follow_up.due_on != due:
            if follow_up.notice_id is not None and due > today:  # not due any more: reminded again when it is
                _end_notice(actor, follow_up)
            follow_up.due_on = due
            follow_up.save(update_fields=["due_on", "notice"])
    FollowUp.objects.bulk_create(new)


# --- the morning's reminders ---------------------------------------------------------------------


def _unreminded(today: date):
    """Due follow-ups without their reminder, locked; one someone is saving waits for the next run."""
    rows = FollowUp.objects.filter(due_on__lte=today, outcome="", notice__isnull=True)
    rows = rows.select_related("assistance__file")  # for the message
    return rows.select_for_update(skip_locked=True, of=("self",)).order_by("pk")


def _notice(follow_up: FollowUp) -> ReportAction:
    row = follow_up.assistance
    message = (
        f"{row.file.head_name}(帮扶日期 {row.assisted_on:%Y-%m-%d})于 {row.exit_on:%Y-%m-%d} 脱困,"
        f"已满 {follow_up.months} 个月,请回访其是否仍已脱困。"
    )
    return ReportAction(
        kind=FollowUpNotice.DUE, module=Module.ASSISTANCE, sender_id=row.unit_id, receiver_id=row.unit_id, count=1,
        message=message,
    )  # fmt: skip


@transaction.atomic
def _remind_batch(today: date) -> int:
    return notices_send(list(_unreminded(today)[:REMIND_BATCH]), _notice, "notice")


def follow_ups_remind(today: date | None = None) -> int:
    """Every due follow-up without a reminder gets one in its owning unit's inbox; a second run
    sends nothing new. How many were sent."""
    today = today or timezone.localdate()
    sent = 0
    while batch := _remind_batch(today):
        sent += batch
    if sent:
        audit_record(event=AssistanceEvent.FOLLOW_UPS_REMINDED, detail={"follow_ups": sent})
    return sent


def follow_up_pages(actions: list[ReportAction]) -> dict[int, str]:
    """approvals.reminders.NOTICE_PAGES_OF: each reminder opens its assistance's follow-up form."""
    module = declaration.get(Module.ASSISTANCE)
    pairs = FollowUp.objects.filter(notice__in=actions).values_list("notice_id", "assistance_id")
    return {notice: module.url("follow_up", assistance) for notice, assistance in pairs}


reminders.register_notice_pages(FollowUpNotice.DUE, follow_up_pages)


# --- the follow-up record ------------------------------------------------------------------------


def due_follow_up(row: Assistance) -> FollowUp | None:
    """The assistance's earliest open follow-up whose day has come."""
    return row.follow_ups.filter(outcome="", due_on__lte=timezone.localdate()).order_by("due_on").first()


def can_follow_up(actor: User, follow_up: FollowUp | None) -> bool:
    return (
        follow_up is not None
        and services.is_owner(actor, follow_up.assistance)
        and not follow_up.done
        and follow_up.due_on <= timezone.localdate()
    )


def _check_outcome(follow_up: FollowUp, outcome: str, on: date | None) -> None:
    if outcome not in FollowUpOutcome.values:
        raise DomainError("请选择回访结果(仍已脱困或返困)。", "outcome")
    if on is None:
        raise DomainError("请填写回访完成日期。", "done_on")
    if on > timezone.localdate():
        raise DomainError("回访完成日期不能晚于今天。", "done_on")
    if on < follow_up.assistance.exit_on:
        raise DomainError(f"回访完成日期不能早于脱困日期({follow_up.assistance.exit_on:%Y-%m-%d})。", "done_on")


def _reopen(actor: User, file: WorkerFile, request) -> str:
    """返困: a cancelled file comes back into the owning unit (the actor's); what happened, said."""
    if file.status != FileStatus.CANCELLED:
        return ""
    if not file_services.can_restore(actor, file):
        return f"档案“{file}”已注销,请有职工档案权限的用户恢复。"
    file_services.file_restore(actor=actor, file=file, request=request)
    return f"档案“{file}”已恢复为本单位的在档职工档案。"


@transaction.atomic
def follow_up_record(*, actor: User, follow_up: FollowUp, outcome: str, note: str, on: date | None,
                     request=None) -> str:  # fmt: skip
    """The owner records a due follow-up's outcome; 返困 reopens the household. What was reopened, said."""
    require_module(actor, Module.ASSISTANCE)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("assistance__file").get(pk=follow_up.pk)
    if not services.is_owner(actor, follow_up.assistance):
        raise DomainError("只有填报单位才能填写脱困回访。")
    if not can_follow_up(actor, follow_up):
        raise DomainError(f"{follow_up}已填写或尚未到期。")
    _check_outcome(follow_up, outcome, on)
    follow_up.outcome, follow_up.note, follow_up.done_on, follow_up.done_by = outcome, note.strip(), on, actor
    if follow_up.notice_id is not None:
        _end_notice(actor, follow_up, request)
    follow_up.save(update_fields=["outcome", "note", "done_on", "done_by", "notice"])
    detail = {"months": follow_up.months, "outcome": outcome, "done_on": on.isoformat()}
    audit_record(event=AssistanceEvent.FOLLOW_UP_DONE, actor=actor, request=request, obj=follow_up.assistance,
                 detail=detail)  # fmt: skip
    return _reopen(actor, follow_up.assistance.file, request) if outcome == FollowUpOutcome.BACK else ""
