"""Deadlines, the lock and its exceptions (beyond the manual, after DHIS2's expiry days).

A form's period is due on its StatDeadline's date, set by the national unit, or else
DEFAULT_DUE_DAYS after the period ends. After the due date plus the grace days the period is
locked for entry: a form of it is neither created nor changed, unless the owner's parent unit
granted that unit an exception (StatException, in the audit log)."""

from datetime import date, timedelta

from django.utils import timezone

from org.errors import DomainError
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.layout import QUARTER
from records.stat_forms.models import StatDeadline, StatException, period_label

DEFAULT_DUE_DAYS = 31
DEFAULT_GRACE_DAYS = 15


def period_end(year: int, quarter: int) -> date:
    if not quarter:
        return date(year, 12, 31)
    return date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - timedelta(days=1)


def deadline_of(form_type: str, year: int, quarter: int) -> tuple[date, int]:
    """(due date, grace days) of one form's period."""
    set_ = StatDeadline.objects.filter(form_type=form_type, year=year, quarter=quarter).first()
    if set_ is not None:
        return set_.due_on, set_.grace_days
    return period_end(year, quarter) + timedelta(days=DEFAULT_DUE_DAYS), DEFAULT_GRACE_DAYS


def locked_since(form_type: str, year: int, quarter: int) -> date:
    due, grace = deadline_of(form_type, year, quarter)
    return due + timedelta(days=grace + 1)


def today() -> date:
    return timezone.localdate()


def is_locked(form_type: str, year: int, quarter: int, unit, on: date | None = None) -> bool:
    """Past the grace days and without the unit's exception."""
    if (on or today()) < locked_since(form_type, year, quarter):
        return False
    excepted = StatException.objects.filter(unit=unit, form_type=form_type, year=year, quarter=quarter)
    return not excepted.exists()


def refuse_if_locked(row, unit) -> None:
    if is_locked(row.form_type, row.year, row.quarter, unit):
        title = FORM_TYPES[row.form_type].text(FORM_TYPES[row.form_type].title)
        raise DomainError(
            f"{period_label(row.year, row.quarter)}{title}已过上报截止日期和宽限期,已锁定;请上级单位批准逾期填报。",
            "year",
        )


def periods_of(form_type: str, year: int) -> list[int]:
    """The quarters a year has for a form: 1–4 for a quarterly one, 0 (the whole year) otherwise."""
    return [1, 2, 3, 4] if FORM_TYPES[form_type].period_kind == QUARTER else [0]
