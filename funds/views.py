"""The ledger's pages (收支明细, manual 14.1.1): the month of a unit's income type with its running
balance, the entry forms, 冲账, print and Excel. Views are thin: the unit comes from the unit
switcher (own or a subordinate: read-only there), rows from funds.selectors, writes from
funds.services, whose predicates enable the buttons."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.selectors import NOT_VISIBLE
from funds import selectors, services
from funds.forms import MONTH_FORMAT, LedgerEntryForm, LedgerViewForm
from funds.models import Direction
from org.errors import DomainError, saved_or_told
from org.models import Module
from org.permissions import require_module
from org.views.switcher import unit_switcher_context
from records.excel import xlsx_response

HEADERS = ["日期", "资金情况", "类型", "收入", "支出", "余额", "是否财政预算", "备注"]


def _month_context(request) -> dict:
    """The page's unit, its 查看 form and, once valid, the month's lines and totals."""
    require_module(request.user, Module.FUNDS)
    switcher = unit_switcher_context(request)
    unit = switcher["selected_unit"]
    form = LedgerViewForm(request.GET if "fund_type" in request.GET else None)
    month = None
    if form.is_valid():
        month = selectors.ledger_month(request.user.unit, unit, form.cleaned_data["fund_type"], form.month_value())
    own = services.can_enter(request.user, unit)
    lines = [(line, own and services.can_reverse(request.user, line)) for line in month.lines] if month else []
    return {**switcher, "form": form, "month": month, "lines": lines, "own": own, "query": request.GET.urlencode(),
            "title": "收支明细"}  # fmt: skip


@require_GET
def ledger_page(request):
    """单位 + 收入类型 + 月份 → 查看; 增加新的收入/支出信息 only after 查看 and for the own unit."""
    return render(request, "funds/ledger.html", _month_context(request))


def _choose_first(request):
    """Print and Excel are of a month the page has shown: without one, back to the page."""
    messages.error(request, "请先选择收入类型并点击“查看”。")
    return redirect(f"{reverse('ledger:entries')}?{request.GET.urlencode()}")


@require_GET
def ledger_print(request):
    context = _month_context(request)
    if context["month"] is None:
        return _choose_first(request)
    return render(request, "funds/ledger_print.html", context)


@require_GET
def ledger_excel(request):
    context = _month_context(request)
    month = context["month"]
    if month is None:
        return _choose_first(request)
    rows = [
        [line.entered_on, line.direction_label, line.kind, line.income, line.expense, line.balance, line.budget,
         line.remarks]
        for line in month.lines
    ]  # fmt: skip
    rows += [
        ["本月合计", "", "", month.month_income, month.month_expense, None, None, ""],
        ["累计", "", "", month.total_income, month.total_expense, month.balance, None, ""],
    ]
    name = f"收支明细-{context['selected_unit'].name}-{context['form'].cleaned_data['fund_type']}.xlsx"
    return xlsx_response(name, title="收支明细", headers=HEADERS, rows=rows)


def _back_to(entry) -> str:
    """The month page of the entry's income type and month."""
    return f"{reverse('ledger:entries')}?fund_type={entry.fund_type_id}&month={entry.entered_on:{MONTH_FORMAT}}"


@require_http_methods(["GET", "POST"])
def ledger_entry_new(request, direction: str):
    """增加新的收入信息 / 增加新的支出信息 of the own unit (the page offers nothing else)."""
    require_module(request.user, Module.FUNDS)
    if direction not in Direction.values:
        raise Http404
    form = LedgerEntryForm(
        request.POST or None, direction=direction, initial={"fund_type": request.GET.get("fund_type")}
    )
    if request.method == "POST" and form.is_valid():
        entry = saved_or_told(form, lambda: services.ledger_entry_create(actor=request.user, request=request,
                                                                         **form.values()))  # fmt: skip
        if entry is not None:
            messages.success(request, f"{entry.get_direction_display()}“{entry}”已保存。")
            return redirect(_back_to(entry))
    label = Direction(direction).label
    context = {"form": form, "title": f"增加新的{label}信息", "unit": request.user.unit,
               "cancel_url": f"{reverse('ledger:entries')}?{request.GET.urlencode()}"}  # fmt: skip
    return render(request, "funds/ledger_form.html", context)


@require_POST
def ledger_entry_reverse(request, pk: int):
    """冲账 of one entry of the own unit: 404 for an entry the unit does not see (as if missing),
    403 without the module, the refusal told for an entry seen but not the unit's own."""
    entry = selectors.ledger_of(request.user.unit).filter(pk=pk).first()
    if entry is None:
        raise Http404(NOT_VISIBLE)
    require_module(request.user, Module.FUNDS)
    try:
        reversal = services.ledger_entry_reverse(actor=request.user, entry=entry, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已冲账:新增冲账记录“{reversal}”。")
    return redirect(_back_to(entry))
