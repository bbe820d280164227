"""Background work of the household files: the Excel import (records.imports)."""

import dramatiq

from records import imports

IMPORT_TIME_LIMIT_MS = 60 * 60 * 1000  # 10,000 rows take minutes; an hour is far beyond that


@dramatiq.actor(max_retries=3, time_limit=IMPORT_TIME_LIMIT_MS)
def import_files(job_id: int) -> None:
    """Import one uploaded workbook. Takes the job's id only; safe to deliver twice."""
    imports.file_import_run(job_id=job_id)
