"""The unit switcher of pages that can show a subordinate unit's data (`?unit=<pk>`)."""

from org.models import Unit
from org.selectors import get_unit_in_subtree, switcher_units


def selected_unit(request) -> Unit:
    """The unit chosen with `?unit=`, within the user's subtree (404 outside), else the own unit."""
    pk = request.GET.get("unit")
    return get_unit_in_subtree(request.user, pk) if pk else request.user.unit


def unit_switcher_context(request) -> dict:
    """Context for templates/partials/unit_switcher.html."""
    return switcher_context(request.user.unit, selected_unit(request))


def switcher_context(own_unit: Unit, selected: Unit) -> dict:
    return {"selected_unit": selected, "switcher_units": switcher_units(own_unit, selected)}
