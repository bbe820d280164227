"""资金情况统计 (manual 14.1.2): the ledger by area under the switcher's unit — one row per child
(its whole subtree), 本级 and 合计 — and one column per expense type, then 收入合计, 支出合计 and
余额. One grouped query (forms_stats.crosstab) over the entries seen at once (the ledger is not
reported), whose measures are sums filtered by type.

The sample's holdings columns (现存金额, 银行存款, 扶持职工个人借款, 购买国债, 其他) are left out: the
ledger records income and expense only, and a holding changes without either (money moved from
the bank to a loan), which the manual's ledger has no entry for; the three totals say what the
ledger knows."""

from django import forms
from django.db.models import Case, DecimalField, F, Q, Sum, When
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from forms_stats.crosstab import CrossTab, Measure, crosstab, seen_at_once
from forms_stats.views import excel_answer, table_context, url_with
from funds.forms import MonthField
from funds.models import BUDGET, EXPENSE_TYPES, INCOME_TYPES, Direction, LedgerEntry
from funds.selectors import month_bounds
from org.forms.codes import CodeChoiceField
from org.models import Module, Unit
from org.permissions import require_module
from org.selectors import codes_of
from org.views.switcher import unit_switcher_context

MONEY = DecimalField(max_digits=16, decimal_places=2)
TITLE = "资金情况统计"
SCOPE_NOTE = (
    "统计范围是本单位及全部下级单位的收支明细(收支明细不上报,上级随时可见)。各支出类型、收入合计和支出合计是所选"
    "期间的金额,冲账记录按负数计入;余额是从第一笔记录到期末的累计收入减累计支出。"
)


class FundStatisticsForm(forms.Form):
    """PROPOSED conditions (the manual's are an image): 月份 从–到, 收入类型, 是否财政预算."""

    from_month = MonthField(label="月份从", required=False)
    to_month = MonthField(label="到", required=False)
    fund_type = CodeChoiceField(INCOME_TYPES, label="收入类型", required=False, empty_label="(全部)",
                                error_messages={"invalid_choice": "请从列表中选择收入类型。"})  # fmt: skip
    budget = forms.TypedChoiceField(
        label="是否财政预算", required=False, choices=[("", "(全部)"), *BUDGET], coerce=lambda v: v == "True",
        empty_value=None, error_messages={"invalid_choice": "请从列表中选择是否财政预算。"},
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("from_month"), data.get("to_month")
        if start and end and end < start:
            self.add_error("to_month", "结束月份不能早于开始月份。")
        return data


def _sum(condition: Q, signed: bool = False) -> Sum:
    amount = Case(When(direction=Direction.EXPENSE, then=-F("amount")), default=F("amount"), output_field=MONEY)
    return Sum(amount if signed else "amount", filter=condition)


def measures(start) -> list[Measure]:
    """One column per expense type (code-table order), then the period's income and expense and
    the balance at its end (from the first entry, as the ledger's 累计)."""
    period = Q(entered_on__gte=start) if start else Q()
    expense = Q(direction=Direction.EXPENSE) & period
    by_type = [Measure(code.value, _sum(expense & Q(expense_type=code.pk))) for code in codes_of(EXPENSE_TYPES)]
    return [
        *by_type,
        Measure("收入合计", _sum(Q(direction=Direction.INCOME) & period)),
        Measure("支出合计", _sum(expense)),
        Measure("余额", _sum(Q(), signed=True)),
    ]


def fund_table(data: dict, *, viewer: Unit, unit: Unit) -> CrossTab:
    rows = LedgerEntry.objects.all()
    start = data.get("from_month")
    _, end = month_bounds(data.get("to_month"))
    if end:
        rows = rows.filter(entered_on__lt=end)
    if data.get("fund_type"):
        rows = rows.filter(fund_type=data["fund_type"])
    if data.get("budget") is not None:
        rows = rows.filter(budget=data["budget"])
    return crosstab(seen_at_once(rows, "unit_path"), viewer=viewer, unit=unit, dimension=None, measures=measures(start),
                    title=TITLE)  # fmt: skip


@require_GET
def fund_statistics(request):
    """The table for the switcher's unit as the page opens, then for the conditions; `?format=xlsx`
    its Excel, `?print=1` its print view."""
    require_module(request.user, Module.FUNDS)
    switcher = unit_switcher_context(request)
    form = FundStatisticsForm(request.GET)
    table = (
        fund_table(form.cleaned_data, viewer=request.user.unit, unit=switcher["selected_unit"])
        if form.is_valid()
        else None
    )
    if excel := excel_answer(request, table, "fund-statistics.xlsx"):
        return excel
    context = {**switcher, **table_context(request, table), "form": form, "title": TITLE,
               "print_url": url_with(request, print="1"), "page_url": url_with(request),
               "back_url": reverse("ledger:entries"), "back_label": "返回收支明细", "scope_note": SCOPE_NOTE}  # fmt: skip
    printing = table is not None and request.GET.get("print") == "1"
    return render(request, "kit/statistics_print.html" if printing else "funds/statistics.html", context)
