"""Background work of the audit log: the daily purge of rows past their retention."""

import dramatiq
from dramatiq_crontab import cron

from audit import services


@cron("15 4 * * *")
@dramatiq.actor
def purge_old_audit_rows() -> None:
    """Rows older than AUDIT_RETENTION_DAYS go, once a day, after the night's exports."""
    services.audit_purge()
