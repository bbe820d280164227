"""The reporting core: the reportable base model, report/return actions and the movement log."""

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

from approvals.notices import label_of as kind_label_of
from approvals.notices import register as register_kinds
from org.models import Unit

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


@register_kinds
class ReportKind(models.TextChoices):
    """The engine's own actions; apps add their notice kinds in their notices.py."""

    REPORT = "report", _("上报")
    RETURN = "return", _("退回")
    QUICK_REPORT = "quick_report", _("快速上报")
    QUICK_RETURN = "quick_return", _("快速退回")
    UNIT_MOVED = "unit_moved", _("单位调整恢复为未上报")


class ReportAction(models.Model):
    """One report or return action: who sent how many rows of which module to whom, with the
    sender's message. Its process (flows) holds the reminder task of the receiving unit."""

    # A kind some app registered (approvals.notices): no choices, so no migration per module.
    kind = models.CharField(_("操作"), max_length=20)
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

    @property
    def kind_label(self) -> str:
        return kind_label_of(self.kind)

    def __str__(self):
        return f"{self.kind_label} {self.count} 条({self.sender} → {self.receiver})"


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
