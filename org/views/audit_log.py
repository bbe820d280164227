"""The audit viewer (审计日志): the audit administrator (三员) searches the log and exports it.
The log and its reads are the ground floor's (audit); who may read them is org's.

Both pages are audited: a search when its form is submitted (turning its pages is the same
search, not audited again) and every export, with the conditions it used."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import excel, selectors
from audit.events import AuditLogEvent
from audit.forms import AuditSearchForm
from audit.services import audit_record
from audit.spreadsheets import XLSX
from org.duties import duty_required
from org.models import Duty
from org.selectors import audit_rows_for

CURSORS = ("after", "before")


def _search_of(request) -> tuple[AuditSearchForm, QueryDict]:
    """The form bound to the request's conditions (unbound when none is given), and those
    conditions as a query string without the page cursor."""
    query = request.GET.copy()
    for name in CURSORS:
        query.pop(name, None)
    return AuditSearchForm(query or None), query


def _matching(request, form: AuditSearchForm):
    rows = audit_rows_for(request.user)
    return selectors.filter_audit_rows(rows, **form.cleaned_data) if form.is_bound else rows


def _page(request, form: AuditSearchForm) -> selectors.Page:
    page = selectors.audit_page(
        _matching(request, form), after=request.GET.get("after"), before=request.GET.get("before")
    )
    for row in page.rows:
        row.object_type_label = selectors.object_type_label(row.object_type)
        row.detail_text = selectors.detail_text(row)
    return page


@require_GET
@duty_required(Duty.AUDIT)
def audit_log(request):
    form, query = _search_of(request)
    page = _page(request, form) if not form.is_bound or form.is_valid() else None
    turning_pages = any(name in request.GET for name in CURSORS)
    if page is not None and form.is_bound and not turning_pages:
        audit_record(
            event=AuditLogEvent.AUDIT_SEARCHED, actor=request.user, request=request,
            detail={"conditions": form.conditions()},
        )  # fmt: skip
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "page_size": selectors.PAGE_SIZE,
        "max_rows": excel.MAX_ROWS,
    }
    return render(request, "audit/log.html", context)


@require_GET
@duty_required(Duty.AUDIT)
def audit_export(request):
    """导出Excel of what the search finds, newest first."""
    form, query = _search_of(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "查询条件有误,请修改后再导出。")
        return redirect(f"{reverse('org:audit_log')}?{query.urlencode()}")
    file = tempfile.TemporaryFile()  # closed by the response once sent
    written = excel.write_audit_workbook(file, _matching(request, form))
    file.seek(0)
    audit_record(
        event=AuditLogEvent.AUDIT_EXPORTED,
        actor=request.user,
        request=request,
        detail={
            "conditions": form.conditions() if form.is_bound else {},
            "rows": written.rows,
            "capped": written.capped,
        },
    )
    filename = f"审计日志{timezone.localtime():%Y%m%d%H%M}.xlsx"
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)
