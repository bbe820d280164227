"""Sign-in and first sign-in (manual 0.3–0.4), password rules and the default password."""

import pytest
from django.urls import reverse

from approvals.models import AuditEvent, AuditLog
from org.models import User
from tests.conftest import CAST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_cast_user_reaches_home(cast):
    response = cast.client("street_a").get(reverse("home"))
    assert response.status_code == 200
    assert "浆洗街街道工会" in response.content.decode()
