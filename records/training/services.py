"""What is training's own beyond the kit's writes: the warning when a class has more trainees
than its 培训人数 (manual 8.2.3: a warning, not a refusal), and the figures of a unit's own
training that 培训统计表 offers as suggested values (records.stat_forms.prefill)."""

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Count, Q, Sum

from records.training.models import Trainee, TrainingClass, TrainingInstitution


def beyond_planned(training_class: TrainingClass) -> str:
    """The warning when the class has more trainees than it planned for ('' if not)."""
    entered = training_class.trainees.count()
    if entered <= training_class.planned:
        return ""
    return f"培训班“{training_class}”已有学员 {entered} 人,超过培训人数 {training_class.planned} 人,请核对。"


def warn_beyond_planned(row: Trainee, before, actor, request) -> None:
    """RecordModule.after_save of trainees: the saved trainee stands; the page says the class is full."""
    if request is not None and (warning := beyond_planned(row.training_class)):
        messages.warning(request, warning)


# --- 培训统计表 (modules-spec §11): what the unit's own training rows say of a quarter ---------

# 培训类型 values counted in item 三's sub-items; 人员类别 values in item 四's.
TYPE_FIGURES = {"skills": "技能培训", "startup": "创业培训", "degree": "学历教育"}
CATEGORY_FIGURES = {"laid_off": "下岗失业人员", "migrants": "农民工", "in_work": "在职人员", "students": "在读人员"}


def quarter_span(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def quarter_figures(unit, year: int, quarter: int) -> dict[str, int]:
    """The unit's own level only, as its form (DESIGN.md §3): its institutions registered by the
    quarter's end, and its classes that opened in the quarter with their trainees. Three grouped
    queries, whatever the numbers."""
    first, last = quarter_span(year, quarter)
    institutions = TrainingInstitution.objects.filter(unit=unit, registered_on__lte=last).aggregate(
        institutions=Count("pk"),
        certified=Count("pk", filter=Q(certified=True)),
        bases=Count("pk", filter=Q(employment_base=True)),
    )
    classes = TrainingClass.objects.filter(unit=unit, starts_on__range=(first, last))
    planned = {key: Sum("planned", filter=Q(training_type__value=value)) for key, value in TYPE_FIGURES.items()}
    places = classes.aggregate(trained=Sum("planned"), **planned)
    by_category = {key: Count("pk", filter=Q(category__value=value)) for key, value in CATEGORY_FIGURES.items()}
    at_base = Q(training_class__institution__employment_base=True)
    trainees = Trainee.objects.filter(training_class__in=classes).aggregate(
        certificates=Count("pk", filter=Q(certificate=True)),
        base_trainees=Count("pk", filter=at_base),
        base_employed=Count("pk", filter=at_base & Q(employed_after=True)),
        **by_category,
    )
    return {key: value or 0 for key, value in (institutions | places | trainees).items()}
