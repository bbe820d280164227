"""Writes of the audit log beyond appending: the purge of rows past their retention."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper

from approvals.models import AuditEvent, AuditLog
from approvals.services import audit_record


@transaction.atomic
def audit_purge(*, now: datetime | None = None) -> int:
    """Delete the rows older than AUDIT_RETENTION_DAYS and audit how many went.

    The cut-off counts back from the database's clock unless `now` is given: the retention
    trigger reads the same `now()` (the transaction's start), so neither an application
    server whose clock runs ahead nor the time since the transaction began can make the purge
    reach a row the trigger protects (the trigger would refuse the whole statement).
    Each day's run deletes about one day's rows, in one statement."""
    retention = timedelta(days=settings.AUDIT_RETENTION_DAYS)
    cutoff = now - retention if now is not None else ExpressionWrapper(TransactionNow() - retention, DateTimeField())
    deleted, _by_model = AuditLog.objects.filter(at__lt=cutoff).delete()
    audit_record(
        event=AuditEvent.AUDIT_PURGED,
        detail={"rows": deleted, "retention_days": settings.AUDIT_RETENTION_DAYS},
    )
    return deleted
