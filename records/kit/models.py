"""What several modules' records have in common, written once: the person who came to the
union (a petitioner, a consulting worker) and the progress of a case (受理 → 办理中 → 办结)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from approvals.models import Reportable
from org.models import Gender
from records.name_order import SortsByName, name_sort_field


@deconstructible
class NotAfterToday:
    """A date of something that happened (接待日期, 申请日期): today at the latest."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, value) -> None:
        if value is not None and value > timezone.localdate():
            raise ValidationError(f"{self.label}不能晚于今天。")

    def __eq__(self, other) -> bool:
        return isinstance(other, NotAfterToday) and other.label == self.label


def happened_on(label: str) -> models.DateField:
    """The day the record's event happened: today by default, never in the future."""
    return models.DateField(label, default=timezone.localdate, validators=[NotAfterToday(label)])


def head_count(label: str) -> models.PositiveSmallIntegerField:
    """How many people a record concerns (来访人数, 涉及人数): at least one."""
    return models.PositiveSmallIntegerField(label, default=1, validators=[MinValueValidator(1)])


def at_least_one(name: str) -> models.CheckConstraint:
    """The database's own statement of head_count's rule."""
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 1}), name=f"%(app_label)s_%(class)s_{name}_at_least_one"
    )


def remarks_field() -> models.TextField:
    return models.TextField(_("备注"), blank=True)


def money(label: str, **options) -> models.DecimalField:
    """An amount in 元 with two decimals, never negative (涉案金额, 帮扶金额)."""
    return models.DecimalField(
        label, max_digits=14, decimal_places=2, validators=[MinValueValidator(0, "金额不能小于 0。")], **options
    )


class Visitor(SortsByName, models.Model):
    """The person a record is about, typed in by the clerk (no household file needed); when
    the typed ID number is a household file's head, the file is linked (records.kit.person)."""

    name = models.CharField(_("姓名"), max_length=50)
    name_sort = name_sort_field()  # a list sorted by 姓名 reads the pinyin key (records.name_order)
    sort_keys = {"name": "name_sort"}
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    file = models.ForeignKey(
        "records.WorkerFile", verbose_name=_("职工档案"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="%(app_label)s",
    )  # fmt: skip

    class Meta:
        abstract = True


class CaseState(models.TextChoices):
    ACCEPTED = "accepted", _("受理")
    IN_PROGRESS = "in_progress", _("办理中")
    CLOSED = "closed", _("办结")


def overdue_condition(today=None) -> Q:
    """Open cases past their due date: the list's 逾期 tab and the daily reminder ask the same."""
    return Q(due_on__lt=today or timezone.localdate()) & ~Q(case_state=CaseState.CLOSED)


def changed_condition(unit) -> Q:
    """已修改 (issue 17 item 16): rows of a module editable after reporting whose owner changed
    them since they were last reported (their `changed_since_report`), as the units above see
    them; the owner's own rows are not news to it."""
    return Q(changed_since_report=True) & ~Q(unit=unit)


def shows_changed(row, unit) -> bool:
    """changed_condition for one loaded row: whether `unit` sees it as 已修改."""
    return bool(getattr(row, "changed_since_report", False)) and row.unit_id != unit.pk


def overdue_index() -> models.Index:
    """The daily reminder's and the 逾期 tab's rows: open cases by holder and due date (a model
    with case progress adds it to its Meta, which replaces the abstract Case's)."""
    return models.Index(
        fields=["holder", "due_on"], include=["unit_path"], condition=~Q(case_state=CaseState.CLOSED),
        name="%(app_label)s_%(class)s_overdue",
    )  # fmt: skip


def closed_has_date() -> models.CheckConstraint:
    """办结 ⇔ a closing date: the database keeps what case_close writes together together."""
    closed = Q(case_state=CaseState.CLOSED)
    return models.CheckConstraint(
        condition=(closed & Q(closed_on__isnull=False)) | (~closed & Q(closed_on__isnull=True)),
        name="%(app_label)s_%(class)s_closed_has_date",
    )


class Case(models.Model):
    """A case with a due date (records.kit.cases): accepted on a day, due some days later, and
    closed on a day not before its acceptance. Overdue = not closed and past its due date. The
    transitions are the one statement of which progress may follow which: the services and the
    record page's buttons ask them (`row.start.can_proceed()`)."""

    case_state = FSMField(_("办理状态"), max_length=12, choices=CaseState.choices, default=CaseState.ACCEPTED)
    accepted_on = models.DateField(_("受理日期"), default=timezone.localdate)
    due_on = models.DateField(_("办理期限"), editable=False, null=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # The reminder the holding unit got when the case went past its due date (records.kit.cases):
    # one while it stays overdue, handled or not; cleared when it is closed or no longer due.
    overdue_notice = models.ForeignKey(
        "approvals.ReportAction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @case_state.transition(source=CaseState.ACCEPTED, target=CaseState.IN_PROGRESS, label="开始办理")
    def start(self) -> None:
        pass

    @case_state.transition(source=[CaseState.ACCEPTED, CaseState.IN_PROGRESS], target=CaseState.CLOSED, label="办结")
    def close(self, on) -> None:
        self.closed_on = on

    @property
    def overdue(self) -> bool:
        """overdue_condition() for one loaded row."""
        return self.case_state != CaseState.CLOSED and self.due_on is not None and self.due_on < timezone.localdate()


class CaseMeta(Reportable.Meta):
    """The Meta a reportable model with case progress derives its own from (the abstract Case's
    would be replaced by it): the engine's indexes, the overdue cases', 办结 ⇔ its date."""

    indexes = [*Reportable.Meta.indexes, overdue_index()]
    constraints = [closed_has_date()]


class ResultExportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")  # its file deleted after settings.BULK_EXPORT_KEEP_DAYS


class ResultExport(models.Model):
    """The Excel of a module's query results too large to write while the user waits
    (records.kit.results): a worker (records.kit.tasks) reruns the query the user saw, as the
    user's unit sees it, and writes the file. Only the requesting user sees the job."""

    user = models.ForeignKey("org.User", verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    module_key = models.CharField(_("业务模块"), max_length=30)
    # The query form's data as the list read it (ID numbers resolved from their tokens: never
    # in a URL, DESIGN.md §7), with the unit switcher's `unit` and the state tab's `state`.
    conditions = models.JSONField(_("查询条件"), default=dict)
    option = models.CharField(_("导出内容"), max_length=20)
    columns = models.JSONField(_("导出字段"), default=list)  # the field paths, in the list's order
    sort = models.CharField(_("排序"), max_length=100, blank=True)  # approvals.preferences.Sort.stored()
    state = models.CharField(
        _("状态"), max_length=10, choices=ResultExportState.choices, default=ResultExportState.QUEUED
    )
    rows_written = models.PositiveIntegerField(_("已写入行数"), default=0)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("查询结果导出")
        verbose_name_plural = _("查询结果导出")
        indexes = [models.Index(fields=["user", "-created_at"], name="kit_resultexport_user_recent")]

    def __str__(self):
        return f"{self.module_key} 查询结果导出 {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.state in (ResultExportState.QUEUED, ResultExportState.RUNNING)

    @property
    def percent(self) -> int:
        return 100 if not self.rows_total else min(100, self.rows_written * 100 // self.rows_total)
