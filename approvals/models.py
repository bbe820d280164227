"""The reporting core: the reportable base model, report/return actions, the movement log,
and the append-only audit log (MLPS 2.0 level 3) every module writes to."""

import functools
import operator

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F
from django.db.models.functions import Left
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from org.models import Unit


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
    ROWS_REPORTED = "rows_reported", _("上报")
    ROWS_RETURNED = "rows_returned", _("退回")
    ROWS_RESET = "rows_reset", _("单位调整后数据恢复为未上报")
    REMINDER_HANDLED = "reminder_handled", _("处理提醒")
    FILE_CREATED = "file_created", _("新增职工档案")
    FILE_CHANGED = "file_changed", _("修改职工档案")
    FILE_DELETED = "file_deleted", _("删除职工档案")
    FILE_CANCELLED = "file_cancelled", _("注销职工档案")
    FILE_RESTORED = "file_restored", _("恢复职工档案")
    FILE_CATEGORY_CHANGED = "file_category_changed", _("转换档案类别")
    ID_NUMBERS_VIEWED = "id_numbers_viewed", _("查看完整身份证号")
    # Bulk export (manual 2.5)
    EXPORT_REQUESTED = "export_requested", _("提出批量导出申请")
    EXPORT_CHANGED = "export_changed", _("修改批量导出申请")
    EXPORT_DELETED = "export_deleted", _("删除批量导出申请")
    EXPORT_APPROVED = "export_approved", _("批准批量导出申请")
    EXPORT_REJECTED = "export_rejected", _("不批准批量导出申请")
    EXPORT_PRODUCED = "export_produced", _("生成批量导出数据文件")
    EXPORT_DOWNLOADED = "export_downloaded", _("下载批量导出数据")
    EXPORT_EXPIRED = "export_expired", _("批量导出数据文件过期删除")
    OTP_DEVICE_CONFIRMED = "otp_device_confirmed", _("绑定动态口令")
    OTP_VERIFIED = "otp_verified", _("动态口令验证")
    OTP_DEVICE_RESET = "otp_device_reset", _("重置动态口令")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("生成动态口令恢复码")
    # Security administration (MLPS 2.0 level 3, 三员)
    PERMISSIONS_CHANGED = "permissions_changed", _("修改用户权限")
    DUTY_ASSIGNED = "duty_assigned", _("设置三员账户")
    ACCOUNT_UNLOCKED = "account_unlocked", _("解除账户锁定")
    SECURITY_SETTING_CHANGED = "security_setting_changed", _("修改安全设置")
    PASSWORD_EXPIRED = "password_expired", _("密码过期须修改")
    AUDIT_SEARCHED = "audit_searched", _("查询审计日志")
    AUDIT_EXPORTED = "audit_exported", _("导出审计日志")
    AUDIT_PURGED = "audit_purged", _("删除超过保存期限的审计日志")
    EXPORT_RETRIED = "export_retried", _("重新执行中断的批量导出")
    # Advanced file management (manual 2.9)
    FILES_MERGED = "files_merged", _("合并职工档案")
    FILES_TRANSFERRED = "files_transferred", _("转移职工档案")
    TRANSFER_REQUESTED = "transfer_requested", _("申请跨单位转移档案")
    TRANSFER_ACCEPTED = "transfer_accepted", _("接收转移档案")
    TRANSFER_REJECTED = "transfer_rejected", _("拒绝接收转移档案")
    TRANSFER_WITHDRAWN = "transfer_withdrawn", _("撤回跨单位转移申请")


class AuditLog(models.Model):
    """One security-relevant event. Rows are never updated, and deleted only once past the
    180-day retention (database triggers refuse the rest; audit.services.audit_purge), so user
    and unit are kept as plain ids plus names, not cascading keys."""

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
        indexes = [
            models.Index(fields=["user", "at"], name="approvals_audit_user_at"),
            # The audit viewer (audit.selectors): one event or one unit's rows, newest first.
            models.Index(fields=["event", "at"], name="approvals_audit_event_at"),
            models.Index(fields=["unit", "at"], name="approvals_audit_unit_at"),
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
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_event_display()}"


# --- the reporting model (DESIGN.md §3) -----------------------------------------------------


class ReportState(models.TextChoices):
    DRAFT = "draft", _("未上报")
    REPORTED = "reported", _("已上报")
    RETURNED = "returned", _("被退回")


