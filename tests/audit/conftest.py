"""The audit administrators (三员) are no members of the shared cast: these tests add them,
the national unit's and one of province_a, next to the other two duty accounts."""

import pgtrigger
import pytest
from django.urls import reverse

from audit.events import SignInEvent
from audit.models import AuditLog
from org.models import Duty
from tests.conftest import make_user

LOG = reverse("org:audit_log")
EXPORT = reverse("org:audit_export")
DUTY_ACCOUNTS = [
    # username, unit key, duty
    ("national_audit", "national", Duty.AUDIT),
    ("province_a_audit", "province_a", Duty.AUDIT),
    ("national_system", "national", Duty.SYSTEM),
    ("national_security", "national", Duty.SECURITY),
]


@pytest.fixture
def cast(cast):
    for username, unit_key, duty in DUTY_ACCOUNTS:
        cast.users[username] = make_user(username, cast.units[unit_key], [], duty=duty)
    return cast


def logged(*, at=None, **fields) -> AuditLog:
    """An audit row; `at` moves it back in time (as the owner, past the no-update trigger:
    the model stamps `at` itself)."""
    row = AuditLog.objects.create(**{"event": SignInEvent.SIGN_IN, **fields})
    if at is not None:
        with pgtrigger.ignore("audit.AuditLog:audit_log_append_only"):
            AuditLog.objects.filter(pk=row.pk).update(at=at)
        row.refresh_from_db()
    return row


def found(cast, auditor: str = "national_audit", **conditions) -> list[AuditLog]:
    """The rows the viewer's first page shows `auditor` for a search with `conditions`."""
    response = cast.client(auditor).get(LOG, conditions)
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["page"].rows
