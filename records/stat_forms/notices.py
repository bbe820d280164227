"""The notices statistical forms send through the reminder inbox (approvals.notices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.notices import register


@register
class StatFormNotice(models.TextChoices):
    DUE_SOON = "stat_due_soon", _("报表即将到期")
    OVERDUE = "stat_overdue", _("报表逾期未报")
