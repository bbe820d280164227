"""技能培训 (manual ch. 8, modules-spec §8): an institution holds classes, a class its trainees.
Institutions and classes are reported; a class goes up only after its institution, an
institution comes back only while none of its classes sits above it (the engine's parent
rules, approvals.models). Trainees are not reported: they follow their class and are locked
once it is reported (manual 8.2.3)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable, Unreported, holder_indexes, scope_index
from org.models import Module, code_field
from records import id_numbers
from records.kit.models import NotAfterToday, Visitor, at_least_one, happened_on, head_count, remarks_field

ENDS_BEFORE_START = "结课日期不能早于开课日期。"


def employment_of(employed: int, trainees: int) -> str:
    """培训后就业: how many of the trainees found work after training, of how many."""
    if not trainees:
        return "暂无学员"
    return f"{employed} / {trainees} 人({employed * 100 // trainees}%)"


class TrainingInstitution(Reportable):
    """培训机构 (8.1). The manual's form is an image; the fields are modules-spec §8's proposal.
    资质认证 and 就业再就业基地 feed items 二 and 七 of 培训统计表 (records.stat_forms)."""

    name = models.CharField(_("机构名称"), max_length=100)
    registered_on = happened_on(_("登记日期"))
    qualification = models.CharField(_("培训资质"), max_length=100, blank=True)
    certified = models.BooleanField(_("获得资质认证"), default=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    teachers = models.PositiveSmallIntegerField(_("教师人数"), null=True, blank=True)
    employment_base = models.BooleanField(_("是否就业再就业基地"), default=False)
    subsidised = models.BooleanField(_("取得补贴"), default=False)
    description = models.TextField(_("简介"), blank=True)

    reporting_module = Module.TRAINING
    return_children_message = "该培训机构有相关联的培训班信息已上报,不允许退回;请先退回其培训班信息。"
    label_fields = ("name",)

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("培训机构")
        indexes = [scope_index("training_inst"), *holder_indexes(prefix="training_inst")]

    def __str__(self):
        return self.name


class TrainingClass(Reportable):
    """培训班 (8.2, form L1711-1719): a class of one institution; it goes up only after it."""

    institution = models.ForeignKey(
        TrainingInstitution, verbose_name=_("培训机构"), on_delete=models.PROTECT, related_name="classes"
    )
    planned = head_count(_("培训人数"))
    session = models.CharField(_("培训班次"), max_length=50)
    training_type = code_field("training_type", _("培训类型"), required=True)
    starts_on = models.DateField(_("开课日期"))
    ends_on = models.DateField(_("结课日期"))
    topic = models.CharField(_("培训主题"), max_length=200)
    description = models.TextField(_("课程描述"), blank=True)

    reporting_module = Module.TRAINING
    report_parent_field = "institution"
    report_parent_message = "此培训班信息不允许先被上报,请先上报其所属的培训机构信息。"
    label_fields = ("topic", "session")

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("培训班")
        indexes = [
            scope_index("training_class"),
            *holder_indexes(prefix="training_class"),
            # 培训统计表's suggested values: one unit's own classes of a quarter (services.quarter_figures)
            models.Index(fields=["unit", "starts_on"], name="training_class_unit_start"),
        ]
        constraints = [
            at_least_one("planned"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="training_class_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.topic} {self.session}"  # the topic alone, as it is in the sheet, up to the space

    @property
    def dates(self) -> str:
        """培训日期 as the manual's list shows it (L1734): 开课~结课."""
        return f"{self.starts_on:%Y-%m-%d}~{self.ends_on:%Y-%m-%d}"

    @property
    def employment(self) -> str:
        """培训后就业 of its trainees (a list showing it prefetches them: CLASS_OUTCOME)."""
        trainees = list(self.trainees.all())
        return employment_of(sum(trainee.employed_after for trainee in trainees), len(trainees))

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": ENDS_BEFORE_START})


class Trainee(Visitor, Unreported):
    """培训学员 (8.2.3): a person in one class, with the GB 11643 check; the file of a head
    with the number is linked when the owner's unit sees it (records.kit.person). Not
    reported: seen where its class is, and locked once the class is reported."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.PROTECT, related_name="trainees"
    )
    id_number = models.CharField(_("身份证号"), max_length=18)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True, validators=[NotAfterToday(_("出生日期"))])
    category = code_field("trainee_category", _("人员类别"), required=True)
    education = code_field("education", _("文化程度"))
    certificate = models.BooleanField(_("获得职业资格证书"), default=False)
    employed_after = models.BooleanField(_("培训后就业"), default=False)
    remarks = remarks_field()

    reporting_module = Module.TRAINING
    visible_through = "training_class"
    label_fields = ("name",)

    class Meta(Unreported.Meta):
        verbose_name = verbose_name_plural = _("培训学员")
        constraints = [
            models.UniqueConstraint(fields=["training_class", "id_number"], name="training_trainee_once_per_class")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        """性别 and 出生日期 follow the number when left blank (DESIGN.md §4: derived, editable)."""
        try:
            parsed = id_numbers.validate(self.id_number)
        except ValidationError:
            return  # the field's own check says what is wrong with it
        self.gender = self.gender or parsed.gender
        self.birth_date = self.birth_date or parsed.birth_date
