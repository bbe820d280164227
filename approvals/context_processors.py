"""The pending-decision and pending-reminder notices in the page header (manual 19: users are
told on sign-in)."""

from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from approvals import inbox
from approvals.reminders import pending_reminder_count
from project.links import fixed_url


def pending_reminders(request):
    """`pending_notices`: counted (one COUNT query each) only when a template shows it, and not
    again on the pending lists, which have just counted the same rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"pending_notices": SimpleLazyObject(lambda: pending_notices_html(request))}


def pending_notices_html(request) -> str:
    """待办审批 (n) and 待处理提醒 (n), each a link to its list, shown while there is one."""
    user = request.user
    decisions = getattr(request, "pending_decision_count", None)
    if decisions is None:
        decisions = inbox.pending_count(user)
    reminders = getattr(request, "pending_reminder_count", None)
    if reminders is None:
        reminders = pending_reminder_count(user)
    notices = []
    if decisions:
        notices.append(
            f'<a class="unit-badge" href="{fixed_url("approvals:decisions_pending")}" '
            f'data-pending-decisions="{decisions}">待办审批 ({decisions})</a>'
        )
    if reminders:
        notices.append(
            f'<a class="unit-badge" href="{fixed_url("approvals:reminders_pending")}" '
            f'data-pending-reminders="{reminders}">待处理提醒 ({reminders})</a>'
        )
    return mark_safe("\n    ".join(notices))
