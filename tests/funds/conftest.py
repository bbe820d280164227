"""Ledger entries and summary tables for the special funds' tests."""

from datetime import date
from decimal import Decimal

from funds import services
from funds.models import EXPENSE_TYPES, INCOME_TYPES, Direction
from org.models import Code


def code(table: str, value: str) -> Code:
    return Code.objects.get(table__key=table, value=value)


def income_type(value: str = "工会经费拨款") -> Code:
    return code(INCOME_TYPES, value)


def expense_type(value: str = "送温暖活动支出") -> Code:
    return code(EXPENSE_TYPES, value)


def enter(actor, amount, *, on=date(2026, 11, 2), expense: str = "", fund: str = "工会经费拨款", **extra):
    """An income (or, with `expense`, an expense of that type) in the actor's unit's ledger."""
    return services.ledger_entry_create(
        actor=actor,
        entered_on=on,
        direction=Direction.EXPENSE if expense else Direction.INCOME,
        fund_type=income_type(fund),
        expense_type=expense_type(expense) if expense else None,
        amount=Decimal(amount),
        budget=extra.pop("budget", False),
        remarks=extra.pop("remarks", ""),
    )


def make_assistance(actor, *, measure="医疗救助", source="中央财政", amount="300", on=date(2026, 3, 2), file=None):
    """An assistance of the actor's unit (已帮扶) with one measure line; returns the line."""
    from records.assistance.models import Helped
    from records.kit import services as kit_services
    from records.kit.declaration import get
    from tests.records.conftest import make_file

    data = {"file": file or make_file(actor), "category": code("assistance_category", "本人大病"), "assisted_on": on,
            "helped": Helped.HELPED, "form": Code.objects.filter(table__key="assistance_form").first()}  # fmt: skip
    lines = {1: {"measure": code("assistance_measure", measure), "amount": Decimal(amount),
                 "fund_source": code("fund_source", source)}}  # fmt: skip
    row = kit_services.record_create(actor=actor, module=get("assistance"), data=data, lines=lines)
    return row.measures.get()


def make_summary(actor, *, scope="central", category="medical", year=2026):
    from records.kit import services as kit_services
    from records.kit.declaration import get

    data = {"scope": scope, "category": category, "year": year, "reporter": "李会计", "phone": "028-12345678",
            "filled_on": date(2026, 11, 2)}  # fmt: skip
    return kit_services.record_create(actor=actor, module=get("funds"), data=data)
