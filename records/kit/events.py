"""The audit events of the kit's own pages (audit.events registers them; AuditConfig.ready
imports this module): query results printed or exported, a worker's file downloaded, and the
progress of cases (records.kit.cases)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import register


@register
class KitEvent(models.TextChoices):
    RESULTS_PRINTED = "query_results_printed", _("打印查询结果")
    RESULTS_EXPORTED = "query_results_exported", _("导出查询结果")
    RESULTS_DOWNLOADED = "query_results_downloaded", _("下载查询结果文件")


@register
class CaseEvent(models.TextChoices):
    """Case progress (records.kit.cases): the owner's steps and the morning's overdue reminders."""

    CASE_STARTED = "case_started", _("开始办理案件")
    CASE_CLOSED = "case_closed", _("办结案件")
    OVERDUE_REMINDED = "case_overdue_reminded", _("发送办理逾期提醒")
