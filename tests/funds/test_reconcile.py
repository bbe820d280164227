"""对账 (issue 21 §4): per 帮扶项目, the ledger's expenses, the summary tables' totals and the
assistance amounts of a unit and year, with the differences and their rows."""

from datetime import date

import pytest
from django.urls import reverse

from funds import services
from funds.models import Category
from funds.reconcile import reconciliation
from tests.funds.conftest import enter, make_assistance, make_summary

pytestmark = pytest.mark.django_db


def test_differences_per_category_and_the_lines_behind_them(cast):
    clerk = cast.users["street_a"]
    enter(clerk, "1000", on=date(2026, 1, 5))
    enter(clerk, "500", on=date(2026, 3, 5), expense="医疗救助支出")
    enter(clerk, "80", on=date(2026, 3, 6), expense="日常救济支出")
    summary = make_summary(clerk)
    summarized = make_assistance(clerk, amount="300")
    open_line = make_assistance(clerk, amount="200")
    services.summary_lines_add(actor=clerk, summary=summary, measure_ids=[summarized.pk])
    sides = {side.category: side for side in reconciliation(clerk.unit, clerk.unit, 2026)}
    medical = sides[Category.MEDICAL]
    assert (medical.ledger, medical.tables, medical.assistance) == (500, 300, 500)
    assert (medical.ledger_vs_tables, medical.tables_vs_assistance) == (200, -200)
    assert [line.pk for line in medical.open_lines] == [open_line.pk]
    assert sides[Category.LIVING].ledger == 80 and sides[Category.LEGAL].balanced

    page = cast.client("street_a").get(reverse("funds:reconcile"), {"year": 2026}).content.decode()
    assert reverse("assistance:detail", args=[open_line.assistance_id]) in page
    assert reverse("funds:detail", args=[summary.pk]) in page
    assert "年份应为整数" in cast.client("street_a").get(reverse("funds:reconcile"), {"year": "x"}).content.decode()
