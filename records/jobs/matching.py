"""Matching (issue 19, beyond the manual): for a job seeker, the vacancies the viewer's unit sees
that fit — the intention found in the 职位名称 or 工种 (either way round), 文化程度 at least the
required one (the education codes' display order runs from the lowest up), the expected salary
not above the range, the sex and age asked for, still open — ranked by a score (name 4, trade 3,
salary within the range 2, place 2); and for a vacancy, the seekers that fit it the same way,
the employed left out. Each list is one SQL query ordered by its score; 推荐 on a row is one POST
making the recommendation (services.recommend)."""

from datetime import date

from django.contrib import messages
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import NullIf, StrIndex
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from approvals.selectors import visible_to
from org.errors import DomainError
from org.selectors import text_contains
from records.jobs import services
from records.jobs.models import EMPLOYED, JobSeeker, Vacancy
from records.kit import services as kit_services
from records.kit.declaration import get
from records.kit.pages import RECORD, Page
from records.kit.parents import is_id
from records.kit.views import get_record_for_user

MATCHES = 50  # a match list shows the best this many


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def _found_either_way(field: str, text: str, alias: str) -> Q:
    """`text` in the field, or the field's (non-empty) value in `text`: 电工 fits 维修电工 and back."""
    return text_contains(field, text) | Q(**{f"{alias}__gt": 0}) if text else Q(pk__in=[])


def _either_way_alias(field: str, text: str) -> StrIndex:
    return StrIndex(Value(text), NullIf(F(field), Value("")))


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def vacancies_for(seeker: JobSeeker, unit) -> QuerySet:
    """The open vacancies `unit` sees that fit `seeker`, best first (MATCHES of them)."""
    today = timezone.localdate()
    text, head = seeker.intention.strip(), seeker.file.head
    rows = visible_to(Vacancy.objects.all(), unit).alias(
        title_in=_either_way_alias("title", text), trade_in=_either_way_alias("trade", text)
    )
    title_fits, trade_fits = _found_either_way("title", text, "title_in"), _found_either_way("trade", text, "trade_in")
    age = _age(head.birth_date, today)
    fits = (
        (title_fits | trade_fits)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        & (Q(gender="") | Q(gender=head.gender))
        & (Q(age_from__isnull=True) | Q(age_from__lte=age))
        & (Q(age_to__isnull=True) | Q(age_to__gte=age))
        & (Q(education__isnull=True) | Q(education__display_order__lte=_rank(seeker.education)))
    )
    score = _points(title_fits, 4) + _points(trade_fits, 3)
    if (salary := seeker.expected_salary) is not None:
        fits &= Q(salary_to__isnull=True) | Q(salary_to__gte=salary)
        score += _points(Q(salary_from__lte=salary) | Q(salary_from__isnull=True), 2)
    if place := seeker.place.strip():
        rows = rows.alias(place_in=_either_way_alias("place", place))
        score += _points(_found_either_way("place", place, "place_in"), 2)
    rows = rows.filter(fits).annotate(score=score).select_related("recruiter", "education")
    return rows.order_by("-score", "-pk")[:MATCHES]


