"""The audit events of the statistical forms' own services (the kit names 新增/修改/删除)."""

from django.db import models

from audit.events import register


@register
class StatFormEvent(models.TextChoices):
    REMINDED = "stat_forms_reminded", "发送报表上报提醒"
    EXCEPTION_GRANTED = "stat_forms_exception", "批准逾期填报"
    DEADLINE_SET = "stat_forms_deadline", "设置报表截止日期"
