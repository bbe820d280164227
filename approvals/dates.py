"""Date filters of the list pages: a user picks local calendar days; rows carry timestamps."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def on_days(queryset: QuerySet, field: str, date_from: datetime.date | None, date_to: datetime.date | None):
    """Rows whose `field` falls on the days from `date_from` to `date_to`, both included
    (either may be None: open on that side)."""
    if date_from:
        queryset = queryset.filter(**{f"{field}__gte": start_of_day(date_from)})
    if date_to:
        queryset = queryset.filter(**{f"{field}__lt": start_of_day(date_to + datetime.timedelta(days=1))})
    return queryset
