"""Reads of units and users, always scoped by the acting user's unit (DESIGN.md §5.3)."""

from django.db.models import QuerySet
from django.http import Http404

from org.models import Code, HelpCentreProfile, Unit, User


def subtree(unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it: one prefix scan on the path index."""
    return Unit.objects.filter(path__startswith=unit.path)


def children_of(unit: Unit) -> QuerySet[Unit]:
    """Direct subordinate units in display order (creation order where none was set)."""
    return Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("display_order", "path")


def ancestors_of(unit: Unit) -> QuerySet[Unit]:
    """From the national unit down to the unit's parent."""
    prefixes = [unit.path[:i] for i in range(Unit.steplen, len(unit.path), Unit.steplen)]
    return Unit.objects.filter(path__in=prefixes).order_by("depth")


def get_unit_in_subtree(actor: User, pk: int) -> Unit:
    """A unit of the actor's subtree, or 404 — the same answer as for a unit that does not exist."""
    try:
        return subtree(actor.unit).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("单位不存在或不在本单位管辖范围内。") from None


def users_of_subtree(unit: Unit) -> QuerySet[User]:
    return User.objects.filter(unit__path__startswith=unit.path).select_related("unit")


def users_of_unit(unit: Unit) -> QuerySet[User]:
    """A unit's own users in display order (creation order where none was set)."""
    return User.objects.filter(unit=unit).order_by("display_order", "id")


def get_user_in_subtree(actor: User, pk: int) -> User:
    try:
        return users_of_subtree(actor.unit).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("用户不存在或不在本单位管辖范围内。") from None


def codes_of(key: str) -> QuerySet[Code]:
    """The values of one code table in display order, for building choice fields."""
    return Code.objects.filter(table__key=key).order_by("display_order", "id")


def help_centre_profile_of(unit: Unit) -> HelpCentreProfile | None:
    return HelpCentreProfile.objects.filter(unit=unit).first()
