"""The application's database role: it owns no table, and it cannot rewrite the logs.

On the fully append-only tables (the movement log, and later the fund ledger) it may only
SELECT and INSERT. On the audit log, which is kept for a retention period and then purged
(audit.services.audit_purge), it may also DELETE, but only rows the table's retention trigger
lets go: a row-level security policy restates that trigger's condition for every role but the
owner, so no statement of the application reaches a younger row.

Migrations run as the owner role; the web server and the workers connect as the app role.
Then none of the ways the owner has to rewrite history is open to the application, even
through an injected statement: TRUNCATE and UPDATE are not granted, `ALTER TABLE … DISABLE
TRIGGER` needs ownership, and `session_replication_role` needs a superuser. `pgtrigger.ignore()`
only skips a trigger, and any role may set it: on the append-only tables the missing DELETE
privilege still refuses, on the audit log the policy still hides the young rows from DELETE.

`grant_app_role` runs after every migration (`manage.py grant_app_role`; `make run` does it),
so a new table is granted as soon as it exists.
"""

from dataclasses import dataclass

import pgtrigger
from django.apps import apps
from django.db import connection, transaction
from psycopg import sql

APP_ROLE = "bangfu_app"
# The names of the policies on a table with a retention (PostgreSQL keeps them per table).
READ_POLICY, APPEND_POLICY, EXPIRED_POLICY = "bangfu_read", "bangfu_append", "bangfu_delete_expired"


@dataclass(frozen=True)
class Protection:
    """What a model's pgtrigger.Protect triggers refuse: updates always, and deletes either
    always (`expired_sql` None) or while the row does not match `expired_sql` (a retention)."""

    table: str
    expired_sql: str | None


def _protection(model) -> Protection | None:
    """The model's protection when its triggers refuse every update and some deletes."""
    update_refused, delete_conditions = False, []
    for trigger in getattr(model._meta, "triggers", []):
        if isinstance(trigger, pgtrigger.Protect):
            operations = str(trigger.operation)
            update_refused |= "UPDATE" in operations and trigger.condition is None
            if "DELETE" in operations:
                delete_conditions.append(trigger.condition)
    if not (update_refused and delete_conditions):
        return None
    table = model._meta.db_table
    if None in delete_conditions:
        return Protection(table, None)
    # A row may go when no delete trigger fires on it: their conditions, read on the row itself
    # (OLD.column → table.column), are not true.
    fires = " OR ".join(f"({condition.resolve(model)})" for condition in delete_conditions)
    return Protection(table, f"({fires.replace('OLD.', f'{connection.ops.quote_name(table)}.')}) IS NOT TRUE")


def protections() -> list[Protection]:
    found = (_protection(model) for model in apps.get_models())
    return sorted((p for p in found if p is not None), key=lambda p: p.table)


def append_only_tables() -> list[str]:
    """Tables whose rows the app role may never update nor delete."""
    return [p.table for p in protections() if p.expired_sql is None]


def retention_tables() -> list[str]:
    """Tables whose rows the app role may delete only once their retention has passed."""
    return [p.table for p in protections() if p.expired_sql is not None]


def grant_app_role(role: str = APP_ROLE, *, create: bool = True) -> list[str]:
    """Create `role` (a login role without any other attribute) when missing, and give it what
    the application needs on every table and sequence of the schema, less UPDATE, DELETE and
    TRUNCATE on the append-only tables and UPDATE and TRUNCATE on the retention tables, whose
    young rows a policy keeps from DELETE. One transaction, so the app role never sees a table
    between a policy dropped and created again. Returns the append-only tables."""
    name = sql.Identifier(role)
    found = protections()
    with transaction.atomic(), connection.cursor() as cursor:
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
        for protection in found:
            statements += _protection_statements(protection, name)
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))
    return [p.table for p in found if p.expired_sql is None]


def _protection_statements(protection: Protection, role: sql.Identifier) -> list[sql.Composable]:
    table = sql.Identifier(protection.table)
    if protection.expired_sql is None:
        return [sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(table, role)]
    # Row-level security binds every role but the owner (which migrates and is trusted); once
    # enabled, a command without a policy is refused, so reading and appending get one too.
    # Dropped and created again, so a changed retention condition takes effect.
    policies = [
        (READ_POLICY, "FOR SELECT USING (true)"),
        (APPEND_POLICY, "FOR INSERT WITH CHECK (true)"),
        (EXPIRED_POLICY, f"FOR DELETE USING ({protection.expired_sql})"),
    ]
    statements = [
        sql.SQL("REVOKE UPDATE, TRUNCATE ON {} FROM {}").format(table, role),
        sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(table),
    ]
    for policy, rule in policies:
        statements += [
            sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(policy), table),
            sql.SQL("CREATE POLICY {} ON {} {}").format(sql.Identifier(policy), table, sql.SQL(rule)),
        ]
    return statements
