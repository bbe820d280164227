"""Bangfu settings: read from environment variables only (see README, "Configuration")."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from project import embedded
from project.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# pytest sets PYTEST_VERSION before importing settings; tests default to the stub broker.
UNDER_PYTEST = "PYTEST_VERSION" in os.environ

DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY(_FILE) in production; a key kept in var/ for demo and tests."""
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        return key
    key_file = embedded.VAR_DIR / "secret_key"
    if not key_file.exists():
        embedded.VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_dramatiq",
    "dramatiq_crontab",
    "treebeard",
    "axes",
    "pgtrigger",
    "pghistory",
    "viewflow.workflow",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes of the second factor
    "csp",
    "audit",
    "org",
    "approvals",
    "flows",
    "records",
    "records.kit",
    "records.petitions",
    "records.consultations",
    "records.legal_aid",
    "records.assistance",
    "records.training",
    "records.jobs",
    "bulletins",
    "records.stat_forms",
    "funds",
]
if UNDER_PYTEST:
    # A small reportable module that exists only in tests, to prove the reporting engine.
    INSTALLED_APPS.append("tests.reporting")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the TOTP second factor of sign-in and bulk downloads.
    "django_otp.middleware.OTPMiddleware",
    "org.middleware.ResolvedUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Tags each history event (职工历史信息) with the user and the request that made it.
    "pghistory.middleware.HistoryMiddleware",
    "org.middleware.IdleTimeoutMiddleware",
    "org.middleware.SecondFactorMiddleware",
    "org.middleware.FirstSignInMiddleware",
]

# Only viewflow.workflow is installed: viewflow's base app brings the Material frontend (its
# middlewares on every request, and static files the manifest storage cannot process).

# History events carry the user who made them; pages that only read (GET) change nothing, so
# they skip pghistory's per-request context query.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "org.navigation.navigation",
                "approvals.context_processors.pending_reminders",
            ],
        },
    },
    # Only for the hot loops of pages, a list's rows, the inbox's, the file sheet's cells (*.jinja,
    # rendered by {% jinja %}): Jinja2 writes them several times faster than Django's engine.
    # Templates are looked up by engine in this order: every other name is Django's.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
    },
]

# Form widgets through Django's Jinja2 widget templates: the statistics and query forms render
# hundreds of options a page, which Django's engine renders at half that speed (bench/cpu.py).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# --- database -----------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {"default": dj_database_url.parse(embedded.postgres_url())}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Bangfu runs on PostgreSQL only: DATABASE_URL must be postgres://…")
# No JIT compilation in Bangfu's sessions: its costly queries (a province's statistics, exports,
# quick reports) run once and are done in a fraction of a second, and compiling them took 90 ms
# of a 370 ms statistics query at national scale (bench/, SCALE=1). Other sessions keep the
# server's setting. Added to any options DATABASE_URL gives (a pooler in transaction mode must
# pass startup options on, or the role can carry `ALTER ROLE … SET jit = off` instead).
SESSION_OPTIONS = "-c jit=off"
# No server-side prepared statements (Django's default). psycopg's own (prepare_threshold, with
# server_side_binding) let PostgreSQL move a statement run five times to a generic plan, which
# cannot read an index range for a LIKE prefix: a province's file list then cost PostgreSQL
# 380 ms of CPU instead of 50 (bench pages, SCALE=0.1), to save 1–3 ms on a file page; with
# plan_cache_mode = force_custom_plan they saved nothing measurable.


def with_connection_options(database: dict, options: str = SESSION_OPTIONS) -> dict:
    """`database` (a DATABASES entry) with `options` added to the libpq startup options it has."""
    given = database.get("OPTIONS", {})
    return {**database, "OPTIONS": {**given, "options": f"{given.get('options', '')} {options}".strip()}}


