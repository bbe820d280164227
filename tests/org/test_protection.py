"""Deletes refused while records still use a unit or a code value, with the count in the message."""

import pytest
from django.core.exceptions import ValidationError

from org.errors import DomainError
from org.models import Code, Unit
from org.selectors import subtree
from org.services import codes as code_services
from org.services import units as unit_services
from org.services.protection import _protecting_relations, describe, protected_references


def health_code(value: str) -> Code:
    return Code.objects.get(table__key="health", value=value)


def test_counts_references_per_model_without_loading_them(cast, protecting_record_model, django_assert_num_queries):
    weak = health_code("较差")
    for key in ("street_a", "street_a", "street_a2"):
        protecting_record_model.objects.create(unit=cast.units[key], health=weak)
    relations = len(_protecting_relations(Unit))
    assert relations >= 2  # users and the records above, at least
    with django_assert_num_queries(relations):  # one COUNT per protecting relation, no row loaded
        held = protected_references(subtree(cast.units["county_a"]))
    assert held == {"用户": 5, "困难职工档案": 3}
    assert describe(held) == "困难职工档案 3 个、用户 5 个"


def test_code_in_use_cannot_be_deleted(cast, protecting_record_model):
    weak = health_code("较差")
    protecting_record_model.objects.create(unit=cast.units["street_a"], health=weak)
    with pytest.raises(ValidationError, match="“较差”正在被 1 条记录使用,不能删除。"):
        code_services.code_delete(actor=cast.users["national_admin"], code=weak)
    assert Code.objects.filter(pk=weak.pk).exists()


def test_unit_holding_records_cannot_be_deleted(cast, protecting_record_model):
    empty_county = cast.units["county_a2"]
    protecting_record_model.objects.create(unit=empty_county, health=health_code("健康"))
    with pytest.raises(DomainError, match="仍有 困难职工档案 1 个"):
        unit_services.unit_delete(actor=cast.users["city_a_admin"], unit=empty_county)
    assert Unit.objects.filter(pk=empty_county.pk).exists()
