"""The scheduler's work for statistical forms (dramatiq actors call a service)."""

import dramatiq
from dramatiq_crontab import cron

from records.stat_forms import reminders


@cron("30 6 * * *")
@dramatiq.actor
def remind_stat_forms() -> None:
    """Every morning: reminders to the units that have not reported a form due soon or overdue
    (idempotent, so a retry sends nothing twice)."""
    reminders.stat_forms_remind()
