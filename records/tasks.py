"""Background work of the household files: the Excel import (records.imports) and the bulk
export (records.exports) with its night run, the retry of interrupted exports and the expiry of
its files."""

import functools

import dramatiq
from django.conf import settings
from django.db import transaction
from dramatiq_crontab import cron

from records import exports, imports

IMPORT_TIME_LIMIT_MS = 60 * 60 * 1000  # 200,000 rows take minutes (bench/imports.py); an hour is far beyond
EXPORT_TIME_LIMIT_MS = 4 * 60 * 60 * 1000  # millions of rows stream in minutes; hours is far beyond


@dramatiq.actor(max_retries=3, time_limit=IMPORT_TIME_LIMIT_MS)
def import_files(job_id: int) -> None:
    """Import one uploaded workbook. Takes the job's id only; safe to deliver twice."""
    imports.file_import_run(job_id=job_id)


@dramatiq.actor(max_retries=3, time_limit=EXPORT_TIME_LIMIT_MS)
def produce_export(export_id: int) -> None:
    """Write one approved request's CSV. Takes the request's id only; safe to deliver twice."""
    exports.export_produce(export_id=export_id)


def send_import(job_id: int) -> None:
    """The worker takes the job once the transaction that created it commits (it reads the row)."""
    transaction.on_commit(functools.partial(import_files.send, job_id))


def send_export(export_id: int) -> None:
    """The worker takes the request once the caller's transaction commits and releases its locks,
    or it would only wait for them."""
    transaction.on_commit(functools.partial(produce_export.send, export_id))


@cron(settings.BULK_EXPORT_CRON)
@dramatiq.actor
def run_approved_exports() -> None:
    """The night run (manual 2.5.3: 凌晨时分): one message per approved request."""
    for export_id in exports.approved_export_ids():
        produce_export.send(export_id)


# No retries of its own: the next run, minutes later, is one.
@cron("*/5 * * * *")
@dramatiq.actor(max_retries=0)
def retry_interrupted_exports() -> None:
    """An export whose worker was killed is sent again within minutes, not at the next night run."""
    exports.exports_retry_interrupted(send_export)


@cron("30 3 * * *")
@dramatiq.actor
def delete_expired_exports() -> None:
    """Files are kept BULK_EXPORT_KEEP_DAYS days; then deleted, and the request shows 已过期."""
    exports.exports_expire()
