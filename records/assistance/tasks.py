"""Background work of the assistance (dramatiq actors take ids only and call a service)."""

import dramatiq
from dramatiq_crontab import cron

from records.assistance import follow_ups


@cron("10 6 * * *")
@dramatiq.actor
def remind_due_follow_ups() -> None:
    """Every morning, before work: one reminder per follow-up after exit whose day has come, to
    the owning unit (idempotent, so a retry sends nothing twice)."""
    follow_ups.follow_ups_remind()
