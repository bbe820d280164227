"""The project's database sessions."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sessions_run_without_jit_compilation():
    """Compiling a province's statistics query took 90 ms of its 370 (project/settings.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_connection_options_are_added_to_those_the_url_gives():
    from project.settings import with_connection_options

    assert with_connection_options({"NAME": "x"})["OPTIONS"] == {"options": "-c jit=off"}
    given = {"NAME": "x", "OPTIONS": {"host": "/var/run", "options": "-c statement_timeout=5000"}}
    assert with_connection_options(given)["OPTIONS"] == {
        "host": "/var/run",
        "options": "-c statement_timeout=5000 -c jit=off",
    }
    assert given["OPTIONS"]["options"] == "-c statement_timeout=5000"  # the entry itself is not changed
