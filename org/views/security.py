"""安全管理 (the security administrator, 三员): locked accounts, second-factor resets, which
units sign in with the second factor, and the security settings in force."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from org.duties import duty_required
from org.errors import DomainError
from org.models import Duty
from org.services import security, users

security_admin_required = duty_required(Duty.SECURITY)


class LoginForm(forms.Form):
    username = forms.CharField(label="登录名", max_length=150)


class UnitOtpForm(forms.Form):
    unit_code = forms.CharField(label="单位代码", max_length=20)
    enabled = forms.TypedChoiceField(
        label="登录须验证动态口令", choices=[("1", "开启"), ("0", "关闭")], coerce=lambda v: v == "1"
    )


# The page's three forms by prefix; the template names each `<prefix>_form`.
PAGE_FORMS = {"unlock": LoginForm, "reset": LoginForm, "unit": UnitOtpForm}


def _page(request, submitted=None):
    """The page; `submitted`, a refused form, shows again with what was typed."""
    page_forms = {f"{prefix}_form": form_class(prefix=prefix) for prefix, form_class in PAGE_FORMS.items()}
    if submitted is not None:
        page_forms[f"{submitted.prefix}_form"] = submitted
    context = {
        "locked": security.locked_accounts(request.user),
        "policy": security.policy(),
        "otp_units": security.units_with_sign_in_otp(request.user),
        **page_forms,
    }
    return render(request, "org/security/home.html", context)


@require_GET
@security_admin_required
def security_home(request):
    return _page(request)


def _page_form(prefix: str, field: str):
    """The POST view of the page's form `prefix`, from its `action(request, cleaned_data)`,
    which does it and returns the message; a refusal stands next to `field`."""

    def decorator(action):
        @require_POST
        @security_admin_required
        @wraps(action)
        def view(request):
            form = PAGE_FORMS[prefix](request.POST, prefix=prefix)
            if form.is_valid():
                try:
                    message = action(request, form.cleaned_data)
                except DomainError as error:
                    form.add_error(field, error.message)
                else:
                    messages.success(request, message)
                    return redirect("org:security")
            return _page(request, form)

        return view

    return decorator


@_page_form("unlock", "username")
def account_unlock(request, data):
    security.account_unlock(actor=request.user, username=data["username"], request=request)
    return f"已解除“{data['username']}”的锁定。"


@_page_form("reset", "username")
def otp_reset(request, data):
    user = security.user_by_login(request.user, data["username"])
    users.user_otp_reset(actor=request.user, user=user, request=request)
    return f"已重置“{user}”的动态口令,该用户下次登录时重新绑定。"


@_page_form("unit", "unit_code")
def unit_sign_in_otp(request, data):
    unit = security.unit_by_code(request.user, data["unit_code"])
    security.unit_sign_in_otp_set(actor=request.user, unit=unit, enabled=data["enabled"], request=request)
    return f"已{'开启' if data['enabled'] else '关闭'}“{unit.name}”的登录动态口令验证。"
