"""对账 (beyond the manual, issue 21 §4): for a unit and a year, per 帮扶项目, what the ledger spent,
what the real-name summary tables total and what the assistance records gave, side by side, with
each difference and the rows behind it. Three grouped queries over what the unit sees: its
subtree's ledger (seen at once), the tables and the assistance that reached it (visible_to)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Sum
from django.shortcuts import render
from django.views.decorators.http import require_GET

from approvals.selectors import visible_to
from funds.models import CATEGORY_MEASURES, Category, Direction, FundSummary
from funds.selectors import ZERO, ledger_of
from org.models import Unit
from org.permissions import require_module
from org.selectors import codes_of
from org.views.switcher import unit_switcher_context
from records.assistance.models import Assistance, AssistanceMeasure, Helped

# The 帮扶项目 each 支出类型 pays for (code values of fund_expense_type); others: 其他帮扶类.
EXPENSE_CATEGORIES = {
    "送温暖活动支出": Category.LIVING, "日常救济支出": Category.LIVING, "医疗救助支出": Category.MEDICAL,
    "助学支出": Category.SCHOOL, "职业介绍支出": Category.JOBS, "职业培训支出": Category.TRAINING,
    "法律援助支出": Category.LEGAL,
}  # fmt: skip
SHOWN_LINES = 20  # unsummarized lines listed per category; the picker pages through all


@dataclass
class Side:
    category: Category
    ledger: Decimal = ZERO
    tables: Decimal = ZERO
    assistance: Decimal = ZERO
    summary_ids: list = field(default_factory=list)
    open_lines: list = field(default_factory=list)  # assistance lines in no table

    @property
    def ledger_vs_tables(self) -> Decimal:
        return self.ledger - self.tables

    @property
    def tables_vs_assistance(self) -> Decimal:
        return self.tables - self.assistance

    @property
    def balanced(self) -> bool:
        return not self.ledger_vs_tables and not self.tables_vs_assistance


def _category_of_measure(value: str) -> Category:
    return next((c for c, measure in CATEGORY_MEASURES.items() if measure == value), Category.OTHER)


def reconciliation(viewer: Unit, unit: Unit, year: int) -> list[Side]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    sides = {category: Side(category) for category in Category}
    spent = ledger_of(unit).filter(direction=Direction.EXPENSE, entered_on__gte=start, entered_on__lt=end)
    for row in spent.order_by().values("expense_type__value").annotate(s=Sum("amount")):
        sides[EXPENSE_CATEGORIES.get(row["expense_type__value"], Category.OTHER)].ledger += row["s"] or ZERO
    tables = visible_to(FundSummary.objects.filter(unit_path__startswith=unit.path, year=year), viewer)
    for row in tables.order_by().values("category", "pk", "total"):
        side = sides[Category(row["category"])]
        side.tables += row["total"]
        side.summary_ids.append(row["pk"])
    helped = visible_to(Assistance.objects.filter(helped=Helped.HELPED, assisted_on__gte=start, assisted_on__lt=end,
                                                  unit_path__startswith=unit.path), viewer)  # fmt: skip
    lines = AssistanceMeasure.objects.filter(assistance__in=helped)
    measures = dict(codes_of("assistance_measure").values_list("pk", "value"))
    for row in lines.order_by().values("measure_id").annotate(s=Sum("amount")):
        sides[_category_of_measure(measures.get(row["measure_id"], ""))].assistance += row["s"] or ZERO
    for side in sides.values():
        if side.tables_vs_assistance:
            codes = [pk for pk, value in measures.items() if _category_of_measure(value) == side.category]
            side.open_lines = list(lines.filter(summarized_in="", measure_id__in=codes)
                                   .select_related("assistance__file", "measure", "fund_source")
                                   .order_by("-id")[:SHOWN_LINES])  # fmt: skip
    return list(sides.values())


class ReconcileForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, error_messages={
        "required": "请填写年份。", "invalid": "年份应为整数。", "min_value": "年份应在 2000 年以后。",
        "max_value": "年份不正确。"})  # fmt: skip


@require_GET
def reconcile_page(request, module):
    require_module(request.user, module.key)
    switcher = unit_switcher_context(request)
    form = ReconcileForm(request.GET if "year" in request.GET else None, initial={"year": date.today().year})
    sides = (
        reconciliation(request.user.unit, switcher["selected_unit"], form.cleaned_data["year"])
        if form.is_valid()
        else None
    )
    context = {**switcher, "form": form, "sides": sides, "module": module, "title": "专项资金对账"}
    return render(request, "funds/reconcile.html", context)
