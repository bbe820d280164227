"""The writes of the special funds (DESIGN.md §5.2). The ledger only grows: an entry is added,
or reversed by its exact opposite (冲账, modules-spec §14.1.1); the database refuses any other
change (the trigger on LedgerEntry). Only the unit's own users holding 财政专项资金 write its
ledger; units above read it. A summary table's header is the kit's (records.kit.services); its
rows are added and removed here, through the assistance module's hook, while its owner holds it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import audit_record
from funds import selectors
from funds.events import FundEvent
from funds.models import Direction, FundSummary, FundSummaryLine, LedgerEntry
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module
from records.assistance.models import AssistanceMeasure
from records.assistance.services import lines_release, lines_summarize
from records.kit import declaration
from records.kit import services as kit_services

MONEY = DecimalField(max_digits=14, decimal_places=2)

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


# --- 实名制汇总表: its rows are assistance measure lines ------------------------------------------


def summary_label(summary: FundSummary) -> str:
    """Where a line is, as assistance shows it beside the line (已汇总 …): unit, table and number."""
    return f"{summary.unit.name}{summary}(第{summary.pk}号)"[:100]


def _total_update(summary: FundSummary) -> None:
    """帮扶资金总额 = Σ the lines' amounts: one UPDATE."""
    amounts = FundSummaryLine.objects.filter(summary=OuterRef("pk")).values("summary")
    amounts = amounts.annotate(s=Sum("measure__amount")).values("s")
    FundSummary.objects.filter(pk=summary.pk).update(total=Coalesce(Subquery(amounts), Value(0), output_field=MONEY))


def _editable(actor: User, summary: FundSummary) -> FundSummary:
    module = declaration.get(Module.FUNDS)
    summary = kit_services.locked(module, summary)
    if not kit_services.can_edit(actor, module, summary):
        raise DomainError(kit_services.edit_refusal(actor, module, summary))
    return summary


@transaction.atomic
def summary_lines_add(*, actor: User, summary: FundSummary, measure_ids: list[int], request=None) -> int:
    """增加新的职工: the chosen lines that are eligible enter the table and are 已汇总 in
    assistance (records.assistance.services.lines_summarize). A line another table took
    meanwhile refuses the whole choice (the unique line backs the check); returns the count."""
    if not measure_ids:
        raise DomainError("请至少选择一项帮扶措施。")
    summary = _editable(actor, summary)
    ids = list(selectors.eligible_lines(summary).filter(pk__in=measure_ids).values_list("pk", flat=True))
    if len(ids) != len(set(measure_ids)):
        raise DomainError("所选帮扶措施中有不符合本表条件或已汇总到其他汇总表的,请刷新后重新选择。")
    taken = lines_summarize(AssistanceMeasure.objects.filter(pk__in=ids), summary_label(summary))
    if taken != len(ids):
        raise DomainError("所选帮扶措施中有刚被其他汇总表汇总的,请刷新后重新选择。")
    try:
        with transaction.atomic():
            FundSummaryLine.objects.bulk_create([FundSummaryLine(summary=summary, measure_id=pk) for pk in ids])
    except IntegrityError:
        raise DomainError("所选帮扶措施中有刚被其他汇总表汇总的,请刷新后重新选择。") from None
    _total_update(summary)
    audit_record(event=FundEvent.SUMMARY_LINES_ADDED, actor=actor, request=request, obj=summary,
                 detail={"measures": ids})  # fmt: skip
    return len(ids)


@transaction.atomic
def summary_line_remove(*, actor: User, summary: FundSummary, line_id, request=None) -> None:
    """删除 a row (L2135): the line leaves the table and is released in assistance."""
    summary = _editable(actor, summary)
    line = summary.lines.filter(pk=line_id).first() if str(line_id).isascii() and str(line_id).isdigit() else None
    if line is None:
        raise DomainError("该职工不在本汇总表中。")
    line.delete()
    lines_release(AssistanceMeasure.objects.filter(pk=line.measure_id))
    _total_update(summary)
    audit_record(event=FundEvent.SUMMARY_LINE_REMOVED, actor=actor, request=request, obj=summary,
                 detail={"measure": line.measure_id})  # fmt: skip


def summary_release(summary: FundSummary, actor: User) -> None:
    """The declaration's before_delete: a deleted draft table lets its lines go."""
    lines_release(AssistanceMeasure.objects.filter(pk__in=summary.lines.values("measure")))
