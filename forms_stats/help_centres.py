"""帮扶中心信息统计 (manual 18.3.3; modules-spec, "Gaps outside 3–17"): the help-centre profiles
(org.HelpCentreProfile, 18.3.1) counted by area under the switcher's unit, across 有独立办公场所
or 开通服务热线: 帮扶中心数, staff, windows, floor area and yearly budget. A profile is no reported
row: it counts at once for every unit above (crosstab.seen_at_once over its unit's path), as the
directory shows it to everyone."""

from django import forms
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forms_stats.crosstab import CrossTab, Dimension, count_rows, crosstab, seen_at_once, sum_of
from forms_stats.views import excel_answer, table_context
from org.models import HelpCentreProfile, Unit
from org.views.switcher import unit_switcher_context

YES_NO = [(True, "是"), (False, "否")]
DIMENSIONS = {
    "has_independent_premises": Dimension("有独立办公场所", "has_independent_premises", YES_NO),
    "has_hotline": Dimension("开通服务热线", "has_hotline", YES_NO),
}
MEASURES = [
    count_rows("帮扶中心数"),
    sum_of("专职人员", "full_time_staff"),
    sum_of("兼职人员", "part_time_staff"),
    sum_of("服务窗口", "service_windows"),
    sum_of("办公面积(平方米)", "floor_area"),
    sum_of("年度工作经费(万元)", "annual_budget"),
]


class HelpCentreStatisticsForm(forms.Form):
    dimension = forms.ChoiceField(
        label="统计项目",
        choices=[(key, dimension.label) for key, dimension in DIMENSIONS.items()],
        error_messages={"invalid_choice": "请从列表中选择统计项目。"},
    )


def help_centre_table(dimension: str, *, viewer: Unit, unit: Unit) -> CrossTab:
    """One grouped query over the help centres' profiles."""
    profiles = HelpCentreProfile.objects.filter(unit__is_help_centre=True)
    return crosstab(
        seen_at_once(profiles, "unit__path"), viewer=viewer, unit=unit, dimension=DIMENSIONS[dimension],
        measures=MEASURES, title="帮扶中心信息统计",
    )  # fmt: skip


@require_GET
def help_centre_statistics(request):
    """The table of 有独立办公场所 as the page opens, then of the 统计项目 asked, for the unit of
    the switcher (`?unit=`, 404 outside the user's subtree); `?format=xlsx` its Excel."""
    switcher = unit_switcher_context(request)
    form = HelpCentreStatisticsForm({"dimension": request.GET.get("dimension", "has_independent_premises")})
    table = None
    if form.is_valid():
        table = help_centre_table(
            form.cleaned_data["dimension"], viewer=request.user.unit, unit=switcher["selected_unit"]
        )
    if excel := excel_answer(request, table, "help-centre-statistics.xlsx"):
        return excel
    context = {**switcher, **table_context(request, table), "form": form}
    return render(request, "forms_stats/help_centre_statistics.html", context)
