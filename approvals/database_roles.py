"""The application's database role: it owns no table, and on the append-only tables (the
audit log, the movement log, and later the fund ledger) it may only SELECT and INSERT.

Migrations run as the owner role; the web server and the workers connect as the app role.
Then none of the ways the owner has to rewrite history is open to the application, even
through an injected statement: TRUNCATE and UPDATE/DELETE are not granted (so
`pgtrigger.ignore()`, which only skips the trigger, changes nothing), `ALTER TABLE … DISABLE
TRIGGER` needs ownership, and `session_replication_role` needs a superuser.

`grant_app_role` runs after every migration (`manage.py grant_app_role`; `make run` does it),
so a new table is granted as soon as it exists.
"""

import pgtrigger
from django.apps import apps
from django.db import connection
from psycopg import sql

APP_ROLE = "bangfu_app"


def _is_append_only(model) -> bool:
    """A model whose rows a trigger refuses to update or delete (pgtrigger.Protect)."""
    for trigger in getattr(model._meta, "triggers", []):
        if isinstance(trigger, pgtrigger.Protect):
            operations = str(trigger.operation)
            if "UPDATE" in operations and "DELETE" in operations:
                return True
    return False


def append_only_tables() -> list[str]:
    return sorted(model._meta.db_table for model in apps.get_models() if _is_append_only(model))


def grant_app_role(role: str = APP_ROLE, *, create: bool = True) -> list[str]:
    """Create `role` (a login role without any other attribute) when missing, and give it what
    the application needs on every table and sequence of the schema, less UPDATE, DELETE and
    TRUNCATE on the append-only tables. Returns those tables."""
    name = sql.Identifier(role)
    protected = append_only_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None and create:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(name).as_string(cursor.connection))
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), name
            ),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        ]
        statements += [
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), name)
            for table in protected
        ]
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
    return protected
