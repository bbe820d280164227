"""The assistance's own write: its exit information (填写脱困信息, manual 3.2.2). Exit is a later
fact, not a correction (DESIGN.md §3): the owning unit's users with the module change it in any
report state, holder and report state staying; every change is audited with what it was before
and after, and the follow-ups after exit follow it (records.assistance.follow_ups)."""

from copy import copy
from datetime import date

from django.db import transaction

from audit.services import audit_record
from org.errors import DomainError
from org.models import Code, Module, User
from org.permissions import require_module
from records.assistance import follow_ups
from records.assistance.events import AssistanceEvent
from records.assistance.models import Assistance
from records.kit import declaration, services

EXIT = ("exited", "exit_on", "exit_method")


def can_record_exit(actor: User, row: Assistance) -> bool:
    """填写脱困信息: the owner's users, whatever the row's report state."""
    return services.is_owner(actor, row)


def exit_values(row: Assistance) -> dict:
    """The exit information as the audit detail keeps it (a date as ISO text, the method's name)."""
    return {
        "exited": row.exited,
        "exit_on": row.exit_on.isoformat() if row.exit_on else None,
        "exit_method": str(row.exit_method) if row.exit_method_id else None,
    }


def exit_saved(row: Assistance, before, actor: User, request=None) -> None:
    """The declaration's after_save, and the exit page's: a changed exit is audited with
    before/after, and its follow-ups are made, moved or removed."""
    old, new = exit_values(before or Assistance()), exit_values(row)
    if old == new:
        return
    audit_record(event=AssistanceEvent.EXIT_CHANGED, actor=actor, request=request, obj=row,
                 detail={"before": old, "after": new})  # fmt: skip
    follow_ups.follow_ups_schedule(row, actor)


@transaction.atomic
def assistance_exit(*, actor: User, row: Assistance, exited: bool, exit_on: date | None, exit_method: Code | None,
                    request=None) -> Assistance:  # fmt: skip
    """The owner sets 是否脱困, 脱困日期, 脱困方式 (未脱困 clears the other two)."""
    module = declaration.get(Module.ASSISTANCE)
    require_module(actor, module.key)
    row = services.locked(module, row)
    if not can_record_exit(actor, row):
        raise DomainError("只能填写本单位帮扶救助记录的脱困信息。")
    before = copy(row)
    row.exited = exited
    row.exit_on, row.exit_method = (exit_on, exit_method) if exited else (None, None)
    services.check_rules(row, EXIT)
    row.save(update_fields=list(EXIT))
    exit_saved(row, before, actor, request)
    return row


# --- the hook of the fund summary tables (ch. 14) -----------------------------------------------


def lines_summarize(lines, where: str) -> int:
    """A fund summary table takes measure lines (已汇总 in `where`): read-only here from then on
    and their assistance undeletable (rules.line_locked, rules.delete_refusal). Only lines in no
    table yet are taken — one statement, so two tables taking a line at once cannot both have
    it; returns how many were taken, which the caller compares with what it asked for."""
    return lines.filter(summarized_in="").update(summarized_in=where)


def lines_release(lines) -> int:
    """The table lets its lines go (a line removed from it, the table deleted)."""
    return lines.exclude(summarized_in="").update(summarized_in="")
