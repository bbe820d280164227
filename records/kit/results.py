"""The results of a module's query (records.kit.query) printed or saved as Excel, in the four
options of manual 2.2.7: the current page or all results × the shown fields or all fields.
全部字段 = every field of the declaration's sheet; each line also has the state the viewer sees
and 填报单位. ID numbers are masked unless the viewer's unit owns the row (DESIGN.md §7).

All results up to EXCEL_LIMIT rows are written while the user waits; beyond it a ResultExport
job is written by the worker (records.kit.tasks) with flat memory (records.excel, write-only),
its progress kept on the job; its file is deleted after settings.BULK_EXPORT_KEEP_DAYS.
"""

import os
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from approvals.lists import Column
from approvals.selectors import ViewerState, with_viewer_state
from audit.services import audit_record
from org.errors import DomainError
from org.models import Unit, User
from org.permissions import require_module
from records import excel
from records.events import FileEvent
from records.kit import declaration
from records.kit.declaration import Computed, RecordModule
from records.kit.events import KitEvent
from records.kit.models import ResultExport, ResultExportState
from records.kit.query import query_results
from records.kit.sheet import ID_NUMBER, as_shown, field_value, related_paths

PRINT_LIMIT = 2_000  # rows of one printout: beyond it a query is to be narrowed
EXCEL_LIMIT = 20_000  # rows written while the user waits; beyond it the worker writes them
ABANDONED_AFTER = timedelta(hours=1)  # 500,000 rows take minutes: a longer attempt's worker died
WORKER_LIMIT = 500_000  # rows of one worker's file: beyond it a query is to be narrowed
CHUNK = 2_000  # rows read at a time, and the worker's progress step
PAGE_OPTIONS = ("page_shown", "page_all")
SHOWN_OPTIONS = ("page_shown", "all_shown")
STATE_LABEL, UNIT_LABEL = "状态", "填报单位"
RESULTS_DIR = "query-results"  # under settings.BULK_EXPORT_DIR, apart from the bulk exports


def all_columns(module: RecordModule) -> list[Column]:
    """Every value of the sheet's sections, worked-out ones (Computed) too."""
    return [
        Column(entry.name, entry.label) if isinstance(entry, Computed) else Column(entry, module.label_of(entry))
        for section in module.sections
        for entry in section.fields
    ]


def columns_for(module: RecordModule, option: str, shown: list[Column]) -> list[Column]:
    return list(shown) if option in SHOWN_OPTIONS else all_columns(module)


def headers_of(columns: list[Column], *, reported: bool = True) -> list[str]:
    """The header of the lines ResultLines gives: 状态 (of rows that are reported), the columns, 填报单位."""
    return [*([STATE_LABEL] if reported else []), *(c.label for c in columns), UNIT_LABEL]


class ResultLines:
    """The rows as lines of typed cells (dates and numbers stay typed for Excel), read in chunks
    with the relations the sheet reads; counts the lines and the full ID numbers it gave."""

    def __init__(self, module: RecordModule, rows: QuerySet, columns: list[Column], *, unit: Unit):
        self.module, self.columns, self.unit = module, columns, unit
        self.rows = with_viewer_state(rows, unit).select_related(*related_paths(module))
        self.rows = self.rows.annotate(unit_name=F("unit__name"), **module.annotations_for([c.field for c in columns]))
        self.has_id = any(c.field.endswith(ID_NUMBER) for c in columns)
        self.count = self.full_ids = 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows.iterator(chunk_size=CHUNK):
            full = row.unit_id == self.unit.pk
            cells = [self._value(row, column.field, full) for column in self.columns]
            self.count += 1
            if full and self.has_id:
                self.full_ids += 1
            state = [ViewerState(row.viewer_state).label] if row.viewer_state else []  # "": never reported
            yield [*state, *cells, row.unit_name]

    @staticmethod
    def _value(row, path: str, full: bool):
        return as_shown(path, field_value(row, path), full_id=full)


def file_title(module: RecordModule) -> str:
    return f"{module.label}查询结果"


def download_name(module: RecordModule, at=None) -> str:
    return f"{file_title(module)}_{timezone.localtime(at):%Y%m%d}.xlsx"


def more_than(rows: QuerySet, limit: int) -> bool:
    """Whether there are more than `limit` rows, counting no further."""
    return rows.order_by().values("pk")[: limit + 1].count() > limit


def audit_results(event, *, request, module: RecordModule, option: str, lines: ResultLines) -> None:
    """The print or Excel in the audit log; the full ID numbers it showed as a full-ID view."""
    actor, detail = request.user, {"module": module.key, "option": option, "rows": lines.count}
    audit_record(event=event, actor=actor, request=request, detail=detail)
    if lines.full_ids:
        detail = {"page": f"{module.key}_query_results", "option": option, "rows": lines.full_ids}
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=actor, request=request, detail=detail)


# --- the worker's export ------------------------------------------------------------------------


@transaction.atomic
def result_export_request(
    *, actor: User, module: RecordModule, conditions: dict, option: str, columns: list[Column], sort: str, request=None
) -> ResultExport:
    """A job for the worker (the caller sends it: records.kit.tasks.send_result_export)."""
    require_module(actor, module.permission)
    job = ResultExport.objects.create(
        user=actor, unit=actor.unit, module_key=module.key, conditions=conditions, option=option,
        columns=[c.field for c in columns], sort=sort,
    )  # fmt: skip
    audit_record(
        event=KitEvent.RESULTS_EXPORTED, actor=actor, request=request, obj=job,
        detail={"module": module.key, "option": option, "job": job.pk},
    )  # fmt: skip
    return job


