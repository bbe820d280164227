"""Worker household files (manual chapter 2, DESIGN.md §4): one table of persons keyed by the
national ID number, heads and family members alike, and the reportable file that groups them."""

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from approvals.models import Reportable, holder_indexes, scope_index
from org.models import Gender, Module, code_field


def not_negative(message: str) -> MinValueValidator:
    """Money and floor areas cannot be below zero (a CheckConstraint too); the message is shown
    next to the field of the entry form."""
    return MinValueValidator(Decimal("0"), message=message)


# 职工历史信息: every change of a file's content is kept (django-pghistory triggers). Moving up
# and down the tree is not a content change: the movement log has it.
MOVE_FIELDS = ["holder", "holder_depth", "report_state", "updated_at", "changed_since_report"]
# Copies the database keeps of what is said elsewhere (WorkerFile.kind, head_name): no content.
COPIED_FIELDS = ["kind", "head_name"]

# A migrant-worker file is a hardship file whose head's identity is this code value (manual 2.3).
MIGRANT_IDENTITY = "农民工"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Person(models.Model):
    """A person of a household file, head or family member. The ID number is unique across
    the whole country: the same person cannot be in two files (a database constraint)."""

    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = code_field("ethnicity", _("民族"))
    political_status = code_field("political_status", _("政治面貌"))
    health = code_field("health", _("健康状况"))
    disability_category = code_field("disability_category", _("残疾类别"))
    monthly_income = models.DecimalField(
        _("月收入(元)"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[not_negative("月收入不能为负数。")],
    )  # fmt: skip
    identity = code_field("identity", _("身份"))
    employer_or_school = models.CharField(_("工作单位或学校"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        # 合并重复档案 looks for likely duplicates: the same name and birth date, another ID number.
        indexes = [
            models.Index(fields=["name", "birth_date"], name="records_person_name_birth"),
            # Statistics join every file in scope to its head for the head's dimension: read from
            # this index alone, not from 14 million person rows (national scope: 2.3 s -> 0.7 s).
            models.Index(
                fields=["id"], name="records_person_dimensions", include=["gender", "political_status", "health"]
            ),
        ]
        # A head's new name or identity reaches the copies on their file (WorkerFile.kind): the
        # no-op write of head_id lets the file's own trigger work them out again.
        triggers = [
            pgtrigger.Trigger(
                name="person_copies_to_file",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("name", "identity_id"),
                condition=pgtrigger.AnyChange("name", "identity"),
                func="UPDATE records_workerfile SET head_id = head_id WHERE head_id = NEW.id; RETURN NULL;",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="records_person_monthly_income_not_negative"
            ),
        ]

    def __str__(self):
        return self.name


class FileCategory(models.TextChoices):
    SUBSISTENCE = "subsistence", _("低保户")
    NEAR_SUBSISTENCE = "near_subsistence", _("低保边缘户")
    ACCIDENT = "accident", _("意外致困户")
    TEMPORARY = "temporary", _("临时救助")


# The health value that requires a disability category (manual 2.2.1.1 rule 3).
DISABLED_HEALTH = "残疾"

HARDSHIP_CATEGORIES = [FileCategory.SUBSISTENCE, FileCategory.NEAR_SUBSISTENCE, FileCategory.ACCIDENT]


class FileStatus(models.TextChoices):
    ACTIVE = "active", _("在档")
    CANCELLED = "cancelled", _("已注销")


class FileKind(models.TextChoices):
    """Which of the file lists (manual 2.2–2.5) a file is on: one each."""

    HARDSHIP = "hardship", _("困难职工档案")
    MIGRANT = "migrant", _("农民工档案")
    TEMPORARY = "temporary", _("临时救助档案")
    CANCELLED = "cancelled", _("注销职工档案")


def file_kind_sql(status: str, category: str, identity: str) -> str:
    """The SQL of a file's kind (FileKind) from its status, its category and its head's identity
    value: the one statement of which list a file is on (the trigger below, the bench's load)."""
    return (
        f"CASE WHEN {status} = '{FileStatus.CANCELLED}' THEN '{FileKind.CANCELLED}' "
        f"WHEN {category} = '{FileCategory.TEMPORARY}' THEN '{FileKind.TEMPORARY}' "
        f"WHEN {identity} = '{MIGRANT_IDENTITY}' THEN '{FileKind.MIGRANT}' ELSE '{FileKind.HARDSHIP}' END"
    )


# The file's kind and its head's name from the file and its head as they are now, worked out by
# the database on every write that can change them.
# A file moving up (reported) has been reported as it is now: 已修改 starts again from here.
REPORT_CLEARS_CHANGED_SQL = "NEW.changed_since_report := false; RETURN NEW;"

FILE_COPIES_SQL = f"""
SELECT p.name, {file_kind_sql("NEW.status", "NEW.category", "c.value")}
  INTO NEW.head_name, NEW.kind
  FROM records_person p LEFT JOIN org_code c ON c.id = p.identity_id
 WHERE p.id = NEW.head_id;
RETURN NEW;
"""


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=MOVE_FIELDS + COPIED_FIELDS)),
    pghistory.DeleteEvent(),
    exclude=MOVE_FIELDS + COPIED_FIELDS,
)
class WorkerFile(Reportable):
    """A hardship worker's household file (困难职工档案). Temporary-relief files are the same
    table with category 临时救助; migrant-worker files are those whose head's identity is 农民工."""

    code = models.CharField(_("职工编号"), max_length=30)
    category = models.CharField(_("困难类别"), max_length=20, choices=FileCategory.choices)
    status = FSMField(_("档案状态"), max_length=10, choices=FileStatus.choices, default=FileStatus.ACTIVE)
    head = models.OneToOneField(Person, verbose_name=_("户主"), on_delete=models.PROTECT, related_name="headed_file")
    # Copies the lists filter on, kept by the database (FILE_COPIES_SQL), so a list, its counts
    # and a name search read the file's own index entries instead of joining 4.7 million heads.
    kind = models.CharField(
        _("档案种类"), max_length=10, choices=FileKind.choices, default=FileKind.HARDSHIP, editable=False
    )
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True, editable=False)

    model_worker_type = code_field("model_worker_type", _("劳模类型"))
    housing_type = code_field("housing_type", _("住房类型"))
    floor_area = models.DecimalField(
        _("建筑面积(平方米)"), max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[not_negative("建筑面积不能为负数。")],
    )  # fmt: skip
    postal_code = models.CharField(_("邮政编码"), max_length=6, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    work_start_date = models.DateField(_("参加工作时间"), null=True, blank=True)
    industry = code_field("industry", _("所属行业"))
    marital_status = code_field("marital_status", _("婚姻状况"))
    household_registration = code_field("household_registration", _("户口类型"))
    address = models.CharField(_("家庭住址"), max_length=200)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    employer_nature = code_field("employer_nature", _("单位性质"))
    enterprise_status = code_field("enterprise_status", _("企业状况"))
    single_parent = models.BooleanField(_("是否单亲"), default=False)
    monthly_income = models.DecimalField(
        _("本人月平均收入(元)"), max_digits=10, decimal_places=2, default=Decimal("0"),
        validators=[not_negative("月收入不能为负数。")],
    )  # fmt: skip
    household_annual_income = models.DecimalField(
        _("家庭年度总收入(元)"), max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[not_negative("家庭年度总收入不能为负数。")],
    )  # fmt: skip
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    registration_area = models.CharField(_("户口所在地行政区划"), max_length=100, blank=True)
    medical_insurance = code_field("medical_insurance", _("医疗保险"))
    self_help_ability = code_field("self_help_ability", _("自救能力"))
    zero_employment = models.BooleanField(_("是否零就业家庭"), default=False)
    hardship_cause = code_field("hardship_cause", _("致困主要原因"))
    remarks = models.TextField(_("备注"), blank=True)
    file_date = models.DateField(_("建档日期"))

    # Why the file may not be reported (有问题档案, manual 2.8); kept by records.services.
    problems = models.JSONField(_("问题"), default=list, blank=True, editable=False)
    cancelled_on = models.DateField(_("注销日期"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("注销原因"), max_length=200, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    # 已修改 (issue 17 item 16): the owner changed the file's content while a superior held it,
    # since it was last reported. Set by records.services.file_update, cleared by the database
    # as the file moves up again (REPORT_CLEARS_CHANGED_SQL); what changed is its history since
    # the last report of the movement log (records.views_detail.file_changes_part).
    changed_since_report = models.BooleanField(_("上报后已修改"), default=False, editable=False)

    reporting_module = Module.FILES
    label_fields = ("head__name", "code")  # what __str__ reads: a list's rows read no more
    report_blockers = [
        (~Q(problems=[]), _("有问题档案,须先修改")),
        (Q(status=FileStatus.CANCELLED), _("已注销的档案不能上报")),
    ]

    class Meta(Reportable.Meta):
        verbose_name = _("职工档案")
        verbose_name_plural = _("职工档案")
        # Every list is of one kind (FILE_KINDS); a name search reads the index alone.
        indexes = [
            scope_index(),
            *holder_indexes("kind", include=("head_name",)),
            # The national unit's path prefix matches every file: what it sees are the files held
            # at the top, which the scope index cannot range over (statistics at national scope).
            models.Index(
                OpClass("unit_path", name="text_pattern_ops"),
                name="records_workerfile_top_scope",
                condition=Q(holder_depth__lte=1),
                include=["status", "category", "head", "id"],
            ),  # fmt: skip
            # 有问题档案 (manual 2.8): the few files that may not be reported, of every kind.
            models.Index(fields=["holder", "id"], condition=~Q(problems=[]), name="records_workerfile_problems"),
            # 已修改: the few files changed after reporting, in a superior's scope.
            models.Index(
                OpClass("unit_path", name="text_pattern_ops"),
                "holder_depth",
                name="records_workerfile_changed",
                condition=Q(changed_since_report=True),
            ),  # fmt: skip
        ]
        triggers = [
            pgtrigger.Trigger(
                name="workerfile_copies",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("status", "category", "head_id"),
                func=FILE_COPIES_SQL,
            ),
            pgtrigger.Trigger(
                name="workerfile_report_clears_changed",
                when=pgtrigger.Before,
                operation=pgtrigger.UpdateOf("holder_id"),
                condition=pgtrigger.Q(new__holder_depth__lt=pgtrigger.F("old__holder_depth")),
                func=REPORT_CLEARS_CHANGED_SQL,
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="records_workerfile_code_unique_per_unit"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="records_workerfile_household_size"),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="records_workerfile_monthly_income_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(household_annual_income__gte=0), name="records_workerfile_annual_income_not_negative"
            ),
            # NULL (not entered) passes a CHECK: only a typed negative area is refused.
            models.CheckConstraint(condition=Q(floor_area__gte=0), name="records_workerfile_floor_area_not_negative"),
        ]

    def __str__(self):
        return f"{self.head.name}({self.code})"

    def get_absolute_url(self):
        return reverse("files:detail", args=[self.pk])

    @property
    def per_capita_income(self) -> Decimal:
        """家庭年人均收入: derived, never stored."""
        return (Decimal(str(self.household_annual_income)) / self.household_size).quantize(Decimal("0.01"))

    @property
    def is_temporary(self) -> bool:
        return self.category == FileCategory.TEMPORARY

    @status.transition(source=FileStatus.ACTIVE, target=FileStatus.CANCELLED, conditions=[lambda f: not f.is_temporary])
    def cancel(self, *, on, reason: str) -> None:
        """注销 (2.2.1.7): a file that left hardship or the unit. Temporary files have none."""
        self.cancelled_on = on
        self.cancel_reason = reason

    @status.transition(source=FileStatus.CANCELLED, target=FileStatus.ACTIVE)
    def restore(self) -> None:
        """恢复 (2.2.5): back into the file list, possibly of another unit."""
        self.cancelled_on = None
        self.cancel_reason = ""


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FamilyMember(models.Model):
    """A member of a file's household (家庭成员), other than its head."""

    file = models.ForeignKey(WorkerFile, on_delete=models.CASCADE, related_name="members", verbose_name=_("档案"))
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="membership", verbose_name=_("人员"))
    relation = code_field("relation", _("与户主关系"), required=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.person.name}({self.relation})"


# --- Excel import of household files (records.imports) -----------------------------------------


class ImportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class FileImport(models.Model):
    """One uploaded workbook of household files, imported by a worker (records.tasks). The
    uploaded bytes are kept here so the worker needs nothing but the job's id."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("上传单位"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("文件名"), max_length=200)
    content = models.BinaryField(_("文件内容"), editable=False)
    keep_problems = models.BooleanField(_("问题行保存为有问题档案"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=ImportState.choices, default=ImportState.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    done_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新建档案户数"), default=0)
    problem_count = models.PositiveIntegerField(_("其中有问题档案户数"), default=0)
    refused_count = models.PositiveIntegerField(_("未导入户数"), default=0)
    # [{"row": 7, "column": "身份证号", "message": "…"}], in row order; written when the job ends.
    refusals = models.JSONField(_("未导入的行"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("档案导入")
        verbose_name_plural = _("档案导入")
        indexes = [models.Index(fields=["unit", "-created_at"], name="records_fileimport_unit_recent")]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("records:file_import_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else min(100, self.done_rows * 100 // self.total_rows)


class FileImportItem(models.Model):
    """A household an import job has created, by its 职工编号: a redelivered job skips it. It is
    written in the same transaction as the file, so a file is never created twice."""

    job = models.ForeignKey(FileImport, on_delete=models.CASCADE, related_name="items", verbose_name=_("导入"))
    code = models.CharField(_("职工编号"), max_length=30)
    file = models.ForeignKey(WorkerFile, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("档案"))
    problem = models.BooleanField(_("有问题档案"), default=False)

    class Meta:
        verbose_name = _("导入的档案")
        verbose_name_plural = _("导入的档案")
        constraints = [models.UniqueConstraint(fields=["job", "code"], name="records_fileimportitem_once_per_job")]

    def __str__(self):
        return self.code


# --- advanced file management (manual 2.9: records.merges, records.transfers) ------------------


class FileSnapshot(models.Model):
    """What a file was just before a merge (职工历史信息): its fields, head and members with
    code values as names, kept on the file that survived. The merged file itself is deleted, so
    its id, unit and code are copied here as plain values."""

    file = models.ForeignKey(WorkerFile, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("保留档案"))
    source_file_id = models.BigIntegerField(_("原档案标识"))
    source_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("原填报单位"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_unit_name = models.CharField(_("原填报单位名称"), max_length=100)
    source_code = models.CharField(_("原职工编号"), max_length=30)
    data = models.JSONField(_("合并前内容"))
    reason = models.CharField(_("原因"), max_length=200)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("合并前档案")
        verbose_name_plural = _("合并前档案")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["source_file_id"], name="records_snapshot_source")]

    def __str__(self):
        return f"{self.source_unit_name} {self.source_code}"


class TransferState(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


class TransferRequest(models.Model):
    """A transfer of files to a unit outside the requesting admin's subtree: the files stay
    where they are until the receiving unit's admin accepts (records.transfers).

    A claim (转正申请, `claim_category` set) goes the other way: a unit that knows the ID number
    of another unit's temporary file asks to take it as a hardship file of that category
    (manual 2.2.1.1, case two). The file stays until the owning unit (`from_unit`) accepts;
    the requesting unit is `to_unit`."""

    from_unit = models.ForeignKey("org.Unit", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey("org.Unit", verbose_name=_("目的单位"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("转移原因"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=TransferState.choices, default=TransferState.PENDING)
    file_count = models.PositiveIntegerField(_("档案份数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)
    claim_category = models.CharField(_("转正为"), max_length=20, choices=FileCategory.choices, blank=True, default="")
    process = models.OneToOneField(
        "viewflow.Process", verbose_name=_("流程"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("跨单位转移申请")
        verbose_name_plural = _("跨单位转移申请")
        indexes = [models.Index(fields=["to_unit", "state", "-created_at"], name="records_transfer_inbox")]

    def __str__(self):
        return f"{self.from_unit} → {self.to_unit}({self.file_count} 份)"

    def get_absolute_url(self):
        return reverse("records:transfer_request", args=[self.pk])

    @property
    def is_claim(self) -> bool:
        return bool(self.claim_category)

    @property
    def deciding_unit_id(self) -> int:
        """The unit whose admin accepts or refuses: the receiving unit, or for a claim the owner."""
        return self.from_unit_id if self.is_claim else self.to_unit_id

    @property
    def requesting_unit(self):
        return self.to_unit if self.is_claim else self.from_unit

    @property
    def deciding_unit(self):
        return self.from_unit if self.is_claim else self.to_unit


class TransferRequestFile(models.Model):
    """One file of a transfer request. A file is in at most one pending request: the services
    check it under the file's row lock."""

    request = models.ForeignKey(TransferRequest, on_delete=models.CASCADE, related_name="items")
    file = models.ForeignKey(WorkerFile, on_delete=models.CASCADE, related_name="+", verbose_name=_("档案"))

    class Meta:
        verbose_name = _("转移申请的档案")
        verbose_name_plural = _("转移申请的档案")


# --- bulk export (批量导出/下载, manual 2.5; records.exports) ----------------------------------


class ExportKind(models.TextChoices):
    """The file lists an export may take rows from (the three lists of records.views)."""

    HARDSHIP = "hardship", _("困难职工档案")
    MIGRANT = "migrant", _("农民工档案")
    TEMPORARY = "temporary", _("临时救助档案")


class ExportState(models.TextChoices):
    REQUESTED = "requested", _("待批准")
    REJECTED = "rejected", _("不批准")
    APPROVED = "approved", _("已批准,待导出")
    EXPORTED = "exported", _("已导出")
    EXPIRED = "expired", _("已过期")


MAX_EXPORT_ATTEMPTS = 5  # a request failing this often has a cause another attempt will not cure


class BulkExport(models.Model):
    """One export request of a unit (申请). The parent unit's admin approves it (the national
    unit's own requests are self-approved), a worker writes the CSV file at night or on demand,
    and the requesting unit's admin downloads it until it expires. Its process
    (flows.BulkExportFlow) holds the approval task and the task the worker completes."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kinds = ArrayField(
        models.CharField(max_length=20, choices=ExportKind.choices), verbose_name=_("导出档案"), default=list
    )
    # Each unit stands for its subtree, as far as its rows have reached the requesting unit.
    scope_units = models.ManyToManyField("org.Unit", verbose_name=_("导出单位"), related_name="+")
    # The files' query form data (records.exports.files_query_form), non-empty values only.
    conditions = models.JSONField(_("查询条件"), default=dict, blank=True)
    state = FSMField(_("状态"), max_length=10, choices=ExportState.choices, default=ExportState.REQUESTED)
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    self_approved = models.BooleanField(_("本单位自行批准"), default=False)
    reject_reason = models.TextField(_("不批准原因"), blank=True)
    row_count = models.PositiveIntegerField(_("导出条数"), null=True, blank=True)
    file_name = models.CharField(_("数据文件"), max_length=200, blank=True)  # relative to BULK_EXPORT_DIR
    file_size = models.PositiveBigIntegerField(_("文件大小"), null=True, blank=True)
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_error = models.TextField(_("最近一次导出错误"), blank=True)
    # Committed before an attempt takes its row lock, so a killed worker's attempt still shows
    # (records.exports.exports_retry_interrupted).
    started_at = models.DateTimeField(_("开始导出时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("导出尝试次数"), default=0)
    process = models.OneToOneField(
        "viewflow.Process",
        verbose_name=_("流程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bulk_export",
    )

    class Meta:
        verbose_name = _("批量导出申请")
        verbose_name_plural = _("批量导出申请")
        indexes = [
            models.Index(fields=["unit", "-requested_at"], name="records_bulkexport_unit_recent"),
            models.Index(fields=["state", "expires_at"], name="records_bulkexport_state"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kinds=[]), name="records_bulkexport_kinds_chosen"),
            models.CheckConstraint(
                condition=~Q(state=ExportState.EXPORTED) | ~Q(file_name=""),
                name="records_bulkexport_file_when_exported",
            ),
        ]

    def __str__(self):
        return f"{self.unit}批量导出申请({self.requested_at:%Y-%m-%d})" if self.requested_at else "批量导出申请"

    def get_absolute_url(self):
        return reverse("records:exports") + f"?unit={self.unit_id}"

    def get_kinds_display(self) -> str:
        return "、".join(str(ExportKind(k).label) for k in self.kinds if k in ExportKind.values)

    @property
    def is_approved(self) -> bool:
        return self.state in (ExportState.APPROVED, ExportState.EXPORTED, ExportState.EXPIRED)

    @property
    def is_exported(self) -> bool:
        return self.state in (ExportState.EXPORTED, ExportState.EXPIRED)

    @property
    def retries_exhausted(self) -> bool:
        """Failed so often that neither the retry job nor the night run sends it again."""
        return self.attempts >= MAX_EXPORT_ATTEMPTS

    @state.transition(source=ExportState.REQUESTED, target=ExportState.APPROVED)
    def approve(self, *, by, at, self_approved: bool = False) -> None:
        self.decided_by, self.decided_at, self.self_approved = by, at, self_approved

    @state.transition(source=ExportState.REQUESTED, target=ExportState.REJECTED)
    def reject(self, *, by, at, reason: str) -> None:
        self.decided_by, self.decided_at, self.reject_reason = by, at, reason

    @state.transition(source=ExportState.APPROVED, target=ExportState.EXPORTED)
    def mark_exported(self, *, file_name: str, file_size: int, rows: int, at, expires_at) -> None:
        self.file_name, self.file_size, self.row_count = file_name, file_size, rows
        self.exported_at, self.expires_at, self.last_error = at, expires_at, ""

    @state.transition(source=ExportState.EXPORTED, target=ExportState.EXPIRED)
    def expire(self) -> None:
        self.file_name = ""
