"""Statistical forms for tests: a form of any declared type as a unit's clerk saves it."""

from datetime import date

from django.utils import timezone

from records.kit import services
from records.kit.declaration import get

YEAR = timezone.localdate().year  # the current period: not locked


def make_form(actor, form_type="school_aid", values=None, *, year=YEAR, quarter=0):
    data = {"form_type": form_type, "year": year, "quarter": quarter, "reporter": "统计员", "phone": "028-1",
            "reported_on": date.today(), "values": values or {}}  # fmt: skip
    return services.record_create(actor=actor, module=get("stat_forms"), data=data)
