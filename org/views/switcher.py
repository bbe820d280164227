"""The unit switcher of pages that can show a subordinate unit's data (`?unit=<pk>`)."""

from django.utils.safestring import mark_safe

from org.models import Unit
from org.selectors import get_unit_in_subtree, switcher_units
from project.renderers import text


def selected_unit(request) -> Unit:
    """The unit chosen with `?unit=`, within the user's subtree (404 outside), else the own unit."""
    pk = request.GET.get("unit")
    return get_unit_in_subtree(request.user, pk) if pk else request.user.unit


def unit_switcher_context(request) -> dict:
    """Context for templates/partials/unit_switcher.html."""
    return switcher_context(request.user.unit, selected_unit(request))


def switcher_context(own_unit: Unit, selected: Unit) -> dict:
    units = switcher_units(own_unit, selected)
    return {"selected_unit": selected, "switcher_units": units, "switcher_options": options_html(units, selected)}


def options_html(units: list[Unit], selected: Unit) -> str:
    """The switcher's <option>s, written here once: a province's switcher lists every city,
    and the template's loop over them was a fifth of a list page's rendering."""
    return mark_safe(
        "".join(
            f'<option value="{unit.pk}"{" selected" if unit.pk == selected.pk else ""}>'
            f"{text(unit.indent)}{text(unit.name)}</option>\n"
            for unit in units
        )
    )
