"""The statistical forms' own writes, and what the kit's services ask of a form before saving
it (records.kit.services.BEFORE_SAVE): one form per unit, form type and period (the database
constraint says it too; here it is said in Chinese, next to 年份), and no entry into a locked
period (deadlines)."""

from datetime import date

from django.db import IntegrityError, transaction

from audit.services import audit_record
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module
from records.stat_forms import deadlines
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.events import StatFormEvent
from records.stat_forms.models import StatDeadline, StatException, StatForm, period_label


def one_per_period(row: StatForm) -> None:
    others = StatForm.objects.filter(unit_id=row.unit_id, form_type=row.form_type, year=row.year, quarter=row.quarter)
    if others.exclude(pk=row.pk).exists():
        raise DomainError(f"本单位已填报{row},请修改已有的报表。", "year")


def before_save(row: StatForm, actor: User) -> None:
    """RecordModule.before_save of the forms: one per unit, type and period; no locked period."""
    one_per_period(row)
    deadlines.refuse_if_locked(row, actor.unit)


def _period(form_type: str, year: int, quarter: int) -> str:
    form = FORM_TYPES[form_type]
    return f"{period_label(year, quarter)}{form.text(form.title)}"


def can_set_deadlines(actor: User) -> bool:
    return actor.has_module(Module.STAT_FORMS) and actor.unit.depth == 1


@transaction.atomic
def deadline_set(*, actor: User, form_type: str, year: int, quarter: int, due_on: date, grace_days: int,
                 request=None) -> StatDeadline:  # fmt: skip
    """The national unit sets a form period's due date and grace days."""
    if not can_set_deadlines(actor):
        raise DomainError("只有全国总工会的报表管理用户才能设置上报截止日期。")
    deadline, _created = StatDeadline.objects.update_or_create(
        form_type=form_type, year=year, quarter=quarter, defaults={"due_on": due_on, "grace_days": grace_days}
    )
    detail = {"form_type": form_type, "year": year, "quarter": quarter, "due_on": due_on.isoformat(),
              "grace_days": grace_days}  # fmt: skip
    audit_record(event=StatFormEvent.DEADLINE_SET, actor=actor, request=request, obj=deadline, detail=detail)
    return deadline


def can_grant_exception(actor: User, unit: Unit) -> bool:
    return actor.has_module(Module.STAT_FORMS) and unit.depth == actor.unit.depth + 1 and unit.is_within(actor.unit)


@transaction.atomic
def exception_grant(*, actor: User, unit: Unit, form_type: str, year: int, quarter: int, request=None) -> StatException:
    """The parent unit lets one child unit enter a locked period's form."""
    require_module(actor, Module.STAT_FORMS)
    if not can_grant_exception(actor, unit):
        raise DomainError("只有上级单位才能批准逾期填报。")
    if not deadlines.is_locked(form_type, year, quarter, unit):
        raise DomainError(f"{unit.name}的{_period(form_type, year, quarter)}未锁定,不需要批准。")
    try:
        with transaction.atomic():
            granted = StatException.objects.create(
                unit=unit, form_type=form_type, year=year, quarter=quarter, granted_by=actor
            )
    except IntegrityError:  # granted by another user at the same moment
        raise DomainError(f"{unit.name}的{_period(form_type, year, quarter)}已批准逾期填报。") from None
    detail = {"unit": unit.pk, "form_type": form_type, "year": year, "quarter": quarter}
    audit_record(event=StatFormEvent.EXCEPTION_GRANTED, actor=actor, request=request, obj=granted, detail=detail)
    return granted
