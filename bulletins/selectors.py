"""Reads of policy documents, briefs and notices: who sees which (manual 15–17).

- Policy documents: every holder of 政策文件 sees every document; others get 403.
- Briefs: every user sees the briefs of the national unit and of every province.
- Notices: every user sees the national unit's; a province's are seen in its subtree only.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from bulletins.models import BIGRAM_FIELDS, Brief, Notice, NoticeRead, PolicyDocument, bigrams
from org.models import Module, Unit, User

HOME_NOTICES = 10
HOME_BRIEFS = 8
PUBLISHER_UNITS = 500


def documents_for(user: User) -> QuerySet[PolicyDocument]:
    if not user.has_module(Module.BULLETINS):
        raise PermissionDenied(f"需要“{Module.BULLETINS.label}”权限。")
    # The bigram columns serve the search's WHERE only: a row never needs them (kilobytes a body).
    return PolicyDocument.objects.select_related("unit").defer(*BIGRAM_FIELDS)


def briefs_for(user: User) -> QuerySet[Brief]:
    return Brief.objects.filter(unit__depth__lte=2).select_related("unit")


def notice_units(unit: Unit) -> list[str]:
    """The paths of the units whose notices `unit`'s users see: the national unit's and the
    province's above it (its first one and two path steps)."""
    return sorted({unit.path[: Unit.steplen], unit.path[: 2 * Unit.steplen]})


def notices_for(user: User) -> QuerySet[Notice]:
    return Notice.objects.filter(unit__path__in=notice_units(user.unit)).select_related("unit")


def containing(model, column: str, text: str) -> Q:
    """`column` contains `text`: through the column's bigram index when it has one (all the
    text's bigrams, then the exact LIKE on those few rows, so the rows are the substring
    search's). One character has no bigram: LIKE alone, which reads every row the other
    conditions leave (a single character is common and is found in the window)."""
    exact = Q(**{f"{column}__contains": text})
    pieces = bigrams(text)
    if not pieces or not any(f.name == f"{column}_bigrams" for f in model._meta.get_fields()):
        return exact
    return Q(**{f"{column}_bigrams__contains": pieces}) & exact


def published_by(model, text: str, issuer: bool) -> Q:
    """发布单位 (or 发文机关 when `issuer`) contains `text`. The units of that name are looked up
    first, as ids on the rows' unit_id index: OR'ed across the join to org_unit the planner read
    every document and hashed every unit (290 ms, bench/results/bulletins.md). A word in very
    many unit names (a common one) stays a subquery: the date index finds its rows soon."""
    units = Unit.objects.filter(name__contains=text).values_list("pk", flat=True)
    ids = list(units[: PUBLISHER_UNITS + 1])
    by_unit = Q(unit_id__in=ids) if len(ids) <= PUBLISHER_UNITS else Q(unit_id__in=units)
    return by_unit | containing(model, "issuer", text) if issuer else by_unit


def get_for_user(queryset: QuerySet, pk):
    """One row of a reader's queryset (404 outside what the user sees, as if missing)."""
    return get_object_or_404(queryset, pk=pk)


def with_read_mark(notices: QuerySet[Notice], user: User) -> QuerySet[Notice]:
    return notices.annotate(read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), user=user)))


def home_notices(user: User, today: date, ancestors: list[Unit]) -> list[Notice]:
    """是否显示 = 是 and not past 有效期至, newest first, each marked read or not. The publishing
    units (the national unit's, the province's) are among the page's `ancestors` and the user's
    unit, so they are not looked up again nor joined. One query: a UNION ALL of each unit's first
    rows on the index of (unit, date) — in one plain query the planner fetched and sorted every
    notice of both units."""
    units = {unit.pk: unit for unit in [*ancestors, user.unit] if unit.path in notice_units(user.unit)}
    newest = [
        with_read_mark(Notice.objects.filter(unit_id=pk, shown=True).exclude(valid_until__lt=today), user)
        .only("title", "published_on", "unit_id")
        .order_by("-published_on", "-id")[:HOME_NOTICES]
        for pk in units
    ]
    if len(newest) > 1:
        newest = [newest[0].union(*newest[1:], all=True).order_by("-published_on", "-id")[:HOME_NOTICES]]
    notices = list(newest[0]) if newest else []
    for notice in notices:
        notice.unit = units[notice.unit_id]
    return notices


def home_briefs(user: User) -> list[Brief]:
    return list(briefs_for(user).only("title", "issue", "published_on", "unit__name")[:HOME_BRIEFS])
