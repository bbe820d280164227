"""The ledger's pages (manual 14.1.1): 查看 a unit's month, add an income or expense of the own
unit only, 冲账 by one button, print and Excel; nothing else changes an entry."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.models import LedgerEntry
from tests.funds.conftest import enter, expense_type, income_type

pytestmark = pytest.mark.django_db
PAGE = reverse("ledger:entries")


def month_query(fund_type, unit=None, month="2026-11") -> dict:
    return {"fund_type": fund_type.pk, "month": month} | ({"unit": unit.pk} if unit else {})


def test_the_buttons_open_only_after_viewing_and_only_for_the_own_unit(cast):
    enter(cast.users["street_a"], "100")
    own = cast.client("street_a").get(PAGE).content.decode()
    assert "增加新的收入信息</button>" in own  # disabled before 查看
    viewed = cast.client("street_a").get(PAGE, month_query(income_type())).content.decode()
    assert reverse("ledger:new", args=["income"]) in viewed and "冲账</button>" in viewed
    above = cast.client("county_a").get(PAGE, month_query(income_type(), cast.units["street_a"])).content.decode()
    assert "100.00" in above and "只能查看" in above
    assert reverse("ledger:new", args=["income"]) not in above and "冲账</button>" not in above


def test_a_sibling_cannot_choose_the_unit(cast):
    response = cast.client("street_a2").get(PAGE, month_query(income_type(), cast.units["street_a"]))
    assert response.status_code == 404


def test_an_expense_is_entered_and_the_page_shows_its_balance(cast):
    client = cast.client("street_a")
    enter(cast.users["street_a"], "300", on=date(2026, 11, 1))
    data = {"entered_on": "2026-11-03", "fund_type": income_type().pk, "expense_type": expense_type().pk,
            "amount": "50", "budget": "False", "remarks": ""}  # fmt: skip
    response = client.post(reverse("ledger:new", args=["expense"]), data)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "送温暖活动支出" in page and "250.00" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "abc"}, "amount", "金额应为数字"),
        ({"amount": "0"}, "amount", "金额应大于 0"),
        ({"amount": "1.234"}, "amount", "两位小数"),
        ({"entered_on": "2099-01-01"}, "entered_on", "不能晚于今天"),
        ({"entered_on": "11/03"}, "entered_on", "年-月-日"),
        ({"expense_type": ""}, "expense_type", "请选择支出类型"),
        ({"fund_type": "999999"}, "fund_type", "请从列表中选择收入类型"),
    ],
)
def test_bad_input_is_told_next_to_its_field_and_nothing_is_saved(cast, changes, field, message):
    data = {"entered_on": "2026-11-03", "fund_type": income_type().pk, "expense_type": expense_type().pk,
            "amount": "50", "budget": "False", "remarks": ""} | changes  # fmt: skip
    response = cast.client("street_a").post(reverse("ledger:new", args=["expense"]), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not LedgerEntry.objects.exists()


def test_reversing_from_the_page_shows_the_entry_reversed(cast):
    entry = enter(cast.users["street_a"], "100", on=date(2026, 11, 2))
    client = cast.client("street_a")
    response = client.post(reverse("ledger:reverse", args=[entry.pk]))
    assert response.status_code == 302
    page = client.get(PAGE, {"fund_type": income_type().pk}).content.decode()
    assert "已冲账" in page and "-100.00" in page
    again = client.post(reverse("ledger:reverse", args=[entry.pk]), follow=True)
    assert "该记录已冲账" in again.content.decode()
    assert LedgerEntry.objects.count() == 2


def test_a_superior_cannot_reverse_a_subordinates_entry(cast):
    entry = enter(cast.users["street_a"], "100")
    response = cast.client("county_a").post(reverse("ledger:reverse", args=[entry.pk]), follow=True)
    assert "只能冲销本单位的收支明细" in response.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_print_and_excel_of_a_month(cast):
    enter(cast.users["street_a"], "100", on=date(2026, 11, 2))
    enter(cast.users["street_a"], "40", on=date(2026, 11, 3), expense="日常救济支出")
    client = cast.client("street_a")
    printed = client.get(reverse("ledger:print"), month_query(income_type())).content.decode()
    assert "本月合计" in printed and "60.00" in printed and "冲账</button>" not in printed
    response = client.get(reverse("ledger:excel"), month_query(income_type()))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:6] == ["日期", "资金情况", "类型", "收入", "支出", "余额"]
    assert rows[2][2:6] == ["日常救济支出", None, 40, 60]
    assert rows[-1][:6] == ["累计", None, None, 100, 40, 60]


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"month": "2026-13"}, "month", "年-月"),
    ({"month": "壹贰"}, "month", "年-月"),
    ({"fund_type": "x"}, "fund_type", "请从列表中选择收入类型"),
])  # fmt: skip
def test_a_bad_view_condition_is_told_next_to_its_field(cast, query, field, message):
    response = cast.client("street_a").get(PAGE, {"fund_type": income_type().pk} | query)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field]) and response.context["month"] is None
