"""Retention (issue 14 item 11): the audit log is kept at least 180 days. The daily job deletes
what is older than AUDIT_RETENTION_DAYS, the setting cannot go below 180, and the database
refuses a younger row whatever the application asks."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.utils import timezone

from audit.events import AuditLogEvent
from audit.models import AuditLog
from tests.audit.conftest import found, logged

pytestmark = pytest.mark.django_db


def aged(days: int) -> AuditLog:
    return logged(username=f"aged{days}", at=timezone.now() - timedelta(days=days))


def surviving(*rows: AuditLog) -> set[int]:
    return set(AuditLog.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", flat=True))


def test_the_daily_job_deletes_only_rows_past_the_retention_and_audits_it(cast, settings):
    from audit.tasks import purge_old_audit_rows

    settings.AUDIT_RETENTION_DAYS = 200
    past, kept, young = aged(230), aged(190), aged(3)

    purge_old_audit_rows.fn()

    assert surviving(past, kept, young) == {kept.pk, young.pk}
    purge = AuditLog.objects.get(event=AuditLogEvent.AUDIT_PURGED)
    assert purge.detail == {"rows": 1, "retention_days": 200} and purge.user is None
    assert [row.pk for row in found(cast, event=AuditLogEvent.AUDIT_PURGED)] == [purge.pk]


def test_the_purge_counts_back_from_a_given_moment(cast, settings):
    from audit.services import audit_purge

    settings.AUDIT_RETENTION_DAYS = 180
    older, newer = aged(400), aged(250)
    assert audit_purge(now=timezone.now() - timedelta(days=100)) == 1  # the cut-off: 280 days ago
    assert surviving(older, newer) == {newer.pk}


def test_the_database_refuses_a_purge_that_would_reach_a_young_row(cast, settings):
    from audit.services import audit_purge

    settings.AUDIT_RETENTION_DAYS = 30  # what BANGFU_AUDIT_RETENTION_DAYS cannot say (below)
    past, young = aged(200), aged(60)
    with pytest.raises(DatabaseError, match="Cannot delete"):
        audit_purge()
    assert surviving(past, young) == {past.pk, young.pk}  # one statement: nothing went
    assert not AuditLog.objects.filter(event=AuditLogEvent.AUDIT_PURGED).exists()


def settings_with(monkeypatch, retention: str) -> dict:
    """project/settings.py as a process started with BANGFU_AUDIT_RETENTION_DAYS=`retention`
    reads it (a database URL is only parsed there, never connected to)."""
    monkeypatch.setenv("BANGFU_AUDIT_RETENTION_DAYS", retention)
    monkeypatch.setenv("DATABASE_URL", "postgres://bangfu@127.0.0.1:5432/bangfu")
    return runpy.run_path(str(Path(__file__).resolve().parents[2] / "project" / "settings.py"))


def test_the_retention_setting_is_refused_below_180_days(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="below the minimum 180"):
        settings_with(monkeypatch, "179")
    assert settings_with(monkeypatch, "365")["AUDIT_RETENTION_DAYS"] == 365


def test_the_purge_is_scheduled_daily():
    from dramatiq_crontab import scheduler

    import audit.tasks  # noqa: F401  (the worker and the scheduler discover it as an app's tasks module)

    jobs = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "hour='4', minute='15'" in jobs["purge_old_audit_rows"]
