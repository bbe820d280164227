"""The quick report / quick return page of a module (manual 2.6, 3.3, 14.4): the acting unit's
subordinate units with how many rows each has waiting, and the two one-click actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from approvals import registry, services
from approvals.forms import ReturnReasonField
from approvals.lists import report_result
from approvals.selectors import waiting_counts
from org.errors import DomainError
from org.permissions import require_module
from org.selectors import children_of, get_unit_in_subtree


def _module_for(request, module_key: str):
    try:
        module = registry.get(module_key)
    except KeyError:
        raise Http404("没有这个模块。") from None
    require_module(request.user, module.key)
    return module


@require_http_methods(["GET", "POST"])
def quick_actions(request, module_key: str):
    module = _module_for(request, module_key)
    unit = request.user.unit
    if request.method == "POST":
        return _run_quick_action(request, module)
    counts = waiting_counts(module, unit)
    children = [(child, counts.get(child.path, 0)) for child in children_of(unit)]
    context = {
        "module": module,
        "own_count": counts.get("", 0),
        "total": sum(counts.values()),
        "children": children,
        "can_report": services.has_report_target(unit),
    }
    return render(request, "approvals/quick.html", context)


def _run_quick_action(request, module):
    kind, _, unit_pk = request.POST.get("move", "").partition(":")
    if kind not in ("quick_report", "quick_return"):
        messages.error(request, "请选择快速上报或快速退回。")
        return redirect(request.path)
    scope = get_unit_in_subtree(request.user, unit_pk)
    message = request.POST.get("message", "").strip()[:500]
    try:
        if kind == "quick_report":
            result = services.quick_report(
                actor=request.user, module_key=module.key, scope=scope, message=message, request=request
            )
        else:
            result = services.quick_return(
                actor=request.user, module_key=module.key, child=scope, message=message, request=request,
                reason=_reason(request),
            )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
    else:
        report_result(request, result, kind)
    return redirect(request.path)


def _reason(request):
    """The chosen 退回原因; one not of the table is told, as a DomainError, before anything moves."""
    field = ReturnReasonField()
    try:
        return field.clean(request.POST.get("reason", ""))
    except ValidationError as error:
        raise DomainError(error.messages[0], field="reason") from error
