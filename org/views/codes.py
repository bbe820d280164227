"""Code-table maintenance (manual 18.1), for the national unit's admin only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from org.forms.codes import CodeValueForm
from org.models import Code, CodeTable
from org.permissions import national_admin_required
from org.services import codes as code_services


def _page_url(table: CodeTable, code: Code | None = None) -> str:
    url = f"{reverse('org:code_tables')}?table={table.pk}"
    return f"{url}&code={code.pk}" if code else url


def _render_page(request, table, code=None, *, add_form=None, rename_form=None):
    context = {
        "tables": CodeTable.objects.all(),
        "table": table,
        "codes": table.codes.all() if table else [],
        "code": code,
        "add_form": add_form or CodeValueForm(prefix="add"),
        "rename_form": rename_form or (code and CodeValueForm(prefix="rename", initial={"value": code.value})),
    }
    return render(request, "org/codes/code_tables.html", context)


def _get_or_404(model, value: str, **filters):
    if not (value.isascii() and value.isdigit()):  # "²" is a digit to isdigit, not to int()
        raise Http404
    return get_object_or_404(model, pk=value, **filters)


@national_admin_required
@require_GET
def code_tables(request):
    table_pk = request.GET.get("table")
    table = _get_or_404(CodeTable, table_pk) if table_pk else CodeTable.objects.first()
    code_pk = request.GET.get("code")
    code = _get_or_404(Code, code_pk, table=table) if table and code_pk else None
    return _render_page(request, table, code)


@national_admin_required
@require_POST
def code_add(request, table_pk):
    table = get_object_or_404(CodeTable, pk=table_pk)
    form = CodeValueForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            value = form.cleaned_data["value"]
            code = code_services.code_add(actor=request.user, table=table, value=value, request=request)
        except ValidationError as error:
            form.add_error("value", error)
        else:
            messages.success(request, f"已增加代码值“{code.value}”。")
            return redirect(_page_url(table))
    return _render_page(request, table, add_form=form)


@national_admin_required
@require_POST
def code_rename(request, pk):
    code = get_object_or_404(Code.objects.select_related("table"), pk=pk)
    form = CodeValueForm(request.POST, prefix="rename")
    if form.is_valid():
        try:
            code_services.code_rename(actor=request.user, code=code, value=form.cleaned_data["value"], request=request)
        except ValidationError as error:
            form.add_error("value", error)
            code.refresh_from_db(fields=["value"])  # the list shows the stored value
        else:
            messages.success(request, f"已修改为“{code.value}”。")
            return redirect(_page_url(code.table, code))
    return _render_page(request, code.table, code, rename_form=form)


@national_admin_required
@require_POST
def code_delete(request, pk):
    code = get_object_or_404(Code.objects.select_related("table"), pk=pk)
    try:
        code_services.code_delete(actor=request.user, code=code, request=request)
    except ValidationError as error:
        messages.error(request, error.message)
        return redirect(_page_url(code.table, code))
    messages.success(request, f"已删除代码值“{code.value}”。")
    return redirect(_page_url(code.table))


@national_admin_required
@require_POST
def code_order(request, table_pk):
    table = get_object_or_404(CodeTable, pk=table_pk)
    try:
        code_ids = [int(pk) for pk in request.POST.getlist("order")]
        code_services.codes_order(actor=request.user, table=table, code_ids=code_ids, request=request)
    except (ValueError, ValidationError):
        messages.error(request, "代码值已被他人修改,请刷新页面后重新排序。")
    else:
        messages.success(request, "顺序已保存。")
    return redirect(_page_url(table))
