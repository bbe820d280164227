"""Background work of the kit's modules (dramatiq actors take ids only and call a service)."""

import functools

import dramatiq
from django.db import transaction
from dramatiq_crontab import cron

from records.kit import cases, results

RESULT_EXPORT_TIME_LIMIT_MS = 60 * 60 * 1000  # a million rows stream in minutes; an hour is far beyond


@dramatiq.actor(max_retries=3, time_limit=RESULT_EXPORT_TIME_LIMIT_MS)
def export_query_results(export_id: int) -> None:
    """Write one ResultExport's file. Takes the job's id only; safe to deliver twice."""
    results.result_export_run(export_id=export_id)


def send_result_export(export_id: int) -> None:
    """The worker takes the job once the transaction that created it commits (it reads the row)."""
    transaction.on_commit(functools.partial(export_query_results.send, export_id))


@cron("40 3 * * *")
@dramatiq.actor
def delete_expired_result_exports() -> None:
    """Query-result files are kept BULK_EXPORT_KEEP_DAYS days; then deleted (the job: 已过期)."""
    results.result_exports_expire()


@cron("0 6 * * *")
@dramatiq.actor
def remind_overdue_cases() -> None:
    """Every morning, before work: one reminder per newly overdue case, to the unit holding it
    (idempotent, so a retry sends nothing twice)."""
    cases.cases_remind_overdue()
