"""批量导出/下载档案 (manual 2.5): requests, their approval, the export itself and downloads.

A unit admin requests an export of chosen file kinds, within the own unit and chosen subordinate
units, optionally narrowed by the advanced query's conditions (the files' kit query,
records.kit.query). The parent unit's
admin approves or rejects it from 待办审批 (approvals.inbox) or the request list; the national
unit has no parent, so its own requests are self-approved. Approved requests are exported by a
worker at night (records.tasks), or at once for small ones: PostgreSQL streams the rows with
`COPY … TO STDOUT` into a temporary file that is renamed into place only when complete. Only
the requesting unit's admin downloads the file, with a TOTP second factor at province level and
above and where the unit asks for it, until the file expires.

The rows are always those the requesting unit sees (approvals.selectors.visible_to): its own,
and its subtree's once they have been reported up to it.
"""

import functools
import operator
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from approvals.dates import on_days
from approvals.models import ReportAction
from approvals.processes import complete_human_task
from approvals.selectors import viewer_state, visible_to
from audit.services import audit_record
from audit.spreadsheets import FORMULA_TRIGGERS, QUOTE
from flows.flows import BulkExportFlow, NoticeFlow
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Code, Module, Unit, User
from org.permissions import require_module
from records import excel
from records.events import FileEvent
from records.kit import declaration
from records.kit.query import QueryForm, query_filterset, query_form
from records.models import (
    MAX_EXPORT_ATTEMPTS,
    BulkExport,
    ExportFormat,
    ExportKind,
    ExportState,
    FamilyMember,
    Person,
    WorkerFile,
)
from records.notices import FileNotice
from records.selectors import FILE_KINDS

XLSX_CHUNK = 2_000  # rows read at a time for the Excel file
BOM = "\ufeff".encode()  # Excel reads a CSV as UTF-8 only when it starts with one
# The query form's own switches, which an export sets itself.
CONDITION_FIELDS_LEFT_OUT = {"q", "kind", "include_subordinates"}


# --- who may do what ---------------------------------------------------------------------------


def require_requester(actor: User, export: BulkExport) -> None:
    """Edit, delete and download belong to the requesting unit's admin alone."""
    require_module(actor, Module.UNIT_ADMIN)
    if actor.unit_id != export.unit_id:
        raise PermissionDenied("只有申请单位的用户管理员才能进行此操作。")


def is_approver(user: User, export: BulkExport) -> bool:
    """The parent unit's admin, and nobody else (not the grandparent, not the requester)."""
    unit = export.unit
    return user.has_module(Module.UNIT_ADMIN) and user.unit.depth == unit.depth - 1 and unit.is_within(user.unit)


def require_approver(actor: User, export: BulkExport) -> None:
    if not is_approver(actor, export):
        raise PermissionDenied("只有申请单位的上一级单位的用户管理员才能审批该申请。")


def download_needs_otp(unit: Unit) -> bool:
    """Manual 2.5.4: province level and above always, other units when they opt in."""
    return unit.depth <= 2 or unit.export_download_otp


# --- reads -------------------------------------------------------------------------------------


def exports_visible_to(user: User) -> QuerySet[BulkExport]:
    """Requests of the user's unit and its subordinate units (the list's unit selector)."""
    return BulkExport.objects.filter(unit__path__startswith=user.unit.path)


def get_export_for_user(user: User, pk, *, for_update: bool = False) -> BulkExport:
    """A request of the user's subtree, else 404 (as if missing); 403 without the admin module.
    `for_update` locks the row without waiting: a request being exported answers at once."""
    exports = exports_visible_to(user).select_related("unit")
    if for_update:
        exports = exports.select_for_update(nowait=True, of=("self",))
    try:
        export = exports.get(pk=pk)
    except (BulkExport.DoesNotExist, ValueError, TypeError):
        raise Http404("批量导出申请不存在或不属于本单位及下级单位。") from None
    except DatabaseError:
        raise DomainError("该申请正在处理中(可能正在导出数据),请稍后再试。") from None
    require_module(user, Module.UNIT_ADMIN)
    return export


