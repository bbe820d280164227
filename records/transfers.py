"""转移职工档案 / 批量转移档案 (manual 2.9.3–2.9.4), and transfers to another branch.

Within the admin's subtree a transfer is immediate: the files (with their members, which hang
on the file) become files of the target unit, unreported and held there — `place_at_owner` in
one UPDATE — and the target unit gets a reminder listing them: a TRANSFER action whose
movement rows are written by the same statement (INSERT … SELECT, as approvals.engine does).

To a unit outside the subtree it is a request: the files stay where they are until the target
unit's admin accepts it in their 待办审批 (then they move as above) or refuses it (then the
requesting unit gets a reminder), or the requesting side withdraws it (撤回) while it waits. A file in an
open request cannot be transferred or merged.

Decisions: a clash of 职工编号 at the target unit refuses the transfer and lists the codes (a
code is the unit's own numbering, not ours to rewrite); cancelled files move too, keeping their
state (manual 2.9.4 moves 所有档案, and a unit emptied for dissolution must keep none behind);
records linked to a file (assistance, legal aid…) keep their own unit.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from approvals.models import RESET_MOVE, Movement, ReportAction
from approvals.processes import complete_human_task
from approvals.selectors import sees
from audit.services import audit_record
from flows.flows import TransferFlow, TransferRequestFlow
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module
from org.services.users import unit_admin_of
from records.events import FileEvent
from records.merges import NOT_IN_SCOPE
from records.models import (
    HARDSHIP_CATEGORIES,
    FileCategory,
    TransferRequest,
    TransferRequestFile,
    TransferState,
    WorkerFile,
)
from records.notices import FileNotice
from records.services import CHOOSE_HARDSHIP_CATEGORY

CLASH_LIST_LIMIT = 20


@dataclass
class TransferResult:
    moved: int
    action: ReportAction | None = None
    request: TransferRequest | None = None


TRANSFERS, CLAIMS = Q(claim_category=""), ~Q(claim_category="")


def _deciding(unit: Unit) -> Q:
    """Requests the unit's admin decides: transfers into it, claims on its temporary files."""
    return (TRANSFERS & Q(to_unit=unit)) | (CLAIMS & Q(from_unit=unit))


def _requesting(unit: Unit) -> Q:
    """Requests made by the unit or a unit below it."""
    return (TRANSFERS & Q(from_unit__path__startswith=unit.path)) | (CLAIMS & Q(to_unit__path__startswith=unit.path))


def requests_waiting_for(unit: Unit) -> QuerySet[TransferRequest]:
    """Cross-branch requests the unit's admin has still to accept or refuse, newest first."""
    waiting = TransferRequest.objects.filter(_deciding(unit), state=TransferState.PENDING)
    return waiting.select_related("from_unit", "to_unit").order_by("-created_at", "-pk")


def requests_sent_from(unit: Unit) -> QuerySet[TransferRequest]:
    """Requests of the unit's subtree: an admin above the requesting unit may withdraw them too."""
    sent = TransferRequest.objects.filter(_requesting(unit))
    return sent.select_related("from_unit", "to_unit").order_by("-created_at", "-pk")


def parties_of(unit: Unit) -> Q:
    """The requests a unit is party to: as the deciding unit, or as the requesting unit or a
    unit above it."""
    return _deciding(unit) | _requesting(unit)


def target_admin(unit: Unit) -> User | None:
    """The unit admin who decides a cross-branch transfer into `unit` (one per unit), if active."""
    admin = unit_admin_of(unit)
    return admin if admin is not None and admin.is_active else None


# --- checks (under the files' row locks) ---------------------------------------------------------


def _refuse_open_requests(files: QuerySet) -> None:
    waiting = TransferRequestFile.objects.filter(file__in=files, request__state=TransferState.PENDING)
    if waiting.exists():
        raise DomainError("有档案正在等待其他单位接收转移,对方接收或拒绝、或本方撤回申请之后才能再次转移。")


