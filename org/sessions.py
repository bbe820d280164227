"""The session engine: Django's database sessions, read with one plain SELECT.

Every request reads its session; the ORM's build and compile of that lookup cost three times
the query. Same table, same rule (the key, not expired), same result: logout deletes the row
and the idle timeout (org.middleware) moves `expire_date` as before."""

from types import SimpleNamespace

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from project.prepared import server_cursor


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        with server_cursor(connection) as cursor:  # by its key: one plan suits every session
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])
