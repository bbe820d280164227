"""Rows of bulletins for tests: made straight in the database (the services' own tests go
through the services)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from bulletins.kinds import BRIEF, DOCUMENT, NOTICE
from bulletins.models import Category
from bulletins.richtext import plain_text

KINDS = {"document": DOCUMENT, "brief": BRIEF, "notice": NOTICE}


def make_bulletin(kind_key: str, author, *, title: str = "", body: str = "<p>关于做好帮扶工作的通知</p>", **fields):
    kind = KINDS[kind_key]
    if kind is DOCUMENT:
        fields.setdefault("category", Category.NATIONAL_LAW if author.unit.depth == 1 else Category.LOCAL_LAW)
    row = kind.model(title=title or f"{author.unit.name}的{kind.label}", body=body, body_text=plain_text(body),
                     published_on=fields.pop("published_on", date(2026, 11, 1)), unit=author.unit, author=author,
                     **fields)  # fmt: skip
    row.save()
    return row


def upload(name: str = "通知原文.pdf", content: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def make_attachment(kind_key: str, row, author):
    kind = KINDS[kind_key]
    return kind.attachment_model.objects.create(content=upload(), name="通知原文.pdf", size=13, uploaded_by=author,
                                                **{kind.attachment_model.owner_field: row})  # fmt: skip
