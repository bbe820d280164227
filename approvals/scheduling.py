"""One scheduler at a time across machines: a PostgreSQL advisory lock (DESIGN.md §7).

Every node may start the scheduler (`manage.py scheduler`); the first takes the lock and sends
the cron jobs, the others wait for it. The lock is held by a session of its own, so it is let go
the moment its holder dies or loses the database, whatever broker dramatiq uses (dramatiq-crontab
locks only with Redis, so two schedulers on RabbitMQ sent every nightly job twice).
"""

import time
from contextlib import contextmanager

import psycopg
from django.db import connection

SCHEDULER_LOCK = 7_368_289  # any fixed bigint of our own: pg_advisory_lock's key


def _lock_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def try_lock(lock_connection: psycopg.Connection, key: int | None = None) -> bool:
    return lock_connection.execute("SELECT pg_try_advisory_lock(%s)", [key or SCHEDULER_LOCK]).fetchone()[0]


@contextmanager
def held_lock(key: int | None = None, *, poll_seconds: float = 5.0, on_wait=lambda: None):
    """Wait until this process holds the lock; yield its connection (keep it open)."""
    lock_connection = _lock_connection()
    try:
        if not try_lock(lock_connection, key):
            on_wait()
            while not try_lock(lock_connection, key):
                time.sleep(poll_seconds)
        yield lock_connection
    finally:
        lock_connection.close()


def still_held(lock_connection: psycopg.Connection, key: int | None = None) -> bool:
    """Whether the lock's session is alive and holds it (a lost connection let it go)."""
    try:
        found = lock_connection.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            "AND objid = %s AND granted",
            [key or SCHEDULER_LOCK],
        )
        return found.fetchone()[0] == 1
    except psycopg.Error:
        return False
