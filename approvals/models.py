"""The reporting core's shared records. For now: the append-only audit log (MLPS 2.0 level 3).

The report/return engine (reportable base model, movement log) joins this module later.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出")
    LOCKED_OUT = "locked_out", _("账户锁定")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    FIRST_SIGN_IN = "first_sign_in", _("首次登录核实")
    USER_CREATED = "user_created", _("新增人员")
    USER_CHANGED = "user_changed", _("编辑人员")
    USER_DELETED = "user_deleted", _("删除人员")
    USERS_ORDERED = "users_ordered", _("人员排序")
    UNIT_CREATED = "unit_created", _("新建单位")
    UNIT_CHANGED = "unit_changed", _("编辑单位")
    UNIT_DELETED = "unit_deleted", _("删除单位")
    UNIT_MOVED = "unit_moved", _("剪切粘贴单位")
    UNITS_ORDERED = "units_ordered", _("单位排序")
    CODE_CHANGED = "code_changed", _("代码表维护")
    HELP_CENTRE_CHANGED = "help_centre_changed", _("帮扶中心信息")


class AuditLog(models.Model):
    """One security-relevant event. Rows are never updated or deleted (a database trigger
    refuses it), so user and unit are kept as plain ids plus names, not cascading keys."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("登录名"), max_length=150, blank=True)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("单位"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    unit_name = models.CharField(_("单位名称"), max_length=100, blank=True)
    event = models.CharField(_("事件"), max_length=40, choices=AuditEvent.choices)
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
        indexes = [models.Index(fields=["user", "at"], name="approvals_audit_user_at")]
        triggers = [
            pgtrigger.Protect(name="audit_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"