def pending_approvals(unit: Unit) -> QuerySet[BulkExport]:
    """Requests of `unit`'s direct subordinates waiting for its admin (2.5.3), newest first."""
    return _listed(
        BulkExport.objects.filter(
            state=ExportState.REQUESTED, unit__path__startswith=unit.path, unit__depth=unit.depth + 1
        )
    )


def exports_of_unit(user: User, unit: Unit) -> QuerySet[BulkExport]:
    """The request list (2.5.1): `unit`'s own requests, if within the user's subtree, newest first."""
    return _listed(exports_visible_to(user).filter(unit=unit))


def _listed(exports: QuerySet[BulkExport]) -> QuerySet[BulkExport]:
    """What the request table shows of each row, in one query each, newest first."""
    return (
        exports.select_related("unit", "requested_by", "decided_by")
        .prefetch_related("scope_units")
        .order_by("-requested_at", "-pk")
    )


# The request list's filters (2.5.1).
APPROVAL_STATES = {
    "unapproved": [ExportState.REQUESTED, ExportState.REJECTED],
    "approved": [ExportState.APPROVED, ExportState.EXPORTED, ExportState.EXPIRED],
}
EXPORT_STATES = {
    "not_exported": [ExportState.REQUESTED, ExportState.REJECTED, ExportState.APPROVED],
    "exported": [ExportState.EXPORTED, ExportState.EXPIRED],
}


