"""Reminders (提醒, manual chapter 19): the inbox of report and return actions.

A reminder is the `remind` task of a report/return action's process (flows.flows): it is
pending while the process runs and handled once a user of the receiving unit completes the
task, which ends the process and clears the action's `pending` flag in the same transaction
(the flag is what the lists and the header count read). Users see the reminders received by their own unit in the
modules they hold — never another unit's, whatever their module permissions or their level.

Reads are selectors taking the acting user; the one write is `reminders_mark_handled`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals import registry
from approvals.dates import on_days
from approvals.events import ReportingEvent
from approvals.models import Movement, ReportAction
from approvals.processes import complete_human_task
from audit.keyset import cursor_of, parse_cursor
from audit.services import audit_record
from org.models import Module, User

PAGE_SIZE = 50
_MODULES = tuple(Module.values)  # in declaration order; Module.values builds a new list per call


class ReminderState:
    PENDING = "pending"
    HANDLED = "handled"
    CHOICES = [(PENDING, "待处理"), (HANDLED, "已处理")]


# Reminders that move no rows (a bulk export ready or refused, a transfer refused) link to the
# page where the unit acts on them instead of to an empty row list. Modules register the page
# (records/apps.py), so this module names no other module's URLs: a URL name, or a function of
# the reminder giving its URL when the page depends on it (a module's overdue cases).
NOTICE_PAGES: dict[str, str | Callable[[ReportAction], str]] = {}


def register_notice_page(kind: str, page: str | Callable[[ReportAction], str]) -> None:
    NOTICE_PAGES[kind] = page


# A kind whose page is found from data beside the reminder (a follow-up reminder opens its
# assistance's follow-up form): a function of a page's reminders of that kind → {reminder id:
# URL}, so a page of 50 reminders asks once, not once per reminder.
NOTICE_PAGES_OF: dict[str, Callable[[list[ReportAction]], dict[int, str]]] = {}


def register_notice_pages(kind: str, pages_of: Callable[[list[ReportAction]], dict[int, str]]) -> None:
    NOTICE_PAGES_OF[kind] = pages_of


def notice_pages_of(rows: list[ReportAction]) -> dict[int, str]:
    """The URLs of the rows whose kind registered NOTICE_PAGES_OF: one call per such kind."""
    urls = {}
    for kind, pages_of in NOTICE_PAGES_OF.items():
        if of_kind := [row for row in rows if row.kind == kind]:
            urls |= pages_of(of_kind)
    return urls


# --- labels --------------------------------------------------------------------------------


def module_label(key: str) -> str:
    """The reporting module's label (registry), else the permission's name."""
    try:
        return registry.get(key).label
    except KeyError:
        return Module(key).label if key in Module.values else key


def reminder_subject(action: ReportAction) -> str:
    """e.g. 困难职工档案上报数据 / 困难职工档案退回数据 (manual 19.2)."""
    kind = action.kind_label
    if action.module == Module.UNIT_ADMIN:
        return kind  # a notice of the unit's administration (批量导出数据已生成), no rows moved
    try:
        return registry.get(action.module).subject(kind)
    except KeyError:
        return f"{module_label(action.module)}{kind}数据"


def reminder_modules(user: User) -> list[str]:
    """The modules whose reminders the user receives: the modules they hold. Unit admins get
    the reminders of the unit's own administration (a bulk export ready or refused)."""
    if not user.is_active:
        return []
    return [m for m in _MODULES if m in user.modules]


# --- selectors -----------------------------------------------------------------------------


def reminders_for_user(user: User) -> QuerySet[ReportAction]:
    """Every reminder (open or handled) of the user's unit in the modules they hold."""
    modules = reminder_modules(user)
    if not modules:
        return ReportAction.objects.none()
    return ReportAction.objects.filter(receiver_id=user.unit_id, module__in=modules, process__isnull=False)


