"""Writes of the audit log: appending one event, and the purge of rows past their retention."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, Model

from audit.events import AuditLogEvent
from audit.models import AuditLog


def client_ip(request) -> str | None:
    """The client address. Behind a proxy set BANGFU_HTTPS and let the proxy overwrite
    REMOTE_ADDR (gunicorn --forwarded-allow-ips); X-Forwarded-For is not trusted here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(**fields) -> AuditLog:
    """Append one audit row: the row audit_row makes of `fields` (event, actor, request, obj,
    success, username, detail, unit), saved."""
    row = audit_row(**fields)
    row.save(force_insert=True)
    return row


def audit_row(
    *,
    event: str,
    actor=None,
    request=None,
    obj: Model | None = None,
    success: bool = True,
    username: str = "",
    detail: dict | None = None,
    unit=None,
) -> AuditLog:
    """One audit row, unsaved (audit_record saves it; records.import_writes uses it as the
    prototype of an INSERT … SELECT auditing many rows). `actor` may be None (a failed sign-in
    names only `username`, and the unit of the account it tried, if any: that unit's audit
    administrator sees it)."""
    unit = unit or (getattr(actor, "unit", None) if actor is not None else None)
    return AuditLog(
        event=event,
        user=actor if actor is not None and actor.pk else None,
        username=(actor.username if actor is not None else username)[:150],
        unit=unit,
        unit_name=unit.name if unit is not None else "",
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        success=success,
        ip=client_ip(request),
        detail=detail or {},
    )


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
        event=AuditLogEvent.AUDIT_PURGED,
        detail={"rows": deleted, "retention_days": settings.AUDIT_RETENTION_DAYS},
    )
    return deleted
