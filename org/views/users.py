"""User management of a unit admin's subtree (manual 18.2.5–18.2.8)."""

from copy import copy

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org.errors import DomainError
from org.forms.users import UserCreateForm, UserForm
from org.models import DISPLAY_TIERS, User
from org.permissions import require_user_admin
from org.selectors import get_user_in_subtree, users_of_unit
from org.services import users as services
from org.services.users import SEARCH_LIMIT
from org.views.switcher import unit_switcher_context
from org.views.units import (
    OrderPage,
    UnitAdminAction,
    admin_unit,
    back_to_unit,
    order_reset,
    ordered_ids,
    unit_page_url,
    user_admin_required,
)


def _admin_user(request, pk) -> User:
    user = get_user_in_subtree(request.user, pk)
    require_user_admin(request.user)
    return user


def _profile(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.USER_FIELDS}


@require_http_methods(["GET", "POST"])
def user_create(request, pk):
    unit = admin_unit(request, pk)
    form = UserCreateForm(request.POST or None, instance=User(unit=unit), unit_admin=services.unit_admin_of(unit))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user, unit=unit, data=_profile(form), password=form.chosen_password(), request=request
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"已新增人员“{user}”。首次登录时须修改密码。")
            if "add_another" in request.POST:
                return redirect("org:user_create", pk=unit.pk)
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/users/form.html", {"form": form, "unit": unit})


@require_http_methods(["GET", "POST"])
def user_edit(request, pk):
    user = _admin_user(request, pk)
    # A copy, so that the heading keeps the saved name while the form shows what was typed.
    form = UserForm(request.POST or None, instance=copy(user), unit_admin=services.unit_admin_of(user.unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=user, data=_profile(form), request=request)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "人员信息已保存。")
            return redirect("org:unit_detail", pk=user.unit_id)
    context = {
        "form": form, "unit": user.unit, "edited_user": user, "is_self": user.pk == request.user.pk,
        "can_reset_otp": services.may_reset_otp(request.user, user) and services.has_otp_device(user),
    }  # fmt: skip
    return render(request, "org/users/form.html", context)


class UserDelete(UnitAdminAction):
    template_name = "org/users/delete.html"

    def load(self, pk):
        self.deleted = _admin_user(self.request, pk)

    def perform(self):
        services.user_delete(actor=self.request.user, user=self.deleted, request=self.request)
        return back_to_unit(self.request, f"已删除人员“{self.deleted}”。", self.deleted.unit_id)

    def context(self, error):
        # Never the own account: the page says so and offers only 返回.
        is_self = self.deleted.pk == self.request.user.pk
        return {"deleted_user": self.deleted, "refused": is_self,
                "back_url": unit_page_url(self.deleted.unit_id)}  # fmt: skip


user_delete = UserDelete.as_view()


def _reset(request, pk, service, done: str):
    """A reset button of the user's edit page: the service, then its outcome as a message."""
    user = _admin_user(request, pk)
    try:
        service(actor=request.user, user=user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(user=user))
    return redirect("org:user_edit", pk=user.pk)


@require_POST
def user_password_reset(request, pk):
    return _reset(request, pk, services.user_password_reset, "“{user}”的密码已重置为默认口令,下次登录时须修改。")


@require_POST
def user_otp_reset(request, pk):
    """重置动态口令: for a user who lost the phone bound for sign-in and bulk downloads."""
    return _reset(request, pk, services.user_otp_reset, "已重置“{user}”的动态口令。该用户下次登录时须重新绑定。")


@user_admin_required
@require_GET
def user_search(request):
    name = request.GET.get("name", "").strip()
    switcher = unit_switcher_context(request)
    within = switcher["selected_unit"]
    results = list(services.user_search(actor=request.user, name=name, within=within)) if name else None
    context = {"name": name, "results": results, "limit": SEARCH_LIMIT, **switcher}
    return render(request, "org/users/search.html", context)


class UserOrderPage(OrderPage):
    """人员排序 with each user's display tier (18.2.8: 最多 6 层), posted as tier_<pk>."""

    def perform(self):
        tiers = {}
        for user in self.items(self.unit):
            value = self.request.POST.get(f"tier_{user.pk}", "")
            if value:
                tiers[user.pk] = int(value) if value.isascii() and value.isdigit() else 0  # 0: refused
        self.save(actor=self.request.user, unit=self.unit, ordered_ids=ordered_ids(self.request), tiers=tiers,
                  request=self.request)  # fmt: skip
        return back_to_unit(self.request, self.done, self.unit.pk)

    def context(self, error):
        return super().context(error) | {"tiers": range(1, DISPLAY_TIERS + 1)}


user_order = UserOrderPage.as_view(
    template_name="org/users/order.html", items=users_of_unit, save=services.unit_users_order, done="人员顺序已保存。"
)
user_order_reset = order_reset(services.unit_users_order_reset, "人员已恢复为新增时的顺序。")
