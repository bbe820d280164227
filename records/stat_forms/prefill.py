"""建议值 (prefill): items another module already knows, offered in the empty boxes of a new
form; the user keeps or overwrites them. A declaration names a source per item
(FormType.prefill); each source reads the unit's own level only, like the form itself."""

from org.selectors import help_centre_profile_of

# The help-centre counts of 帮扶中心统计表 item 01: the unit's own centre (18.3), by its level.
CENTRE_LEVELS = {"help_centres_province": 2, "help_centres_city": 3, "help_centres_county": 4}


def _help_centres(source: str, unit) -> int | None:
    if help_centre_profile_of(unit) is None:
        return None
    if source == "help_centres":
        return 1 if unit.depth in CENTRE_LEVELS.values() else 0
    return 1 if CENTRE_LEVELS[source] == unit.depth else 0


SOURCES = {name: _help_centres for name in ("help_centres", *CENTRE_LEVELS)}


def suggestions(form, unit) -> dict:
    """code → suggested value, for the items the form's sources know of the unit."""
    found = {code: SOURCES[source](source, unit) for code, source in form.prefill.items()}
    return {code: value for code, value in found.items() if value is not None}
