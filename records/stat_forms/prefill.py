"""建议值 (prefill): items another module already knows, offered in the empty boxes of a new
form; the user keeps or overwrites them. A declaration names a source per item
(FormType.prefill): "<module>:<figure>" reads one figure of a module's public function for the
unit and period, a plain name the help-centre profile ("staff@3" = the centre's staff when the
unit is a city's). Each source reads the unit's own level only, like the form itself.
帮扶中心统计表 reads the unit's help-centre profile (manual 18.3.1); 培训统计表 the unit's
training institutions, classes and trainees of the quarter (records.training.services)."""

from collections import defaultdict

from org.selectors import help_centre_profile_of
from records.training.services import quarter_figures

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


def _centre(unit, sources: dict, period) -> dict:
    profile = help_centre_profile_of(unit)
    if profile is None:
        return {}
    return {code: _from_profile(source, profile, unit) for code, source in sources.items()}


def _training(unit, sources: dict, period) -> dict:
    year, quarter = period
    if not quarter:
        return {}  # 培训统计表 is quarterly; a yearly form has no quarter to count
    figures = quarter_figures(unit, year, quarter)
    return {code: figures[what] for code, what in sources.items()}


# The module a source names before its ":" → (unit, {code: what}, (year, quarter)) → {code: value}.
PROVIDERS = {"": _centre, "training": _training}


def suggestions(form, unit, period: tuple[int, int]) -> dict:
    """code → suggested value, for the items the form's sources know of the unit in the period
    (year, quarter; quarter 0 for a yearly form). One read per module named, whatever the items."""
    by_provider: dict[str, dict] = defaultdict(dict)
    for code, source in form.prefill.items():
        provider, _, what = source.rpartition(":")
        by_provider[provider][code] = what
    found = {}
    for provider, sources in by_provider.items():
        found |= PROVIDERS[provider](unit, sources, period)
    return {code: value for code, value in found.items() if value is not None}
