"""Case progress (受理 → 办理中 → 办结) of the modules declaring `cases=CaseProgress(...)`: a
time limit and an overdue flag, as peers of the 2009 system keep for petitions and legal aid
(modules-spec §4).

- Saving a row sets its 受理日期 from the declared field (a petition's 接待日期) and its 办理期限:
  受理日期 + settings.CASE_DUE_DAYS[key], else the declaration's days. The due date moves only
  when the acceptance does, so a later change of the setting leaves open cases as they were.
- Progress is a later fact, like exit information (DESIGN.md §3): the owning unit's users with
  the module start and close a case whatever its report state, under the row's lock. What may
  follow what is the transitions' on records.kit.models.Case; the record page's buttons ask
  the same predicates as the services.
- Overdue = open and past its due date (models.overdue_condition): the list's 逾期 tab
  (views.RecordListView), and every morning one reminder per newly overdue case in the inbox of
  the unit holding it (tasks.remind_overdue_cases), which opens the module's 逾期 tab. Closing
  the case completes the reminder.
"""

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from approvals import reminders
from approvals.models import ReportAction
from audit.services import audit_record
from org.errors import DomainError
from org.models import User
from org.permissions import require_module
from records.kit import declaration, services, views, wiring
from records.kit.declaration import RecordModule
from records.kit.events import CaseEvent
from records.kit.forms import OVERDUE
from records.kit.models import Case, overdue_condition
from records.kit.notices import CaseNotice, notices_send
from records.kit.pages import RECORD, Page, add_pages

CLOSED_ON = "closed_on"
STEPS = {"start": "开始办理", "close": "办结"}  # the page's `action` → what the message says was done
REMIND_BATCH = 500  # cases per transaction of the morning's reminders


# --- the due date ---------------------------------------------------------------------------------


def due_days(module: RecordModule) -> int:
    return settings.CASE_DUE_DAYS.get(module.key) or module.cases.due_days


def _acceptance_moved(row) -> bool:
    stored = type(row)._base_manager.filter(pk=row.pk).values_list("accepted_on", flat=True).first()
    return stored != row.accepted_on


def set_due_date(module: RecordModule, row, actor: User) -> None:
    """records.kit.services.BEFORE_SAVE: the acceptance from its declared field, and the due date
    from the acceptance when it is new or moved. A case no longer overdue ends its reminder."""
    progress = module.cases
    if progress is None:
        return
    if progress.accepted_from:
        row.accepted_on = getattr(row, progress.accepted_from)
    if row.closed_on is not None and row.accepted_on > row.closed_on:
        field = progress.accepted_from or "accepted_on"
        raise DomainError(f"{module.label_of(field)}不能晚于办结日期({row.closed_on:%Y-%m-%d})。", field)
    if row.due_on is None or _acceptance_moved(row):
        row.due_on = row.accepted_on + timedelta(days=due_days(module))
        if row.overdue_notice_id is not None and not row.overdue:
            _end_notice(actor, row)


# --- progress --------------------------------------------------------------------------------------


def can_start(actor: User, row) -> bool:
    return services.is_owner(actor, row) and row.start.can_proceed()


def can_close(actor: User, row) -> bool:
    return services.is_owner(actor, row) and row.close.can_proceed()


def _check_step(actor: User, module: RecordModule, row, transition, step: str) -> None:
    require_module(actor, module.permission)
    if not services.is_owner(actor, row):
        raise DomainError(f"只有填报单位才能办理该{module.label}记录。")
    if not transition.can_proceed():
        raise DomainError(f"“{row}”的办理状态为“{row.get_case_state_display()}”,不能{STEPS[step]}。")


def _end_notice(actor: User, row, request=None) -> None:
    """The reminder of the case's overdue spell is done: the case closed, or is no longer due."""
    action = ReportAction.objects.get(pk=row.overdue_notice_id)
    reminders.reminder_complete(actor=actor, action=action, request=request)
    row.overdue_notice = None


@transaction.atomic
def case_start(*, actor: User, module: RecordModule, row, request=None):
    """受理 → 办理中."""
    row = services.locked(module, row)
    _check_step(actor, module, row, row.start, "start")
    row.start()
    row.save(update_fields=["case_state"])
    audit_record(event=CaseEvent.CASE_STARTED, actor=actor, request=request, obj=row, detail={"module": module.key})
    return row


@transaction.atomic
def case_close(*, actor: User, module: RecordModule, row, on: date | None, request=None):
    """受理 or 办理中 → 办结 on day `on`: not before the acceptance, not after today."""
    row = services.locked(module, row)
    _check_step(actor, module, row, row.close, "close")
    if on is None:
        raise DomainError("请填写办结日期。", CLOSED_ON)
    if on < row.accepted_on:
        raise DomainError(f"办结日期不能早于受理日期({row.accepted_on:%Y-%m-%d})。", CLOSED_ON)
    if on > timezone.localdate():
        raise DomainError("办结日期不能晚于今天。", CLOSED_ON)
    row.close(on)
    if row.overdue_notice_id is not None:
        _end_notice(actor, row, request)
    row.save(update_fields=["case_state", "closed_on", "overdue_notice"])
    detail = {"module": module.key, "closed_on": on.isoformat()}
    audit_record(event=CaseEvent.CASE_CLOSED, actor=actor, request=request, obj=row, detail=detail)
    return row


