"""The application's database role cannot rewrite history (issue 14 item 3).

As the owner, all four of these succeeded on the audit log and the movement log. The app role
(approvals.database_roles) owns no table and has only SELECT and INSERT on them.
"""

import os

import psycopg
import pytest
from django.db import connection

from approvals.database_roles import append_only_tables, grant_app_role

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT, MOVEMENTS = "approvals_auditlog", "approvals_movement"


@pytest.fixture
def app_connection():
    """A connection to the test database as an app role granted like production's."""
    role = f"bangfu_app_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    grant_app_role(role)
    settings = connection.settings_dict
    params = {"dbname": settings["NAME"], "user": role, "host": settings["HOST"] or None,
              "port": settings["PORT"] or None, "autocommit": True}  # fmt: skip
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as app:
        yield app


def audit_row(app) -> int:
    return app.execute(
        f"INSERT INTO {AUDIT} (at, event, username, unit_name, object_type, object_id, object_repr, success, detail) "
        "VALUES (now(), 'login', 'probe', '', '', '', '', true, '{}') RETURNING id"
    ).fetchone()[0]


def refused(app, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        app.execute(statement)
    return str(error.value)


def test_the_append_only_tables_are_found_from_their_triggers():
    assert {AUDIT, MOVEMENTS} <= set(append_only_tables())


def test_the_app_role_appends_and_reads_but_cannot_rewrite_the_logs(app_connection):
    app = app_connection
    row = audit_row(app)
    assert app.execute(f"SELECT count(*) FROM {AUDIT} WHERE id = %s", [row]).fetchone()[0] == 1
    for table in (AUDIT, MOVEMENTS):
        refused(app, f"TRUNCATE {table}")
        refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        refused(app, f"DELETE FROM {table}")
        refused(app, f"UPDATE {table} SET id = id")
    refused(app, "SET session_replication_role = replica")
    # What pgtrigger.ignore() does: tell the trigger to let the statement through. The
    # privilege is still missing.
    with app.transaction():
        app.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{audit_log_append_only}"])
        refused(app, f"DELETE FROM {AUDIT} WHERE id = {row}")
    assert app.execute(f"SELECT count(*) FROM {AUDIT} WHERE id = %s", [row]).fetchone()[0] == 1


def test_the_app_role_owns_nothing_and_works_on_the_other_tables(app_connection):
    app = app_connection
    owned = app.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
    assert owned.fetchone()[0] == 0
    app.execute("UPDATE org_unit SET name = name WHERE false")
    app.execute("DELETE FROM django_session WHERE false")
