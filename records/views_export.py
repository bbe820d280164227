"""Pages of the bulk export (manual 2.5): the request list with its approvals, the request
form, the decision page, the download (its TOTP step is org's second-factor page). Every write is a records.exports
service, which checks the rules again."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.errors import DomainError
from org.models import Module
from org.permissions import module_required
from org.redirects import local_next
from org.services import second_factor
from org.views.switcher import unit_switcher_context
from records import exports, tasks
from records.forms_export import ExportDecisionForm, ExportFilterForm, ExportRequestForm
from records.kit.query import QueryForm
from records.models import ExportState

admin_required = module_required(Module.UNIT_ADMIN)
LIST_LIMIT = 200
OTP_SESSION_KEY = "bulk_export_otp_at"


def _list_url(unit_id=None) -> str:
    return reverse("records:exports") + (f"?unit={unit_id}" if unit_id else "")


def _with_actions(rows, user, labels: QueryForm | None = None) -> list:
    """What the user may do with each row: for showing buttons; the services check again.
    `labels`: the query form that names the conditions (one per page: it reads code tables)."""
    for row in rows:
        own = row.unit_id == user.unit_id
        row.can_edit = own and row.state == ExportState.REQUESTED
        row.can_delete = own and row.state in exports.DELETABLE_STATES
        row.can_download = own and row.state == ExportState.EXPORTED
        row.can_decide = row.state == ExportState.REQUESTED and exports.is_approver(user, row)
        row.can_run_now = row.state == ExportState.APPROVED and (own or exports.is_approver(user, row))
        row.condition_labels = exports.describe_conditions(row.conditions, labels)
    return rows


@require_GET
@admin_required
def export_list(request):
    """2.5.1 申请列表: the selected unit's requests (own unit or a subordinate), filterable, and
    the subordinates' requests waiting for this unit's approval (2.5.3)."""
    switcher = unit_switcher_context(request)
    unit = switcher["selected_unit"]
    form = ExportFilterForm(request.GET or None)
    rows = exports.exports_of_unit(request.user, unit)
    if form.is_bound and form.is_valid():
        rows = exports.filter_exports(rows, **form.cleaned_data)
    rows = list(rows[: LIST_LIMIT + 1])
    pending = list(exports.pending_approvals(request.user.unit))
    labels = exports.files_query_form()() if any(row.conditions for row in rows + pending) else None
    context = {
        **switcher,
        "form": form,
        "rows": _with_actions(rows[:LIST_LIMIT], request.user, labels),
        "pending": _with_actions(pending, request.user, labels),
        "more": len(rows) > LIST_LIMIT,
        "is_own_unit": unit.pk == request.user.unit_id,
        "needs_otp": exports.download_needs_otp(request.user.unit),
        "otp_optional": request.user.unit.depth > 2,
        "otp_bound": second_factor.has_device(request.user),
        "run_now_limit": settings.BULK_EXPORT_RUN_NOW_LIMIT,
        "keep_days": settings.BULK_EXPORT_KEEP_DAYS,
    }
    return render(request, "records/export_list.html", context)


def _save_request(request, form: ExportRequestForm, export=None):
    """Call the request or change service with the form's data; False with the error put on the
    form when it refuses."""
    data = {
        "kinds": form.cleaned_data["kinds"],
        "file_format": form.cleaned_data["file_format"],
        "scope_units": list(form.cleaned_data["scope_units"]),
        "conditions": form.condition_data(),
        "request": request,
    }
    try:
        if export is None:
            return exports.export_request(actor=request.user, **data)
        return exports.export_change(actor=request.user, export_id=export.pk, **data)
    except DomainError as error:
        form.apply_error(error)
        return None


@admin_required
@require_http_methods(["GET", "POST"])
def export_create(request):
    """2.5.1.1 提出申请."""
    form = ExportRequestForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        export = _save_request(request, form)
        if export is not None:
            if export.self_approved:
                messages.success(request, "保存成功。全国总工会的申请无需上级批准,已自动批准,将在夜间导出。")
            else:
                messages.success(request, "保存成功。申请须经上一级单位的用户管理员批准后才会导出。")
            return redirect(_list_url())
    return render(request, "records/export_form.html", {"form": form, "export": None})


@require_http_methods(["GET", "POST"])
def export_edit(request, pk):
    """2.5.1.2 修改申请: only unapproved requests of the own unit."""
    export = exports.get_export_for_user(request.user, pk)
    exports.require_requester(request.user, export)
    if export.state != ExportState.REQUESTED:
        messages.error(request, "只能修改未批准的申请。")
        return redirect(_list_url())
    form = ExportRequestForm(request.POST or None, actor=request.user, export=export)
    if request.method == "POST" and form.is_valid() and _save_request(request, form, export) is not None:
        messages.success(request, "申请已修改。")
        return redirect(_list_url())
    return render(request, "records/export_form.html", {"form": form, "export": export})


@require_POST
def export_delete(request, pk):
    """2.5.1.3 删除申请 (the list asks for confirmation first)."""
    try:
        exports.export_delete(actor=request.user, export_id=pk, request=request)
        messages.success(request, "申请已删除。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_list_url())


@require_http_methods(["GET", "POST"])
def export_decide(request, pk):
    """2.5.3 审批申请: the parent unit's admin approves, or rejects with a reason."""
    export = exports.get_export_for_user(request.user, pk)
    exports.require_approver(request.user, export)
    form = ExportDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            exports.export_decide(
                actor=request.user, export_id=export.pk, approve=approve, reason=form.cleaned_data["reason"],
                request=request,
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_list_url())
        messages.success(request, "批准成功。数据将在夜间导出,也可选择“立即导出”。" if approve else "已不批准该申请。")
        return redirect(_list_url(export.unit_id))  # the request's own list, where 立即导出 is
    context = {"export": _with_actions([export], request.user)[0], "form": form}
    return render(request, "records/export_decide.html", context)


@require_POST
def export_run_now(request, pk):
    """立即导出 of a small approved request."""
    try:
        count = exports.export_run_now(actor=request.user, export_id=pk)
        tasks.send_export(pk)
        messages.success(request, f"已开始导出,共 {count} 条数据;完成后申请单位会收到提醒,刷新本页可下载。")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(local_next(request, _list_url()))


@require_GET
def export_download(request, pk):
    """2.5.4 下载数据: streamed, with a Chinese file name; the TOTP step first where needed."""
    export = exports.get_export_for_user(request.user, pk)
    verified = second_factor.verified_within(request, settings.BULK_EXPORT_OTP_MINUTES)
    if export.unit_id == request.user.unit_id and exports.download_needs_otp(export.unit) and not verified:
        return redirect(reverse("org:second_factor") + "?fresh=1&next=" + request.path)
    try:
        export, path = exports.export_download(
            actor=request.user, export_id=export.pk, otp_verified=verified, request=request
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_list_url())
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=exports.download_file_name(export),
        content_type=exports.download_content_type(export),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@admin_required
@require_POST
def export_otp_setting(request):
    """A unit below province level opts in (or out) of TOTP for its downloads."""
    enabled = request.POST.get("enabled") == "1"
    exports.export_otp_setting(actor=request.user, enabled=enabled, request=request)
    messages.success(request, "已开启下载动态口令验证。" if enabled else "已关闭下载动态口令验证。")
    return redirect(_list_url())
