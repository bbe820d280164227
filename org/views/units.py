"""Unit management of a unit admin's subtree (manual 18.2.1–18.2.4)."""

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.errors import DomainError
from org.forms.account import UnitContactForm
from org.forms.units import UnitForm
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


def unit_page_url(unit_pk: int) -> str:
    return reverse("org:unit_detail", args=[unit_pk])


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


def back_to_unit(request, message: str, unit_pk: int):
    """A done action: its message, shown on the unit page."""
    messages.success(request, message)
    return redirect("org:unit_detail", pk=unit_pk)


class UnitAdminAction(View):
    """A page of 用户管理 that shows what one action will do and does it when posted (删除,
    剪切, 粘贴, 排序). A subclass gives `load(pk)`, which looks up what the page acts on
    (`admin_unit`: 404 outside the subtree, then 403) and may answer instead of the page when
    there is nothing to act on; `perform()`, which does the action and answers with
    `back_to_unit`; `context(error)`; and `guard()` if the action can be refused before it is
    tried. A refusal, the guard's or the action's own DomainError, shows the page again."""

    http_method_names = ["get", "post"]
    template_name = ""

    def guard(self) -> str | None:
        return None

    def handle(self, request, pk):
        answer = self.load(pk)
        if answer is not None:
            return answer
        error = self.guard()
        if request.method == "POST" and error is None:
            try:
                return self.perform()
            except DomainError as exc:
                error = exc.message
        return render(request, self.template_name, {**self.context(error), "error": error})

    get = post = handle


class OrderPage(UnitAdminAction):
    """排序 of a unit's children or of its users (`items(unit)`), saved in the posted order by
    `save(actor=, unit=, ordered_ids=, request=)`; `done` is the success message."""

    items = save = done = None

    def load(self, pk):
        self.unit = admin_unit(self.request, pk)

    def perform(self):
        self.save(actor=self.request.user, unit=self.unit, ordered_ids=ordered_ids(self.request), request=self.request)
        return back_to_unit(self.request, self.done, self.unit.pk)

    def context(self, error):
        return {"unit": self.unit, "items": self.items(self.unit)}


def order_reset(reset, done: str):
    """重排 of a unit's children or users: back to the order of creation, by
    `reset(actor=, unit=, request=)`; `done` is the success message."""

    @require_POST
    def view(request, pk):
        unit = admin_unit(request, pk)
        reset(actor=request.user, unit=unit, request=request)
        return back_to_unit(request, done, unit.pk)

    return view


def _for_children(service):
    """A unit service on the children of `parent=`, called as the order pages call theirs (`unit=`)."""
    return lambda *, unit, **kwargs: service(parent=unit, **kwargs)


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
    form = UnitForm(request.POST or None)
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


class _SubordinateAction(UnitAdminAction):
    """删除 and 剪切: only of a unit below the admin's own (services.check_subordinate)."""

    def load(self, pk):
        self.unit = admin_unit(self.request, pk)

    def guard(self) -> str | None:
        return _guard_error(services.check_subordinate, actor=self.request.user, unit=self.unit)

    def context(self, error):
        size = subtree(self.unit).count()
        return {
            "unit": self.unit,
            "subtree_size": size,
            "back_url": unit_page_url(self.unit.pk),
            "refused": error is not None,
        }


class UnitDelete(_SubordinateAction):
    template_name = "org/units/delete.html"

    def load(self, pk):
        super().load(pk)
        self.parent = self.unit.parent_unit()

    def perform(self):
        count = services.unit_delete(actor=self.request.user, unit=self.unit, request=self.request)
        return back_to_unit(self.request, f"已删除“{self.unit.name}”及其下级单位,共 {count} 个单位。", self.parent.pk)

    def context(self, error):
        # The national unit has no parent to go back to: it is never deleted.
        return {**super().context(error), "parent": self.parent, "refused": error is not None or self.parent is None}


class UnitCut(_SubordinateAction):
    """剪切 remembers the unit in the session until 粘贴 (or 取消剪切, a button of the unit page)."""

    template_name = "org/units/cut.html"

    def load(self, pk):
        super().load(pk)
        if self.request.method == "POST" and "cancel" in self.request.POST:
            self.request.session.pop(CUT_SESSION_KEY, None)
            return back_to_unit(self.request, "已取消剪切。", self.unit.pk)
        return None

    def perform(self):
        self.request.session[CUT_SESSION_KEY] = self.unit.pk
        message = f"已剪切“{self.unit.name}”。请在左侧选择要粘贴到的单位,再点击“粘贴”。"
        return back_to_unit(self.request, message, self.unit.parent_unit().pk)


class UnitPaste(UnitAdminAction):
    """粘贴 the cut unit under the unit `pk`."""

    template_name = "org/units/paste.html"

    def load(self, pk):
        self.new_parent = admin_unit(self.request, pk)
        self.unit = _cut_unit(self.request)
        if self.unit is None:
            messages.warning(self.request, "没有已剪切的单位。请先选择一个下级单位并点击“剪切”。")
            return redirect("org:unit_detail", pk=self.new_parent.pk)
        return None

    def guard(self) -> str | None:
        return _guard_error(services.check_paste, actor=self.request.user, unit=self.unit, new_parent=self.new_parent)

    def perform(self):
        services.unit_move(actor=self.request.user, unit=self.unit, new_parent=self.new_parent, request=self.request)
        self.request.session.pop(CUT_SESSION_KEY, None)
        return back_to_unit(self.request, f"已将“{self.unit.name}”粘贴到“{self.new_parent.name}”之下。", self.unit.pk)

    def context(self, error):
        size = subtree(self.unit).count()
        return {"unit": self.unit, "new_parent": self.new_parent, "subtree_size": size, "refused": error is not None,
                "back_url": unit_page_url(self.new_parent.pk)}  # fmt: skip


unit_delete = UnitDelete.as_view()
unit_cut = UnitCut.as_view()
unit_paste = UnitPaste.as_view()
unit_order = OrderPage.as_view(
    template_name="org/units/order.html",
    items=children_of,
    save=_for_children(services.unit_children_order),
    done="单位顺序已保存。",
)
unit_order_reset = order_reset(_for_children(services.unit_children_order_reset), "下级单位已恢复为新建时的顺序。")
