"""职业介绍 (manual ch. 7, modules-spec §7): 职介机构 → 招聘单位 → 招聘职位, and 人才信息 → 推荐信息.
Agencies and recruiters are reported (a recruiter after its agency); vacancies, job seekers and
recommendations never are: a vacancy is seen where its recruiter is and locked once it is
reported, a job seeker is seen by its owner and every unit above at once (DESIGN.md §3), a
recommendation wherever its seeker is."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable, Unreported
from org.models import Gender, Module, code_field
from records.kit.models import at_least_one, happened_on, money, remarks_field

EDUCATION = "education"  # 文化程度 / 学历要求: its codes' display order runs from the lowest up
EMPLOYMENT = "employment_state"  # 就业状态, the values services.py sets by name
WAITING, RECOMMENDED, EMPLOYED = "待业", "已推荐", "已就业"

POSTCODE = RegexValidator(r"^\d{6}$", "邮政编码应为 6 位数字。")
AGE = [MinValueValidator(16, "年龄不能小于 16 岁。"), MaxValueValidator(70, "年龄不能大于 70 岁。")]


def _not_after(low: str, high: str, name: str) -> models.CheckConstraint:
    """`low` ≤ `high` when both are given (年龄要求, 工资待遇 from–to)."""
    return models.CheckConstraint(
        condition=Q(**{f"{low}__isnull": True}) | Q(**{f"{high}__isnull": True}) | Q(**{f"{low}__lte": F(high)}),
        name=name,
    )


class JobAgency(Reportable):
    """职介机构 (7.1, form L1503-1511)."""

    registered_on = happened_on(_("登记日期"))
    staff = models.PositiveIntegerField(_("工作人数"), null=True, blank=True)
    name = models.CharField(_("机构名称"), max_length=100)
    qualification = models.CharField(_("培训资质"), max_length=100, blank=True)
    subsidized = models.BooleanField(_("取得补贴"), default=False)

    reporting_module = Module.JOBS
    return_children_message = "该职介机构下有已上报的招聘单位信息,不允许退回;请先退回其招聘单位信息。"
    label_fields = ("name",)

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("职介机构")

    def __str__(self):
        return self.name


class Recruiter(Reportable):
    """招聘单位 (7.2; fields PROPOSED by modules-spec): reported only after its agency (L1557)."""

    agency = models.ForeignKey(
        JobAgency, verbose_name=_("所属职介机构"), on_delete=models.PROTECT, related_name="recruiters"
    )
    name = models.CharField(_("单位名称"), max_length=100)
    nature = code_field("employer_nature", _("单位性质"))
    industry = code_field("industry", _("所属行业"))
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30)
    address = models.CharField(_("单位地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True, validators=[POSTCODE])
    registered_on = happened_on(_("登记日期"))
    profile = models.TextField(_("单位简介"), blank=True)
    remarks = remarks_field()

    reporting_module = Module.JOBS
    report_parent_field = "agency"
    report_parent_message = "此招聘单位信息不允许先被上报,请先上报其所属的职介机构信息"
    label_fields = ("name",)

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("招聘单位")

    def __str__(self):
        return self.name


class Vacancy(Unreported):
    """招聘职位 (7.2.3; fields PROPOSED): managed from its recruiter's page, seen where the
    recruiter is, and neither added, edited nor deleted once the recruiter is reported (L1580)."""

    recruiter = models.ForeignKey(
        Recruiter, verbose_name=_("招聘单位"), on_delete=models.PROTECT, related_name="vacancies"
    )
    title = models.CharField(_("职位名称"), max_length=100)
    openings = models.PositiveSmallIntegerField(
        _("招聘人数"), default=1, validators=[MinValueValidator(1, "招聘人数至少为 1 人。")]
    )
    trade = models.CharField(_("工种/专业"), max_length=100, blank=True)
    place = models.CharField(_("工作地点"), max_length=100, blank=True)
    education = code_field(EDUCATION, _("学历要求"))
    age_from = models.PositiveSmallIntegerField(_("年龄要求(起)"), null=True, blank=True, validators=AGE)
    age_to = models.PositiveSmallIntegerField(_("年龄要求(止)"), null=True, blank=True, validators=AGE)
    gender = models.CharField(_("性别要求"), max_length=1, choices=Gender.choices, blank=True)  # "": 不限
    salary_from = money(_("工资待遇(元/月,起)"), null=True, blank=True)
    salary_to = money(_("工资待遇(元/月,止)"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    description = models.TextField(_("职位描述"), blank=True)

    reporting_module = Module.JOBS
    visible_through = "recruiter"
    label_fields = ("title",)

    class Meta(Unreported.Meta):
        verbose_name = verbose_name_plural = _("招聘职位")
        constraints = [
            at_least_one("openings"),
            _not_after("age_from", "age_to", "jobs_vacancy_ages_in_order"),
            _not_after("salary_from", "salary_to", "jobs_vacancy_salaries_in_order"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.age_from is not None and self.age_to is not None and self.age_from > self.age_to:
            raise ValidationError({"age_to": "年龄要求的上限不能小于下限。"})
        if self.salary_from is not None and self.salary_to is not None and self.salary_from > self.salary_to:
            raise ValidationError({"salary_to": "工资待遇的上限不能小于下限。"})


class JobSeeker(Unreported):
    """人才信息 (7.3; fields PROPOSED, with 期望工作地点 for the matching): one per household
    file, entered from the person's ID number (records.kit.person); never reported, seen by its
    owner and every unit above at once."""

    file = models.ForeignKey(
        "records.WorkerFile", verbose_name=_("职工档案"), on_delete=models.PROTECT, related_name="job_seekers",
        editable=False,
    )  # fmt: skip
    registered_on = happened_on(_("登记日期"))
    intention = models.CharField(_("求职意向(职位/工种)"), max_length=100)
    education = code_field(EDUCATION, _("文化程度"))
    skills = models.CharField(_("专业/技能特长"), max_length=200, blank=True)
    certificate = models.CharField(_("职业资格证书"), max_length=100, blank=True)
    expected_salary = money(_("期望月薪(元)"), null=True, blank=True)
    place = models.CharField(_("期望工作地点"), max_length=100, blank=True)
    experience = models.TextField(_("工作经历"), blank=True)
    employment = code_field(EMPLOYMENT, _("就业状态"))
    remarks = remarks_field()

    reporting_module = Module.JOBS
    sort_keys = {"file.head_name": "file.head_name_sort"}  # 姓名 in pinyin order (records.name_order)
    label_fields = ("file__head_name", "intention")

    class Meta(Unreported.Meta):
        verbose_name = verbose_name_plural = _("人才信息")
        constraints = [models.UniqueConstraint(fields=["file"], name="jobs_one_seeker_per_file")]

    def __str__(self):
        return f"{self.file.head_name} {self.intention}"


class Recommendation(Unreported):
    """推荐信息 (7.3.3, form L1655-1661): added and deleted, never changed; 推荐结果 成功 marks the
    seeker 已就业 (services.py). Owned by the recommending unit, seen wherever its seeker is."""

    seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("求职人才"), on_delete=models.PROTECT, related_name="recommendations"
    )
    recommended_on = happened_on(_("推荐日期"))
    employer = models.CharField(_("推荐单位"), max_length=100)
    # The vacancy recommended from the match list (records.jobs.matching); typed in by hand: none.
    vacancy = models.ForeignKey(
        Vacancy, verbose_name=_("推荐职位"), null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="recommendations",
    )  # fmt: skip
    success = models.BooleanField(_("推荐结果"), default=True, choices=[(True, "成功"), (False, "未成功")])
    phone = models.CharField(_("联系电话"), max_length=30)
    remarks = remarks_field()

    reporting_module = Module.JOBS
    visible_through = "seeker"
    label_fields = ("employer", "recommended_on")

    class Meta(Unreported.Meta):
        verbose_name = verbose_name_plural = _("推荐信息")

    def __str__(self):
        return f"{self.employer} {self.recommended_on:%Y-%m-%d}"