def filter_exports(
    exports: QuerySet[BulkExport],
    *,
    approval: str = "",
    export: str = "",
    data_file: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[BulkExport]:
    """The request list's filters: approval, export and file states, application dates (local
    calendar days, turned into a range on `requested_at`)."""
    if approval:
        exports = exports.filter(state__in=APPROVAL_STATES[approval])
    if export:
        exports = exports.filter(state__in=EXPORT_STATES[export])
    if data_file == "with_file":
        exports = exports.filter(state=ExportState.EXPORTED)
    elif data_file == "without_file":
        exports = exports.exclude(state=ExportState.EXPORTED)
    return on_days(exports, "requested_at", date_from, date_to)


def approved_export_ids() -> list[int]:
    """What the night run exports: approved requests not given up after repeated failures."""
    approved = BulkExport.objects.filter(state=ExportState.APPROVED, attempts__lt=MAX_EXPORT_ATTEMPTS)
    return list(approved.order_by("pk").values_list("pk", flat=True))


# --- conditions (the advanced query's) -----------------------------------------------------------


def files_query_form() -> type[QueryForm]:
    """The files' query form (职工档案查询): its conditions are an export's."""
    return query_form(declaration.of_model(WorkerFile))


def condition_form(conditions: dict) -> QueryForm:
    return files_query_form()(data={**conditions, "q": "1"})


def clean_conditions(conditions: dict) -> dict:
    """The non-empty values of valid query conditions, as the form's raw strings (JSON-safe and
    read back by the same form at export time); DomainError for invalid ones."""
    form = condition_form(conditions)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else "查询条件"
        raise DomainError(f"查询条件“{label}”有误:{errors[0]}", "conditions")
    return {
        name: str(conditions[name])
        for name, value in form.cleaned_data.items()
        if name not in CONDITION_FIELDS_LEFT_OUT and value not in (None, "") and conditions.get(name) not in (None, "")
    }


def describe_conditions(conditions: dict, form: QueryForm | None = None) -> list[str]:
    """Each condition as 「label:value」 for the request list. `form`: an unbound query form to
    reuse for many requests (building one reads the code tables)."""
    if not conditions:
        return []
    form = form or files_query_form()()
    described = []
    for name, raw in conditions.items():
        field = form.fields.get(name)
        if field is None:
            continue
        choices = dict((str(k), v) for k, v in getattr(field, "choices", []))
        described.append(f"{field.label}:{choices.get(str(raw), raw)}")
    return described


# --- the rows ----------------------------------------------------------------------------------


def _kind_q(kind: str) -> Q:
    return FILE_KINDS[kind][1]


def export_queryset(export: BulkExport, scope_units: list[Unit] | None = None) -> QuerySet[WorkerFile]:
    """The files of a request: those the requesting unit sees, of the chosen kinds, within the
    chosen units' subtrees, matching the conditions."""
    unit = export.unit
    scope_units = list(export.scope_units.all()) if scope_units is None else scope_units
    scopes = [Q(unit_path__startswith=s.path) for s in scope_units if s.is_within(unit)]
    kinds = [_kind_q(k) for k in export.kinds if k in ExportKind.values]
    if not scopes or not kinds:
        return WorkerFile.objects.none()
    files = visible_to(WorkerFile.objects.all(), unit)
    files = files.filter(functools.reduce(operator.or_, kinds)).filter(functools.reduce(operator.or_, scopes))
    form = condition_form(export.conditions)
    if not form.is_valid():
        raise DomainError("申请中的查询条件已失效(代码表可能已修改),请修改申请。", "conditions")
    return query_filterset(declaration.of_model(WorkerFile)).apply(files, {**form.cleaned_data, "kind": ""})


def _label(path: str, choices) -> Case:
    """A choice's label instead of its stored value."""
    return Case(*(When(**{path: value}, then=Value(str(label))) for value, label in choices),
                default=F(path), output_field=models.CharField())  # fmt: skip


def _yes_no(path: str) -> Case:
    return Case(When(**{path: True}, then=Value("是")), default=Value("否"), output_field=models.CharField())


def _value_of(model, name: str, prefix: str = ""):
    """A field as the CSV shows it: code values and choices by their names, booleans 是/否."""
    field = model._meta.get_field(name)
    path = prefix + name
    if isinstance(field, models.ForeignKey) and field.related_model is Code:
        return F(f"{path}__value")
    if field.choices:
        return _label(path, field.choices)
    if isinstance(field, models.BooleanField):
        return _yes_no(path)
    return F(path)


def export_columns(unit: Unit) -> list[tuple[str, object]]:
    """(Chinese header, expression) of each CSV column: the owning unit, the head, the file's
    fields in the entry form's order (derived from the models, like the query conditions), the
    number of family members, the state as `unit` sees it. ID numbers are in full: it is the
    unit's own approved export."""
    with translation.override("zh-hans"):
        columns = [("填报单位", F("unit__name"))]
        # The head's fields in the order of the query's head conditions.
        query_fields = declaration.of_model(WorkerFile).query_fields
        head = [path.removeprefix("head.") for path in query_fields if path.startswith("head.")]
        columns += [(str(Person._meta.get_field(n).verbose_name), _value_of(Person, n, "head__")) for n in head]
        file_fields = [f.name for f in WorkerFile._meta.concrete_fields if f.editable and not f.primary_key
                       and f.name not in {"unit", "head"}]  # fmt: skip
        columns += [(str(WorkerFile._meta.get_field(n).verbose_name), _value_of(WorkerFile, n)) for n in file_fields]
        members = FamilyMember.objects.filter(file=OuterRef("pk")).order_by().values("file").annotate(n=Count("pk"))
        columns.append(("家庭成员人数", Coalesce(Subquery(members.values("n")), 0)))
        # 上报状态 as the requesting unit's lists show it (relative to the viewer, DESIGN.md §3)
        columns.append(("上报状态", viewer_state(unit, labels=True)))
        return columns


def export_rows(files: QuerySet[WorkerFile], unit: Unit) -> QuerySet:
    """The export's rows (ORM-built, in id order) as tuples of export_columns' values."""
    aliases = {f"c{i}": expression for i, (_header, expression) in enumerate(export_columns(unit))}
    return files.annotate(**aliases).order_by("pk").values_list(*aliases)


def export_select(files: QuerySet[WorkerFile], unit: Unit) -> tuple[str, list, list[bool]]:
    """The SELECT of the CSV rows, its parameters, and for each column whether it is text (and
    so needs `_safe_text`)."""
    rows = export_rows(files, unit)
    aliases = [f"c{i}" for i in range(len(export_columns(unit)))]
    annotations = rows.query.annotations
    texts = [isinstance(annotations[alias].output_field, (models.CharField, models.TextField)) for alias in aliases]
    sql, params = rows.query.sql_with_params()
    return sql, params, texts


def _sql_text(text: str) -> str:
    """A string literal; control characters by chr(), so the statement stays one readable line."""
    return " || ".join(f"chr({ord(c)})" if not c.isprintable() else "'" + c.replace("'", "''") + "'" for c in text)


def _safe_text(column: str) -> str:
    """audit.spreadsheets.spreadsheet_safe in SQL: a text value starting with = + - @ tab or
    carriage return gets a leading single quote, so no spreadsheet reads it as a formula."""
    triggers = ", ".join(_sql_text(c) for c in FORMULA_TRIGGERS)
    return f"CASE WHEN left({column}, 1) IN ({triggers}) THEN {_sql_text(QUOTE)} || {column} ELSE {column} END"


def copy_statement(files: QuerySet[WorkerFile], unit: Unit) -> str:
    """`COPY (SELECT …) TO STDOUT` with Chinese headers, text columns made formula-safe in the
    same SELECT (set-based: the rows still stream). The parameters are bound client-side (COPY
    takes none from the server), by psycopg's own quoting."""
    sql, params, texts = export_select(files, unit)
    connection.ensure_connection()
    with psycopg.ClientCursor(connection.connection) as cursor:
        inner = cursor.mogrify(sql, params)
    headers = ['"' + header.replace('"', '""') + '"' for header, _expression in export_columns(unit)]
    names = [f"c{i}" for i in range(len(headers))]
    select = ", ".join(
        f"{_safe_text(name) if text else name} AS {header}"
        for name, header, text in zip(names, headers, texts, strict=True)
    )
    return (
        f"COPY (SELECT {select} FROM ({inner}) AS export_rows({', '.join(names)})) TO STDOUT WITH (FORMAT csv, HEADER)"
    )


def write_rows(copy, out) -> None:
    """Copy the CSV as PostgreSQL sends it, chunk by chunk: memory stays flat at any size."""
    for chunk in copy:
        out.write(chunk)


def copy_csv(files: QuerySet[WorkerFile], unit: Unit, out) -> int:
    """Write the files as CSV (BOM, headers, rows) to the binary file `out`; the row count."""
    statement = copy_statement(files, unit)
    out.write(BOM)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            write_rows(copy, out)
        return cursor.cursor.rowcount


def write_xlsx(files: QuerySet[WorkerFile], unit: Unit, out) -> int:
    """Write the files as Excel to the binary file `out`: records.excel's write-only workbook
    (flat memory, a new sheet every 1,048,576 rows, text cells made formula-safe there), rows
    read in chunks through a server-side cursor; the row count."""
    headers = [header for header, _expression in export_columns(unit)]
    rows = export_rows(files, unit).iterator(chunk_size=XLSX_CHUNK)
    return excel.write_workbook(out, title="批量导出数据", headers=headers, rows=rows)


# --- notices (reminders that move no rows) --------------------------------------------------------


def _remind(*, kind, sender: Unit, receiver: Unit, actor: User | None, count: int, message: str) -> ReportAction:
    """A reminder for the receiving unit's admins: a ReportAction of module unit_admin with its
    process and remind task, like the reminders of reports and returns."""
    action = ReportAction.objects.create(
        kind=kind, module=Module.UNIT_ADMIN, sender=sender, receiver=receiver, actor=actor, count=count, message=message
    )
    action.process = NoticeFlow.start.run(action=action)
    action.save(update_fields=["process"])
    return action


# --- requests ------------------------------------------------------------------------------------


def _clean_request(actor: User, kinds: list[str], scope_units: list[Unit], conditions: dict) -> tuple[list, list, dict]:
    """The request's choices, checked here whatever the form did."""
    kinds = [k for k in ExportKind.values if k in set(kinds)]
    if not kinds:
        raise DomainError("请至少选择一类档案。", "kinds")
    if not scope_units:
        raise DomainError("请至少选择一个导出单位。", "scope_units")
    outside = [u.name for u in scope_units if not u.is_within(actor.unit)]
    if outside:
        raise DomainError(f"只能导出本单位及下级单位的数据:{'、'.join(outside)}不在范围内。", "scope_units")
    return kinds, scope_units, clean_conditions(conditions)


def _format(value: str) -> str:
    if value not in ExportFormat.values:
        raise DomainError("请选择文件格式:CSV 或 Excel。", "file_format")
    return value


@transaction.atomic
def export_request(
    *, actor: User, kinds: list[str], scope_units: list[Unit], conditions: dict, file_format=ExportFormat.CSV,
    request=None,
):  # fmt: skip
    """提出申请 (2.5.1.1). A national request is approved at once by its own admin, recorded as
    self-approved: the national unit has no parent."""
    require_module(actor, Module.UNIT_ADMIN)
    kinds, scope_units, conditions = _clean_request(actor, kinds, scope_units, conditions)
    export = BulkExport.objects.create(
        unit=actor.unit, requested_by=actor, kinds=kinds, conditions=conditions, file_format=_format(file_format)
    )
    export.scope_units.set(scope_units)
    detail = {"kinds": kinds, "scope_units": [u.pk for u in scope_units], "conditions": conditions,
              "file_format": export.file_format}  # fmt: skip
    audit_record(event=FileEvent.EXPORT_REQUESTED, actor=actor, request=request, obj=export, detail=detail)
    if actor.unit.depth == 1:
        export.approve(by=actor, at=timezone.now(), self_approved=True)
        export.save()
        audit_record(
            event=FileEvent.EXPORT_APPROVED, actor=actor, request=request, obj=export, detail={"self_approved": True}
        )
    export.process = BulkExportFlow.start.run(export=export)
    export.save(update_fields=["process"])
    return export


@transaction.atomic
def export_change(*, actor: User, export_id: int, kinds, scope_units, conditions: dict, file_format=None, request=None):
    """修改申请 (2.5.1.2): only while not approved, only by the requesting unit's admin."""
    export = get_export_for_user(actor, export_id, for_update=True)
    require_requester(actor, export)
    if export.state != ExportState.REQUESTED:
        raise DomainError("只能修改未批准的申请。")
    export.kinds, scope_units, export.conditions = _clean_request(actor, kinds, scope_units, conditions)
    export.file_format = _format(file_format or export.file_format)
    export.save(update_fields=["kinds", "conditions", "file_format", "updated_at"])
    export.scope_units.set(scope_units)
    detail = {"kinds": export.kinds, "scope_units": [u.pk for u in scope_units], "conditions": export.conditions,
              "file_format": export.file_format}  # fmt: skip
    audit_record(event=FileEvent.EXPORT_CHANGED, actor=actor, request=request, obj=export, detail=detail)
    return export


DELETABLE_STATES = [ExportState.REQUESTED, ExportState.REJECTED, ExportState.APPROVED]


@transaction.atomic
def export_delete(*, actor: User, export_id: int, request=None) -> None:
    """删除申请 (2.5.1.3): only while not exported; its process is cancelled (its open
    approval or export task with it)."""
    export = get_export_for_user(actor, export_id, for_update=True)
    require_requester(actor, export)
    if export.state not in DELETABLE_STATES:
        raise DomainError("已导出的申请不能删除。")
    process = export.process
    if process is not None and process.status == PROCESS.NEW:
        BulkExportFlow.instance.cancel(process)
    audit_record(
        event=FileEvent.EXPORT_DELETED, actor=actor, request=request, obj=export,
        detail={"state": export.state, "process": export.process_id},
    )  # fmt: skip
    export.delete()


@transaction.atomic
def export_decide(*, actor: User, export_id: int, approve: bool, reason: str = "", request=None) -> BulkExport:
    """审批申请 (2.5.3): the parent unit's admin approves, or rejects with a reason that reaches
    the requesting unit's admin as a reminder."""
    export = get_export_for_user(actor, export_id, for_update=True)
    require_approver(actor, export)
    if export.state != ExportState.REQUESTED:
        raise DomainError("该申请已经审批过了。")
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("请填写不批准的原因。", "reason")
    now = timezone.now()
    if approve:
        export.approve(by=actor, at=now)
    else:
        export.reject(by=actor, at=now, reason=reason)
    export.save()
    # The approval gateway then reads the request's new state (approved: on to the export
    # task; rejected: the end).
    complete_human_task(actor, export.process_id)
    if not approve:
        _remind(
            kind=FileNotice.EXPORT_REJECTED, sender=actor.unit, receiver=export.unit, actor=actor, count=0,
            message=f"{timezone.localtime(export.requested_at):%Y-%m-%d} 提出的批量导出申请未被批准:{reason}",
        )  # fmt: skip
    event = FileEvent.EXPORT_APPROVED if approve else FileEvent.EXPORT_REJECTED
    audit_record(event=event, actor=actor, request=request, obj=export, detail={"reason": reason} if reason else {})
    return export


def export_run_now(*, actor: User, export_id: int) -> int:
    """立即导出: may an approved request under BULK_EXPORT_RUN_NOW_LIMIT rows go to the worker now
    instead of at night (the requesting or the approving admin)? Its row count; the view sends it
    (records.tasks.send_export). Writes nothing: the worker does, and it is idempotent, so the
    night run finding it still approved does no harm."""
    export = get_export_for_user(actor, export_id)
    if not (is_approver(actor, export) or actor.unit_id == export.unit_id):
        raise PermissionDenied("只有申请单位或其上一级单位的用户管理员才能立即导出。")
    if export.state != ExportState.APPROVED:
        raise DomainError("只有已批准、尚未导出的申请才能立即导出。")
    limit = settings.BULK_EXPORT_RUN_NOW_LIMIT
    count = export_queryset(export).count()
    if count > limit:
        raise DomainError(f"本申请共 {count} 条数据,超过立即导出的上限 {limit} 条,将在夜间自动导出。")
    return count


# --- the export (the worker) ---------------------------------------------------------------------


def export_dir() -> Path:
    directory = Path(settings.BULK_EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink(path) -> None:
    if path is not None:
        Path(path).unlink(missing_ok=True)


def export_produce(*, export_id: int) -> BulkExport | None:
    """Write an approved request's CSV and complete its flow. Idempotent: the row lock makes a
    second delivery wait, and it then finds the request exported (or deleted) and returns.

    The file is written under a temporary name in the export directory, fsynced and renamed
    into place in the transaction that marks the request exported; on any error both files are
    removed and the request stays approved for the retry. A worker killed outright removes
    nothing: the attempt recorded first lets exports_retry_interrupted find the request, and
    the next attempt removes the killed one's temporary file."""
    directory = export_dir()
    _start_attempt(export_id)
    partial = final = None
    try:
        with transaction.atomic():
            export = BulkExport.objects.select_for_update(of=("self",)).select_related("unit").filter(pk=export_id)
            export = export.first()
            if export is None or export.state != ExportState.APPROVED:
                return export
            _remove_partials_of(directory, export.pk)
            prefix = _partial_prefix(export.pk)
            suffix = f".{export.file_format}"
            with tempfile.NamedTemporaryFile(dir=directory, prefix=prefix, suffix=suffix, delete=False) as out:
                partial = out.name
                write = write_xlsx if export.file_format == ExportFormat.XLSX else copy_csv
                rows = write(export_queryset(export), export.unit, out)
                out.flush()
                os.fsync(out.fileno())
            final = directory / f"bulk-export-{export.pk}-{timezone.localtime():%Y%m%d%H%M%S}{suffix}"
            os.replace(partial, final)
            partial = None
            _fsync_dir(directory)
            _mark_exported(export, final, rows)
        return export
    except Exception as error:
        _unlink(partial)
        _unlink(final)  # renamed, but the transaction that would have recorded it failed
        BulkExport.objects.filter(pk=export_id).update(last_error=f"{type(error).__name__}: {error}"[:2000])
        raise


def _start_attempt(export_id: int) -> None:
    """Record the attempt in a transaction of its own, committed before the locked one: a
    killed worker's locked transaction rolls back, this stays. A second delivery waits here
    while an attempt runs, and counts nothing once it finds the request exported."""
    with transaction.atomic():
        BulkExport.objects.filter(pk=export_id, state=ExportState.APPROVED).update(
            started_at=timezone.now(), attempts=F("attempts") + 1
        )


def _partial_prefix(export_id: int) -> str:
    # The request's id in the name, so that its next attempt finds what a killed one left.
    return f".partial-{export_id}-"


def _remove_partials_of(directory: Path, export_id: int) -> None:
    """A killed attempt's temporary file, personal data in it. Called under the row lock, so no
    live attempt of the same request is writing one."""
    for partial in directory.glob(f"{_partial_prefix(export_id)}*"):
        _unlink(partial)


def _mark_exported(export: BulkExport, final: Path, rows: int) -> None:
    now = timezone.now()
    expires_at = now + timedelta(days=settings.BULK_EXPORT_KEEP_DAYS)
    export.mark_exported(file_name=final.name, file_size=final.stat().st_size, rows=rows, at=now, expires_at=expires_at)
    export.save()
    task = Task.objects.filter(process_id=export.process_id, flow_task_type="FUNCTION", status=STATUS.NEW).first()
    if task is not None:
        BulkExportFlow.produce.run(task)
    _remind(
        kind=FileNotice.EXPORT_READY, sender=export.unit, receiver=export.unit, actor=None, count=rows,
        message=f"批量导出数据文件已生成,共 {rows} 条,请在“批量导出”中下载;文件保留至 "
        f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M}。",
    )  # fmt: skip
    audit_record(
        event=FileEvent.EXPORT_PRODUCED, obj=export,
        detail={"rows": rows, "file": final.name, "bytes": export.file_size},
    )  # fmt: skip


# --- interrupted exports --------------------------------------------------------------------------

GAVE_UP = f"已尝试导出 {MAX_EXPORT_ATTEMPTS} 次均未完成,不再自动重试,请联系系统管理员。"


def exports_retry_interrupted(send, now=None) -> list[int]:
    """The every-few-minutes job: an approved request whose attempt started more than
    BULK_EXPORT_RETRY_AFTER_MINUTES ago and whose row nobody locks was interrupted (a running
    attempt holds the lock throughout), so it is sent to the worker again; after MAX_EXPORT_ATTEMPTS
    attempts it is left with an error instead. `send(export_id)` hands each to the worker
    (records.tasks.send_export, which waits for this transaction's commit). The ids sent."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.BULK_EXPORT_RETRY_AFTER_MINUTES)
    sent = []
    with transaction.atomic():
        for export in _interrupted(cutoff):
            if export.retries_exhausted:
                _give_up(export)
                continue
            audit_record(event=FileEvent.EXPORT_RETRIED, obj=export, detail={"attempt": export.attempts + 1})
            send(export.pk)
            sent.append(export.pk)
    return sent


def _interrupted(cutoff) -> QuerySet[BulkExport]:
    """Skipping locked rows skips running attempts (and a user's edit, seen again next time)."""
    return (
        BulkExport.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("unit")
        .filter(state=ExportState.APPROVED, started_at__lt=cutoff)
        .exclude(last_error__startswith=GAVE_UP)
        .order_by("pk")
    )


def _give_up(export: BulkExport) -> None:
    """Left approved, with the reason; an exception's error, if the last attempt left one, after it."""
    previous = export.last_error
    export.last_error = GAVE_UP + (f"最近一次错误:{previous}" if previous else "")
    export.save(update_fields=["last_error", "updated_at"])
    audit_record(
        event=FileEvent.EXPORT_RETRIED, obj=export, success=False,
        detail={"attempt": export.attempts, "gave_up": True},
    )  # fmt: skip


# --- download and expiry -------------------------------------------------------------------------


def export_path(export: BulkExport) -> Path:
    # Only the base name is ever stored; this keeps a crafted value inside the directory.
    return Path(settings.BULK_EXPORT_DIR) / Path(export.file_name).name


def download_file_name(export: BulkExport) -> str:
    return f"{export.unit.name}批量导出数据-{timezone.localtime(export.exported_at):%Y%m%d}.{export.file_format}"


def download_content_type(export: BulkExport) -> str:
    return excel.XLSX if export.file_format == ExportFormat.XLSX else "text/csv; charset=utf-8"


@transaction.atomic
def export_download(*, actor: User, export_id: int, otp_verified: bool, request=None) -> tuple[BulkExport, Path]:
    """下载数据 (2.5.4): the requesting unit's admin only, with a verified TOTP token where the
    unit needs one; every download is audited with its row count."""
    export = get_export_for_user(actor, export_id)
    require_requester(actor, export)
    if download_needs_otp(export.unit) and not otp_verified:
        raise PermissionDenied("下载本单位的批量导出数据须先验证动态口令。")
    if export.state == ExportState.EXPIRED:
        raise DomainError("数据文件已过期删除,请重新提出申请。")
    if export.state != ExportState.EXPORTED:
        raise DomainError("该申请尚未导出数据。")
    path = export_path(export)
    if not path.is_file():
        raise DomainError("数据文件不存在,请联系系统管理员。")
    audit_record(
        event=FileEvent.EXPORT_DOWNLOADED, actor=actor, request=request, obj=export,
        detail={"rows": export.row_count, "file": export.file_name},
    )  # fmt: skip
    # The file holds every person's full ID number: a full-ID view like any page's (DESIGN.md §7).
    audit_record(
        event=FileEvent.ID_NUMBERS_VIEWED, actor=actor, request=request, obj=export,
        detail={"page": "bulk_export_download", "rows": export.row_count, "file": export.file_name},
    )  # fmt: skip
    return export, path


def exports_expire(now=None) -> int:
    """The scheduled job: delete files past their expiry; each request then shows 已过期."""
    now = now or timezone.now()
    expired = 0
    for pk in BulkExport.objects.filter(state=ExportState.EXPORTED, expires_at__lt=now).values_list("pk", flat=True):
        with transaction.atomic():
            export = BulkExport.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if export is None or export.state != ExportState.EXPORTED:
                continue
            path = export_path(export)
            file_name = export.file_name
            export.expire()
            export.save()
            audit_record(event=FileEvent.EXPORT_EXPIRED, obj=export, detail={"file": file_name})
            transaction.on_commit(functools.partial(_unlink, path))
            expired += 1
    _remove_stale_partials(now)
    return expired


PARTIAL_MAX_AGE = timedelta(days=1)  # far beyond the export actor's time limit


def _remove_stale_partials(now) -> None:
    """A worker killed outright (no exception, no cleanup) leaves its temporary file behind."""
    directory = Path(settings.BULK_EXPORT_DIR)
    if not directory.is_dir():
        return
    for partial in directory.glob(".partial-*"):
        if partial.stat().st_mtime < (now - PARTIAL_MAX_AGE).timestamp():
            _unlink(partial)


@transaction.atomic
def export_otp_setting(*, actor: User, enabled: bool, request=None) -> Unit:
    """A unit below province level opts in (or out) of the second factor for its downloads."""
    require_module(actor, Module.UNIT_ADMIN)
    unit = Unit.objects.select_for_update().get(pk=actor.unit_id)
    unit.export_download_otp = enabled
    unit.save(update_fields=["export_download_otp"])
    audit_record(
        event=OrgEvent.UNIT_CHANGED, actor=actor, request=request, obj=unit,
        detail={"export_download_otp": enabled},
    )  # fmt: skip
    actor.unit = unit
    return unit
