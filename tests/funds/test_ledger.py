"""收支明细 (manual 14.1.1, modules-spec §14.1.1): an append-only ledger per unit and income type,
its running balance and totals, and 冲账."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from funds import selectors, services
from funds.models import LedgerEntry
from org.errors import DomainError
from tests.funds.conftest import enter, income_type

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def balances(month):
    return [(line.income, line.expense, line.balance) for line in month.lines]


def test_the_manuals_sample_runs_the_balance_through_an_expense_of_the_income_type(cast):
    """L2045-2052: 100 → 300 → 250 → 150 in the 工会经费拨款 view, an expense charged to it."""
    clerk = cast.users["street_a"]
    enter(clerk, "100", on=date(2026, 10, 5))
    enter(clerk, "200", on=date(2026, 11, 1))
    enter(clerk, "50", on=date(2026, 11, 3), expense="送温暖活动支出")
    enter(clerk, "100", on=date(2026, 11, 4), expense="日常救济支出")
    enter(clerk, "999", on=date(2026, 11, 4), fund="财政拨款")  # another income type: another balance
    every = selectors.ledger_month(clerk.unit, clerk.unit, income_type(), None)
    assert [line.balance for line in every.lines] == [100, 300, 250, 150]
    assert (every.month_income, every.month_expense) == (0, 0)  # no month chosen: the sample's 0.00
    assert (every.total_income, every.total_expense, every.balance) == (300, 150, 150)

    november = selectors.ledger_month(clerk.unit, clerk.unit, income_type(), NOV)
    assert balances(november) == [(200, None, 300), (None, 50, 250), (None, 100, 150)]
    assert (november.month_income, november.month_expense) == (200, 150)
    assert (november.total_income, november.total_expense) == (300, 150)


def test_a_month_without_entries_still_has_its_cumulative_totals(cast):
    clerk = cast.users["street_a"]
    enter(clerk, "80", on=date(2026, 9, 5))
    enter(clerk, "30", on=date(2026, 9, 6), expense="日常救济支出")
    october = selectors.ledger_month(clerk.unit, clerk.unit, income_type(), date(2026, 10, 1))
    assert october.lines == []
    assert (october.month_income, october.total_income, october.total_expense, october.balance) == (0, 80, 30, 50)


def test_the_month_page_is_one_query(cast, django_assert_num_queries):
    clerk = cast.users["street_a"]
    for day in range(1, 6):
        enter(clerk, "10", on=date(2026, 11, day))
    fund_type = income_type()
    with django_assert_num_queries(1):
        assert len(selectors.ledger_month(clerk.unit, clerk.unit, fund_type, NOV).lines) == 5


def test_a_reversal_is_the_exact_opposite_and_the_balance_comes_back(cast):
    """冲账 (L2070-2073): 50万 typed for 5万 is cancelled by −50万, then 5万 is entered."""
    clerk = cast.users["street_a"]
    enter(clerk, "1000", on=date(2026, 11, 1))
    wrong = enter(clerk, "500000", on=date(2026, 11, 2), expense="医疗救助支出", budget=True)
    reversal = services.ledger_entry_reverse(actor=clerk, entry=wrong)
    assert (reversal.reverses, reversal.amount, reversal.direction) == (wrong, Decimal("-500000"), wrong.direction)
    assert (reversal.expense_type, reversal.fund_type, reversal.budget) == (wrong.expense_type, wrong.fund_type, True)
    assert "冲账" in reversal.remarks
    enter(clerk, "50000", on=date(2026, 11, 2), expense="医疗救助支出")
    month = selectors.ledger_month(clerk.unit, clerk.unit, income_type(), None)
    assert [line.balance for line in month.lines][-1] == Decimal("-49000")
    by_pk = {line.pk: line for line in month.lines}
    assert by_pk[wrong.pk].reversed and not by_pk[reversal.pk].reversed
    assert month.total_expense == Decimal("50000")


def test_an_entry_is_reversed_once_and_a_reversal_never(cast):
    clerk = cast.users["street_a"]
    entry = enter(clerk, "100")
    reversal = services.ledger_entry_reverse(actor=clerk, entry=entry)
    with pytest.raises(DomainError, match="已冲账"):
        services.ledger_entry_reverse(actor=clerk, entry=entry)
    with pytest.raises(DomainError, match="冲账记录不能再冲账"):
        services.ledger_entry_reverse(actor=clerk, entry=reversal)
    assert LedgerEntry.objects.count() == 2


def test_only_the_own_unit_writes_its_ledger(cast):
    entry = enter(cast.users["street_a"], "100")
    county = cast.users["county_a"]
    assert not services.can_enter(county, cast.units["street_a"])
    with pytest.raises(DomainError, match="本单位"):
        services.ledger_entry_reverse(actor=county, entry=entry)


def test_a_superior_sees_a_subordinates_entries_at_once_and_a_sibling_does_not(cast):
    entry = enter(cast.users["street_a"], "100")
    assert selectors.ledger_of(cast.units["county_a"]).filter(pk=entry.pk).exists()
    assert selectors.ledger_of(cast.units["national"]).filter(pk=entry.pk).exists()
    assert not selectors.ledger_of(cast.units["street_a2"]).filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"on": date(2099, 1, 1)}, "entered_on"),
    ],
)
def test_bad_values_are_refused_next_to_their_field(cast, values, field):
    amount = values.pop("amount", "10")
    with pytest.raises(DomainError) as refused:
        enter(cast.users["street_a"], amount, **values)
    assert refused.value.field == field
    assert not LedgerEntry.objects.exists()


def test_an_expense_needs_its_type(cast):
    from funds.models import Direction

    with pytest.raises(DomainError) as refused:
        services.ledger_entry_create(actor=cast.users["street_a"], entered_on=NOV, direction=Direction.EXPENSE,
                                     fund_type=income_type(), expense_type=None, amount=Decimal(5), budget=False,
                                     remarks="")  # fmt: skip
    assert refused.value.field == "expense_type"


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET amount = 1 WHERE id = %s", "DELETE FROM {table} WHERE id = %s"]
)
def test_the_database_refuses_to_change_or_delete_an_entry(cast, statement):
    """No edit, no delete (L2070): raw SQL through the application's own connection fails."""
    entry = enter(cast.users["street_a"], "100")
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=LedgerEntry._meta.db_table), [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 100
