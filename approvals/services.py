"""Writes of the reporting core: the report, return, quick report and quick return services
(DESIGN.md §3)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Left

from approvals import engine, processes, registry
from approvals.events import ReportingEvent
from approvals.models import REPORT_MOVE, RETURN_MOVE, RETURN_REASONS, DisplayPreference, ReportAction, ReportKind
from approvals.registry import ReportingModule
from approvals.selectors import from_subtree, visible_to
from audit.services import audit_record
from org.errors import DomainError
from org.models import Code, Unit, User
from org.selectors import children_of, codes_of

# --- report and return (DESIGN.md §3) -------------------------------------------------------

REFUSAL_DETAIL_LIMIT = 100


@dataclass
class Refusal:
    pk: int
    label: str
    reason: str


@dataclass
class MoveResult:
    """How many rows moved, and for each refused row why (the first REFUSAL_DETAIL_LIMIT)."""

    moved: int = 0
    refused: list[Refusal] = field(default_factory=list)
    refused_total: int = 0
    actions: list[ReportAction] = field(default_factory=list)
    moved_ids: set[int] = field(default_factory=set, repr=False)

    def count_moved(self, ids: set[int]) -> int:
        self.moved_ids |= ids
        return len(ids)

    def refuse(self, rows, reason: str, total: int | None = None) -> None:
        rows = list(rows)
        self.refused_total += len(rows) if total is None else total
        room = REFUSAL_DETAIL_LIMIT - len(self.refused)
        self.refused += [Refusal(row.pk, str(row), reason) for row in rows[: max(room, 0)]]


def _require_module(actor: User, module_key: str) -> ReportingModule:
    module = registry.get(module_key)
    if not actor.has_module(module_key):
        # Named as the module's reminders and lists name it (e.g. 职工档案), not the permission.
        raise PermissionDenied(f"需要“{module.label}”权限。")
    return module


def has_report_target(unit: Unit) -> bool:
    """上报 is offered to `unit`: every unit but the national one has a parent to report to."""
    return unit.depth > 1


def _report_target(actor: User) -> Unit:
    if not has_report_target(actor.unit):
        raise DomainError("全国总工会没有上级单位,无需上报。")
    return actor.unit.parent_unit()


def _record_refusals(result: MoveResult, held: QuerySet, refusals: list[tuple[Q, str]]) -> None:
    """After the moves: why each row of `held` that is still held did not move."""
    remaining = held
    for condition, reason in refusals:
        blocked = remaining.filter(condition)
        total = blocked.count()
        if total:
            result.refuse(blocked.order_by("pk")[:REFUSAL_DETAIL_LIMIT], reason, total)
            remaining = remaining.exclude(condition)


def _refuse_not_held(result: MoveResult, model, pks: list[int], unit: Unit) -> None:
    """Chosen rows the unit sees but no longer holds, and that this action did not move:
    somebody else reported or returned them first. Checked after the action, whose lock made
    a racing action finish first."""
    gone = visible_to(model.objects.filter(pk__in=pks), unit).exclude(holder=unit).exclude(pk__in=result.moved_ids)
    result.refuse(gone, "已不在本单位(可能已被他人上报或退回),请刷新列表")


def _receiving_children(held_by_model: dict, unit: Unit) -> QuerySet[Unit]:
    """The children of `unit` whose subtrees the held rows come from: each gets its own action."""
    prefix = Left("unit_path", len(unit.path) + Unit.steplen)
    paths = set()
    for held in held_by_model.values():
        paths |= set(held.order_by().annotate(child_path=prefix).values_list("child_path", flat=True).distinct())
    return children_of(unit).filter(path__in=paths)


def _open_action(
    *, kind, module, sender: Unit, receiver: Unit, actor: User, message: str, reason: Code | None = None
) -> ReportAction:
    return ReportAction.objects.create(
        kind=kind, module=module.key, sender=sender, receiver=receiver, actor=actor, message=message.strip(),
        return_reason=reason,
    )  # fmt: skip


def _check_reason(reason: Code | None) -> None:
    if reason is not None and not codes_of(RETURN_REASONS).filter(pk=reason.pk).exists():
        raise DomainError("请从列表中选择退回原因。", field="reason")


def _close_action(action: ReportAction, moved: int, direction: str, request) -> None:
    """Count the action, start its process (the receiving unit's reminder), audit it."""
    action.count = moved
    action.process = processes.start_process(direction, action)
    action.save(update_fields=["count", "process"])
    event = ReportingEvent.ROWS_REPORTED if direction == processes.REPORT else ReportingEvent.ROWS_RETURNED
    audit_record(
        event=event,
        actor=action.actor,
        request=request,
        obj=action,
        detail={"kind": action.kind, "module": action.module, "count": moved, "process": action.process_id},
    )


def _lock_moves(unit: Unit, module: ReportingModule) -> None:
    """Moves of one module by one unit run one at a time (until commit). The holder guard alone
    keeps a row from moving twice, but a report (parents first, one UPDATE) and a return
    (children first, one UPDATE per receiving child) lock the same rows in opposite orders and
    deadlock; only the holder moves a row, so contending actions always share this key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s), %s::integer)", [f"approvals.move.{module.key}", unit.pk]
        )


# What a module does, in the same transaction, once rows of its went up (a statistical form's
# reminder to report it is done): hook(actor=…, model=…, ids=…), ids of the moved rows.
AFTER_REPORT: list = []


def _report(result: MoveResult, *, actor, module, held_by_model, kind, message, request) -> MoveResult:
    """Report the eligible part of each model's held rows (parents first) as one action."""
    unit, target = actor.unit, _report_target(actor)
    with transaction.atomic():
        _lock_moves(unit, module)
        action = _open_action(kind=kind, module=module, sender=unit, receiver=target, actor=actor, message=message)
        for model in module.models:
            if model in held_by_model:
                eligible = REPORT_MOVE.eligible(held_by_model[model])
                ids = engine.move_to(
                    model, eligible, holder=unit, target=target, state=REPORT_MOVE.target, action=action
                )
                result.moved += result.count_moved(ids)
                for hook in AFTER_REPORT:
                    hook(actor=actor, model=model, ids=ids)
        for model, held in held_by_model.items():
            _record_refusals(result, held, REPORT_MOVE.refusals(model))
        if result.moved:
            _close_action(action, result.moved, processes.REPORT, request)
            result.actions.append(action)
        else:
            action.delete()
    return result


def _return(result: MoveResult, *, actor, module, held_by_model, kind, message, request, reason=None) -> MoveResult:
    """Return the eligible part of each model's held rows (children first), one action per
    receiving child unit, each with the return reason."""
    _check_reason(reason)
    unit = actor.unit
    with transaction.atomic():
        _lock_moves(unit, module)
        eligible_by_model = {
            model: RETURN_MOVE.eligible(held_by_model[model])
            for model in reversed(module.models)
            if model in held_by_model
        }
        for child in _receiving_children(held_by_model, unit):
            action = _open_action(
                kind=kind, module=module, sender=unit, receiver=child, actor=actor, message=message, reason=reason
            )
            moved = 0
            for model, eligible in eligible_by_model.items():
                rows = from_subtree(eligible, child)
                moved += result.count_moved(
                    engine.move_to(model, rows, holder=unit, target=child, state=RETURN_MOVE.target, action=action)
                )
            if moved:
                _close_action(action, moved, processes.RETURN, request)
                result.moved += moved
                result.actions.append(action)
            else:
                action.delete()
        for model, held in held_by_model.items():
            _record_refusals(result, held, RETURN_MOVE.refusals(model))
    return result


def _move_chosen(move, kind, *, actor: User, model, pks: list[int], message: str, request, **more) -> MoveResult:
    module = _require_module(actor, model.reporting_module)
    held = model.objects.filter(pk__in=pks, holder=actor.unit)
    result = move(
        MoveResult(), actor=actor, module=module, held_by_model={model: held}, kind=kind, message=message,
        request=request, **more,
    )  # fmt: skip
    _refuse_not_held(result, model, pks, actor.unit)
    return result


def report_rows(*, actor: User, model, pks: list[int], message: str = "", request=None) -> MoveResult:
    """上报 the chosen rows held by the actor's unit to its parent."""
    return _move_chosen(_report, ReportKind.REPORT, actor=actor, model=model, pks=pks, message=message, request=request)


def return_rows(
    *, actor: User, model, pks: list[int], message: str = "", reason: Code | None = None, request=None
) -> MoveResult:
    """退回 the chosen rows held by the actor's unit, each one level down towards its owner,
    with the reason chosen (退回原因) besides the message."""
    return _move_chosen(
        _return, ReportKind.RETURN, actor=actor, model=model, pks=pks, message=message, request=request, reason=reason
    )


def _move_subtree(move, kind, *, actor: User, module, subtree: Unit, message: str, request, **more) -> MoveResult:
    """A quick move: every row of the module from `subtree` held by the actor's unit."""
    held = {model: from_subtree(model.objects.filter(holder=actor.unit), subtree) for model in module.models}
    return move(
        MoveResult(), actor=actor, module=module, held_by_model=held, kind=kind, message=message, request=request,
        **more,
    )  # fmt: skip


def quick_report(*, actor: User, module_key: str, scope: Unit, message: str = "", request=None) -> MoveResult:
    """快速上报 (manual 2.6.1): every row of the module in `scope` (the actor's unit or one of its
    children) held by the actor's unit goes up; invalid rows stay and are listed."""
    module = _require_module(actor, module_key)
    if scope.pk != actor.unit_id and scope.parent_unit() != actor.unit:
        raise DomainError("只能快速上报本单位或直属下级单位的数据。")
    return _move_subtree(
        _report, ReportKind.QUICK_REPORT, actor=actor, module=module, subtree=scope, message=message, request=request
    )


def quick_return(
    *, actor: User, module_key: str, child: Unit, message: str = "", reason: Code | None = None, request=None
) -> MoveResult:
    """快速退回 (manual 2.6.2): every row of the module from `child`'s subtree held by the actor's
    unit goes back to `child`."""
    module = _require_module(actor, module_key)
    if child.parent_unit() != actor.unit:
        raise DomainError("请选择一个直属下级单位进行快速退回;本级单位的数据没有快速退回。")
    return _move_subtree(
        _return, ReportKind.QUICK_RETURN, actor=actor, module=module, subtree=child, message=message, request=request,
        reason=reason,
    )  # fmt: skip


@transaction.atomic
def rows_reset_after_unit_move(*, actor: User, unit: Unit, old_path: str, new_path: str) -> int:
    """Cut/paste of a unit (manual 18.2.3): every reportable row of the moved subtree returns to
    `draft` at its owner with `unit_path` rewritten, in the transaction of the move."""
    total = 0
    for module in registry.all_modules():
        action = _open_action(
            kind=ReportKind.UNIT_MOVED, module=module, sender=unit, receiver=unit, actor=actor,
            message=f"“{unit.name}”调整了上级单位,数据恢复为未上报。",
        )  # fmt: skip
        moved = sum(
            engine.reset_moved_subtree(model, old_path=old_path, new_path=new_path, action=action)
            for model in module.models
        )
        action.count = moved
        action.save(update_fields=["count"])
        total += moved
    for model in registry.unreported_models():  # not reported: no holder to reset, a path to rewrite
        engine.rewrite_unit_paths(model, old_path=old_path, new_path=new_path)
    audit_record(
        event=ReportingEvent.ROWS_RESET,
        actor=actor,
        obj=unit,
        detail={"old_path": old_path, "new_path": new_path, "count": total},
    )
    return total


# --- display preferences (manual 2.7) ------------------------------------------------------


def preference_save(*, actor, list_key: str, columns: list[str], sort: str, page_size: int) -> DisplayPreference:
    preference, _created = DisplayPreference.objects.update_or_create(
        user=actor, list_key=list_key, defaults={"columns": columns, "sort": sort, "page_size": page_size}
    )
    return preference


def preference_reset(*, actor, list_key: str) -> None:
    """恢复默认: the list shows its default columns, order and page size again."""
    DisplayPreference.objects.filter(user=actor, list_key=list_key).delete()
