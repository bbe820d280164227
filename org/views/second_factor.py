"""The second factor's pages: the sign-in step (bind a TOTP device, or enter a token or a
recovery code), the fresh proof a bulk download asks for, and the user's own device page
(new recovery codes, rebinding)."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from org.errors import DomainError
from org.forms.account import SecondFactorForm
from org.redirects import local_next
from org.services import second_factor


def _next_url(request) -> str:
    return local_next(request, reverse("home"))


def _flag(request, name: str) -> bool:
    return "1" in (request.GET.get(name), request.POST.get(name))


def _fresh(request) -> bool:
    return second_factor.verified_within(request, settings.BULK_EXPORT_OTP_MINUTES)


@require_http_methods(["GET", "POST"])
def second_factor_step(request):
    """登录第二步 / 动态口令验证. A session already verified goes on, unless `fresh=1` (a bulk
    download) asks for a new proof or `rebind=1` replaces the device — which needs a fresh
    proof with the old one first: a stolen password alone must not rebind."""
    user = request.user
    next_url = _next_url(request)
    device = second_factor.device_of(user)
    fresh, rebind = _flag(request, "fresh"), _flag(request, "rebind")
    if user.is_verified() and device is not None and not fresh and not rebind:
        return redirect(next_url)
    binding = device is None or (rebind and _fresh(request))
    if rebind and not binding and request.method == "GET":
        messages.warning(request, "更换动态口令前,请先用原来的验证器(或一个恢复码)验证一次。")
    new_device = second_factor.device_start(actor=user) if binding else None
    form = SecondFactorForm(request.POST or None, binding=binding)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        try:
            if binding:
                return _bound(request, token, next_url)
            matched = second_factor.verify(actor=user, token=token, request=request)
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            return _verified(request, matched, next_url, rebind)
    context = {"form": form, "binding": binding, "next": next_url, "fresh": fresh, "rebind": rebind,
               "minutes": settings.BULK_EXPORT_OTP_MINUTES}  # fmt: skip
    if new_device is not None:
        context.update(secret=second_factor.base32_key(new_device), qr=second_factor.qr_svg(new_device),
                       otp_url=new_device.config_url)  # fmt: skip
    return render(request, "org/second_factor/step.html", context)


def _bound(request, token: str, next_url: str):
    """Bind, sign the session in with the new device, and show the recovery codes once
    (rendered, never stored in the session)."""
    device, codes = second_factor.device_confirm(actor=request.user, token=token, request=request)
    django_otp.login(request, device)
    second_factor.mark_verified(request)
    return render(request, "org/second_factor/recovery_codes.html", {"codes": codes, "next": next_url})


def _verified(request, matched, next_url: str, rebind: bool):
    django_otp.login(request, matched)
    second_factor.mark_verified(request)
    if matched.persistent_id != second_factor.device_of(request.user).persistent_id:
        left = second_factor.recovery_codes_left(request.user)
        messages.warning(request, f"您使用了一个恢复码(还剩 {left} 个)。如手机丢失,请尽快重新绑定动态口令。")
    if rebind:
        return redirect(reverse("org:second_factor") + "?rebind=1&next=" + next_url)
    return redirect(next_url)


@require_http_methods(["GET"])
def second_factor_manage(request):
    """我的动态口令: what is bound, how many recovery codes are left."""
    context = {"device": second_factor.device_of(request.user),
               "codes_left": second_factor.recovery_codes_left(request.user),
               "required": second_factor.required_at_sign_in(request.user)}  # fmt: skip
    return render(request, "org/second_factor/manage.html", context)


@require_POST
def recovery_codes_new(request):
    """New recovery codes replace the old; like rebinding, only right after a proof."""
    if second_factor.device_of(request.user) is None:
        messages.error(request, "请先绑定动态口令。")
        return redirect("org:second_factor_manage")
    if not _fresh(request):
        messages.warning(request, "生成新的恢复码前,请先验证一次动态口令。")
        return redirect(reverse("org:second_factor") + "?fresh=1&next=" + reverse("org:second_factor_manage"))
    codes = second_factor.recovery_codes_issue(actor=request.user, request=request)
    return render(request, "org/second_factor/recovery_codes.html",
                  {"codes": codes, "next": reverse("org:second_factor_manage")})  # fmt: skip
