"""安全管理 (the security administrator, 三员): locked accounts, second-factor resets, which
units sign in with the second factor, and the security settings in force."""

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


def _page(request, **forms_):
    context = {
        "locked": security.locked_accounts(request.user),
        "policy": security.policy(),
        "otp_units": security.units_with_sign_in_otp(request.user),
        "unlock_form": forms_.get("unlock_form") or LoginForm(prefix="unlock"),
        "reset_form": forms_.get("reset_form") or LoginForm(prefix="reset"),
        "unit_form": forms_.get("unit_form") or UnitOtpForm(prefix="unit"),
    }
    return render(request, "org/security/home.html", context)


@require_GET
@security_admin_required
def security_home(request):
    return _page(request)


def _submitted(request, form, field: str, action, form_name: str):
    """One of the page's three forms: `action(cleaned_data)` does it and returns the message;
    a refusal stands next to `field`, the page shown again with what was typed."""
    if form.is_valid():
        try:
            message = action(form.cleaned_data)
        except DomainError as error:
            form.add_error(field, error.message)
        else:
            messages.success(request, message)
            return redirect("org:security")
    return _page(request, **{form_name: form})


@require_POST
@security_admin_required
def account_unlock(request):
    def unlock(data):
        security.account_unlock(actor=request.user, username=data["username"], request=request)
        return f"已解除“{data['username']}”的锁定。"

    return _submitted(request, LoginForm(request.POST, prefix="unlock"), "username", unlock, "unlock_form")


@require_POST
@security_admin_required
def otp_reset(request):
    def reset(data):
        user = security.user_by_login(request.user, data["username"])
        users.user_otp_reset(actor=request.user, user=user, request=request)
        return f"已重置“{user}”的动态口令,该用户下次登录时重新绑定。"

    return _submitted(request, LoginForm(request.POST, prefix="reset"), "username", reset, "reset_form")


@require_POST
@security_admin_required
def unit_sign_in_otp(request):
    def set_otp(data):
        unit = security.unit_by_code(request.user, data["unit_code"])
        security.unit_sign_in_otp_set(actor=request.user, unit=unit, enabled=data["enabled"], request=request)
        return f"已{'开启' if data['enabled'] else '关闭'}“{unit.name}”的登录动态口令验证。"

    return _submitted(request, UnitOtpForm(request.POST, prefix="unit"), "unit_code", set_otp, "unit_form")
