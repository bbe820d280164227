"""The notices household files send through the reminder inbox (approvals.notices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.notices import register


@register
class FileNotice(models.TextChoices):
    TRANSFER = "transfer", _("转移档案")
    TRANSFER_REJECTED = "transfer_rejected", _("转移档案未被接收")
    EXPORT_READY = "export_ready", _("批量导出数据已生成")
    EXPORT_REJECTED = "export_rejected", _("批量导出申请未批准")