def pending_reminders_for_user(user: User) -> QuerySet[ReportAction]:
    return reminders_for_user(user).filter(pending=True)


def pending_reminder_count(user: User) -> int:
    """For the page header: one COUNT query on the partial index of waiting reminders (none
    for a user without business modules)."""
    return pending_reminders_for_user(user).count()


def _handled_by() -> Subquery:
    """Who completed the reminder task: the task owner's name (a correlated subquery, so the
    list stays one query)."""
    tasks = Task.objects.filter(process_id=OuterRef("process_id"), flow_task_type="HUMAN", status=STATUS.DONE)
    name = Coalesce(NullIf(F("owner__full_name"), Value("")), F("owner__username"))
    return Subquery(tasks.order_by("-finished").values_list(name)[:1])


def with_reminder_columns(queryset: QuerySet[ReportAction]) -> QuerySet[ReportAction]:
    """What a reminder row shows: sender, process state and time, handled by whom."""
    return queryset.select_related("sender", "process", "return_reason").annotate(handled_by=_handled_by())


def filter_reminders(
    queryset: QuerySet[ReportAction],
    *,
    state: str = "",
    module: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ReportAction]:
    """The 所有提醒 filters. Dates are local calendar days, turned into a range on `at`."""
    if state == ReminderState.PENDING:
        queryset = queryset.filter(pending=True)
    elif state == ReminderState.HANDLED:
        queryset = queryset.filter(pending=False)
    if module:
        queryset = queryset.filter(module=module)
    return on_days(queryset, "at", date_from, date_to)


def get_reminder_for_user(user: User, pk) -> ReportAction:
    """A reminder the user may handle (their unit received it, they hold its module), else 404 —
    the same answer as for one that does not exist."""
    try:
        return reminders_for_user(user).select_related("process").get(pk=pk)
    except (ReportAction.DoesNotExist, ValueError, TypeError):
        raise Http404("提醒不存在或不属于本单位。") from None


def get_action_for_user(user: User, pk) -> ReportAction:
    """A report/return action whose moved rows the user may list: their unit sent or received
    it and they hold its module; else 404."""
    modules = reminder_modules(user)
    actions = ReportAction.objects.filter(
        Q(receiver_id=user.unit_id) | Q(sender_id=user.unit_id), module__in=modules
    ).select_related("sender", "receiver", "process")
    try:
        return actions.get(pk=pk)
    except (ReportAction.DoesNotExist, ValueError, TypeError):
        raise Http404("上报退回记录不存在或与本单位无关。") from None


def can_handle(user: User, action: ReportAction) -> bool:
    """Whether the user may mark this action's reminder handled now (for showing the button;
    the service checks again)."""
    return (
        action.receiver_id == user.unit_id
        and action.module in reminder_modules(user)
        and action.process_id is not None
        and action.pending
    )


# --- keyset pages --------------------------------------------------------------------------


@dataclass
class Page:
    rows: list
    total: int
    next_cursor: str | None
    is_first: bool


def reminder_page(queryset: QuerySet[ReportAction], cursor: str | None) -> Page:
    """Newest first, PAGE_SIZE rows after the cursor: one query for the rows, one for the total."""
    total = queryset.count()
    position = parse_cursor(cursor)
    rows = queryset.order_by("-at", "-pk")
    if position:
        at, pk = position
        rows = rows.filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    rows = list(rows[: PAGE_SIZE + 1])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    labels = {}  # per module and kind: the subject and the module's label
    for row in rows:
        key = (row.module, row.kind)
        if key not in labels:
            labels[key] = (reminder_subject(row), module_label(row.module))
        row.subject, row.module_label = labels[key]
        row.is_open = row.pending
        row.is_handled = not row.pending and row.process.status == PROCESS.DONE
    next_cursor = cursor_of(rows[-1]) if has_more else None
    return Page(rows=rows, total=total, next_cursor=next_cursor, is_first=position is None)


