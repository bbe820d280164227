"""Where a form may send the user on: the one rule for every `next` parameter."""

from django.utils.http import url_has_allowed_host_and_scheme


def local_next(request, default: str = "") -> str:
    """The request's `next` (POST, else GET) when it is a path of this site, else `default`.
    A path only: another host is an open redirect, and redirect() would take a bare word for
    a URL name (a 500 for `next='`)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    local = url.startswith("/") and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return url if local else default
