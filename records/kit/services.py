"""The writes every record module shares: create, update, delete (DESIGN.md §3, §5.2).

The guards are written once, here, as predicates: the pages ask the same functions to show a
button, so a button and its guard cannot disagree. Only the owning unit's users holding the
module write; a module of edit_policy WHILE_HELD is edited only while its owner holds it
(draft or returned, manual 3.2.1.3), one of ALWAYS also after reporting (household files,
2.2.1.3); a row is deleted only while held unreported by its owner and nothing refers to it.
A row never reported (approvals.models.Unreported) is always at its owner. A child of a parent
row (declaration.Parent) is added only to a parent the actor's unit may add to, and one locked
by its reported parent (a vacancy) is neither added, edited nor deleted; a parent row with
children is not deleted.
"""

from copy import copy

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from approvals.models import ReportState, is_reported
from approvals.selectors import visible_to
from audit.services import audit_record
from org.errors import DomainError
from org.models import User
from org.permissions import require_module
from org.services.protection import describe, protected_references
from records.kit import wiring
from records.kit.declaration import ALWAYS, RecordModule

# What optional parts of a declaration do to a row before it is saved (records.kit.cases sets
# the due date, records.kit.person links the household file): (module, row, actor) → None.
BEFORE_SAVE: list = []


# What optional parts do before a row is deleted (records.kit.cases ends its open reminder).
BEFORE_DELETE: list = []


def _after_save(module: RecordModule, row, before, actor: User, request) -> None:
    """The module's own step once a row is saved, knowing what it was (RecordModule.after_save)."""
    if module.after_save is not None:
        module.after_save(row, before, actor, request)


def _before_save(module: RecordModule, row, actor: User) -> None:
    for hook in BEFORE_SAVE:
        hook(module, row, actor)
    if module.before_save is not None:
        module.before_save(row, actor)


def is_owner(actor: User, row) -> bool:
    """A user of the owning unit holding the row's module."""
    return actor.has_module(row.reporting_module) and row.unit_id == actor.unit_id


def is_held_unreported(row) -> bool:
    """Back at its owner and not reported: draft, or returned all the way down (a row never
    reported always is)."""
    if not is_reported(type(row)):
        return True
    return row.holder_id == row.unit_id and row.report_state != ReportState.REPORTED


def held_unreported() -> Q:
    """is_held_unreported as a condition on rows (a list of the records the owner may still edit)."""
    return Q(holder=F("unit")) & ~Q(report_state=ReportState.REPORTED)


def can_edit(actor: User, module: RecordModule, row) -> bool:
    if not module.editable or lock_refusal(module, row):
        return False
    if module.edit_rule is not None:
        return module.edit_rule(actor, row)
    return is_owner(actor, row) and (module.edit_policy == ALWAYS or is_held_unreported(row))


def can_delete(actor: User, module: RecordModule, row) -> bool:
    """The owner, while it holds the row unreported and the module's own rule lets it go
    (record_delete checks references besides)."""
    return is_owner(actor, row) and is_held_unreported(row) and not delete_refusal(module, row)


def delete_refusal(module: RecordModule, row) -> str:
    """Why the row cannot go, whoever asks ('' if it can): its parent's lock, its children
    (删除失败,当前机构下有信息), the module's own rule."""
    if refusal := lock_refusal(module, row):
        return refusal
    for child in module.children:
        if child.model.objects.filter(**{child.parent.field: row.pk}).exists():
            return child.parent.delete_message
    return module.delete_refusal(row) if module.delete_refusal else ""


def edit_refusal(actor: User, module: RecordModule, row) -> str:
    if not module.editable:
        return f"{module.label}只能增加和删除,不能修改。"
    if refusal := lock_refusal(module, row):
        return refusal
    if not is_owner(actor, row):
        return f"只能修改本单位填报的{module.label}记录。"
    return f"该{module.label}记录已上报,上级退回后才能修改。"


# --- children of a parent row (declaration.Parent) --------------------------------------------


