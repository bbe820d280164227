"""The notices the kit sends through the reminder inbox (approvals.notices), and how a batch of
them is sent for rows that each keep their reminder (an overdue case, a due follow-up)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import ReportAction
from approvals.notices import register
from flows.flows import NoticeFlow


@register
class CaseNotice(models.TextChoices):
    OVERDUE = "case_overdue", _("办理逾期")


def reminders_start(actions: list[ReportAction]) -> list[ReportAction]:
    """Unsaved reminders into the inbox: one INSERT, then their processes (the inbox's tasks)
    one by one, as viewflow starts them, and one UPDATE linking them."""
    actions = ReportAction.objects.bulk_create(actions)
    for action in actions:
        action.process = NoticeFlow.start.run(action=action)
    ReportAction.objects.bulk_update(actions, ["process"])
    return actions


def notices_send(rows: list, notice_of, field: str) -> int:
    """One reminder per row (`notice_of(row)` → an unsaved ReportAction), linked from the row's
    `field`: the reminders started together and one UPDATE of the rows. Inside the caller's
    transaction, rows locked."""
    actions = reminders_start([notice_of(row) for row in rows])
    for row, action in zip(rows, actions, strict=True):
        setattr(row, field, action)
    if rows:
        type(rows[0]).objects.bulk_update(rows, [field])
    return len(rows)
