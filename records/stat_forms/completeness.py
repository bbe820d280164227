"""Completeness and timeliness (beyond the manual, after DHIS2's reporting-rate reports): for a
unit and a form's period, per subordinate area how many units are expected (every unit of the
area's subtree), how many reported on time, late, or not at all; and each child unit's own
form, so a county sees which streets are missing.

A form counts as reported once it has left its owner and reached the viewing unit: read
through the one visibility selector (forms_stats.crosstab.scope), like every statistic. On time
is a first report (StatForm.first_reported_at) on or before the period's due date. Two grouped
queries and one for the children, whatever the scope's size."""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Left
from django.utils import timezone

from forms_stats.crosstab import TOTAL, scope
from org.models import Unit
from org.selectors import children_of
from records.stat_forms import deadlines
from records.stat_forms.layout import FormType
from records.stat_forms.models import StatForm

ON_TIME, LATE, MISSING = "on_time", "late", "missing"
STATUS_LABELS = {ON_TIME: "按时上报", LATE: "逾期上报", MISSING: "未上报"}


@dataclass
class Area:
    label: str
    unit: Unit | None
    expected: int
    on_time: int = 0
    late: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.on_time - self.late

    def rate(self, count: int) -> str:
        return f"{count * 100 / self.expected:.1f}%" if self.expected else "—"

    @property
    def reported_rate(self) -> str:
        return self.rate(self.on_time + self.late)

    @property
    def on_time_rate(self) -> str:
        return self.rate(self.on_time)


@dataclass
class UnitStatus:
    unit: Unit
    status: str
    reported_at: object = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Completeness:
    unit: Unit
    due_on: object
    locked: bool
    areas: list[Area]
    total: Area
    units: list[UnitStatus]  # the unit itself (本级), then its children


def _reported(form_type: str, year: int, quarter: int, *, viewer: Unit, unit: Unit):
    forms = StatForm.objects.filter(form_type=form_type, year=year, quarter=quarter)
    return scope(forms, viewer=viewer, unit=unit).exclude(holder_id=F("unit_id")).order_by()


def completeness(form: FormType, year: int, quarter: int, *, viewer: Unit, unit: Unit, today=None) -> Completeness:
    form_type = form.key
    due, _grace = deadlines.deadline_of(form_type, year, quarter)
    width = len(unit.path) + Unit.steplen
    below = Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth).order_by()
    expected = dict(below.annotate(area=Left("path", width)).values_list("area").annotate(n=Count("pk")))
    reported = _reported(form_type, year, quarter, viewer=viewer, unit=unit).exclude(unit_id=unit.pk)
    late = Q(first_reported_at__date__gt=due)
    counts = {
        row["area"]: row
        for row in reported.annotate(area=Left("unit_path", width)).values("area").annotate(
            n=Count("pk"), late=Count("pk", filter=late)
        )
    }  # fmt: skip
    children = list(children_of(unit))
    areas = []
    for child in children:
        found = counts.get(child.path, {"n": 0, "late": 0})
        areas.append(Area(child.name, child, expected.get(child.path, 0), found["n"] - found["late"], found["late"]))
    total = Area(TOTAL, None, sum(a.expected for a in areas), sum(a.on_time for a in areas), sum(a.late for a in areas))
    return Completeness(
        unit=unit, due_on=due, locked=deadlines.locked_since(form_type, year, quarter) <= (today or deadlines.today()),
        areas=areas, total=total, units=_unit_statuses(form_type, year, quarter, viewer, unit, children, due),
    )  # fmt: skip


def _unit_statuses(form_type, year, quarter, viewer, unit, children, due) -> list[UnitStatus]:
    """The unit's own form (本级) and each child's, by the same rule."""
    units = [unit, *children]
    reported = _reported(form_type, year, quarter, viewer=viewer, unit=unit).filter(unit__in=units)
    first = dict(reported.values_list("unit_id", "first_reported_at"))
    statuses = []
    for each in units:
        if each.pk not in first:
            status = MISSING
        else:
            at = first[each.pk]
            status = LATE if at is not None and timezone.localtime(at).date() > due else ON_TIME
        statuses.append(UnitStatus(each, status, first.get(each.pk)))
    return statuses
