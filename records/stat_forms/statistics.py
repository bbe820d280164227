"""统计 of the statistical forms (modules-spec §9.3): for a form and period, one row per
subordinate area, 本级 and 合计, one column per item — the cross-tab engine without a dimension,
one measure per item. An item is summed, or its largest or smallest value taken, or (13 item
13's mean floor areas) averaged weighted by the count it is the mean of: the query sums
mean × weight, and each row divides by its summed weight, so no mean is ever added up.

Each unit's form holds its own level's figures (DESIGN.md §3): summing the subtree counts
everything once. A row opens the paper form filled with its values, to print or save as Excel."""

from decimal import Decimal

from django import forms
from django.db.models import DecimalField, Func, Max, Min, Sum
from django.db.models.fields.json import KT
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from forms_stats.crosstab import CrossTab, Measure, Row, crosstab
from forms_stats.excel import xlsx_response
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.layout import MAX, MEAN, MIN, QUARTER, FormType, Item
from records.stat_forms.models import FORM_TYPE_CHOICES, QUARTER_CHOICES, StatForm, period_label
from records.stat_forms.paper import paper_lines, paper_workbook, shown, xlsx_download

NUMBER = DecimalField(max_digits=20, decimal_places=2)
TOTAL_AREA = "total"


class Numeric(Func):
    """A stored item as a number: `::numeric`, not Cast's `::numeric(20, 2)`, which rounds each
    value again on the way (a fifth of a national query's time)."""

    template = "(%(expressions)s)::numeric"
    output_field = NUMBER


def value_of(code: str) -> Numeric:
    return Numeric(KT(f"values__{code}"))


def least(values) -> Decimal:
    """The smallest value entered: an area without a form (0) has no smallest centre."""
    return min((value for value in values if value), default=0)


def measure_of(form: FormType, item: Item) -> Measure:
    if item.combine == MAX:
        return Measure(item.code, Max(value_of(item.code)), max)
    if item.combine == MIN:
        return Measure(item.code, Min(value_of(item.code)), least)
    if item.combine == MEAN:
        return Measure(item.code, Sum(value_of(item.code) * value_of(item.weight)))
    return Measure(item.code, Sum(value_of(item.code)))


def _finish(row: Row, form: FormType) -> None:
    """A mean's cell from its weighted sum and the row's summed weight."""
    position = {item.code: i for i, item in enumerate(form.items)}
    for item in form.items:
        if item.combine == MEAN:
            weight = row.total[position[item.weight]]
            weighted = row.total[position[item.code]]
            row.total[position[item.code]] = (Decimal(weighted) / weight).quantize(Decimal("0.01")) if weight else 0


def form_statistics(form: FormType, year: int, quarter: int, *, viewer, unit) -> CrossTab:
    rows = StatForm.objects.filter(form_type=form.key, year=year, quarter=quarter)
    table = crosstab(
        rows, viewer=viewer, unit=unit, dimension=None, measures=[measure_of(form, item) for item in form.items],
        title=f"{form.text(form.title)} {period_label(year, quarter)}",
    )  # fmt: skip
    for row in table.all_rows:
        _finish(row, form)
    return table


class PeriodForm(forms.Form):
    form_type = forms.ChoiceField(label="报表", choices=FORM_TYPE_CHOICES)
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="填报季度", choices=QUARTER_CHOICES, coerce=int, required=False, empty_value=0
    )

    def clean(self):
        cleaned = super().clean()
        form = FORM_TYPES.get(cleaned.get("form_type"))
        if form is not None and (form.period_kind == QUARTER) != bool(cleaned.get("quarter")):
            message = "请选择填报季度。" if form.period_kind == QUARTER else "该报表按年填报,季度请选“全年”。"
            self.add_error("quarter", message)
        return cleaned

    def period(self) -> tuple[FormType, int, int]:
        data = self.cleaned_data
        return FORM_TYPES[data["form_type"]], data["year"], data["quarter"] or 0


def period_form(request) -> PeriodForm:
    data = request.GET.copy()
    data.setdefault("form_type", next(iter(FORM_TYPES)))
    data.setdefault("year", str(timezone.localdate().year))
    return PeriodForm(data)


def period_query(request, module, compute) -> tuple[dict, PeriodForm, tuple | None, object]:
    """What every page of one form's period starts with: the module's permission, the unit of
    the switcher (`?unit=`, 404 outside the user's subtree), the period form, its period and
    `compute(form, year, quarter, viewer=…, unit=…)` of it (both None while the form is invalid:
    its errors show next to its fields)."""
    require_module(request.user, module.key)
    switcher = unit_switcher_context(request)
    form = period_form(request)
    if not form.is_valid():
        return switcher, form, None, None
    period = form.period()
    return switcher, form, period, compute(*period, viewer=request.user.unit, unit=switcher["selected_unit"])


def _row_of(table: CrossTab, area: str) -> Row:
    if area == TOTAL_AREA:
        return table.totals
    row = next((row for row in table.rows if str(row.unit_pk) == area), None)
    if row is None:
        raise Http404
    return row


@require_GET
def statistics_page(request, module):
    """The table; `?area=<unit pk>|total` opens one row as the filled paper form (`&format=xlsx`)."""
    switcher, form, period, table = period_query(request, module, form_statistics)
    if period:
        declared = period[0]
        area = request.GET.get("area")
        if area:
            return _paper_of_row(request, table, _row_of(table, area), declared)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(table, f"{table.title}-{table.unit.name}.xlsx", "stat-forms-statistics.xlsx")
    columns = [(item.code, declared.text(item.text), item.unit) for item in declared.items] if table else []
    context = {**switcher, "module": module, "title": "统计报表统计", "form": form, "table": table, "columns": columns,
               "rows": [(row, shown_row(declared, row)) for row in table.all_rows] if table else []}  # fmt: skip
    return render(request, "stat_forms/statistics.html", context)


def shown_row(form: FormType, row: Row) -> list[str]:
    return [shown(value, item.decimal) for item, value in zip(form.items, row.total, strict=True)]


def _paper_of_row(request, table: CrossTab, row: Row, form: FormType):
    values = {item.code: value for item, value in zip(form.items, row.total, strict=True)}
    title = f"{table.title}({row.label})"
    header = [("统计单位", table.unit.name), ("地区", row.label)]
    if request.GET.get("format") == "xlsx":
        return xlsx_download(paper_workbook(title, header, form, values), f"{title}.xlsx")
    back = request.GET.copy()
    back.pop("area", None)
    context = {"title": title, "header": header, "lines": paper_lines(form, values), "back_url": "?" + back.urlencode()}
    return render(request, "stat_forms/print.html", context)