def _refuse_code_clashes(files: QuerySet, to_unit: Unit) -> None:
    """职工编号 is unique per unit: codes the target already uses, or that two moving files share."""
    taken = WorkerFile.objects.filter(unit=to_unit, code__in=files.values("code")).exclude(pk__in=files.values("pk"))
    clashes = set(taken.values_list("code", flat=True)[:CLASH_LIST_LIMIT])
    repeated = files.order_by().values("code").annotate(n=Count("pk")).filter(n__gt=1).values_list("code", flat=True)
    clashes |= set(repeated[:CLASH_LIST_LIMIT])
    if clashes:
        codes = "、".join(sorted(clashes))
        raise DomainError(f"“{to_unit.name}”已有相同职工编号的档案:{codes}。请先修改档案的职工编号,再转移。", "to_unit")


def _lock_selected(actor_unit: Unit, ids: list[int]) -> QuerySet:
    """The chosen files, locked in id order; all must exist in the acting unit's subtree and
    have reached it (a subordinate's draft is not the unit's to move)."""
    ids = sorted(set(ids))
    if not ids:
        raise DomainError("请选择要转移的档案。")
    locked = list(
        WorkerFile.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("unit_path", "holder_depth")
    )
    if len(locked) != len(ids) or not all(sees(actor_unit, file) for file in locked):
        raise DomainError(NOT_IN_SCOPE.format(what="要转移的职工档案"))
    return WorkerFile.objects.filter(pk__in=ids)


