"""The audit events of the special funds' own services (AuditConfig.ready imports this module)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class FundEvent(models.TextChoices):
    LEDGER_ENTERED = "funds_ledger_entered", _("新增收支明细")
    LEDGER_REVERSED = "funds_ledger_reversed", _("冲账")
    SUMMARY_LINES_ADDED = "funds_summary_lines_added", _("实名制汇总表增加职工")
    SUMMARY_LINE_REMOVED = "funds_summary_line_removed", _("实名制汇总表删除职工")
