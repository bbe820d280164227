"""The audit events of the assistance's own services (audit.events registers them; AuditConfig.ready
imports this module). The kit's 新增/修改/删除帮扶救助 are the declaration's (records.kit.wiring)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class AssistanceEvent(models.TextChoices):
    # Its detail holds the exit information before and after: the record page's 脱困信息变更记录.
    EXIT_CHANGED = "assistance_exit_changed", _("修改脱困信息")
    FOLLOW_UP_DONE = "assistance_follow_up_done", _("填写脱困回访")
    FOLLOW_UPS_REMINDED = "assistance_follow_ups_reminded", _("发送脱困回访提醒")
