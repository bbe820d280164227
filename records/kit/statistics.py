"""统计 of every declared module that has `stat_dimensions` (modules-spec §0, 2.2.8, 4.3, 5.3,
6.3): the form (统计项目 = one declared dimension, 查看单位, and the module's query conditions:
one FilterSet, so the statistics count what the query selects), the cross-tab of
forms_stats.crosstab over what the viewer sees, its print view (`?print=1`), its Excel file
(`?format=xlsx`) and the data of its chart (static/js/kit_charts.js).

Each dimension is made from its model field, through relations too (a file's head.gender), so a
declaration names fields only: a code-table foreign key gives the table's values in order, a
choices field its choices, a boolean 是/否. The form is sent by GET: the query's ID-number
conditions, which never travel in a URL, are not among its conditions.
"""

from functools import cache

from django import forms
from django.db import models
from django.db.models import Value
from django.db.models.functions import NullIf
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forms_stats.crosstab import CrossTab, Dimension, crosstab
from forms_stats.views import excel_answer, table_context, url_with
from org.models import Unit, code_table_of
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.kit import wiring
from records.kit.declaration import RecordModule
from records.kit.pages import Page, add_pages
from records.kit.query import ConditionsForm, private_conditions, query_filterset

YES_NO = [(True, "是"), (False, "否")]


def orm_path(path: str) -> str:
    return path.replace(".", "__")


def lines_through(module: RecordModule, path: str) -> str:
    """The Lines relation a dimension's path starts with ("measures.fund_source"), or "": its
    table counts the lines, measured as the Lines declare (Lines.stat_measures)."""
    lines = module.lines
    if not lines or path.split(".")[0] != lines.relation:
        return ""
    if not lines.stat_measures:
        raise ValueError(f"{module.key}: 统计项目 {path} 按明细行统计,{lines.title} 须声明 stat_measures")
    return lines.relation


def dimension_of(module: RecordModule, path: str) -> Dimension:
    field = module.field(path)
    label = str(field.verbose_name)
    through = lines_through(module, path)
    if table := code_table_of(field):
        return Dimension.code_table(label, orm_path(path), table, through)
    if isinstance(field, models.BooleanField):
        return Dimension(label, orm_path(path), YES_NO, through)
    if field.choices:
        # A text choice left blank is "" in the column: the same (未填) as a NULL.
        expression = NullIf(orm_path(path), Value("")) if field.blank else orm_path(path)
        return Dimension(label, expression, field.flatchoices, through)
    raise ValueError(f"{module.key}: 统计项目 {path} 不是代码表、选项或是否字段")


def measures_of(module: RecordModule, dimension: Dimension):
    """The record's measures, or the lines' for a dimension of theirs (crosstab re-roots them)."""
    return module.lines.stat_measures if dimension.through else module.stat_measures


@cache
def dimensions_of(module: RecordModule) -> dict[str, Dimension]:
    return {path: dimension_of(module, path) for path in module.stat_dimensions}


class StatisticsForm(ConditionsForm):
    """The module's query conditions and 统计项目 (a radio of the declared dimensions);
    statistics_form makes one class per declaration."""

    module: RecordModule | None = None

    def dimension(self) -> Dimension:
        return dimensions_of(self.module)[self.cleaned_data["dimension"]]

    def filter(self, queryset: models.QuerySet) -> models.QuerySet:
        """The rows the conditions select, as the query selects them; then the module's own
        choice of what the statistics count (stat_rows)."""
        rows = query_filterset(self.module).apply(queryset, self.cleaned_data)
        return self.module.stat_rows(rows, self.cleaned_data) if self.module.stat_rows else rows


@cache
def statistics_form(module: RecordModule) -> type[StatisticsForm]:
    filterset = query_filterset(module)
    private = set(private_conditions(module))
    conditions = tuple(c for c in filterset.conditions if c.name not in private)
    names = {name for c in conditions for name in c.field_names}
    fields = {name: filter_.field for name, filter_ in filterset.base_filters.items() if name in names}
    fields["dimension"] = forms.ChoiceField(
        label="统计项目", widget=forms.RadioSelect, initial=module.stat_dimensions[0],
        choices=[(path, dimension.label) for path, dimension in dimensions_of(module).items()],
    )  # fmt: skip
    attrs = {**fields, "module": module, "conditions": conditions}
    return type(f"{module.model.__name__}StatisticsForm", (StatisticsForm,), attrs)


def statistics_table(module: RecordModule, form: StatisticsForm, *, viewer: Unit, unit: Unit) -> CrossTab:
    """The table of a valid form: the module's rows `viewer` sees, by the areas under `unit`."""
    dimension = form.dimension()
    return crosstab(
        form.filter(module.model.objects.all()),
        viewer=viewer,
        unit=unit,
        dimension=dimension,
        measures=measures_of(module, dimension),
        title=f"{module.label}统计",
        conditions=form.described(),
    )


@require_GET
def statistics_page(request, module: RecordModule):
    """The table of the default 统计项目 at once (unless the module waits for 统计:
    stat_on_open), then of what the form asks, for the unit of the switcher (`?unit=`, 404
    outside the user's subtree)."""
    require_module(request.user, module.permission)
    switcher = unit_switcher_context(request)
    data = request.GET.copy()
    data.setdefault("dimension", module.stat_dimensions[0])
    form = statistics_form(module)(data if module.stat_on_open or request.GET else None)
    table = None
    if form.is_valid():
        table = statistics_table(module, form, viewer=request.user.unit, unit=switcher["selected_unit"])
    if excel := excel_answer(request, table, f"{module.url_prefix}-statistics.xlsx"):
        return excel
    context = {
        **switcher,
        **table_context(request, table),
        "module": module,
        "title": f"{module.label}统计",
        "form": form,
        "print_url": url_with(request, print="1"),
        "page_url": url_with(request),
    }
    printing = table is not None and request.GET.get("print") == "1"
    return render(request, "kit/statistics_print.html" if printing else "kit/statistics.html", context)


add_pages(Page("statistics", "statistics/", statistics_page, when=lambda module: bool(module.stat_dimensions)))
# A declared dimension the kit cannot draw fails when the module is declared, not on the page.
wiring.ON_CONNECT.append(dimensions_of)
