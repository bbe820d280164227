"""Sign-in, first sign-in (manual 0.3–0.4) and password change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from org.forms.account import FirstProfileForm, PasswordChangeForm, UnitContactForm
from org.selectors import ancestors_of
from org.services import accounts


class SignInView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The names django-axes gives its lock page, so both pages state the lock alike.
        context = super().get_context_data(**kwargs)
        context.update(failure_limit=settings.AXES_FAILURE_LIMIT, cooloff_timedelta=settings.AXES_COOLOFF_TIME)
        return context

    def form_valid(self, form):
        if form.cleaned_data.get("password") == settings.DEFAULT_PASSWORD:
            accounts.mark_default_password(user=form.get_user())
        return super().form_valid(form)


def _next_step_or_home(user):
    return redirect(accounts.first_sign_in_step(user) or "home")


@require_http_methods(["GET", "POST"])
def confirm_unit(request):
    user = request.user
    if user.unit_confirmed:
        return _next_step_or_home(user)
    if request.method == "POST":
        confirmed = request.POST.get("answer") == "yes"
        accounts.first_sign_in_confirm_unit(actor=user, confirmed=confirmed, request=request)
        if not confirmed:
            logout(request)
            messages.warning(request, "您已退出。请联系本单位或上级单位的用户管理员更正您的所属单位后再登录。")
            return redirect("login")
        return _next_step_or_home(user)
    context = {"unit": user.unit, "ancestors": ancestors_of(user.unit), "step": 1}
    return render(request, "org/first_sign_in/confirm_unit.html", context)


@require_http_methods(["GET", "POST"])
def complete_profile(request):
    user = request.user
    if not user.unit_confirmed:
        return redirect("org:first_unit_confirm")
    if user.profile_confirmed and not user.must_change_password:
        return _next_step_or_home(user)
    form = FirstProfileForm(request.POST or None, instance=user, require_new_password=user.must_change_password)
    if request.method == "POST" and form.is_valid():
        accounts.first_sign_in_complete_profile(
            actor=user,
            profile={name: form.cleaned_data[name] for name in accounts.PROFILE_FIELDS},
            new_password=form.cleaned_data.get("new_password1"),
            request=request,
        )
        update_session_auth_hash(request, user)
        messages.success(request, "个人信息已确认。")
        return _next_step_or_home(user)
    return render(request, "org/first_sign_in/profile.html", {"form": form, "step": 2})


@require_http_methods(["GET", "POST"])
def complete_unit_details(request):
    user = request.user
    step = accounts.first_sign_in_step(user)
    if step != "org:first_unit_details":
        return redirect(step or "home")
    form = UnitContactForm(request.POST or None, instance=user.unit)
    if request.method == "POST" and form.is_valid():
        accounts.unit_details_complete(actor=user, details=form.cleaned_data, request=request)
        messages.success(request, "单位信息已确认,欢迎使用本系统。")
        return redirect("home")
    return render(request, "org/first_sign_in/unit_details.html", {"form": form, "unit": user.unit, "step": 3})


@require_http_methods(["GET", "POST"])
def change_password(request):
    # Expired: FirstSignInMiddleware sends every other page here until the password is changed.
    expired = accounts.first_sign_in_step(request.user) == "org:password_change"
    if expired:
        accounts.password_expiry_record(actor=request.user, request=request)
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        accounts.password_change(actor=request.user, new_password=form.cleaned_data["new_password1"], request=request)
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("home")
    context = {"form": form, "expired": expired, "max_age_days": settings.PASSWORD_MAX_AGE_DAYS}
    return render(request, "org/password_change.html", context)
