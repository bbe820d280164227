"""What still points at rows that are about to be deleted.

Every model that must keep a unit or a code value alive refers to it with on_delete=PROTECT;
this module counts those references per model, so a refused delete can say what holds it.
It counts instead of letting Django raise ProtectedError, which loads every referencing row
into memory — millions of persons for a province or for the code value 汉族.
"""

from django.db import models


def protected_references(queryset: models.QuerySet) -> dict[str, int]:
    """{verbose name of the referring model: rows referring to any row of `queryset`}."""
    counts: dict[str, int] = {}
    for relation in _protecting_relations(queryset.model):
        referring = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": queryset})
        count = referring.count()
        if count:
            name = str(relation.related_model._meta.verbose_name)
            counts[name] = counts.get(name, 0) + count
    return counts


def describe(counts: dict[str, int]) -> str:
    """'用户 3 个、困难职工档案 2 个'."""
    return "、".join(f"{name} {count} 个" for name, count in sorted(counts.items()))


def reverse_relations(model) -> list:
    """Every reverse foreign key or one-to-one to `model`, including hidden ones
    (related_name="+"), which `_meta.related_objects` leaves out but the deletion collector does not."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def _protecting_relations(model):
    """Reverse foreign keys with on_delete=PROTECT."""
    return [field for field in reverse_relations(model) if field.on_delete is models.PROTECT]
