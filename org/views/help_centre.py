"""The own unit's help-centre profile (manual 18.3.1) and the query of the help centres below
(18.3.2); their statistics (18.3.3) are forms_stats.help_centres'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from org.forms.help_centre import HelpCentreFilter, HelpCentreProfileForm
from org.selectors import help_centre_profile_of, help_centres_in
from org.services.help_centre import can_edit_help_centre_profile, help_centre_profile_save
from org.views.switcher import unit_switcher_context


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


HELP_CENTRE_QUERY_LIMIT = 500  # rows of one page of results: beyond it a query is to be narrowed


@require_GET
def help_centre_query(request):
    """帮扶中心信息查询 (manual 18.3.2): the help centres of the switcher's unit (`?unit=`, 404
    outside the user's subtree) or its subtree, by the conditions; each row opens its unit's
    card in the directory, which shows the profile."""
    switcher = unit_switcher_context(request)
    below = request.GET.get("include_subordinates") == "1" or "q" not in request.GET
    profiles = help_centres_in(switcher["selected_unit"], include_subordinates=below)
    query = HelpCentreFilter(request.GET if "q" in request.GET else None, queryset=profiles)
    results = list(query.qs[: HELP_CENTRE_QUERY_LIMIT + 1]) if query.is_bound and query.is_valid() else None
    context = {
        **switcher,
        "filter": query,
        "include_subordinates": below,
        "results": results[:HELP_CENTRE_QUERY_LIMIT] if results is not None else None,
        "truncated": results is not None and len(results) > HELP_CENTRE_QUERY_LIMIT,
        "limit": HELP_CENTRE_QUERY_LIMIT,
    }
    return render(request, "org/help_centre_query.html", context)
