"""Unit management of a unit admin's subtree (manual 18.2.1–18.2.4)."""

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.errors import DomainError
from org.forms.account import UnitContactForm
from org.forms.units import UnitCreateForm, UnitForm
from org.models import MAX_DEPTH, Unit
from org.permissions import require_user_admin, user_admin_required
from org.selectors import ancestors_of, children_of, get_unit_in_subtree, subtree, users_of_unit
from org.services import units as services

CUT_SESSION_KEY = "org_cut_unit"


def admin_unit(request, pk) -> Unit:
    """Scope before permission (DESIGN §5.3): a unit outside the subtree is 404 for everyone,
    one inside it 403 for a user without the unit-admin permission."""
    unit = get_unit_in_subtree(request.user, pk)
    require_user_admin(request.user)
    return unit


def _cut_unit(request):
    """The unit remembered by 剪切, if it still exists within the admin's subtree."""
    pk = request.session.get(CUT_SESSION_KEY)
    return subtree(request.user.unit).filter(pk=pk).first() if pk else None


def _tree(own_unit, unit, children):
    """Left column: the admin's unit down to the shown unit, then its children — never the
    whole subtree, which is ~50,000 units for the national admin."""
    chain = [*ancestors_of(unit).filter(depth__gte=own_unit.depth), unit]
    rows = [{"unit": u, "level": i, "current": u.pk == unit.pk} for i, u in enumerate(chain)]
    rows += [{"unit": child, "level": len(chain), "current": False} for child in children]
    return rows


def _guard_error(guard, **kwargs) -> str | None:
    """The message of a refused guard, shown on a confirmation page instead of its button."""
    try:
        guard(**kwargs)
    except DomainError as error:
        return error.message
    return None


def ordered_ids(request) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("order")]
    except ValueError:
        return []


@user_admin_required
@require_GET
def unit_home(request):
    return redirect("org:unit_detail", pk=request.user.unit_id)


@require_GET
def unit_detail(request, pk):
    unit = admin_unit(request, pk)
    children = list(children_of(unit))
    context = {
        "unit": unit,
        "tree": _tree(request.user.unit, unit, children),
        "children": children,
        "users": users_of_unit(unit),
        "cut_unit": _cut_unit(request),
        "is_own_unit": unit.pk == request.user.unit_id,
        "can_have_children": unit.depth < MAX_DEPTH,
    }
    return render(request, "org/units/detail.html", context)


@require_http_methods(["GET", "POST"])
def unit_create(request, pk):
    parent = admin_unit(request, pk)
    form = UnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, data=form.cleaned_data, request=request)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"已新建单位“{unit.name}”。")
            return redirect("org:unit_detail", pk=parent.pk)
    context = {"form": form, "parent": parent, "can_have_children": parent.depth < MAX_DEPTH}
    return render(request, "org/units/form.html", context)


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = admin_unit(request, pk)
    # A copy, so that the heading keeps the saved name while the form shows what was typed.
    form_class = UnitContactForm if unit.pk == request.user.unit_id else UnitForm
    form = form_class(request.POST or None, instance=copy(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, data=form.cleaned_data, request=request)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "单位信息已保存。")
            return redirect("org:unit_detail", pk=unit.pk)
    context = {"form": form, "unit": unit, "can_have_children": True, "is_own_unit": form_class is UnitContactForm}
    return render(request, "org/units/form.html", context)


@require_http_methods(["GET", "POST"])
def unit_delete(request, pk):
    unit = admin_unit(request, pk)
    parent = unit.parent_unit()
    error = _guard_error(services.check_subordinate, actor=request.user, unit=unit)
    if request.method == "POST" and error is None:
        try:
            count = services.unit_delete(actor=request.user, unit=unit, request=request)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已删除“{unit.name}”及其下级单位,共 {count} 个单位。")
            return redirect("org:unit_detail", pk=parent.pk)
    context = {"unit": unit, "parent": parent, "error": error, "subtree_size": subtree(unit).count()}
    return render(request, "org/units/delete.html", context)


@require_http_methods(["GET", "POST"])
def unit_cut(request, pk):
    unit = admin_unit(request, pk)
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(CUT_SESSION_KEY, None)
        messages.success(request, "已取消剪切。")
        return redirect("org:unit_detail", pk=unit.pk)
    error = _guard_error(services.check_subordinate, actor=request.user, unit=unit)
    if request.method == "POST" and error is None:
        request.session[CUT_SESSION_KEY] = unit.pk
        messages.success(request, f"已剪切“{unit.name}”。请在左侧选择要粘贴到的单位,再点击“粘贴”。")
        return redirect("org:unit_detail", pk=unit.parent_unit().pk)
    context = {"unit": unit, "error": error, "subtree_size": subtree(unit).count()}
    return render(request, "org/units/cut.html", context)


@require_http_methods(["GET", "POST"])
def unit_paste(request, pk):
    new_parent = admin_unit(request, pk)
    cut_unit = _cut_unit(request)
    if cut_unit is None:
        messages.warning(request, "没有已剪切的单位。请先选择一个下级单位并点击“剪切”。")
        return redirect("org:unit_detail", pk=new_parent.pk)
    error = None
    if request.method == "POST":
        try:
            services.unit_move(actor=request.user, unit=cut_unit, new_parent=new_parent, request=request)
        except DomainError as exc:
            error = exc.message
        else:
            request.session.pop(CUT_SESSION_KEY, None)
            messages.success(request, f"已将“{cut_unit.name}”粘贴到“{new_parent.name}”之下。")
            return redirect("org:unit_detail", pk=cut_unit.pk)
    context = {"unit": cut_unit, "new_parent": new_parent, "error": error, "subtree_size": subtree(cut_unit).count()}
    return render(request, "org/units/paste.html", context)


@require_http_methods(["GET", "POST"])
def unit_order(request, pk):
    parent = admin_unit(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.unit_children_order(
                actor=request.user, parent=parent, ordered_ids=ordered_ids(request), request=request
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "单位顺序已保存。")
            return redirect("org:unit_detail", pk=parent.pk)
    context = {"unit": parent, "children": children_of(parent), "error": error}
    return render(request, "org/units/order.html", context)


@require_POST
def unit_order_reset(request, pk):
    parent = admin_unit(request, pk)
    services.unit_children_order_reset(actor=request.user, parent=parent, request=request)
    messages.success(request, "下级单位已恢复为新建时的顺序。")
    return redirect("org:unit_detail", pk=parent.pk)