def parent_locks(module: RecordModule, parent_row) -> bool:
    """A child never reported itself is locked once its parent row is reported (manual 7.2.3:
    a reported recruiter's vacancies are neither added, edited nor deleted)."""
    return module.parent is not None and module.parent.locked_when_reported and not is_held_unreported(parent_row)


def locked_message(module: RecordModule) -> str:
    parent = module.parent_module
    return module.parent.locked_message or f"{parent.label}已上报,不能增加、修改或删除其{module.label}。"


def lock_refusal(module: RecordModule, row) -> str:
    """Why the row's parent row keeps it as it is ('' if it does not)."""
    if module.parent is None or not module.parent.locked_when_reported:
        return ""
    return locked_message(module) if parent_locks(module, getattr(row, module.parent.field)) else ""


def parent_rows(actor: User, module: RecordModule):
    """The parent rows the actor's unit may add a child to: of those it sees, its own when the
    parent module is reported (an agency of another unit is not its to fill), and only those
    not reported when the parent locks its children; a parent never reported (a job seeker),
    every one it sees (a county recommends a street's seeker)."""
    parent = module.parent_module
    rows = visible_to(parent.model.objects.all(), actor.unit)
    if parent.reported:
        rows = rows.filter(unit=actor.unit)
    if module.parent.locked_when_reported:
        rows = rows.filter(held_unreported())
    return rows


def may_add_child(actor: User, module: RecordModule, parent_row) -> bool:
    """Whether the parent's page offers 增加<child> (asked by the page, checked by the service)."""
    return actor.has_module(module.permission) and parent_rows(actor, module).filter(pk=parent_row.pk).exists()


def _check_parent(actor: User, module: RecordModule, row) -> None:
    """The row's parent is one the actor may add to, locked until the transaction ends so that
    it is not reported meanwhile; no child without a parent (a recruiter without an agency)."""
    if module.parent is None:
        return
    parent = module.parent_module
    parent_id = getattr(row, f"{module.parent.field}_id")
    if parent_id is None:
        raise DomainError(f"请先选择{module.label_of(module.parent.field)}。", module.parent.field)
    locked_parent = parent.model.objects.select_for_update(of=("self",)).filter(pk=parent_id).first()
    if locked_parent is not None and parent_rows(actor, module).filter(pk=parent_id).exists():
        return
    if locked_parent is not None and parent_locks(module, locked_parent):
        raise DomainError(locked_message(module), module.parent.field)
    raise DomainError(f"只能在本单位可增加{module.label}的{parent.label}下增加。", module.parent.field)


def _refusal(error: ValidationError) -> DomainError:
    """A model rule's first message, as a refusal on its field."""
    name, messages = next(iter(error.message_dict.items()))
    return DomainError(messages[0], None if name == "__all__" else name)


def check_rules(row, fields) -> None:
    """The model's own rules (validators, clean(), constraints) on `fields`, as a DomainError on
    the field (a module's own service of a few fields asks it too: an assistance's exit)."""
    try:
        row.full_clean(exclude=[f.name for f in row._meta.fields if f.name not in fields])
    except ValidationError as error:
        raise _refusal(error) from None


# --- the lines entered with a record (declaration.Lines) --------------------------------------


def _settled_lines(module: RecordModule, row, entered: dict[int, dict] | None) -> dict[int, object]:
    """position → the line the row will have: the locked stored ones as they are, the entered
    others (a stored line not entered is gone); the declaration's rule across them is asked."""
    lines = module.lines
    if lines is None:
        return {}
    rows_model = module.rows_model(lines)
    stored = {line.position: line for line in getattr(row, lines.relation).all()} if row.pk else {}
    kept = {pos: line for pos, line in stored.items() if lines.locked and lines.locked(line)}
    settled = dict(kept)
    for position, values in (entered or {}).items():
        if position not in kept:
            line = stored.get(position) or rows_model(position=position)
            for name, value in values.items():
                setattr(line, name, value)
            settled[position] = line
    if lines.settle is not None:
        try:
            lines.settle(row, [settled[pos] for pos in sorted(settled)])
        except ValidationError as error:
            raise _refusal(error) from None
    return settled