def seekers_for(vacancy: Vacancy, unit) -> QuerySet:
    """The job seekers not employed that `unit` sees and that fit `vacancy`, best first."""
    today = timezone.localdate()
    rows = visible_to(JobSeeker.objects.exclude(employment__value=EMPLOYED), unit)
    title, trade = vacancy.title.strip(), vacancy.trade.strip()
    rows = rows.alias(in_title=_either_way_alias("intention", title), in_trade=_either_way_alias("intention", trade))
    title_fits = _found_either_way("intention", title, "in_title")
    trade_fits = _found_either_way("intention", trade, "in_trade")
    fits = title_fits | trade_fits
    if vacancy.education_id is not None:
        fits &= Q(education__display_order__gte=vacancy.education.display_order)
    if vacancy.gender:
        fits &= Q(file__head__gender=vacancy.gender)
    if vacancy.age_from is not None:
        fits &= Q(file__head__birth_date__lte=_years_before(today, vacancy.age_from))
    if vacancy.age_to is not None:
        fits &= Q(file__head__birth_date__gt=_years_before(today, vacancy.age_to + 1))
    score = _points(title_fits, 4) + _points(trade_fits, 3)
    if vacancy.salary_to is not None:
        fits &= Q(expected_salary__isnull=True) | Q(expected_salary__lte=vacancy.salary_to)
    if vacancy.salary_from is not None:
        score += _points(Q(expected_salary__gte=vacancy.salary_from), 2)
    if place := vacancy.place.strip():
        rows = rows.alias(in_place=_either_way_alias("place", place))
        score += _points(_found_either_way("place", place, "in_place"), 2)
    rows = rows.filter(fits).annotate(score=score).select_related("file", "education", "employment")
    return rows.order_by("-score", "-pk")[:MATCHES]


def _rank(education) -> int:
    """A seeker's 文化程度 as the requirement compares it; none given meets no requirement."""
    return education.display_order if education is not None else 0


# --- pages ----------------------------------------------------------------------------------------


def _may_recommend(request, seeker) -> bool:
    return kit_services.may_add_child(request.user, get("recommendations"), seeker)


def seeker_matches(request, module, pk):
    seeker = get_record_for_user(module, request.user, pk)
    may = _may_recommend(request, seeker)
    context = {
        "title": f"职位匹配:{seeker}", "seeker": seeker, "back": module.url("detail", seeker.pk),
        "rows": [{"row": row, "recommend": may} for row in vacancies_for(seeker, request.user.unit)],
        "recommend_url": module.url("recommend", seeker.pk), "limit": MATCHES,
    }  # fmt: skip
    return render(request, "jobs/vacancy_matches.html", context)


def vacancy_matches(request, module, pk):
    vacancy = get_record_for_user(module, request.user, pk)
    seekers = get("job_seekers")
    may = request.user.has_module(seekers.permission)  # every seeker listed is one the unit sees
    context = {
        "title": f"匹配人才:{vacancy}", "vacancy": vacancy, "back": module.url("detail", vacancy.pk),
        "rows": [{"row": row, "recommend_url": seekers.url("recommend", row.pk) if may else ""}
                 for row in seekers_for(vacancy, request.user.unit)],
        "limit": MATCHES,
    }  # fmt: skip
    return render(request, "jobs/seeker_matches.html", context)


@require_POST
def recommend(request, module, pk):
    """推荐 a seeker to the vacancy of a match row (POST vacancy=<id>), back to the match list."""
    seeker = get_record_for_user(module, request.user, pk)
    vacancies = get("vacancies")
    back = request.POST.get("back")
    vacancy_pk = request.POST.get("vacancy", "")
    if not is_id(vacancy_pk):
        messages.error(request, "请从匹配列表中选择要推荐的招聘职位。")
        return redirect(module.url("matches", seeker.pk))
    vacancy = get_record_for_user(vacancies, request.user, int(vacancy_pk))
    try:
        made = services.recommend(actor=request.user, seeker=seeker, vacancy=vacancy, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已将{seeker.file.head_name}推荐至“{made.employer}”的“{vacancy.title}”职位。")
    return redirect(vacancies.url("matches", vacancy.pk) if back == "vacancy" else module.url("matches", seeker.pk))


def match_link(label: str):
    """RecordModule.extras of seekers and vacancies: the link to the record's match list."""
    return lambda request, module, row: {
        "template": "jobs/_match_link.html", "url": module.url("matches", row.pk), "label": label,
    }  # fmt: skip


VACANCIES_FOR_SEEKER = Page("matches", "<int:pk>/matches/", seeker_matches, target=RECORD)
SEEKERS_FOR_VACANCY = Page("matches", "<int:pk>/matches/", vacancy_matches, target=RECORD)
RECOMMEND = Page("recommend", "<int:pk>/recommend/", recommend, "post", target=RECORD)
