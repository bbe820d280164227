"""The cross-region directory (chapter 20): every signed-in user may look up any unit."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from org.selectors import (
    DIRECTORY_SEARCH_LIMIT,
    ancestors_of,
    children_of,
    directory_search,
    get_directory_unit,
    help_centre_profile_of,
    national_unit,
)


@require_GET
def directory(request):
    """One level of the tree (`?unit=`, the national unit by default) and a search by name (`?q=`)."""
    unit_pk = request.GET.get("unit")
    current = get_directory_unit(unit_pk) if unit_pk else national_unit()
    context = {"current": current, "ancestors": ancestors_of(current), "children": children_of(current)}
    query = request.GET.get("q", "").strip()
    if query:
        results, truncated = directory_search(query)
        context |= {"query": query, "results": results, "truncated": truncated, "limit": DIRECTORY_SEARCH_LIMIT}
    return render(request, "org/directory/directory.html", context)


@require_GET
def directory_unit(request, pk):
    unit = get_directory_unit(pk)
    ancestors = list(ancestors_of(unit))
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "parent": ancestors[-1] if ancestors else None,
        "profile": help_centre_profile_of(unit) if unit.is_help_centre else None,
    }
    return render(request, "org/directory/unit.html", context)
