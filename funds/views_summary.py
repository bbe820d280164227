"""The summary tables' own pages beside the kit's (manual 14.2–14.4): the rows of a table on its
record page with 增加新的职工 and each row's 删除, the picker of eligible lines (keyset pages),
print and Excel with the blank 签字 column, and the 实名制汇总表 statistics."""

from io import BytesIO

from django import forms
from django.contrib import messages
from django.db.models import Count, F, Sum
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from audit.services import audit_record
from forms_stats.crosstab import Dimension, Measure, crosstab
from forms_stats.views import excel_answer, table_context, url_with
from funds import selectors, services
from funds.models import Category, FundSummaryLine, Scope
from org.errors import DomainError
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.events import FileEvent
from records.excel import XLSX, cell, private
from records.id_numbers import mask
from records.kit import services as kit_services
from records.kit.sheet import header_lines
from records.kit.views import get_record_for_user

SUMMARY_SCOPE_NOTE = (
    "统计范围是本单位以及下级单位已经上报到本单位的实名制汇总表中的职工:人数是各帮扶项目的职工人数,金额是其帮扶金额。"
)
COLUMNS = ["序号", "姓名", "性别", "年龄", "身份证号", "工作单位或家庭地址", "帮扶金额(元)", "联系电话", "签字"]


def _rows_for(request, module, summary, page: str) -> list:
    """The table's rows, full ID numbers for the owner's users (audited, as a record's sheet is),
    masked for the units above."""
    rows = selectors.summary_rows(summary)
    if not kit_services.is_owner(request.user, summary):
        return [(row, mask(row.id_number)) for row in rows]
    if rows:
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=request.user, request=request, obj=summary,
                     detail={"page": page, "module": module.key})  # fmt: skip
    return [(row, row.id_number) for row in rows]


def lines_part(request, module, summary) -> dict:
    """The record page's 实名制汇总表 rows (declaration `extras`, below the header)."""
    editable = kit_services.can_edit(request.user, module, summary)
    return {"template": "funds/_summary_lines.html", "below": True, "rows": _rows_for(request, module, summary, "detail"),
            "editable": editable, "summary": summary, "module": module}  # fmt: skip


class PickForm(forms.Form):
    measure = forms.TypedMultipleChoiceField(label="帮扶措施", coerce=int, error_messages={
        "required": "请至少选择一项帮扶措施。", "invalid_choice": "所选帮扶措施不可用,请刷新后重新选择。"})  # fmt: skip

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(line.pk, str(line)) for line in offered]


def _after(request) -> int | None:
    value = request.GET.get("after", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


@require_http_methods(["GET", "POST"])
def lines_pick(request, module, pk):
    """增加新的职工: a page of the eligible lines, newest first, 下一页 by keyset; the checked ones
    enter the table."""
    summary = get_record_for_user(module, request.user, pk)
    if not kit_services.can_edit(request.user, module, summary):
        messages.error(request, kit_services.edit_refusal(request.user, module, summary))
        return redirect(module.url("detail", summary.pk))
    offered, next_after = selectors.pick_page(summary, _after(request))
    form = PickForm(request.POST or None, offered=offered)
    if request.method == "POST" and form.is_valid():
        try:
            n = services.summary_lines_add(actor=request.user, summary=summary,
                                           measure_ids=form.cleaned_data["measure"], request=request)  # fmt: skip
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已增加 {n} 名职工。")
            return redirect(module.url("detail", summary.pk))
    context = {"module": module, "row": summary, "form": form, "offered": offered, "next_after": next_after,
               "title": f"增加新的职工:{summary}", "cancel_url": module.url("detail", summary.pk)}  # fmt: skip
    return render(request, "funds/summary_pick.html", context)


@require_POST
def line_remove(request, module, pk):
    summary = get_record_for_user(module, request.user, pk)
    try:
        services.summary_line_remove(actor=request.user, summary=summary, line_id=request.POST.get("line", ""),
                                     request=request)  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已删除该职工,其帮扶措施不再是已汇总。")
    return redirect(module.url("detail", summary.pk))


def summary_print(request, module, pk):
    summary = get_record_for_user(module, request.user, pk)
    context = {"module": module, "row": summary, "header": header_lines(summary),
               "rows": _rows_for(request, module, summary, "print")}  # fmt: skip
    return render(request, "funds/summary_print.html", context)


def summary_excel(request, module, pk):
    """The table as on paper: its title, the header, the rows with the blank 签字, the total."""
    summary = get_record_for_user(module, request.user, pk)
    book = Workbook()
    sheet = book.active
    sheet.title = "实名制汇总表"
    sheet.append([cell(f"{summary}实名制汇总表")])
    sheet.append([cell(f"填报单位:{summary.unit.name}  填报人:{summary.reporter}  联系电话:{summary.phone}  "
                       f"填报日期:{summary.filled_on:%Y-%m-%d}")])  # fmt: skip
    sheet.append(COLUMNS)
    for n, (row, id_number) in enumerate(_rows_for(request, module, summary, "excel"), start=1):
        sheet.append([n, cell(row.name), row.gender, row.age, cell(id_number), cell(row.address), row.amount,
                      cell(row.phone), ""])  # fmt: skip
    sheet.append(["帮扶资金总额", "", "", "", "", "", summary.total, "", ""])
    output = BytesIO()
    book.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{module.label}_{summary}.xlsx")
    return private(response)


# --- 14.2.4 实名制汇总表 (statistics) -------------------------------------------------------------


class SummaryStatisticsForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100, error_messages={
        "required": "请填写年份。", "invalid": "年份应为整数。", "min_value": "年份应在 2000 年以后。",
        "max_value": "年份不正确。"})  # fmt: skip
    scope = forms.ChoiceField(label="资金类别", choices=Scope.choices, initial=Scope.CENTRAL,
                              error_messages={"invalid_choice": "请从列表中选择资金类别。"})  # fmt: skip


@require_GET
def summary_statistics(request, module):
    """For a 年份 and 资金类别: areas + 合计 × each 帮扶项目 (人数, 金额) + 总数, over the rows of the
    tables the viewer sees (a table's visibility is its rows')."""
    require_module(request.user, module.key)
    switcher = unit_switcher_context(request)
    form = SummaryStatisticsForm(request.GET if "year" in request.GET else None)
    table = None
    if form.is_valid():
        data = form.cleaned_data
        lines = FundSummaryLine.objects.filter(summary__year=data["year"], summary__scope=data["scope"]).annotate(
            unit_path=F("summary__unit_path"), holder_depth=F("summary__holder_depth"))  # fmt: skip
        table = crosstab(
            lines, viewer=request.user.unit, unit=switcher["selected_unit"],
            dimension=Dimension("帮扶项目", "summary__category", Category.choices),
            measures=[Measure("人数", Count("measure__assistance__file", distinct=True)),
                      Measure("金额(元)", Sum("measure__amount"))],
            title=f"{data['year']}年{Scope(data['scope']).label}实名制汇总表人数金额统计",
        )  # fmt: skip
    if excel := excel_answer(request, table, "fund-summary-statistics.xlsx"):
        return excel
    context = {**switcher, **table_context(request, table), "form": form, "module": module,
               "title": "实名制汇总表人数金额统计", "print_url": url_with(request, print="1"), "page_url": url_with(request),
               "back_url": module.url("list"), "back_label": "返回汇总表列表", "scope_note": SUMMARY_SCOPE_NOTE}  # fmt: skip
    printing = table is not None and request.GET.get("print") == "1"
    return render(request, "kit/statistics_print.html" if printing else "funds/statistics.html", context)
