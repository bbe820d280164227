"""统计 of every declared module that has `stat_dimensions` (modules-spec §0, 4.3, 5.3, 6.3):
the form (统计项目 = one declared dimension, 查看单位, a date range on the module's first date
field), the cross-tab of forms_stats.crosstab over what the viewer sees, its print view
(`?print=1`), its Excel file (`?format=xlsx`) and the data of its chart (static/js/kit_charts.js).

Each dimension is made from its model field, so a declaration names fields only: a code-table
foreign key gives the table's values in order, a choices field its choices, a boolean 是/否.
"""

from decimal import Decimal
from functools import cache

from django import forms
from django.db import models
from django.db.models import Value
from django.db.models.functions import NullIf
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forms_stats.crosstab import CrossTab, Dimension, crosstab
from forms_stats.excel import xlsx_response
from org.models import Unit, code_table_of
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.kit import wiring
from records.kit.declaration import RecordModule
from records.kit.forms import DATE_WIDGET
from records.kit.pages import Page, add_pages

YES_NO = [(True, "是"), (False, "否")]
# Query parameters that choose an output of the page rather than its table.
OUTPUTS = ("format", "print")


def orm_path(path: str) -> str:
    return path.replace(".", "__")


def dimension_of(module: RecordModule, path: str) -> Dimension:
    field = module.field(path)
    label = str(field.verbose_name)
    if table := code_table_of(field):
        return Dimension.code_table(label, orm_path(path), table)
    if isinstance(field, models.BooleanField):
        return Dimension(label, orm_path(path), YES_NO)
    if field.choices:
        # A text choice left blank is "" in the column: the same (未填) as a NULL.
        expression = NullIf(orm_path(path), Value("")) if field.blank else orm_path(path)
        return Dimension(label, expression, field.flatchoices)
    raise ValueError(f"{module.key}: 统计项目 {path} 不是代码表、选项或是否字段")


@cache
def dimensions_of(module: RecordModule) -> dict[str, Dimension]:
    return {path: dimension_of(module, path) for path in module.stat_dimensions}


def date_path(module: RecordModule) -> str | None:
    """The first date of the module's sheet (接待日期, 申请日期…): the statistics' date range."""
    return next((path for path in module.sheet_fields if _is_date(module.field(path))), None)


def _is_date(field) -> bool:
    return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)


class StatisticsForm(forms.Form):
    """统计项目 (a radio of the declared dimensions) and 从/到 on the module's first date."""

    def __init__(self, module: RecordModule, data):
        super().__init__(data)
        self.module = module
        self.fields["dimension"] = forms.ChoiceField(
            label="统计项目", widget=forms.RadioSelect,
            choices=[(path, dimension.label) for path, dimension in dimensions_of(module).items()],
        )  # fmt: skip
        self.date_path = date_path(module)
        if self.date_path:
            self.date_label = module.label_of(self.date_path)
            self.fields["date_from"] = _date_field(f"{self.date_label}从")
            self.fields["date_to"] = _date_field("到")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", f"{self.date_label}的“到”不能早于“从”。")
        return data

    def dimension(self) -> Dimension:
        return dimensions_of(self.module)[self.cleaned_data["dimension"]]

    def filter(self, queryset: models.QuerySet) -> models.QuerySet:
        data = self.cleaned_data
        for name, lookup in (("date_from", "gte"), ("date_to", "lte")):
            if data.get(name):
                queryset = queryset.filter(**{f"{orm_path(self.date_path)}__{lookup}": data[name]})
        return queryset

    def descriptions(self) -> list[str]:
        """The date range in words, for the table's title line (page, print and Excel)."""
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if not (start or end):
            return []
        bounds = [f"从 {start:%Y-%m-%d}" if start else "", f"到 {end:%Y-%m-%d}" if end else ""]
        return [f"{self.date_label}{' '.join(bound for bound in bounds if bound)}"]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs=DATE_WIDGET))


def statistics_table(module: RecordModule, form: StatisticsForm, *, viewer: Unit, unit: Unit) -> CrossTab:
    """The table of a valid form: the module's rows `viewer` sees, by the areas under `unit`."""
    return crosstab(
        form.filter(module.model.objects.all()),
        viewer=viewer,
        unit=unit,
        dimension=form.dimension(),
        measures=module.stat_measures,
        title=f"{module.label}统计",
        conditions=form.descriptions(),
    )


def chart_data(table: CrossTab) -> dict:
    """What the chart draws, for the first measure: its 总数 per area (合计 left out) and each
    dimension value's share of 合计 (values with nothing left out of the pie)."""
    return {
        "measure": table.measures[0],
        "dimension": table.dimension,
        "areas": [{"name": row.label, "value": _number(row.total[0])} for row in table.rows],
        "shares": [
            {"name": column.label, "value": _number(cell[0])}
            for column, cell in zip(table.columns, table.totals.cells, strict=True)
            if cell[0]
        ],
    }


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _url_with(request, **params) -> str:
    """This page's query with another output chosen."""
    query = request.GET.copy()
    for name in OUTPUTS:
        query.pop(name, None)
    query.update(params)
    return "?" + query.urlencode()


@require_GET
def statistics_page(request, module: RecordModule):
    """The table of the default 统计项目 at once, then of what the form asks, for the unit of
    the switcher (`?unit=`, 404 outside the user's subtree)."""
    require_module(request.user, module.key)
    switcher = unit_switcher_context(request)
    data = request.GET.copy()
    data.setdefault("dimension", module.stat_dimensions[0])
    form = StatisticsForm(module, data)
    table = None
    if form.is_valid():
        table = statistics_table(module, form, viewer=request.user.unit, unit=switcher["selected_unit"])
        if request.GET.get("format") == "xlsx":
            return xlsx_response(table, f"{table.title}-{table.unit.name}.xlsx", f"{module.url_prefix}-statistics.xlsx")
    context = {
        **switcher,
        "module": module,
        "title": f"{module.label}统计",
        "form": form,
        "table": table,
        "chart": chart_data(table) if table else None,
        "excel_url": _url_with(request, format="xlsx"),
        "print_url": _url_with(request, print="1"),
        "page_url": _url_with(request),
    }
    printing = table is not None and request.GET.get("print") == "1"
    return render(request, "kit/statistics_print.html" if printing else "kit/statistics.html", context)


add_pages(Page("statistics", "statistics/", statistics_page, when=lambda module: bool(module.stat_dimensions)))
# A declared dimension the kit cannot draw fails when the module is declared, not on the page.
wiring.ON_CONNECT.append(dimensions_of)
