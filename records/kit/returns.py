"""退回原因统计 of every declared module (issue 17, beyond the manual): the returns made in a period
by the viewer's unit and the units below it, by 退回原因 (the code table of the return dialog,
kept on the action) and by area, with the chart beside the table like the kit's statistics.
A return counts at once where it was made: actions are not reported, so a unit sees those sent
by its own subtree (forms_stats.crosstab.seen_at_once over the sender's path)."""

import datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from approvals.models import RETURN_REASONS, ReportAction, ReportKind
from forms_stats.crosstab import CrossTab, Dimension, count_rows, crosstab, seen_at_once, sum_of
from forms_stats.views import excel_answer, table_context
from org.forms.ranges import in_order
from org.models import Unit
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.kit.declaration import RecordModule
from records.kit.pages import Page, add_pages

RETURNS = (ReportKind.RETURN, ReportKind.QUICK_RETURN)
DATE_ERRORS = {"invalid": "请输入正确的日期,例如 2024-01-31。"}


class ReturnsForm(forms.Form):
    date_from = forms.DateField(label="退回日期 从", required=False, error_messages=DATE_ERRORS,
                                widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    date_to = forms.DateField(label="到", required=False, error_messages=DATE_ERRORS,
                              widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def clean(self):
        return in_order(self, super().clean(), "date_from", "date_to", "结束日期不能早于开始日期。")

    def described(self) -> list[str]:
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        if not (start or end):
            return ["全部时间"]
        return [f"退回日期:{start or '不限'} 至 {end or '不限'}"]


def year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


def returns_table(module: RecordModule, form: ReturnsForm, *, viewer: Unit, unit: Unit) -> CrossTab:
    """One grouped query: the module's return actions in the period, by area and reason."""
    actions = ReportAction.objects.filter(module=module.permission, kind__in=RETURNS)
    if start := form.cleaned_data.get("date_from"):
        actions = actions.filter(at__date__gte=start)
    if end := form.cleaned_data.get("date_to"):
        actions = actions.filter(at__date__lte=end)
    return crosstab(
        seen_at_once(actions, "sender__path"),
        viewer=viewer,
        unit=unit,
        dimension=Dimension.code_table("退回原因", "return_reason", RETURN_REASONS),
        measures=[count_rows("退回次数"), sum_of("退回记录数", "count")],
        title=f"{module.label}退回原因统计",
        conditions=form.described(),
    )


@require_GET
def returns_page(request, module: RecordModule):
    """This year's returns as the page opens, then the period the form asks, for the unit of
    the switcher (`?unit=`, 404 outside the user's subtree); `?format=xlsx` its Excel."""
    require_module(request.user, module.permission)
    switcher = unit_switcher_context(request)
    data = request.GET if "date_from" in request.GET or "date_to" in request.GET else {"date_from": year_start()}
    form = ReturnsForm(data)
    table = None
    if form.is_valid():
        table = returns_table(module, form, viewer=request.user.unit, unit=switcher["selected_unit"])
    if excel := excel_answer(request, table, f"{module.url_prefix}-returns.xlsx"):
        return excel
    context = {**switcher, **table_context(request, table), "module": module, "form": form,
               "title": f"{module.label}退回原因统计"}  # fmt: skip
    return render(request, "kit/returns.html", context)


add_pages(Page("returns", "returns/", returns_page, when=lambda module: module.reported))