def _lock_unit_files(unit: Unit) -> int:
    """Every file of `unit`, locked in id order by one statement (a unit may own thousands)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {WorkerFile._meta.db_table} WHERE unit_id = %s "
            "ORDER BY id FOR UPDATE) AS locked",
            [unit.pk],
        )
        return cursor.fetchone()[0]


# --- the move ------------------------------------------------------------------------------------


def _move(files: QuerySet, to_unit: Unit, action: ReportAction) -> int:
    """`place_at_owner(to_unit)` for every file of `files` in one UPDATE — the reset move as
    declared (Reportable.reset), to the new owner — chained into the INSERT … SELECT of one
    movement row per file (from its holder before, to the new unit)."""
    table, movements = WorkerFile._meta.db_table, Movement._meta.db_table
    chosen_sql, chosen_params = RESET_MOVE.eligible(files).order_by().values("pk").query.sql_with_params()
    sql = f"""
        WITH before AS (
            SELECT id, holder_id FROM {table} WHERE id IN ({chosen_sql})
        ), moved AS (
            UPDATE {table} AS t
            SET unit_id = %s, unit_path = %s, holder_id = %s, holder_depth = %s, report_state = %s
            FROM before WHERE t.id = before.id
            RETURNING t.id, before.holder_id AS from_holder
        )
        INSERT INTO {movements} (action_id, content_type_id, object_id, from_holder_id, to_holder_id)
        SELECT %s, %s, id, from_holder, %s FROM moved
    """
    content_type = ContentType.objects.get_for_model(WorkerFile)
    params = [*chosen_params, to_unit.pk, to_unit.path, to_unit.pk, to_unit.depth, RESET_MOVE.target,
              action.pk, content_type.pk, to_unit.pk]  # fmt: skip
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount
    except IntegrityError:  # a file created meanwhile with a clashing code
        raise DomainError(f"“{to_unit.name}”已有相同职工编号的档案,请刷新后重试。", "to_unit") from None


def _transfer(*, actor: User, sender: Unit, files: QuerySet, to_unit: Unit, message: str, request) -> TransferResult:
    """Move the locked `files` to `to_unit` as one TRANSFER action with its reminder process."""
    _refuse_open_requests(files)
    _refuse_code_clashes(files, to_unit)
    action = ReportAction.objects.create(
        kind=FileNotice.TRANSFER, module=Module.FILES, sender=sender, receiver=to_unit, actor=actor,
        message=message.strip(),
    )  # fmt: skip
    moved = _move(files, to_unit, action)
    if not moved:
        raise DomainError("没有可转移的档案。")
    action.count = moved
    action.process = TransferFlow.start.run(action=action)
    action.save(update_fields=["count", "process"])
    audit_record(
        event=FileEvent.FILES_TRANSFERRED, actor=actor, request=request, obj=action,
        detail={"to_unit": to_unit.pk, "count": moved, "process": action.process_id},
    )  # fmt: skip
    return TransferResult(moved=moved, action=action)


def _check_target(to_unit: Unit | None) -> None:
    if to_unit is None:
        raise DomainError("请选择目的单位。", "to_unit")


@transaction.atomic
def files_transfer(
    *, actor: User, file_ids: list[int], to_unit: Unit, message: str = "", request=None
) -> TransferResult:
    """2.9.3 移动选中的档案. Inside the subtree: moved now. Outside: a request to the target unit's
    admin (the files stay until accepted)."""
    require_module(actor, Module.UNIT_ADMIN)
    _check_target(to_unit)
    files = _lock_selected(actor.unit, file_ids)
    if files.filter(unit=to_unit).exists():
        raise DomainError("选中的档案中有已属于目的单位的档案。", "to_unit")
    if not to_unit.is_within(actor.unit):
        return TransferResult(moved=0, request=_request(actor=actor, files=files, to_unit=to_unit, reason=message,
                                                        request=request))  # fmt: skip
    return _transfer(actor=actor, sender=actor.unit, files=files, to_unit=to_unit, message=message, request=request)


@transaction.atomic
def unit_files_transfer(
    *, actor: User, from_unit: Unit, to_unit: Unit, message: str = "", request=None
) -> TransferResult:
    """2.9.4 批量转移档案: every file of `from_unit` (all three kinds, cancelled ones too) to
    another unit of the subtree."""
    require_module(actor, Module.UNIT_ADMIN)
    _check_target(to_unit)
    if from_unit is None or not from_unit.is_within(actor.unit):
        raise DomainError(NOT_IN_SCOPE.format(what="源单位"), "from_unit")
    if not to_unit.is_within(actor.unit):
        raise DomainError("批量转移只能在本单位及下级单位之间进行;转往其他单位请选择档案后申请转移。", "to_unit")
    if from_unit.pk == to_unit.pk:
        raise DomainError("源单位和目的单位相同。", "to_unit")
    if not _lock_unit_files(from_unit):
        raise DomainError(f"“{from_unit.name}”没有职工档案。", "from_unit")
    files = WorkerFile.objects.filter(unit=from_unit)
    return _transfer(actor=actor, sender=actor.unit, files=files, to_unit=to_unit, message=message, request=request)


# --- across branches -----------------------------------------------------------------------------


def _request(*, actor: User, files: QuerySet, to_unit: Unit, reason: str, request) -> TransferRequest:
    if target_admin(to_unit) is None:
        raise DomainError(
            f"“{to_unit.name}”尚未设置用户管理员,无人可以接收转移的档案。请联系该单位设置用户管理员后再申请。",
            "to_unit",
        )
    if not reason.strip():
        raise DomainError("转往其他单位须填写转移原因,供接收单位审核。", "message")
    _refuse_open_requests(files)
    _refuse_code_clashes(files, to_unit)
    transfer = TransferRequest.objects.create(
        from_unit=actor.unit, to_unit=to_unit, requested_by=actor, reason=reason.strip()[:200]
    )
    items = TransferRequestFile.objects.bulk_create(
        TransferRequestFile(request=transfer, file_id=pk) for pk in files.values_list("pk", flat=True)
    )
    transfer.file_count = len(items)
    transfer.process = TransferRequestFlow.start.run(transfer_request=transfer)
    transfer.save(update_fields=["file_count", "process"])
    audit_record(
        event=FileEvent.TRANSFER_REQUESTED, actor=actor, request=request, obj=transfer,
        detail={"to_unit": to_unit.pk, "count": transfer.file_count, "process": transfer.process_id},
    )  # fmt: skip
    return transfer


def _regularize_claimed(actor: User, transfer: TransferRequest, files: QuerySet, request) -> None:
    for file in files.select_related("head"):
        audit_record(
            event=FileEvent.FILE_CATEGORY_CHANGED, actor=actor, request=request, obj=file,
            detail={"from": FileCategory.TEMPORARY, "to": transfer.claim_category, "claim": transfer.pk},
        )  # fmt: skip
    files.update(category=transfer.claim_category)


@transaction.atomic
def file_claim(
    *, actor: User, file: WorkerFile, category: str, id_number: str | None, reason: str, request=None
) -> TransferRequest:
    """转正申请 (manual 2.2.1.1, case two): a unit that enters the ID number of another unit's
    temporary file asks the owning unit for it. Nothing moves until the owning unit's admin
    accepts (then the file becomes a hardship file of `category` in the actor's unit) — a
    unit never takes another's file by itself. Only someone who knows the head's ID number
    may ask; to anyone else the file does not exist."""
    file = WorkerFile.objects.select_for_update().select_related("head", "unit").get(pk=file.pk)
    if not id_number or id_number != file.head.id_number or file.unit_id == actor.unit_id:
        raise Http404("档案不存在。")
    require_module(actor, Module.FILES)
    if category not in HARDSHIP_CATEGORIES:
        raise DomainError(CHOOSE_HARDSHIP_CATEGORY, "category")
    if not file.is_temporary:
        raise DomainError(f"“{file}”不是临时救助档案。")
    if target_admin(file.unit) is None:
        raise DomainError(
            f"“{file.unit.name}”尚未设置用户管理员,无人可以同意转出该档案。请联系该单位处理。", "category"
        )
    if not reason.strip():
        raise DomainError("请填写申请原因,供档案所属单位审核。", "reason")
    files = WorkerFile.objects.filter(pk=file.pk)
    _refuse_open_requests(files)
    _refuse_code_clashes(files, actor.unit)
    claim = TransferRequest.objects.create(
        from_unit=file.unit, to_unit=actor.unit, requested_by=actor, reason=reason.strip()[:200],
        claim_category=category, file_count=1,
    )  # fmt: skip
    TransferRequestFile.objects.create(request=claim, file=file)
    claim.process = TransferRequestFlow.start.run(transfer_request=claim)
    claim.save(update_fields=["process"])
    audit_record(
        event=FileEvent.TRANSFER_REQUESTED, actor=actor, request=request, obj=claim,
        detail={"claim": category, "from_unit": file.unit_id, "file": file.pk, "process": claim.process_id},
    )  # fmt: skip
    return claim


def can_decide(user: User, transfer: TransferRequest) -> bool:
    return user.has_module(Module.UNIT_ADMIN) and user.unit_id == transfer.deciding_unit_id


def can_withdraw(user: User, transfer: TransferRequest) -> bool:
    """The requesting unit's admin, or an admin of a unit above it: the request is their
    subtree's, so taking it back is theirs to decide too."""
    return user.has_module(Module.UNIT_ADMIN) and transfer.requesting_unit.is_within(user.unit)


DECIDER_ONLY = "只有目的单位(转正申请:档案所属单位)的用户管理员可以处理该申请。"
WITHDRAWER_ONLY = "只有申请单位或其上级单位的用户管理员可以撤回该申请。"


def _lock_pending(actor: User, pk: int, *, allowed=can_decide, refusal: str = DECIDER_ONLY) -> TransferRequest:
    """The request, row-locked: of accepting, refusing and withdrawing racing each other the
    first wins, and the others find it no longer pending."""
    try:
        transfer = TransferRequest.objects.select_for_update().select_related("from_unit", "to_unit").get(pk=pk)
    except (TransferRequest.DoesNotExist, ValueError, TypeError):
        raise DomainError("该申请不存在。") from None
    if not allowed(actor, transfer):
        raise PermissionDenied(refusal)
    if transfer.state != TransferState.PENDING:
        raise DomainError(f"该申请{transfer.get_state_display()},不能再次处理。")
    if transfer.process_id:
        Process.objects.select_for_update().filter(pk=transfer.process_id).exists()
    return transfer


def _close(actor: User, transfer: TransferRequest, state: str, note: str) -> None:
    transfer.state, transfer.decided_by, transfer.decided_at = state, actor, timezone.now()
    transfer.decision_note = note.strip()[:200]
    transfer.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    complete_human_task(actor, transfer.process_id)


@transaction.atomic
def transfer_request_accept(*, actor: User, pk: int, note: str = "", request=None) -> TransferResult:
    """接收: the files still in the requesting unit's subtree move to the target unit."""
    transfer = _lock_pending(actor, pk)
    ids = list(TransferRequestFile.objects.filter(request=transfer).values_list("file_id", flat=True))
    files = _lock_selected(transfer.from_unit, ids) if ids else None
    if files is None:
        raise DomainError("申请中的档案已不存在,请拒绝该申请。")
    if transfer.is_claim and files.exclude(category=FileCategory.TEMPORARY).exists():
        raise DomainError("该档案已不是临时救助档案,请拒绝该申请。")
    message = f"{'转正申请' if transfer.is_claim else '跨单位转移'}:{transfer.reason}"
    _close(actor, transfer, TransferState.ACCEPTED, note)
    result = _transfer(
        actor=actor, sender=transfer.from_unit, files=files, to_unit=transfer.to_unit, message=message, request=request
    )
    if transfer.is_claim:
        _regularize_claimed(actor, transfer, files, request)
    audit_record(
        event=FileEvent.TRANSFER_ACCEPTED, actor=actor, request=request, obj=transfer,
        detail={"count": result.moved, "action": result.action.pk},
    )  # fmt: skip
    result.request = transfer
    return result


@transaction.atomic
def transfer_request_reject(*, actor: User, pk: int, note: str, request=None) -> ReportAction:
    """拒绝: the files stay; the requesting unit gets a reminder saying why."""
    transfer = _lock_pending(actor, pk)
    if not note.strip():
        raise DomainError("请填写拒绝原因。", "note")
    _close(actor, transfer, TransferState.REJECTED, note)
    deciding = transfer.deciding_unit
    refused = "不同意转出申请转正的" if transfer.is_claim else "未接收转移的"
    action = ReportAction.objects.create(
        kind=FileNotice.TRANSFER_REJECTED, module=Module.FILES if transfer.is_claim else Module.UNIT_ADMIN,
        sender=deciding, receiver=transfer.requesting_unit, actor=actor, count=transfer.file_count,
        message=f"“{deciding.name}”{refused} {transfer.file_count} 份档案:{note.strip()}",
    )  # fmt: skip
    action.process = TransferFlow.start.run(action=action)
    action.save(update_fields=["process"])
    audit_record(
        event=FileEvent.TRANSFER_REJECTED, actor=actor, request=request, obj=transfer,
        detail={"note": note.strip(), "action": action.pk},
    )  # fmt: skip
    return action


@transaction.atomic
def transfer_request_withdraw(*, actor: User, pk: int, request=None) -> TransferRequest:
    """撤回: the requesting side takes back a request still waiting. Its process is cancelled
    (the receiving admin's `decide` task with it), it leaves their 待办审批, and its files may
    be transferred or merged again."""
    require_module(actor, Module.UNIT_ADMIN)
    transfer = _lock_pending(actor, pk, allowed=can_withdraw, refusal=WITHDRAWER_ONLY)
    transfer.state, transfer.decided_by, transfer.decided_at = TransferState.WITHDRAWN, actor, timezone.now()
    transfer.save(update_fields=["state", "decided_by", "decided_at"])
    process = transfer.process
    if process is not None and process.status == PROCESS.NEW:
        TransferRequestFlow.instance.cancel(process)
    audit_record(
        event=FileEvent.TRANSFER_WITHDRAWN, actor=actor, request=request, obj=transfer,
        detail={"count": transfer.file_count, "to_unit": transfer.to_unit_id, "process": transfer.process_id},
    )  # fmt: skip
    return transfer
