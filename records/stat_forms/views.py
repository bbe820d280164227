"""The module's own pages in place of the kit's (module.pages): the entry form laid out as the
paper form, and one form's print view and Excel. Everything else — the lists, report/return,
the record's page, query, delete — is the kit's. Reads go through the kit's get_record_for_user
(the one visibility selector), writes through the kit's services."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from org.errors import saved_or_told
from org.permissions import require_module
from records.kit import services
from records.kit.sheet import header_lines
from records.kit.views import get_record_for_user
from records.stat_forms import prefill
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.forms import stat_form_form
from records.stat_forms.layout import QUARTER, SOFT
from records.stat_forms.models import StatForm
from records.stat_forms.paper import paper_lines, paper_workbook, xlsx_download

FORM_PARAM = "form"


def _saved(request, form, save):
    """The service's answer, or its refusal next to its field (above the form when it names none)."""
    return saved_or_told(form, save)


def warn_soft(request, row) -> None:
    """Saved, and what the soft rules say of it (the 校验规则 report lists them too)."""
    for _rule, message in row.form.violations(row.values, SOFT):
        messages.warning(request, f"提示:{message}")


def _page(request, module, form, row=None):
    title = f"{'编辑' if row else '填报'}{form.form_type.text(form.form_type.title)}"
    context = {"module": module, "form": form, "row": row, "title": title, "form_key": form.form_type.key,
               "cancel_url": module.url("detail", row.pk) if row else module.url("list")}  # fmt: skip
    return render(request, "stat_forms/form.html", context)


def suggested_period(request, declared) -> tuple[int, int]:
    """The period the suggested values are of: ?year=&quarter= when given (a link to a form of
    a past quarter), else today's; quarter 0 for a yearly form."""
    today = timezone.localdate()
    year, quarter = request.GET.get("year", ""), request.GET.get("quarter", "")
    year = int(year) if year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    if declared.period_kind != QUARTER:
        return year, 0
    quarter = int(quarter) if quarter in ("1", "2", "3", "4") else (today.month - 1) // 3 + 1
    return year, quarter


@require_http_methods(["GET", "POST"])
def stat_form_create(request, module):
    """新增: first which form (?form=), then its paper form with the suggested values."""
    require_module(request.user, module.key)
    declared = FORM_TYPES.get(request.GET.get(FORM_PARAM, ""))
    if declared is None:
        forms = [(form.key, form.text(form.title)) for form in FORM_TYPES.values()]
        return render(request, "stat_forms/choose.html", {"module": module, "forms": forms, "title": "填报统计表"})
    period = suggested_period(request, declared)
    suggested = prefill.suggestions(declared, request.user.unit, period)
    form = stat_form_form(declared)(
        request.POST or None,
        instance=StatForm(form_type=declared.key),
        suggested=suggested,
        initial={"year": period[0], **({"quarter": period[1]} if period[1] else {})},
    )
    if request.method == "POST" and form.is_valid():
        data = {"form_type": declared.key, **form.header_values(), "values": form.item_values()}
        row = _saved(request, form, lambda: services.record_create(
            actor=request.user, module=module, data=data, request=request))  # fmt: skip
        if row is not None:
            messages.success(request, f"“{row}”已保存。")
            warn_soft(request, row)
            return redirect(module.url("detail", row.pk))
    return _page(request, module, form)


@require_http_methods(["GET", "POST"])
def stat_form_edit(request, module, pk):
    row = get_record_for_user(module, request.user, pk)
    if not services.can_edit(request.user, module, row):
        messages.error(request, services.edit_refusal(request.user, module, row))
        return redirect(module.url("detail", row.pk))
    form = stat_form_form(row.form)(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        data = {**form.header_values(), "values": form.item_values()}
        saved = _saved(request, form, lambda: services.record_update(
            actor=request.user, module=module, row=row, data=data, request=request))  # fmt: skip
        if saved is not None:
            messages.success(request, "已保存。")
            warn_soft(request, saved)
            return redirect(module.url("detail", row.pk))
    return _page(request, module, form, row)


def paper_part(request, module, row) -> dict:
    """records.kit.views.DETAIL_EXTRAS of this module: the filled paper form and its warnings."""
    return {
        "template": "stat_forms/_paper.html",
        "below": True,
        "lines": paper_lines(row.form, row.values),
        "warnings": [message for _rule, message in row.form.violations(row.values, SOFT)],
    }


@require_GET
def stat_form_print(request, module, pk):
    row = get_record_for_user(module, request.user, pk)
    context = {"title": str(row), "header": header_lines(row), "lines": paper_lines(row.form, row.values),
               "back_url": module.url("detail", row.pk)}  # fmt: skip
    return render(request, "stat_forms/print.html", context)


@require_GET
def stat_form_excel(request, module, pk):
    row = get_record_for_user(module, request.user, pk)
    content = paper_workbook(str(row), header_lines(row), row.form, row.values)
    return xlsx_download(content, f"{row}-{row.unit.name}.xlsx")
