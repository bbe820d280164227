"""建议值 (prefill): items another module already knows, offered in the empty boxes of a new
form; the user keeps or overwrites them. A declaration names a source per item
(FormType.prefill: "staff@3" = the help centre's staff when the unit is a city's); each source
reads the unit's own level only, like the form itself. 帮扶中心统计表 reads the unit's help-centre
profile (manual 18.3.1); 培训统计表 would read the training module (ch. 8), which is not built yet."""

from org.selectors import help_centre_profile_of

CENTRE_LEVELS = (2, 3, 4)  # province, city, county: the levels 帮扶中心统计表 counts centres at
PROFILE = {
    "count": lambda profile: 1,
    "staff": lambda profile: profile.full_time_staff + profile.part_time_staff,
    "full_time": lambda profile: profile.full_time_staff,
    "premises": lambda profile: int(profile.has_independent_premises),
    "hotline": lambda profile: int(profile.has_hotline),
    "budget": lambda profile: profile.annual_budget,
}


def _from_profile(source: str, profile, unit):
    what, _, level = source.partition("@")
    if unit.depth not in CENTRE_LEVELS or (level and int(level) != unit.depth):
        return 0
    return PROFILE[what](profile)


def suggestions(form, unit) -> dict:
    """code → suggested value, for the items the form's sources know of the unit."""
    if not form.prefill:
        return {}
    profile = help_centre_profile_of(unit)
    if profile is None:
        return {}
    found = {code: _from_profile(source, profile, unit) for code, source in form.prefill.items()}
    return {code: value for code, value in found.items() if value is not None}