DATABASES["default"] = with_connection_options(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work -----------------------------------------------------------------------
_broker_url = env_str("DRAMATIQ_BROKER_URL") or ("stub://" if UNDER_PYTEST else embedded.redis_url())
if _broker_url.startswith("stub://"):
    _broker = {"BROKER": "dramatiq.brokers.stub.StubBroker", "OPTIONS": {}}
elif _broker_url.startswith("amqp"):
    _broker = {"BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker", "OPTIONS": {"url": _broker_url}}
elif _broker_url.startswith(("redis", "unix")):
    # The key prefix lets deployments (or a test's worker) share one Redis without sharing queues.
    _namespace = env_str("DRAMATIQ_REDIS_NAMESPACE", "dramatiq")
    _broker = {"BROKER": "dramatiq.brokers.redis.RedisBroker", "OPTIONS": {"url": _broker_url, "namespace": _namespace}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"DRAMATIQ_BROKER_URL={_broker_url!r}: use amqp://, redis://, unix:// or stub://")
DRAMATIQ_BROKER_URL = _broker_url
# django-dramatiq's default list names a middleware dramatiq 2 removed: always list them.
DRAMATIQ_BROKER = {
    **_broker,
    "MIDDLEWARE": [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
    ],
}
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks"]
# The scheduler's lock lives in Redis when there is one; with RabbitMQ it runs unlocked (one
# scheduler process per deployment, see README).
DRAMATIQ_CRONTAB = {"REDIS_URL": _broker_url if _broker_url.startswith(("redis", "unix")) else None}

# --- bulk export (manual 2.5, records.exports) ------------------------------------------------
# Files are written here and served only by the download view: never under a static/media URL.
BULK_EXPORT_DIR = Path(env_str("BULK_EXPORT_DIR") or BASE_DIR / "var" / "exports")
BULK_EXPORT_CRON = env_str("BULK_EXPORT_CRON", "0 2 * * *")  # the night run
BULK_EXPORT_KEEP_DAYS = env_int("BULK_EXPORT_KEEP_DAYS", 7, minimum=1)
BULK_EXPORT_RUN_NOW_LIMIT = env_int("BULK_EXPORT_RUN_NOW_LIMIT", 50_000, minimum=0)
# An approved request whose attempt started this long ago and holds no row lock was interrupted
# (its worker killed): it is sent again (records.tasks.retry_interrupted_exports).
BULK_EXPORT_RETRY_AFTER_MINUTES = env_int("BULK_EXPORT_RETRY_AFTER_MINUTES", 3, minimum=1)
# How long a verified TOTP token opens bulk downloads in the same session.
BULK_EXPORT_OTP_MINUTES = env_int("BULK_EXPORT_OTP_MINUTES", 10, minimum=1)
OTP_TOTP_ISSUER = "帮扶系统"

# --- attachments (附件 of policy documents, briefs, notices and household files: org.attachments)
# Stored here, outside the static files, and served only by views that check who may see them.
ATTACHMENT_DIR = Path(env_str("BANGFU_ATTACHMENT_DIR") or BASE_DIR / "var" / "attachments")
ATTACHMENT_MAX_MB = env_int("BANGFU_ATTACHMENT_MAX_MB", 20, minimum=1)


# --- case progress (records.kit.cases) --------------------------------------------------------
def parse_case_due_days(raw: str) -> dict[str, int]:
    """BANGFU_CASE_DUE_DAYS: `petitions=30,legal_aid=90`, or the same as a JSON object; each a
    module key and a whole number of days ≥ 1 (records.kit.cases checks the keys at start-up)."""
    from django.core.exceptions import ImproperlyConfigured

    raw = raw.strip()
    if not raw:
        return {}
    try:
        if raw.startswith("{"):
            pairs = json.loads(raw).items()
        else:
            pairs = [item.split("=") for item in raw.split(",") if item.strip()]
        days = {key.strip(): int(str(value).strip()) for key, value in pairs}  # str(): no 1.5 or true
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"BANGFU_CASE_DUE_DAYS={raw!r}: use key=days,key=days or a JSON object.") from exc
    if any(not key or value < 1 for key, value in days.items()):
        raise ImproperlyConfigured(f"BANGFU_CASE_DUE_DAYS={raw!r}: each module needs a key and at least 1 day.")
    return days


# Days from a case's acceptance to its due date, by module key, over its declaration's own.
CASE_DUE_DAYS = parse_case_due_days(env_str("BANGFU_CASE_DUE_DAYS", ""))


# --- follow-up after exit from hardship (防返困, records.assistance.follow_ups) -----------------
def parse_follow_up_months(raw: str) -> tuple[int, ...]:
    """BANGFU_ASSISTANCE_FOLLOW_UP_MONTHS: `6,12`, the months after an exit at which the owning
    unit checks on the household; whole numbers ≥ 1, each once."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        months = sorted({int(item) for item in raw.split(",") if item.strip()})
    except ValueError as exc:
        raise ImproperlyConfigured(f"BANGFU_ASSISTANCE_FOLLOW_UP_MONTHS={raw!r}: use months like 6,12.") from exc
    if not months or months[0] < 1:
        raise ImproperlyConfigured(f"BANGFU_ASSISTANCE_FOLLOW_UP_MONTHS={raw!r}: at least one month, each ≥ 1.")
    return tuple(months)


ASSISTANCE_FOLLOW_UP_MONTHS = parse_follow_up_months(env_str("BANGFU_ASSISTANCE_FOLLOW_UP_MONTHS", "6,12"))

# --- authentication and security (MLPS 2.0 level 3 baseline) --------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "org.auth.ModulePermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "org.passwords.NotUsernameValidator"},
    {"NAME": "org.passwords.RecentPasswordValidator"},
]
# A new password may not be any of the last 5 (org.passwords.PasswordHistory), and a password
# older than BANGFU_PASSWORD_MAX_AGE_DAYS must be changed before any other page opens.
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = env_int("BANGFU_PASSWORD_MAX_AGE_DAYS", 90, minimum=1)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("BANGFU_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BANGFU_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# MLPS asks to lock the account under attack. Locking by IP as well would lock out a whole union
# office behind one NAT address after one clerk's typos, so the lock is per user name only.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# MLPS 2.0 level 3 keeps the audit log six months at least: the daily purge
# (audit.tasks.purge_old_audit_rows) deletes rows older than this, and a database trigger on
# the table refuses any row younger than 180 days whatever this says.
AUDIT_RETENTION_DAYS = env_int("BANGFU_AUDIT_RETENTION_DAYS", 180, minimum=180)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("BANGFU_IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
# The 30 minutes count from the last request (org.middleware.IdleTimeoutMiddleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from our own static files: no inline script or style attribute, so
# an injected one does not run (MLPS 2.0 level 3). django-csp sends the header.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

HTTPS = env_bool("BANGFU_HTTPS", False)
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("BANGFU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("BANGFU_HSTS_SECONDS", 31536000, minimum=0)

# The password every new account starts with unless the admin chooses one (manual 18.2.5).
DEFAULT_PASSWORD = "123456"

# --- internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# One language: the pages are Chinese, and so must be every message Django itself produces
# (password rules, form errors), whatever language the browser asks for (DESIGN.md §5.8).
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and not UNDER_PYTEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or UNDER_PYTEST

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BANGFU_LOG_LEVEL", "INFO")},
    "loggers": {
        # The scheduler logs each 5-second lock refresh, axes each attempt (the audit log has them).
        "apscheduler": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
    },
}
