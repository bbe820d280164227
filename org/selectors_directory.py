"""Reads of the cross-region directory (chapter 20): every unit's contact details, open to
every signed-in user. Each page reads one level of the tree or one search, never the tree."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Left
from django.http import Http404

from org.models import Unit

SEARCH_LIMIT = 100


def _with_parent_name(units: QuerySet[Unit]) -> QuerySet[Unit]:
    parent_path = Left(OuterRef("path"), (OuterRef("depth") - 1) * Unit.steplen)
    return units.annotate(parent_name=Subquery(Unit.objects.filter(path=parent_path).values("name")[:1]))


def national_unit() -> Unit:
    unit = Unit.objects.filter(depth=1).order_by("path").first()
    if unit is None:
        raise Http404("尚未建立全国总工会。")
    return unit


def get_directory_unit(pk: str | int) -> Unit:
    """Any unit by id, or 404: the directory is open to everyone."""
    try:
        return Unit.objects.get(pk=int(pk))
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("单位不存在。") from None


def directory_search(name: str) -> tuple[list[Unit], bool]:
    """Units whose name contains `name`, higher levels first, each with its parent's name;
    at most SEARCH_LIMIT of them, and whether there were more."""
    matches = _with_parent_name(Unit.objects.filter(name__icontains=name)).order_by("depth", "path")
    units = list(matches[: SEARCH_LIMIT + 1])
    return units[:SEARCH_LIMIT], len(units) > SEARCH_LIMIT
