"""Scheduled housekeeping of accounts."""

import dramatiq
from django.core.management import call_command
from dramatiq_crontab import cron


@cron("15 3 * * *")
@dramatiq.actor
def clear_expired_sessions():
    """Idle sessions expire after 30 minutes; the nightly run removes their rows."""
    call_command("clearsessions")
