"""Demo rows of the special funds for `make run` (seed_demo calls `load` after the kit's demo,
which made the summary tables' headers from funds.module.demo_row): each street of 四川 keeps a
ledger of a few months — incomes, expenses, one mistake reversed and entered again — and each
summary table its owner still holds takes the eligible assistance lines of its category."""

import random
from datetime import date, timedelta
from decimal import Decimal

from funds import selectors, services
from funds.models import EXPENSE_TYPES, INCOME_TYPES, Direction, FundSummary
from org.models import Module, Unit, User
from org.selectors import codes_of
from records.kit.services import held_unreported

LINES_PER_TABLE = 10


def load(password: str) -> str:
    rng = random.Random(14)
    incomes, expenses = list(codes_of(INCOME_TYPES)[:3]), list(codes_of(EXPENSE_TYPES))
    province = Unit.objects.get(name="四川省总工会")
    for street in Unit.objects.filter(path__startswith=province.path, depth=5).order_by("path"):
        clerk = User.objects.filter(unit=street, modules__contains=[Module.FUNDS]).first()
        if clerk is not None:
            _ledger(clerk, incomes, expenses, rng)
    for summary in FundSummary.objects.filter(held_unreported()).select_related("unit").order_by("pk"):
        clerk = User.objects.filter(unit=summary.unit, modules__contains=[Module.FUNDS]).first()
        picked = [line.pk for line in selectors.eligible_lines(summary)[:LINES_PER_TABLE]]
        if clerk is not None and picked:
            services.summary_lines_add(actor=clerk, summary=summary, measure_ids=picked)
    return f"{services.LedgerEntry.objects.count()} 条收支明细"


def _ledger(clerk: User, incomes, expenses, rng) -> None:
    start = date.today() - timedelta(days=90)

    def enter(days: int, amount: int, fund_type, expense_type=None, remarks=""):
        return services.ledger_entry_create(
            actor=clerk, entered_on=min(date.today(), start + timedelta(days=days)),
            direction=Direction.EXPENSE if expense_type else Direction.INCOME, fund_type=fund_type,
            expense_type=expense_type, amount=Decimal(amount), budget=rng.random() < 0.5, remarks=remarks,
        )  # fmt: skip

    for fund_type in incomes:
        enter(rng.randrange(0, 10), rng.randrange(100, 300) * 1000, fund_type, remarks="年度拨款")
        for _ in range(4):
            enter(rng.randrange(10, 85), rng.randrange(5, 50) * 100, fund_type, rng.choice(expenses))
    wrong = enter(60, 500000, incomes[0], expenses[0], remarks="录入错误:应为 5 万元")
    services.ledger_entry_reverse(actor=clerk, entry=wrong)
    enter(61, 50000, incomes[0], expenses[0])
