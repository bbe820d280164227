"""The notices the kit sends through the reminder inbox (approvals.notices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.notices import register


@register
class CaseNotice(models.TextChoices):
    OVERDUE = "case_overdue", _("办理逾期")
