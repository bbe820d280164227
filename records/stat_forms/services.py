"""What the kit's services ask of a statistical form before saving it (records.kit.services
.BEFORE_SAVE): one form per unit, form type and period (the database constraint says it too;
here it is said in Chinese, next to 年份), and no entry into a locked period (deadlines)."""

from org.errors import DomainError
from org.models import Module
from records.kit import services
from records.stat_forms import deadlines
from records.stat_forms.models import StatForm


def one_per_period(row: StatForm) -> None:
    others = StatForm.objects.filter(unit_id=row.unit_id, form_type=row.form_type, year=row.year, quarter=row.quarter)
    if others.exclude(pk=row.pk).exists():
        raise DomainError(f"本单位已填报{row},请修改已有的报表。", "year")


def before_save(module, row, actor) -> None:
    if module.key != Module.STAT_FORMS:
        return
    one_per_period(row)
    deadlines.refuse_if_locked(row, actor.unit)


services.BEFORE_SAVE.append(before_save)
