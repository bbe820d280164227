"""The application's database role cannot rewrite history (issue 14 items 3 and 11).

As the owner, all four of these succeeded on the audit log and the movement log: TRUNCATE,
DELETE under `session_replication_role = replica`, DELETE after `DISABLE TRIGGER`, and DELETE
under `pgtrigger.ignore`. The app role (audit.database_roles) owns no table and has only
SELECT and INSERT on the movement log; on the audit log it may also DELETE, for the daily purge,
but only rows older than the 180 days the retention trigger protects.
"""

import os

import psycopg
import pytest
from django.db import DatabaseError, connection, transaction

from approvals.models import Movement
from audit.database_roles import append_only_tables, grant_app_role, retention_tables
from audit.models import AuditLog

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT, MOVEMENTS = "audit_auditlog", "approvals_movement"


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


def aged_audit_row(days: int) -> int:
    """A row written `days` ago, inserted as the owner (the model sets `at` itself)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AUDIT} (at, event, username, unit_name, object_type, object_id, object_repr, success, "
            "detail) VALUES (now() - make_interval(days => %s), 'login', 'old', '', '', '', '', true, '{}') "
            "RETURNING id",
            [days],
        )
        return cursor.fetchone()[0]


def audit_ids(app) -> set[int]:
    return {pk for (pk,) in app.execute(f"SELECT id FROM {AUDIT}")}


def refused(app, statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as error:
        app.execute(statement)
    return str(error.value)


def ignoring_every_trigger_of(model) -> str:
    """What pgtrigger.ignore() sets for the model's triggers: their names in the database."""
    return "{" + ",".join(trigger.get_pgid(model) for trigger in model._meta.triggers) + "}"


def test_the_protected_tables_are_found_from_their_triggers():
    assert MOVEMENTS in append_only_tables() and AUDIT not in append_only_tables()
    assert retention_tables() == [AUDIT]


def test_the_app_role_appends_and_reads_but_cannot_rewrite_the_movement_log(app_connection):
    app = app_connection
    refused(app, f"TRUNCATE {MOVEMENTS}")
    refused(app, f"ALTER TABLE {MOVEMENTS} DISABLE TRIGGER ALL")
    refused(app, f"DELETE FROM {MOVEMENTS}")
    refused(app, f"UPDATE {MOVEMENTS} SET id = id")
    refused(app, "SET session_replication_role = replica")
    # What pgtrigger.ignore() does: tell the trigger to let the statement through. The
    # privilege is still missing.
    with app.transaction():
        app.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [ignoring_every_trigger_of(Movement)])
        refused(app, f"DELETE FROM {MOVEMENTS}")


def test_no_way_of_the_app_role_reaches_an_audit_row_younger_than_the_retention(app_connection):
    app = app_connection
    row = audit_row(app)
    assert row in audit_ids(app)
    refused(app, f"TRUNCATE {AUDIT}")
    refused(app, f"UPDATE {AUDIT} SET username = 'x' WHERE id = {row}")
    refused(app, f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL")
    refused(app, "SET session_replication_role = replica")
    # DELETE is granted for the purge, but the row-level policy hides young rows from it.
    assert app.execute(f"DELETE FROM {AUDIT} WHERE id = {row}").rowcount == 0
    # pgtrigger.ignore() really skips the retention trigger now; the policy still holds.
    with app.transaction():
        app.execute("SELECT set_config('pgtrigger.ignore', %s, true)", [ignoring_every_trigger_of(AuditLog)])
        assert app.execute(f"DELETE FROM {AUDIT}").rowcount == 0
        refused(app, f"UPDATE {AUDIT} SET username = 'x' WHERE id = {row}")
    assert row in audit_ids(app)


def test_the_app_role_purges_rows_past_the_retention_and_the_trigger_guards_the_owner(app_connection):
    app = app_connection
    old, young = aged_audit_row(200), aged_audit_row(170)
    app.execute(f"DELETE FROM {AUDIT} WHERE at < now() - interval '180 days'")
    assert old not in audit_ids(app) and young in audit_ids(app)
    # The owner is not bound by the policy; the trigger refuses it the young row.
    with pytest.raises(DatabaseError, match="Cannot delete"), transaction.atomic():
        AuditLog.objects.filter(pk=young).delete()
    assert AuditLog.objects.filter(pk=young).exists()


def test_the_app_role_owns_nothing_and_works_on_the_other_tables(app_connection):
    app = app_connection
    owned = app.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
    assert owned.fetchone()[0] == 0
    app.execute("UPDATE org_unit SET name = name WHERE false")
    app.execute("DELETE FROM django_session WHERE false")
