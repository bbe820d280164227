"""The reads of the special funds. The ledger is seen upward at once (DESIGN.md §3): a unit
reads its subtree's entries through the engine's prefix-only selector (approvals.selectors.
from_subtree), with no holder. The summary tables are reportable: the kit reads them through
visible_to, and the lines a table may take are the assistance its unit sees."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Sum, Value, When, Window
from django.db.models.functions import Greatest, RowNumber

from approvals.selectors import from_subtree, visible_to
from funds.models import CATEGORY_MEASURES, CENTRAL_SOURCE, Category, Direction, FundSummary, LedgerEntry, Scope
from org.models import Code, Unit
from org.selectors import codes_of
from records.assistance.models import Assistance, AssistanceMeasure, Helped

ZERO = Decimal("0.00")
MEASURE_TABLE, FUND_SOURCES = "assistance_measure", "fund_source"
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


# --- 实名制汇总表 ---------------------------------------------------------------------------------

PICK_PAGE = 50  # lines a page of the picker offers


def _measure_codes(category: str) -> list[int]:
    """The assistance_measure codes whose lines enter a table of `category` (one query)."""
    codes = dict(codes_of(MEASURE_TABLE).values_list("value", "pk"))
    if category == Category.OTHER:
        named = set(CATEGORY_MEASURES.values())
        return [pk for value, pk in codes.items() if value not in named]
    pk = codes.get(CATEGORY_MEASURES[Category(category)])
    return [pk] if pk else []


def eligible_lines(summary: FundSummary):
    """The measure lines the table may take (modules-spec §14.2): 已帮扶 in its 年份, a measure of
    its category, a fund source of its scope (central ← 中央财政, local ← the others), visible to
    its unit (the engine's selector), and in no table yet. Newest first, as the index reads them."""
    year_start, next_year = date(summary.year, 1, 1), date(summary.year + 1, 1, 1)
    assistance = Assistance.objects.filter(helped=Helped.HELPED, assisted_on__gte=year_start, assisted_on__lt=next_year)
    # The codes as constants (one small query): the planner then knows the lines' measure and
    # fund source, not a subquery's, and can read the partial index in id order.
    central = list(codes_of(FUND_SOURCES).filter(value=CENTRAL_SOURCE).values_list("pk", flat=True))
    lines = AssistanceMeasure.objects.filter(
        summarized_in="", measure_id__in=_measure_codes(summary.category),
        assistance__in=visible_to(assistance, summary.unit),
    )  # fmt: skip
    if summary.scope == Scope.CENTRAL:
        lines = lines.filter(fund_source_id__in=central)
    else:
        lines = lines.exclude(fund_source_id__in=central)
    return lines.order_by("-id")


def pick_page(summary: FundSummary, after: int | None):
    """One keyset page of eligible lines (ids below `after`), with what the picker shows; a
    further line read tells whether a next page exists."""
    lines = eligible_lines(summary)
    if after:
        lines = lines.filter(id__lt=after)
    rows = list(lines.select_related("assistance__file", "measure", "fund_source")[: PICK_PAGE + 1])
    return rows[:PICK_PAGE], (rows[PICK_PAGE - 1].pk if len(rows) > PICK_PAGE else None)


@dataclass(frozen=True)
class SummaryRow:
    """A real-name row as the table prints it (L2105-2121): the person from the line's file, the
    age in the table's 年份, the line's amount; 签字 is left blank for the paper."""

    pk: int
    name: str
    gender: str
    age: int | None
    id_number: str
    address: str
    amount: Decimal
    phone: str
    assistance_id: int


def summary_rows(summary: FundSummary) -> list[SummaryRow]:
    """The table's rows in the order they were added (one query)."""
    lines = summary.lines.select_related("measure__assistance__file__head").order_by("pk")
    rows = []
    for line in lines:
        file = line.measure.assistance.file
        head = file.head
        rows.append(SummaryRow(
            pk=line.pk, name=head.name, gender=head.get_gender_display(),
            age=summary.year - head.birth_date.year if head.birth_date else None, id_number=head.id_number,
            address=file.employer or file.address, amount=line.measure.amount, phone=file.phone,
            assistance_id=line.measure.assistance_id,
        ))  # fmt: skip
    return rows
