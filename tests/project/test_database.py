"""The project's database sessions."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sessions_run_without_jit_compilation():
    """Compiling a province's statistics query took 90 ms of its 370 (project/settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
