"""The pending-reminder and pending-decision counts in the page header (manual 19: users are
told on sign-in)."""

from django.utils.functional import SimpleLazyObject

from approvals import inbox
from approvals.reminders import pending_reminder_count


def pending_reminders(request):
    """`pending_reminder_count`: counted (one COUNT query) only when a template shows it, and
    not at all on the pending list, which has just counted the same rows."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        counted = getattr(request, "pending_reminder_count", None)
        return counted if counted is not None else pending_reminder_count(user)

    def decisions() -> int:
        counted = getattr(request, "pending_decision_count", None)
        return counted if counted is not None else inbox.pending_count(user)

    return {"pending_reminder_count": SimpleLazyObject(count), "pending_decision_count": SimpleLazyObject(decisions)}