# --- the pages -------------------------------------------------------------------------------------


class CloseForm(forms.Form):
    """The closing date of the page's date box (the service judges it; none given: it says so)."""

    closed_on = forms.DateField()


@require_POST
def case_step(request, module: RecordModule, pk):
    """开始办理 / 办结 from the record's page (`action`, and `closed_on` to close)."""
    row = views.get_record_for_user(module, request.user, pk)
    step = request.POST.get("action")
    try:
        if step == "start":
            case_start(actor=request.user, module=module, row=row, request=request)
        elif step == "close":
            form = CloseForm(request.POST)
            on = form.cleaned_data[CLOSED_ON] if form.is_valid() else None
            case_close(actor=request.user, module=module, row=row, on=on, request=request)
        else:
            raise DomainError("请选择“开始办理”或“办结”。")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{module.label}“{row}”已{STEPS[step]}。")
    return redirect(module.url("detail", row.pk))


add_pages(Page("case", "<int:pk>/case/", case_step, "post", target=RECORD, when=lambda m: m.cases is not None))


def case_progress(request, module: RecordModule, row) -> dict | None:
    """records.kit.views.DETAIL_EXTRAS: the case's state and dates, and the steps the user may take."""
    if module.cases is None:
        return None
    return {
        "template": "kit/_case.html",
        "row": row,
        "overdue": row.overdue,
        "can_start": can_start(request.user, row),
        "can_close": can_close(request.user, row),
        "url": module.url("case", row.pk),
        "today": timezone.localdate(),
    }


services.BEFORE_SAVE.append(set_due_date)


def end_reminder_of_deleted(module: RecordModule, row, actor: User) -> None:
    """records.kit.services.BEFORE_DELETE: a deleted case's overdue reminder is done too."""
    if module.cases is not None and row.overdue_notice_id is not None:
        _end_notice(actor, row)


services.BEFORE_DELETE.append(end_reminder_of_deleted)
views.DETAIL_EXTRAS.append(case_progress)


# --- the morning's reminders -------------------------------------------------------------------------


def overdue_list_url(action: ReportAction) -> str:
    """Where an overdue reminder leads: its module's list on the 逾期 tab."""
    return f"{declaration.get(action.module).url('list')}?{OVERDUE}=1"


reminders.register_notice_page(CaseNotice.OVERDUE, overdue_list_url)


def _unreminded(module: RecordModule, today):
    """Overdue cases without their reminder, locked; a case someone is saving is left to the next run."""
    rows = module.model.objects.filter(overdue_condition(today), overdue_notice__isnull=True)
    rows = rows.select_related(*module.label_relations)  # what str(row) reads, for the message
    return rows.select_for_update(skip_locked=True, of=("self",)).order_by("pk")


def _notice(module: RecordModule, row) -> ReportAction:
    message = f"{module.label}“{row}”的办理期限为 {row.due_on:%Y-%m-%d},已逾期尚未办结,请尽快办理。"
    return ReportAction(
        kind=CaseNotice.OVERDUE, module=module.permission, sender_id=row.holder_id, receiver_id=row.holder_id, count=1,
        message=message,
    )  # fmt: skip


@transaction.atomic
def _remind_batch(module: RecordModule, today) -> int:
    rows = list(_unreminded(module, today)[:REMIND_BATCH])
    return notices_send(rows, lambda row: _notice(module, row), "overdue_notice")


def cases_remind_overdue(now=None) -> int:
    """Every overdue case without a reminder gets one in its holding unit's inbox, sent by that
    unit to itself; a second run sends nothing new. How many were sent."""
    today = timezone.localdate(now)
    sent = 0
    for module in declaration.all_modules():
        if module.cases is None:
            continue
        module_sent = 0
        while batch := _remind_batch(module, today):
            module_sent += batch
        if module_sent:
            audit_record(event=CaseEvent.OVERDUE_REMINDED, detail={"module": module.key, "cases": module_sent})
        sent += module_sent
    return sent


# --- the declarations ---------------------------------------------------------------------------------


def check_case_model(module: RecordModule) -> None:
    """wiring.ON_CONNECT: a declaration with `cases` has the Case fields and a date to accept from."""
    if module.cases is None:
        return
    if not issubclass(module.model, Case):
        raise ImproperlyConfigured(f"{module.model.__name__} declares cases but is no records.kit.models.Case")
    accepted_from = module.cases.accepted_from
    if accepted_from and not isinstance(module.field(accepted_from), models.DateField):
        raise ImproperlyConfigured(f"{module.model.__name__}.{accepted_from} (accepted_from) is no DateField")


wiring.ON_CONNECT.append(check_case_model)


@checks.register
def due_days_of_case_modules(app_configs, **kwargs) -> list[checks.Error]:
    """A key of CASE_DUE_DAYS that names no case module would leave its module at the default."""
    known = sorted(module.key for module in declaration.all_modules() if module.cases is not None)
    return [
        checks.Error(f"CASE_DUE_DAYS names {key!r}, no module with case progress ({', '.join(known)})", id="kit.E001")
        for key in settings.CASE_DUE_DAYS
        if key not in known
    ]
