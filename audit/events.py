"""The kinds of audit events: each app declares its own in its `events.py` (a TextChoices
decorated with `register`), so adding a module touches neither the audit log nor its
migrations — the log stores the value; labels and the viewer's choices come from here.
AuditConfig.ready imports every installed app's `events` module."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.kinds import KindRegistry

EVENTS = KindRegistry("audit event")
register, label_of, choices = EVENTS.register, EVENTS.label_of, EVENTS.choices


@register
class SignInEvent(models.TextChoices):
    """Signing in and out (MLPS 2.0: every sign-in and every failure)."""

    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出")
    LOCKED_OUT = "locked_out", _("账户锁定")


@register
class AuditLogEvent(models.TextChoices):
    """The audit log's own use: read, exported, purged."""

    AUDIT_SEARCHED = "audit_searched", _("查询审计日志")
    AUDIT_EXPORTED = "audit_exported", _("导出审计日志")
    AUDIT_PURGED = "audit_purged", _("删除超过保存期限的审计日志")
