"""The reads of the special funds. The ledger is seen upward at once (DESIGN.md §3): a unit
reads its subtree's entries through the engine's prefix-only selector (approvals.selectors.
from_subtree), with no holder."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import Greatest, RowNumber

from approvals.selectors import from_subtree
from funds.models import Direction, LedgerEntry
from org.models import Code, Unit

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


def ledger_of(viewer: Unit):
    """The entries `viewer` sees: its own and its subordinates' (read-only there)."""
    return from_subtree(LedgerEntry.objects.all(), viewer)


@dataclass(frozen=True)
class LedgerLine:
    """One row of the month page: what the list shows, and what the 冲账 button asks."""

    pk: int
    unit_id: int
    entered_on: date
    direction: str
    kind: str  # 类型: the income type of an income, the expense type of an expense
    income: Decimal | None
    expense: Decimal | None
    balance: Decimal
    budget: bool
    remarks: str
    reverses_id: int | None
    reversed: bool

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label


@dataclass(frozen=True)
class LedgerMonth:
    """The page of a unit's income type for a month (or all months): its lines with the running
    balance, 本月合计 and 累计 (from the first entry to the month's end)."""

    lines: list[LedgerLine]
    month_income: Decimal
    month_expense: Decimal
    total_income: Decimal
    total_expense: Decimal

    @property
    def balance(self) -> Decimal:
        return self.total_income - self.total_expense


def month_bounds(month: date | None) -> tuple[date | None, date | None]:
    """The first day of `month` and the first day after it; (None, None): every month."""
    if month is None:
        return None, None
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), date.fromordinal(month.replace(day=last).toordinal() + 1)


def _amount_if(condition: Q) -> Case:
    return Case(When(condition, then=F("amount")), default=Value(ZERO), output_field=MONEY)


def ledger_month(viewer: Unit, unit: Unit, fund_type: Code, month: date | None) -> LedgerMonth:
    """ONE query with window functions over the unit's entries of the income type up to the
    month's end, in date then id order: each entry's running balance (previous 余额 + 收入 −
    支出), the totals of the month and from the first entry. The entries before the month are
    kept only to run the balance through: the outer filter (Django wraps the windowed query)
    keeps the month's entries, and the latest earlier one when the month has none, so the
    totals arrive even for an empty month; that one row is dropped here."""
    start, end = month_bounds(month)
    rows = ledger_of(viewer).filter(unit=unit, fund_type=fund_type)
    if end is not None:
        rows = rows.filter(entered_on__lt=end)
    income, expense = Q(direction=Direction.INCOME), Q(direction=Direction.EXPENSE)
    rows = rows.annotate(
        income=_amount_if(income),
        expense=_amount_if(expense),
        balance=Window(Sum(_amount_if(income) - _amount_if(expense)), order_by=[F("entered_on"), F("id")]),
        total_income=Window(Sum(_amount_if(income))),
        total_expense=Window(Sum(_amount_if(expense))),
        reversed=Exists(LedgerEntry.objects.filter(reverses=OuterRef("pk"))),
        kind=Case(When(expense, then=F("expense_type__value")), default=F("fund_type__value")),
    )
    if start is None:  # every month: no 本月合计 (the manual's sample shows 0.00)
        rows = rows.annotate(month_income=Value(ZERO, MONEY), month_expense=Value(ZERO, MONEY))
    else:
        in_month = Q(entered_on__gte=start)
        rows = rows.annotate(
            month_income=Window(Sum(_amount_if(income & in_month))),
            month_expense=Window(Sum(_amount_if(expense & in_month))),
            month_count=Window(Count("id", filter=in_month)),
            newest=Window(RowNumber(), order_by=[F("entered_on").desc(), F("id").desc()]),
        ).filter(newest__lte=Greatest(F("month_count"), 1))
    values = list(rows.order_by("entered_on", "id").values(
        "pk", "unit_id", "entered_on", "direction", "kind", "income", "expense", "balance", "budget", "remarks",
        "reverses_id", "reversed", "total_income", "total_expense", "month_income", "month_expense",
    ))  # fmt: skip
    first = values[0] if values else {}
    lines = [
        LedgerLine(
            pk=v["pk"],
            unit_id=v["unit_id"],
            entered_on=v["entered_on"],
            direction=v["direction"],
            kind=v["kind"],
            income=v["income"] if v["direction"] == Direction.INCOME else None,
            expense=v["expense"] if v["direction"] == Direction.EXPENSE else None,
            balance=v["balance"],
            budget=v["budget"],
            remarks=v["remarks"],
            reverses_id=v["reverses_id"],
            reversed=v["reversed"],
        )  # fmt: skip
        for v in values
        if start is None or v["entered_on"] >= start
    ]
    return LedgerMonth(
        lines=lines,
        month_income=first.get("month_income") or ZERO,
        month_expense=first.get("month_expense") or ZERO,
        total_income=first.get("total_income") or ZERO,
        total_expense=first.get("total_expense") or ZERO,
    )
