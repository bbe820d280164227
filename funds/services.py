"""The writes of the special funds (DESIGN.md §5.2). The ledger only grows: an entry is added,
or reversed by its exact opposite (冲账, modules-spec §14.1.1); the database refuses any other
change (the trigger on LedgerEntry). Only the unit's own users holding 财政专项资金 write its
ledger; units above read it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from funds.events import FundEvent
from funds.models import Direction, LedgerEntry
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module

ENTRY_FIELDS = ("entered_on", "direction", "fund_type", "expense_type", "amount", "budget", "remarks")


def can_enter(actor: User, unit: Unit) -> bool:
    """增加新的收入/支出信息: only into the own unit's ledger (a subordinate's is read-only)."""
    return actor.has_module(Module.FUNDS) and unit.pk == actor.unit_id


def reversal_refusal(actor: User, entry) -> str:
    """Why `actor` cannot reverse `entry` ('' if it can): a LedgerEntry, or a line of the month
    page (selectors.LedgerLine), which carries the same unit_id, reverses_id and reversed."""
    if not (actor.has_module(Module.FUNDS) and entry.unit_id == actor.unit_id):
        return "只能冲销本单位的收支明细。"
    if entry.reverses_id is not None:
        return "冲账记录不能再冲账。"
    if entry.reversed:
        return "该记录已冲账。"
    return ""


def can_reverse(actor: User, entry) -> bool:
    return not reversal_refusal(actor, entry)


def _checked(entry: LedgerEntry) -> None:
    """The model's rules (the date not in the future, a positive amount), then the pairing of
    资金情况 and 支出类型, as refusals next to their fields."""
    if entry.direction == Direction.EXPENSE and entry.expense_type_id is None:
        raise DomainError("支出请选择支出类型。", "expense_type")
    if entry.direction == Direction.INCOME and entry.expense_type_id is not None:
        raise DomainError("收入不能填写支出类型。", "expense_type")
    try:
        entry.full_clean(exclude=["unit", "created_by", "reverses"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], None if name == "__all__" else name) from None


@transaction.atomic
def ledger_entry_create(*, actor: User, request=None, **values) -> LedgerEntry:
    """A new income or expense in the actor's own unit's ledger (`values`: ENTRY_FIELDS)."""
    require_module(actor, Module.FUNDS)
    unit = actor.unit
    entry = LedgerEntry(unit=unit, unit_path=unit.path, created_by=actor, **values)
    _checked(entry)
    entry.save()
    audit_record(event=FundEvent.LEDGER_ENTERED, actor=actor, request=request, obj=entry)
    return entry


@transaction.atomic
def ledger_entry_reverse(*, actor: User, entry: LedgerEntry, request=None) -> LedgerEntry:
    """冲账: the exact opposite of `entry` (same unit, 资金情况, types and 是否财政预算, the amount
    negated), dated today and linked to it; the entry then shows 已冲账. Two clicks at once make
    one reversal: the link is unique."""
    require_module(actor, Module.FUNDS)
    entry = LedgerEntry.objects.select_related("fund_type", "expense_type").get(pk=entry.pk)
    if refusal := reversal_refusal(actor, entry):
        raise DomainError(refusal)
    reversal = LedgerEntry(
        unit_id=entry.unit_id, unit_path=entry.unit_path, entered_on=timezone.localdate(), direction=entry.direction,
        fund_type=entry.fund_type, expense_type=entry.expense_type, amount=-entry.amount, budget=entry.budget,
        remarks=f"冲账:冲销 {entry.entered_on:%Y-%m-%d} 的{entry.get_direction_display()} {entry.amount} 元({entry})",
        reverses=entry, created_by=actor,
    )  # fmt: skip
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise DomainError("该记录已冲账。") from None
    audit_record(event=FundEvent.LEDGER_REVERSED, actor=actor, request=request, obj=reversal,
                 detail={"reverses": entry.pk})  # fmt: skip
    return reversal
