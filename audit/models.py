"""The append-only audit log (MLPS 2.0 level 3) every app writes to (audit.services.audit_record)."""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.events import label_of


def _kept_key(to, verbose_name) -> models.ForeignKey:
    """A key to a user or unit that the log outlives (see AuditLog): no database constraint, no
    cascade and no reverse accessor, so deleting the target neither touches nor blocks a row."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


class AuditLog(models.Model):
    """One security-relevant event. Rows are never updated, and deleted only once past the
    180-day retention (database triggers refuse the rest; audit.services.audit_purge), so user
    and unit are kept as plain ids plus names, not cascading keys."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = _kept_key(settings.AUTH_USER_MODEL, _("用户"))
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    unit = _kept_key("org.Unit", _("单位"))
    unit_name = models.CharField(_("单位名称"), max_length=100, blank=True)
    # The value of an event some app registered (audit.events): no choices here, so a module
    # adds events without a migration of this table.
    event = models.CharField(_("事件"), max_length=40)
    object_type = models.CharField(_("对象类型"), max_length=50, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=50, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="audit_user_at"),
            # The audit viewer (audit.selectors): one event or one unit's rows, newest first.
            models.Index(fields=["event", "at"], name="audit_event_at"),
            models.Index(fields=["unit", "at"], name="audit_unit_at"),
            # One object's events, newest first (an assistance's exit history on its page).
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_at"),
        ]
        triggers = [
            pgtrigger.Protect(name="audit_log_append_only", operation=pgtrigger.Update),
            # MLPS 2.0 level 3 keeps the log at least six months: a row younger than 180 days
            # cannot be deleted, whatever AUDIT_RETENTION_DAYS says (its minimum is the same
            # 180). Older rows go by the daily purge (audit.services.audit_purge).
            pgtrigger.Protect(
                name="audit_log_retention",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.at > now() - interval '180 days'"),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.event_label}"

    @property
    def event_label(self) -> str:
        return label_of(self.event)
