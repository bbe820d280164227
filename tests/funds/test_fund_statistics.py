"""资金情况统计 (manual 14.1.2): by area under the chosen unit + 合计; a column per expense type,
then 收入合计, 支出合计, 余额 (the holdings columns dropped: funds.statistics says why)."""

from datetime import date

import pytest
from django.urls import reverse

from funds import services
from funds.statistics import FundStatisticsForm, fund_table
from tests.funds.conftest import enter

pytestmark = pytest.mark.django_db


def table_of(cast, viewer="county_a", **conditions):
    form = FundStatisticsForm(conditions)
    assert form.is_valid(), form.errors
    unit = cast.units[viewer]
    return fund_table(form.cleaned_data, viewer=unit, unit=unit)


def by_label(table):
    return {row.label: dict(zip(table.measures, row.total, strict=True)) for row in table.all_rows}


def test_areas_sum_their_subtree_and_reversals_count_negative(cast):
    street, street2 = cast.users["street_a"], cast.users["street_a2"]
    enter(street, "1000", on=date(2026, 10, 1))
    enter(street, "100", on=date(2026, 11, 2), expense="送温暖活动支出")
    wrong = enter(street, "500", on=date(2026, 11, 2), expense="日常救济支出")
    services.ledger_entry_reverse(actor=street, entry=wrong)
    enter(street2, "300", on=date(2026, 11, 5), fund="财政拨款")
    enter(street2, "50", on=date(2026, 11, 6), expense="日常救济支出", fund="财政拨款")
    rows = by_label(table_of(cast))
    street_row = rows["浆洗街街道工会"]
    assert (street_row["送温暖活动支出"], street_row["日常救济支出"]) == (100, 0)
    assert (street_row["收入合计"], street_row["支出合计"], street_row["余额"]) == (1000, 100, 900)
    assert rows["合计"]["收入合计"] == 1300 and rows["合计"]["日常救济支出"] == 50 and rows["合计"]["余额"] == 1150
    assert rows["武侯区总工会(本级)"]["收入合计"] == 0

    # The reversal is dated the day it is made (after November): November still has the 500.
    november = by_label(table_of(cast, from_month="2026-11", to_month="2026-11"))["合计"]
    assert (november["收入合计"], november["支出合计"], november["余额"]) == (300, 650, 650)
    only_fiscal = by_label(table_of(cast, fund_type=str(wrong.fund_type_id)))["合计"]
    assert only_fiscal["收入合计"] == 1000


def test_a_sibling_branch_is_not_counted(cast):
    enter(cast.users["street_a"], "100")
    assert by_label(table_of(cast, viewer="street_a2"))["合计"]["收入合计"] == 0


def test_the_page_its_excel_and_a_bad_period(cast):
    enter(cast.users["street_a"], "100")
    client = cast.client("county_a")
    page = client.get(reverse("ledger:statistics")).content.decode()
    assert "资金情况统计" in page and "送温暖活动支出" in page and "余额" in page
    excel = client.get(reverse("ledger:statistics"), {"format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get(reverse("ledger:statistics"), {"from_month": "2026-11", "to_month": "2026-10"})
    assert "结束月份不能早于开始月份" in bad.content.decode() and bad.context["table"] is None
