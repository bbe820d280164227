"""附件: the one attachment mechanism of every app (policy documents, briefs and notices in
bulletins; household files in records, manual 2.2.1.1). Each owner has its own concrete model
on `Attachment` with a foreign key to its row; this module stores the uploads, checks them,
writes them and serves them.

Files live under settings.ATTACHMENT_DIR, outside the static files and with no URL of their
own, under a random name (never the user's file name). They are served only through a view
that first looks the owner up for the user (404 outside scope, 403 without permission), always
as a download, and every download is written to the audit log.
"""

import os
import uuid
from collections.abc import Callable
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from org.events import OrgEvent

# What a union office attaches: documents, spreadsheets, scans and photos, archives.
ALLOWED_EXTENSIONS = {
    "pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "ppt", "pptx", "txt", "rtf",
    "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "zip", "rar", "7z",
}  # fmt: skip


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage under ATTACHMENT_DIR, read at each use (so a deployment or a test can
    move it), and with no public URL."""

    @property
    def base_location(self):
        return str(settings.ATTACHMENT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("attachments have no public URL: serve them with org.attachments.serve")


def stored_name(instance, filename: str) -> str:
    """<app>/<year>/<month>/<random>.<ext>: the user's file name never reaches the disk."""
    extension = PurePath(filename).suffix.lower()
    today = timezone.localdate()
    return f"{instance._meta.app_label}/{today:%Y/%m}/{uuid.uuid4().hex}{extension}"


def validate_upload(upload) -> None:
    """Refuse what the limits do not allow, in words a user can read."""
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        allowed = "、".join(sorted(ALLOWED_EXTENSIONS))
        raise ValidationError(f"不支持“.{extension or '(无扩展名)'}”类型的文件,只能上传:{allowed}。")
    if upload.size == 0:
        raise ValidationError("文件是空的,请重新选择。")
    if upload.size > settings.ATTACHMENT_MAX_MB * 1024 * 1024:
        raise ValidationError(f"文件超过 {settings.ATTACHMENT_MAX_MB} MB,请压缩或拆分后再上传。")


class Attachment(models.Model):
    """One uploaded file. A concrete model adds the foreign key to its owner, named in
    `owner_field` (and a type, for household files)."""

    owner_field = ""

    content = models.FileField(_("附件"), upload_to=stored_name, storage=PrivateStorage(), max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.name

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1024 / 1024:.1f} MB"


class AttachmentForm(forms.Form):
    content = forms.FileField(label=_("选择文件"), validators=[validate_upload])


@transaction.atomic
def attachment_add(*, actor, model: type[Attachment], upload, request=None, **owner_and_fields) -> Attachment:
    """Store `upload` as a `model` row of the owner given in `owner_and_fields` (the caller has
    checked that `actor` may change the owner)."""
    validate_upload(upload)
    attachment = model(content=upload, name=PurePath(upload.name).name[:200], size=upload.size,
                       uploaded_by=actor, **owner_and_fields)  # fmt: skip
    attachment.save()  # writes the file: the storage takes no part in the transaction
    try:
        audit_record(event=OrgEvent.ATTACHMENT_ADDED, actor=actor, request=request, obj=attachment,
                     detail={"owner": _owner_label(attachment), "size": attachment.size})  # fmt: skip
    except Exception:
        attachment.content.storage.delete(attachment.content.name)  # no row, so no file of personal data
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment, request=None) -> None:
    """Delete the row, and its file once the transaction has committed (a rollback keeps both)."""
    audit_record(event=OrgEvent.ATTACHMENT_DELETED, actor=actor, request=request, obj=attachment,
                 detail={"owner": _owner_label(attachment)})  # fmt: skip
    stored, storage = attachment.content.name, attachment.content.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def forget_files(attachments: models.QuerySet) -> None:
    """The stored files of rows a cascade is about to delete (their owner goes): removed once
    the transaction has committed."""
    names = list(attachments.values_list("content", flat=True))
    storage = attachments.model._meta.get_field("content").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def serve(request, attachment: Attachment, may_see: Callable[[object], object]) -> FileResponse:
    """The download of one attachment. `may_see(user)` is the owner's own lookup for the user:
    it raises Http404 outside scope and PermissionDenied without permission. Every download is
    audited; the file always comes as a download (never shown inline by the browser)."""
    may_see(request.user)
    audit_record(event=OrgEvent.ATTACHMENT_DOWNLOADED, actor=request.user, request=request, obj=attachment,
                 detail={"owner": _owner_label(attachment)})  # fmt: skip
    try:
        content = attachment.content.open("rb")
    except FileNotFoundError:  # its row stands but the storage lost the file: say so, not a 500
        raise Http404("附件文件已不存在,请联系系统管理员。") from None
    return FileResponse(content, as_attachment=True, filename=attachment.name)


def _owner_label(attachment: Attachment) -> str:
    return f"{attachment.owner_field} {getattr(attachment, attachment.owner_field + '_id')}"