# Which states a row held by the acting unit may leave by report or by return. engine.py
# applies the same sets in SQL, so the one-row transitions and the set-based moves agree.
REPORT_SOURCES = [ReportState.DRAFT, ReportState.REPORTED, ReportState.RETURNED]
RETURN_SOURCES = [ReportState.REPORTED, ReportState.RETURNED]


def report_via() -> Left:
    """The path of the holder's child through which a row reached its holder: its
    `unit_path` cut to one level below `holder_depth`. The rows a unit has reported that its
    parent holds are exactly those whose report_via is the unit's path, and the held_via index
    gives them newest first, however many there are (selectors.held_and_above). A row its
    owner holds has its own path here."""
    return Left("unit_path", (F("holder_depth") + 1) * Unit.steplen)


class Reportable(models.Model):
    """A row that travels up and down the unit tree (report / return).

    `unit` owns the row; `holder` is the unit that holds it now (the owner or an ancestor);
    `unit_path` and `holder_depth` copy the two units' tree positions so the visibility rule
    (selectors.visible_to) needs no join. State changes are set-based (services.py); the
    transitions below state the same rules for one row, and engine.py applies them in SQL.

    A module declares, as class attributes:
    - `reporting_module`: the module key (org.models.Module) whose permission moves the rows;
    - `report_blockers`: [(Q, reason)] — rows matching Q may not be reported (problem rows);
    - `report_parent_field`: name of the FK to the parent row that must go up first.
    """

    unit = models.ForeignKey("org.Unit", verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("填报单位路径"), max_length=255, editable=False)
    holder = models.ForeignKey(
        "org.Unit",
        verbose_name=_("当前所在单位"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the holder indexes below all lead with it
    )
    holder_depth = models.PositiveSmallIntegerField(_("当前所在层级"), editable=False)
    report_state = FSMField(
        _("上报状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT, editable=False
    )

    reporting_module: str = ""
    report_blockers: list = []
    report_parent_field: str | None = None

    class Meta:
        abstract = True
        indexes = [
            # Scope scans of queries, statistics and exports: `unit_path LIKE 'prefix%' AND
            # holder_depth <= depth` (selectors.visible_to).
            models.Index(
                OpClass("unit_path", name="text_pattern_ops"), "holder_depth", name="%(app_label)s_%(class)s_scope"
            ),
            # List pages read per holder (selectors.held_and_above, lists.page_keys): the rows a
            # unit holds in id order, per state in id order, and an ancestor's rows of a subtree.
            models.Index(fields=["holder", "id"], name="%(app_label)s_%(class)s_held"),
            models.Index(fields=["holder", "report_state", "id"], name="%(app_label)s_%(class)s_held_state"),
            # An ancestor's rows of a subtree (lists.page_keys, capped counts): the id in the
            # index lets a page's top-N sort and a count read the index alone.
            models.Index(
                "holder",
                OpClass("unit_path", name="text_pattern_ops"),
                "id",
                name="%(app_label)s_%(class)s_held_path",
            ),
            # The parent's rows of a subtree, newest first (report_via): a page reads its 51
            # ids instead of sorting all of them — a province's 已上报 runs to 100,000s.
            models.Index("holder", report_via(), "id", name="%(app_label)s_%(class)s_held_via"),
        ]

    def passes_report_blockers(self) -> bool:
        """None of the module's blockers matches this row (a problem row stays down)."""
        conditions = [condition for condition, _reason in self.report_blockers]
        return (
            not conditions
            or not type(self).objects.filter(pk=self.pk).filter(functools.reduce(operator.or_, conditions)).exists()
        )

    def parent_row_is_up(self) -> bool:
        """The parent row (an agency of a recruiter) already sits above this row's holder."""
        if not self.report_parent_field:
            return True
        return getattr(self, self.report_parent_field).holder_depth < self.holder_depth

    @report_state.transition(
        source=REPORT_SOURCES,
        target=ReportState.REPORTED,
        conditions=[passes_report_blockers, parent_row_is_up],
    )
    def report_to(self, parent) -> None:
        """One row goes up from its holder to the holder's parent (engine.report_rows in SQL)."""
        self.holder = parent
        self.holder_depth = parent.depth

    @report_state.transition(
        source=RETURN_SOURCES,
        target=ReportState.RETURNED,
        conditions=[lambda row: row.holder_id != row.unit_id],
    )
    def return_to(self, child) -> None:
        """One row goes down to the holder's child on the path to the owner (engine.return_rows)."""
        self.holder = child
        self.holder_depth = child.depth

    def place_at_owner(self, unit) -> None:
        """A new row, or one whose unit moved: held by its owner, not reported."""
        self.unit = unit
        self.unit_path = unit.path
        self.holder = unit
        self.holder_depth = unit.depth
        self.report_state = ReportState.DRAFT


class ReportKind(models.TextChoices):
    REPORT = "report", _("上报")
    RETURN = "return", _("退回")
    QUICK_REPORT = "quick_report", _("快速上报")
    QUICK_RETURN = "quick_return", _("快速退回")
    UNIT_MOVED = "unit_moved", _("单位调整恢复为未上报")
    TRANSFER = "transfer", _("转移档案")
    TRANSFER_REJECTED = "transfer_rejected", _("转移档案未被接收")
    EXPORT_READY = "export_ready", _("批量导出数据已生成")
    EXPORT_REJECTED = "export_rejected", _("批量导出申请未批准")


class ReportAction(models.Model):
    """One report or return action: who sent how many rows of which module to whom, with the
    sender's message. Its process (flows) holds the reminder task of the receiving unit."""

    kind = models.CharField(_("操作"), max_length=20, choices=ReportKind.choices)
    module = models.CharField(_("模块"), max_length=20)
    sender = models.ForeignKey("org.Unit", verbose_name=_("发送单位"), on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey("org.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(_("提醒内容"), blank=True)
    count = models.PositiveIntegerField(_("数量"), default=0)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    process = models.OneToOneField(
        "viewflow.Process",
        verbose_name=_("流程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_action",
    )
    # Whether the receiving unit's reminder still waits: the process's remind task is open.
    # Kept beside the process (set False in the transaction that completes the task,
    # approvals.reminders) because every page header counts a unit's waiting reminders: by
    # this flag that is an index count, by the process status a lookup per reminder ever
    # received, growing with the unit's history.
    pending = models.BooleanField(_("待处理"), default=True)

    class Meta:
        verbose_name = _("上报退回操作")
        verbose_name_plural = _("上报退回操作")
        indexes = [
            models.Index(fields=["receiver", "module", "-at"], name="approvals_action_receiver"),
            # A unit's waiting reminders, newest first: the header's count and the 待处理提醒
            # page, which stops after a page instead of joining every waiting one first.
            models.Index(
                fields=["receiver", "-at"],
                condition=models.Q(pending=True, process__isnull=False),
                name="approvals_action_pending",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.count} 条({self.sender} → {self.receiver})"


class Movement(models.Model):
    """The movement log: one row per moved record and action, written by one INSERT…SELECT."""

    # Every move of every row adds one: only the indexes the reads use (an action's rows, a
    # record's log). The content type leads the record index; nothing looks up by holder.
    action = models.ForeignKey(ReportAction, on_delete=models.PROTECT, related_name="movements")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    object_id = models.BigIntegerField()
    from_holder = models.ForeignKey(
        "org.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("原所在单位"),
    )  # fmt: skip
    to_holder = models.ForeignKey(
        "org.Unit", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+",
        verbose_name=_("新所在单位"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        indexes = [models.Index(fields=["content_type", "object_id"], name="approvals_movement_record")]
        triggers = [pgtrigger.Protect(name="movement_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]


# --- display preferences (manual 2.7) -------------------------------------------------------


class DisplayPreference(models.Model):
    """自定义显示选项: how one user wants one list shown — which columns in which order, the
    sort, and rows per page. `list_key` names the list (approvals.preferences.LISTS); values
    that no longer match the list's columns are ignored when applied."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preferences", verbose_name=_("用户")
    )
    list_key = models.CharField(_("列表"), max_length=100)
    columns = models.JSONField(_("显示项目"), default=list, blank=True)  # Column.field values in order; [] = default
    sort = models.CharField(
        _("排序"), max_length=100, blank=True
    )  # Column.field, "-" for descending; "" = newest first
    page_size = models.PositiveSmallIntegerField(_("每页显示条数"), default=50)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("自定义显示选项")
        verbose_name_plural = _("自定义显示选项")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="approvals_display_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(page_size__gte=10, page_size__lte=200), name="approvals_display_preference_page_size"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.list_key}"