def get_result_export_for_user(user: User, module: RecordModule, pk) -> ResultExport:
    """The user's own job of this module (404 for anyone else's, as if missing); 403 without
    the module."""
    job = ResultExport.objects.filter(pk=pk, user=user, module_key=module.key).first()
    if job is None:
        raise Http404("导出任务不存在。")
    require_module(user, module.permission)
    return job


def results_dir() -> Path:
    directory = Path(settings.BULK_EXPORT_DIR) / RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def result_export_path(job: ResultExport) -> Path:
    # Only the base name is stored; this keeps a crafted value inside the directory.
    return Path(settings.BULK_EXPORT_DIR) / RESULTS_DIR / Path(job.file_name).name


def result_export_run(*, export_id: int) -> ResultExport | None:
    """Write a job's file. Its progress is committed as it goes (no transaction around the
    writing), so the progress page sees it; a finished job returns at once, and a redelivered
    one writes its file again from the start. One attempt at a time: an attempt claims the job
    (a conditional UPDATE), so a message delivered twice at once writes one file."""
    now = timezone.now()
    claimable = Q(state__in=[ResultExportState.QUEUED, ResultExportState.FAILED]) | Q(
        state=ResultExportState.RUNNING, started_at__lt=now - ABANDONED_AFTER
    )  # a running attempt that long is a killed worker's
    claimed = ResultExport.objects.filter(claimable, pk=export_id).update(
        state=ResultExportState.RUNNING, started_at=now, error="", rows_written=0
    )
    job = ResultExport.objects.select_related("user", "unit").filter(pk=export_id).first()
    if not claimed:
        return job
    for left in results_dir().glob(f"{_partial_prefix(job)}*"):  # a killed attempt's, personal data in it
        left.unlink(missing_ok=True)
    partial = None
    try:
        module, rows = _job_rows(job)
        job.rows_total = rows.count()
        job.save(update_fields=["rows_total"])
        by_path = {column.field: column for column in all_columns(module)}
        columns = [by_path[path] for path in job.columns]
        lines = ResultLines(module, rows, columns, unit=job.unit)
        with tempfile.NamedTemporaryFile(dir=results_dir(), prefix=_partial_prefix(job), delete=False) as out:
            partial = out.name
            excel.write_workbook(
                out,
                title=file_title(module),
                headers=headers_of(columns, reported=module.reported),
                rows=_progress(job, lines),
            )
        final = results_dir() / f"query-result-{job.pk}-{timezone.localtime():%Y%m%d%H%M%S}.xlsx"
        os.replace(partial, final)
        partial = None
    except DomainError as error:
        return _failed(job, error.message)
    except Exception:
        _failed(job, "导出时发生系统错误,系统将自动重试;如仍失败,请联系系统管理员。")
        raise  # dramatiq retries
    finally:
        if partial is not None:
            Path(partial).unlink(missing_ok=True)
    job.state, job.file_name, job.finished_at = ResultExportState.DONE, final.name, timezone.now()
    job.save(update_fields=["state", "file_name", "finished_at", "rows_written"])
    return job


def _partial_prefix(job: ResultExport) -> str:
    return f".partial-{job.pk}-"


def _job_rows(job: ResultExport) -> tuple[RecordModule, QuerySet]:
    """The job's query rerun as its unit sees it, if its user still may."""
    module = declaration.get(job.module_key)
    if job.user.unit_id != job.unit_id or not job.user.has_module(module.permission):
        raise DomainError(f"申请人已不在本单位或已没有“{module.label}”权限,导出没有进行。")
    rows = query_results(module, job.conditions, unit=job.unit, sort=job.sort)
    if rows is None:
        raise DomainError("查询条件已失效(例如所选代码已被删除,或所选单位已调整),请重新查询后再导出。")
    return module, rows


def _progress(job: ResultExport, lines: ResultLines) -> Iterator[list]:
    for line in lines:
        yield line
        if lines.count % CHUNK == 0:
            ResultExport.objects.filter(pk=job.pk).update(rows_written=lines.count)
    job.rows_written = lines.count


def _failed(job: ResultExport, message: str) -> ResultExport:
    job.state, job.error, job.finished_at = ResultExportState.FAILED, message, timezone.now()
    job.save(update_fields=["state", "error", "finished_at"])
    return job


def result_export_download(*, actor: User, module: RecordModule, pk, request=None) -> tuple[ResultExport, Path]:
    job = get_result_export_for_user(actor, module, pk)
    if job.state == ResultExportState.EXPIRED:
        raise DomainError("文件已过期删除,请重新查询后再导出。")
    if job.state != ResultExportState.DONE:
        raise DomainError("文件尚未生成。")
    path = result_export_path(job)
    if not path.is_file():
        raise DomainError("文件已不存在,请重新查询后再导出。")
    audit_record(
        event=KitEvent.RESULTS_DOWNLOADED, actor=actor, request=request, obj=job,
        detail={"module": module.key, "option": job.option, "rows": job.rows_written, "file": job.file_name},
    )  # fmt: skip
    if any(path.endswith(ID_NUMBER) for path in job.columns):  # the owner's rows hold full numbers
        detail = {"page": f"{module.key}_query_results_download", "rows": job.rows_written, "file": job.file_name}
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=actor, request=request, obj=job, detail=detail)
    return job, path


def result_exports_expire(now=None) -> int:
    """The scheduled job: files are kept settings.BULK_EXPORT_KEEP_DAYS days, like the bulk
    exports'; then deleted, and the job shows 已过期."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BULK_EXPORT_KEEP_DAYS)
    expired = 0
    for job in ResultExport.objects.filter(state=ResultExportState.DONE, finished_at__lt=cutoff):
        result_export_path(job).unlink(missing_ok=True)
        job.state = ResultExportState.EXPIRED
        job.save(update_fields=["state"])
        expired += 1
    return expired
