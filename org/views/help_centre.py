"""The own unit's help-centre profile (manual 18.3.1)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from org.forms.help_centre import HelpCentreProfileForm
from org.selectors import help_centre_profile_of
from org.services.help_centre import can_edit_help_centre_profile, help_centre_profile_save


@require_http_methods(["GET", "POST"])
def help_centre_profile(request):
    unit = request.user.unit
    if not unit.is_help_centre:
        if request.method == "POST":
            raise PermissionDenied("本单位不是帮扶中心,无需填写。")
        return render(request, "org/help_centre.html", {"unit": unit})
    profile = help_centre_profile_of(unit)
    can_edit = can_edit_help_centre_profile(request.user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("只有本单位的用户管理员才能修改本帮扶中心信息。")
    form = None
    if can_edit:
        initial = None if profile else {"centre_name": unit.name}
        form = HelpCentreProfileForm(
            request.POST if request.method == "POST" else None, instance=profile, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            help_centre_profile_save(actor=request.user, data=form.cleaned_data, request=request)
            messages.success(request, "保存成功")
            return redirect("org:help_centre")
    return render(request, "org/help_centre.html", {"unit": unit, "profile": profile, "form": form})
