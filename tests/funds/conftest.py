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