@dataclass
class MovedRow:
    movement: Movement
    record: object | None  # None: the record has been deleted since

    @property
    def label(self) -> str:
        return str(self.record) if self.record is not None else f"(已删除,编号 {self.movement.object_id})"

    @property
    def url(self) -> str | None:
        get_url = getattr(self.record, "get_absolute_url", None)
        return get_url() if get_url else None

    @property
    def kind(self) -> str:
        model = self.movement.content_type.model_class()
        return str(model._meta.verbose_name) if model else ""


def moved_rows_page(action: ReportAction, after: str | None) -> Page:
    """The movement log of one action, PAGE_SIZE rows at a time (an action may move 30,000
    rows), with each row's record: one query per record model on the page."""
    movements = Movement.objects.filter(action=action)
    total = movements.count()
    try:
        after_pk = int(after) if after else None
    except ValueError:
        after_pk = None
    page = movements.select_related("from_holder", "to_holder").order_by("pk")
    if after_pk:
        page = page.filter(pk__gt=after_pk)
    page = list(page[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    records = {}
    ids_by_type: dict[int, list[int]] = {}
    for movement in page:
        movement.content_type = ContentType.objects.get_for_id(movement.content_type_id)
        ids_by_type.setdefault(movement.content_type_id, []).append(movement.object_id)
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is not None:
            records[type_id] = model._default_manager.in_bulk(ids)
    rows = [MovedRow(m, records.get(m.content_type_id, {}).get(m.object_id)) for m in page]
    return Page(rows=rows, total=total, next_cursor=str(page[-1].pk) if has_more else None, is_first=not after_pk)


# --- the service ---------------------------------------------------------------------------


@dataclass
class HandleResult:
    handled: list[ReportAction] = field(default_factory=list)
    already_handled: list[ReportAction] = field(default_factory=list)


def reminders_mark_handled(*, actor: User, action_ids: list[int], request=None) -> HandleResult:
    """处理提醒: complete the reminder task of each action, which ends its process.

    Only reminders of the actor's unit in modules the actor holds: any other id is 404 and
    nothing is done. Each reminder is its own transaction under its process's row lock (one
    lock at a time, so no deadlock); a reminder already handled (a double submit, a colleague)
    is reported, not an error.
    """
    wanted = {int(pk) for pk in action_ids}
    actions = list(reminders_for_user(actor).filter(pk__in=wanted).select_related("process").order_by("process_id"))
    if len(actions) != len(wanted):
        raise Http404("提醒不存在或不属于本单位。")
    result = HandleResult()
    for action in actions:
        completed = _complete_reminder(actor=actor, action=action, request=request)
        (result.handled if completed else result.already_handled).append(action)
    return result


def reminder_complete(*, actor: User, action: ReportAction, request=None) -> bool:
    """Complete one reminder because what it reminds of is done (a closed case ends its overdue
    notice), as marking it handled would; False when it was handled already."""
    return _complete_reminder(actor=actor, action=action, request=request)


def _complete_reminder(*, actor: User, action: ReportAction, request) -> bool:
    """Complete the open remind task of the action's process, as viewflow's task view does on
    POST. False when there is none left (already handled)."""
    with transaction.atomic():
        # The flows' lock (lock.select_for_update_lock) is this row lock. Taken here with a
        # wait rather than viewflow's NOWAIT-and-retry, so a double submit queues behind the
        # first and then finds no open task; viewflow's own lock below re-enters it.
        Process.objects.select_for_update().filter(pk=action.process_id).exists()
        task = complete_human_task(actor, action.process_id)
        if task is None:
            return False
        ReportAction.objects.filter(pk=action.pk).update(pending=False)
        audit_record(
            event=ReportingEvent.REMINDER_HANDLED,
            actor=actor,
            request=request,
            obj=action,
            detail={"action": action.pk, "process": action.process_id, "task": task.pk, "module": action.module},
        )
    return True
