"""The audit events of approvals (audit.events registers them; the viewer lists them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class ReportingEvent(models.TextChoices):
    """The reporting engine's moves and the reminder inbox."""

    ROWS_REPORTED = "rows_reported", _("上报")
    ROWS_RETURNED = "rows_returned", _("退回")
    ROWS_RESET = "rows_reset", _("单位调整后数据恢复为未上报")
    REMINDER_HANDLED = "reminder_handled", _("处理提醒")
