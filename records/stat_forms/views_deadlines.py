"""The pages of deadlines and completeness (beyond the manual): 上报情况 (completeness and
timeliness, with Excel and the parent's exception to the lock) and 截止日期 (the national unit
sets a period's due date and grace days; every other unit reads them)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.errors import DomainError
from org.permissions import require_module
from org.selectors import get_unit_in_subtree
from records import excel
from records.stat_forms import deadlines, services
from records.stat_forms.completeness import completeness
from records.stat_forms.models import StatDeadline, period_label
from records.stat_forms.statistics import PeriodForm, period_query

HEADERS = ["地区/单位", "应报单位数", "按时上报", "逾期上报", "未上报", "上报率", "及时率"]


def _rows(report) -> list[list]:
    areas = [[a.label, a.expected, a.on_time, a.late, a.missing, a.reported_rate, a.on_time_rate]
             for a in [*report.areas, report.total]]  # fmt: skip
    units = [[s.unit.name, "", "", "", s.label, "", ""] for s in report.units]
    return [*areas, [], ["单位明细"], *units]


@require_GET
def completeness_page(request, module):
    switcher, form, period, report = period_query(request, module, completeness)
    if period:
        declared, year, quarter = period
        title = f"{period_label(year, quarter)}{declared.text(declared.title)}上报情况"
        if request.GET.get("format") == "xlsx":
            return excel.xlsx_response(f"{title}-{report.unit.name}.xlsx", title=title, headers=HEADERS,
                                       rows=_rows(report))  # fmt: skip
    grantable = report is not None and report.locked and switcher["selected_unit"] == request.user.unit
    context = {**switcher, "module": module, "title": "报表上报情况", "form": form, "report": report,
               "grantable": grantable}  # fmt: skip
    return render(request, "stat_forms/completeness.html", context)


@require_POST
def exception_page(request, module):
    """批准逾期填报 for one child unit (`unit`), the period of the posted form."""
    require_module(request.user, module.key)
    form = PeriodForm(request.POST)
    back = reverse(f"{module.key}:completeness")
    pk = request.POST.get("unit", "")
    if not form.is_valid() or not pk.isascii() or not pk.isdigit():
        messages.error(request, "请选择要批准逾期填报的单位和报表期间。")
        return redirect(back)
    declared, year, quarter = form.period()
    unit = get_unit_in_subtree(request.user, int(pk))
    try:
        services.exception_grant(actor=request.user, unit=unit, form_type=declared.key, year=year, quarter=quarter,
                                 request=request)  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"已批准{unit.name}逾期填报{period_label(year, quarter)}{declared.text(declared.title)}。"
        )
    return redirect(f"{back}?form_type={declared.key}&year={year}&quarter={quarter}")


class DeadlineForm(PeriodForm):
    due_on = forms.DateField(label="上报截止日期", widget=forms.DateInput(attrs={"type": "date"}))
    grace_days = forms.IntegerField(label="宽限天数", min_value=0, max_value=365, initial=deadlines.DEFAULT_GRACE_DAYS)


@require_http_methods(["GET", "POST"])
def deadlines_page(request, module):
    require_module(request.user, module.key)
    may_set = services.can_set_deadlines(request.user)
    form = DeadlineForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            declared, year, quarter = form.period()
            data = form.cleaned_data
            try:
                services.deadline_set(actor=request.user, form_type=declared.key, year=year, quarter=quarter,
                                      due_on=data["due_on"], grace_days=data["grace_days"], request=request)  # fmt: skip
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "截止日期已保存。")
                return redirect(request.path)
        elif not may_set:
            messages.error(request, "只有全国总工会的报表管理用户才能设置上报截止日期。")
            return redirect(request.path)
    context = {"module": module, "title": "报表上报截止日期", "form": form, "may_set": may_set,
               "deadlines": StatDeadline.objects.order_by("-year", "form_type", "-quarter")[:200],
               "default_days": deadlines.DEFAULT_DUE_DAYS, "default_grace": deadlines.DEFAULT_GRACE_DAYS}  # fmt: skip
    return render(request, "stat_forms/deadlines.html", context)
