"""The pending-decision and pending-reminder counts in the page header (manual 19: users are
told on sign-in; templates/approvals/header_notices.html)."""

from django.utils.functional import SimpleLazyObject

from approvals import inbox
from approvals.reminders import pending_reminder_count


def pending_reminders(request):
    """`pending_decision_count` and `pending_reminder_count`: counted (one COUNT query each)
    only when a template shows them, and not again on the pending lists, which have just
    counted the same rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def decisions() -> int:
        counted = getattr(request, "pending_decision_count", None)
        return counted if counted is not None else inbox.pending_count(user)

    def reminders() -> int:
        counted = getattr(request, "pending_reminder_count", None)
        return counted if counted is not None else pending_reminder_count(user)

    return {
        "pending_decision_count": SimpleLazyObject(decisions),
        "pending_reminder_count": SimpleLazyObject(reminders),
    }
