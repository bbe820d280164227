"""Assistance as a clerk enters it: a record of a household file with its measure lines."""

from datetime import date
from decimal import Decimal

import pytest

from org.models import Code
from records.kit import services
from records.kit.declaration import get
from tests.records.conftest import make_file


def code(table: str, value: str | None = None) -> Code:
    codes = Code.objects.filter(table__key=table)
    return codes.get(value=value) if value else codes.first()


def assistance_data(file, **overrides) -> dict:
    data = {
        "file": file, "category": code("assistance_category"), "assisted_on": date(2026, 10, 8), "helped": "helped",
        "form": code("assistance_form"), "details": "入户慰问。", "exited": False,
    }  # fmt: skip
    return data | overrides


def line(amount="300", measure="医疗救助", source="中央财政") -> dict:
    return {"measure": code("assistance_measure", measure), "amount": Decimal(amount),
            "fund_source": code("fund_source", source)}  # fmt: skip


def make_assistance(actor, file=None, lines=None, **overrides):
    file = file or make_file(actor)
    return services.record_create(
        actor=actor, module=get("assistance"), data=assistance_data(file, **overrides),
        lines={1: line()} if lines is None else lines,
    )  # fmt: skip


@pytest.fixture
def assistance():
    return get("assistance")
