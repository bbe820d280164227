"""Writes of the reporting core. For now: the audit log that every module writes to."""

from django.db.models import Model

from approvals.models import AuditEvent, AuditLog


def client_ip(request) -> str | None:
    """The client address. Behind a proxy set BANGFU_HTTPS and let the proxy overwrite
    REMOTE_ADDR (gunicorn --forwarded-allow-ips); X-Forwarded-For is not trusted here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    event: AuditEvent,
    actor=None,
    request=None,
    obj: Model | None = None,
    success: bool = True,
    username: str = "",
    detail: dict | None = None,
) -> AuditLog:
    """Append one audit row. `actor` may be None (a failed sign-in names only `username`)."""
    unit = getattr(actor, "unit", None) if actor is not None else None
    return AuditLog.objects.create(
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
