"""The three kinds of bulletins as data: one set of pages (bulletins.views) serves them all.
A kind says its model and attachment model, who reads (its selector) and who publishes and
edits (bulletins.rules), and which fields its form, its search, its list and its sheet have."""

from collections.abc import Callable
from dataclasses import dataclass

from bulletins import rules, selectors
from bulletins.models import Brief, BriefAttachment, DocumentAttachment, Notice, NoticeAttachment, PolicyDocument


@dataclass(frozen=True)
class Kind:
    key: str  # URL names: bulletins:<key>_list …
    url_prefix: str
    label: str
    model: type
    attachment_model: type
    readable: Callable  # user → the rows the user sees (403 without permission)
    may_publish: Callable  # user → bool
    may_edit: Callable  # (user, row) → bool
    form_fields: tuple[str, ...]
    search_fields: tuple[str, ...]
    sheet_fields: tuple[str, ...]  # shown above the body on the page, the print view and in Word
    list_columns: tuple[str, ...]
    refusal: str

    def field_label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)


DOCUMENT = Kind(
    key="document",
    url_prefix="documents",
    label="政策文件",
    model=PolicyDocument,
    attachment_model=DocumentAttachment,
    readable=selectors.documents_for,
    may_publish=rules.may_publish_document,
    may_edit=rules.can_edit_document,
    form_fields=(
        "category",
        "title",
        "number",
        "issuer",
        "published_on",
        "effective_on",
        "keywords",
        "is_valid",
        "body",
    ),  # fmt: skip
    search_fields=("category", "title", "number", "keywords", "date_from", "date_to", "publisher", "words", "is_valid"),
    sheet_fields=("category", "number", "issuer", "published_on", "effective_on", "keywords", "is_valid", "unit"),
    list_columns=("published_on", "category", "number", "unit"),
    refusal="只有发布单位中有权发布该类别文件的用户才能修改或删除。",
)

BRIEF = Kind(
    key="brief",
    url_prefix="briefs",
    label="工作简报",
    model=Brief,
    attachment_model=BriefAttachment,
    readable=selectors.briefs_for,
    may_publish=rules.may_publish_announcement,
    may_edit=rules.can_edit_announcement,
    form_fields=("title", "issue", "published_on", "keywords", "body"),
    search_fields=("title", "keywords", "publisher", "date_from", "date_to"),
    sheet_fields=("issue", "published_on", "keywords", "unit"),
    list_columns=("published_on", "issue", "unit"),
    refusal="只有全国总工会或省总工会具有“政策文件”权限的用户管理员才能管理本单位的工作简报。",
)

NOTICE = Kind(
    key="notice",
    url_prefix="notices",
    label="通知",
    model=Notice,
    attachment_model=NoticeAttachment,
    readable=selectors.notices_for,
    may_publish=rules.may_publish_announcement,
    may_edit=rules.can_edit_announcement,
    form_fields=("title", "published_on", "shown", "valid_until", "body"),
    search_fields=("title", "publisher", "date_from", "date_to"),
    sheet_fields=("published_on", "shown", "valid_until", "unit"),
    list_columns=("published_on", "unit", "shown", "valid_until"),
    refusal="只有全国总工会或省总工会具有“政策文件”权限的用户管理员才能管理本单位的通知。",
)

KINDS = (DOCUMENT, BRIEF, NOTICE)
