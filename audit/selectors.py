"""Reads of the audit log for its viewer (the audit administrator's pages, org.views.audit_log,
which check the duty: this ground floor knows no users' duties).

A unit's auditor reads the rows written for a unit of its subtree; the national one every row. A row without a unit (a failed sign-in under a name nobody has, a
lockout, the purge) belongs to no subtree, so only the national one reads it.

Lists are newest first on (at, id) in keyset pages of PAGE_SIZE: a page reads its 51 rows
through an index, whatever the table holds, and nothing counts the whole scope.
"""

import datetime
import json
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.keyset import cursor_of, parse_cursor
from audit.models import AuditLog

PAGE_SIZE = 50


def audit_rows_of(unit) -> QuerySet[AuditLog]:
    """The rows an auditor of `unit` reads: those of its subtree's units (all, at the top)."""
    rows = AuditLog.objects.all()
    if unit.depth == 1:
        return rows
    return rows.filter(unit__path__startswith=unit.path)


def filter_audit_rows(
    rows: QuerySet[AuditLog],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    username: str = "",
    username_exact: bool = False,
    unit_name: str = "",
    event: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    success: bool | None = None,
) -> QuerySet[AuditLog]:
    """`rows` narrowed by the search form's conditions; dates are whole local days."""
    if date_from:
        rows = rows.filter(at__gte=_start_of(date_from))
    if date_to:
        rows = rows.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if username:
        rows = rows.filter(username__iexact=username) if username_exact else rows.filter(username__icontains=username)
    if unit_name:
        rows = rows.filter(unit_name__icontains=unit_name)
    if event:
        rows = rows.filter(event=event)
    if object_type:
        rows = rows.filter(object_type__in=object_types_named(object_type))
    if object_id:
        rows = rows.filter(object_id=object_id)
    if object_repr:
        rows = rows.filter(object_repr__icontains=object_repr)
    if success is not None:
        rows = rows.filter(success=success)
    return rows


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- object types: rows keep a model's name ("workerfile"), people read its verbose name -------


@cache
def object_type_labels() -> dict[str, str]:
    """Model name → verbose name of every installed model (the models do not change while the
    process runs)."""
    return {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}


def object_types_named(text: str) -> list[str]:
    """The object types a search for `text` means: the model name itself, and every model whose
    verbose name contains it (档案 finds 职工档案 and the other file models)."""
    wanted = text.strip()
    named = [name for name, label in object_type_labels().items() if wanted and wanted in label]
    return [wanted.lower(), *named]


def object_type_label(name: str) -> str:
    return object_type_labels().get(name, name)


def detail_text(row: AuditLog) -> str:
    """The detail as JSON text, Chinese as it is."""
    return json.dumps(row.detail, ensure_ascii=False, sort_keys=True) if row.detail else ""


# --- keyset pages -----------------------------------------------------------------------------


@dataclass
class Page:
    rows: list[AuditLog]
    newer: str | None  # the cursor of 上一页 (`before=`), None on the first page
    older: str | None  # the cursor of 下一页 (`after=`), None on the last page


def audit_page(rows: QuerySet[AuditLog], *, after: str | None = None, before: str | None = None) -> Page:
    """PAGE_SIZE rows, newest first: the first page, the one older than `after`, or the one
    newer than `before`. One query, PAGE_SIZE + 1 rows (the extra one says another page follows)."""
    newer_than = parse_cursor(before)
    if newer_than:
        return _newer_page(rows, *newer_than)
    older_than = parse_cursor(after)
    if older_than:
        at, pk = older_than
        # `at <= …` is implied by the OR; said once more, it is the index condition that lets a
        # deep page start at its place instead of scanning down to it.
        rows = rows.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    found = list(rows.order_by("-at", "-pk")[: PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE]
    return Page(
        rows=shown,
        newer=cursor_of(shown[0]) if older_than and shown else None,
        older=cursor_of(shown[-1]) if len(found) > PAGE_SIZE else None,
    )


def _newer_page(rows: QuerySet[AuditLog], at: datetime.datetime, pk: int) -> Page:
    rows = rows.filter(at__gte=at).filter(Q(at__gt=at) | Q(at=at, pk__gt=pk))
    found = list(rows.order_by("at", "pk")[: PAGE_SIZE + 1])
    shown = found[:PAGE_SIZE][::-1]
    return Page(
        rows=shown,
        newer=cursor_of(shown[0]) if len(found) > PAGE_SIZE else None,
        older=cursor_of(shown[-1]) if shown else None,
    )
