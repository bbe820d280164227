"""Writes of policy documents, briefs and notices, and of their attachments (DESIGN §5.2)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.services import audit_record
from bulletins.events import BulletinEvent
from bulletins.kinds import Kind
from bulletins.models import Notice, NoticeRead
from bulletins.richtext import plain_text, sanitised
from org import attachments
from org.errors import DomainError
from org.models import User


def _apply(row, data: dict) -> None:
    for name, value in data.items():
        setattr(row, name, value)
    row.body = sanitised(row.body)
    row.body_text = plain_text(row.body)


@transaction.atomic
def bulletin_create(*, actor: User, kind: Kind, data: dict, request=None):
    if not kind.may_publish(actor):
        raise PermissionDenied(kind.refusal)
    row = kind.model(unit=actor.unit, author=actor)
    _apply(row, data)
    if not kind.may_edit(actor, row):  # a category the actor may not publish in
        raise DomainError(f"您不能发布“{row.get_category_display()}”类别的文件。", "category")
    row.save()
    audit_record(
        event=BulletinEvent.BULLETIN_PUBLISHED, actor=actor, request=request, obj=row, detail={"kind": kind.key}
    )
    return row


@transaction.atomic
def bulletin_update(*, actor: User, kind: Kind, row, data: dict, request=None):
    if not kind.may_edit(actor, row):
        raise PermissionDenied(kind.refusal)
    _apply(row, data)
    if not kind.may_edit(actor, row):
        raise DomainError(f"您不能发布“{row.get_category_display()}”类别的文件。", "category")
    row.save()
    audit_record(event=BulletinEvent.BULLETIN_CHANGED, actor=actor, request=request, obj=row, detail={"kind": kind.key})
    return row


@transaction.atomic
def bulletin_delete(*, actor: User, kind: Kind, row, request=None) -> None:
    """The row and its attachments, their files once the transaction has committed."""
    if not kind.may_edit(actor, row):
        raise PermissionDenied(kind.refusal)
    for attachment in row.attachments.all():
        attachments.attachment_delete(actor=actor, attachment=attachment, request=request)
    audit_record(event=BulletinEvent.BULLETIN_DELETED, actor=actor, request=request, obj=row, detail={"kind": kind.key})
    row.delete()


def bulletin_attach(*, actor: User, kind: Kind, row, upload, request=None):
    if not kind.may_edit(actor, row):
        raise PermissionDenied(kind.refusal)
    return attachments.attachment_add(actor=actor, model=kind.attachment_model, upload=upload, request=request,
                                      **{kind.attachment_model.owner_field: row})  # fmt: skip


def bulletin_detach(*, actor: User, kind: Kind, attachment, request=None) -> None:
    if not kind.may_edit(actor, getattr(attachment, kind.attachment_model.owner_field)):
        raise PermissionDenied(kind.refusal)
    attachments.attachment_delete(actor=actor, attachment=attachment, request=request)


def notice_mark_read(*, user: User, notice: Notice) -> None:
    """Opening a notice marks it read for this user (once; a second opening changes nothing)."""
    NoticeRead.objects.bulk_create([NoticeRead(user=user, notice=notice)], ignore_conflicts=True)
