"""Reads of training beyond the kit's: the employment outcome of an institution's classes, as
the viewing unit sees them (approvals.selectors.visible_to: a class still at its street is not
the county's to count)."""

from django.db.models import Count, Q

from approvals.selectors import visible_to
from records.training.models import TrainingClass

OUTCOME_ROWS = 50  # an institution's newest classes on its page; the classes' statistics count all


def institution_outcome(institution, unit) -> tuple[list[dict], dict]:
    """Per class the unit sees (newest first) and over all of them: trainees, and how many of
    them found work after training. Two grouped queries."""
    classes = visible_to(TrainingClass.objects.filter(institution=institution), unit)
    employed = Count("trainees", filter=Q(trainees__employed_after=True))
    rows = classes.annotate(trainees_count=Count("trainees"), employed=employed).order_by("-starts_on", "-pk")
    shown = list(rows.values("pk", "topic", "session", "starts_on", "trainees_count", "employed")[:OUTCOME_ROWS])
    total = classes.aggregate(classes=Count("pk", distinct=True), trainees_count=Count("trainees"), employed=employed)
    return shown, total
