"""Settings of the benchmark: the project's, on a database of its own (one per SCALE unless
BENCH_DATABASE_NAME says otherwise: bench.run sets it). The bench times the real modules'
pages; the engine's sample module (tests/reporting) is a test fixture only."""

import os

import dj_database_url

from project.settings import *  # noqa: F403
from project.settings import DATABASES, with_connection_options

BENCH_DATABASE_NAME = os.environ.get("BENCH_DATABASE_NAME", "bangfu_bench")
DATABASES = {"default": {**DATABASES["default"], "NAME": BENCH_DATABASE_NAME}}
# Another server, with the project's connection options (no JIT).
if os.environ.get("BENCH_DATABASE_URL"):
    DATABASES = {"default": with_connection_options(dj_database_url.parse(os.environ["BENCH_DATABASE_URL"]))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