def prepared(module: RecordModule, row, actor: User, data: dict, lines: dict | None) -> dict[int, object]:
    """What a row passes before it is saved, however it is saved (one by one here, many at once
    by records.kit.batch): its lines settled with the declaration's rule, the model's rules on
    the entered fields, the optional parts' hooks. Returns the settled lines."""
    settled = _settled_lines(module, row, lines)
    check_rules(row, data)
    _before_save(module, row, actor)
    return settled


def _stored(module: RecordModule, row, actor: User, data: dict) -> None:
    """row.save(); a unique rule that a concurrent save broke after the checks passed (two clicks
    on 保存 making one statistical form of a period twice) is refused as the checks would have
    refused it, in Chinese, not as an error page."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        check_rules(row, data)  # now finds the row the other save made, and says so
        _before_save(module, row, actor)
        raise DomainError(f"该{module.label}记录已被他人同时修改,请刷新后再试。") from None


def _save_lines(module: RecordModule, row, settled: dict[int, object]) -> None:
    lines = module.lines
    if lines is None:
        return
    manager = getattr(row, lines.relation)
    manager.exclude(position__in=list(settled)).delete()
    for line in settled.values():
        setattr(line, manager.field.name, row)
        line.save()


@transaction.atomic
def record_create(*, actor: User, module: RecordModule, data: dict, lines: dict | None = None, request=None):
    """A new row owned and held by the actor's unit, not reported; with its lines (position →
    values) when the module declares them."""
    require_module(actor, module.permission)
    row = module.model(**data)
    row.place_at_owner(actor.unit)
    _check_parent(actor, module, row)
    settled = prepared(module, row, actor, data, lines)
    _stored(module, row, actor, data)
    _save_lines(module, row, settled)
    audit_record(event=wiring.EVENTS[module.key].CREATED, actor=actor, request=request, obj=row)
    _after_save(module, row, None, actor, request)
    return row


def locked(module: RecordModule, row):
    """The row again, locked until the transaction ends, with what its label reads (a legal-aid
    case's file); a row deleted meanwhile is a refusal, not an error page."""
    rows, of = module.model.objects.select_related(*module.label_relations), ("self",)
    if module.parent is not None and module.parent.locked_when_reported:  # not reported meanwhile
        rows, of = rows.select_related(module.parent.field), ("self", module.parent.field)
    locked = rows.select_for_update(of=of).filter(pk=row.pk).first()
    if locked is None:
        raise DomainError(f"该{module.label}记录已被删除。")
    return locked


@transaction.atomic
def record_update(*, actor: User, module: RecordModule, row, data: dict, lines: dict | None = None, request=None):
    """The owner changes the row's content (and its lines, locked ones aside); its holder and
    report state stay."""
    row = locked(module, row)
    if not can_edit(actor, module, row):
        raise DomainError(edit_refusal(actor, module, row))
    before = copy(row)
    for name, value in data.items():
        setattr(row, name, value)
    if module.parent is not None and module.parent.field in data:
        _check_parent(actor, module, row)
    settled = prepared(module, row, actor, data, lines)
    _stored(module, row, actor, data)
    _save_lines(module, row, settled)
    audit_record(event=wiring.EVENTS[module.key].CHANGED, actor=actor, request=request, obj=row)
    _after_save(module, row, before, actor, request)
    return row


@transaction.atomic
def record_delete(*, actor: User, module: RecordModule, row, request=None) -> None:
    row = locked(module, row)
    if not is_owner(actor, row):
        raise DomainError(f"只能删除本单位填报的{module.label}记录。")
    if not is_held_unreported(row):
        raise DomainError(f"“{row}”已上报,不能删除。")
    if refusal := delete_refusal(module, row):
        raise DomainError(refusal)
    held = protected_references(module.model.objects.filter(pk=row.pk))
    if held:
        raise DomainError(f"“{row}”已有{describe(held)},不能删除。")
    for hook in BEFORE_DELETE:
        hook(module, row, actor)
    if module.before_delete is not None:
        module.before_delete(row, actor)
    audit_record(event=wiring.EVENTS[module.key].DELETED, actor=actor, request=request, obj=row)
    row.delete()
