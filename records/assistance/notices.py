"""The notices the assistance sends through the reminder inbox (approvals.notices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.notices import register


@register
class FollowUpNotice(models.TextChoices):
    DUE = "follow_up_due", _("脱困回访")
