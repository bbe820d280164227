"""The periodic statistical form (modules-spec §9–13): one generic reportable row per unit, form
type and period, its items' values kept by code (the declaration in catalogue says what they
are); the deadline of a form's period, and a unit's exception to its lock."""

import pgtrigger
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable
from org.models import Module
from records.stat_forms.catalogue import FORM_TYPES
from records.stat_forms.layout import HARD, QUARTER

FORM_TYPE_CHOICES = [(form.key, form.text(form.title)) for form in FORM_TYPES.values()]
QUARTER_CHOICES = [(0, "全年"), (1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]
ITEM = "item_"  # the entry form's field of item 02A is item_02A: a refusal names it


def period_label(year: int, quarter: int) -> str:
    return f"{year}年{QUARTER_CHOICES[quarter][1]}" if quarter else f"{year}年"


class StatForm(Reportable):
    """One filled form of one unit for one period: its own level's figures only (DESIGN.md §3),
    so statistics sum the subtree and nothing is counted twice."""

    form_type = models.CharField(_("报表"), max_length=20, choices=FORM_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("填报季度"), choices=QUARTER_CHOICES, default=0)
    reporter = models.CharField(_("填报人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    reported_on = models.DateField(_("报出时间"), null=True, blank=True)
    values = models.JSONField(_("填报数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    # When the owner first sent it up: the completeness page's 按时/逾期. Set by the database
    # (the trigger below) as the engine's set-based report moves the row, whatever moves it.
    first_reported_at = models.DateTimeField(_("首次上报时间"), null=True, blank=True, editable=False)

    reporting_module = Module.STAT_FORMS
    label_fields = ("form_type", "year", "quarter")

    class Meta:
        verbose_name = verbose_name_plural = _("统计报表")
        indexes = [
            *Reportable.Meta.indexes,
            # One form and period across a scope: statistics and completeness read this range.
            models.Index(fields=["form_type", "year", "quarter", "unit_path"], name="stat_forms_period_path",
                         opclasses=["", "", "", "text_pattern_ops"]),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(fields=["unit", "form_type", "year", "quarter"], name="stat_forms_one_per_period"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="stat_forms_year_range"),
            models.CheckConstraint(condition=Q(quarter__gte=0, quarter__lte=4), name="stat_forms_quarter_range"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="stat_form_first_reported",
                when=pgtrigger.Before,
                operation=pgtrigger.UpdateOf("holder_id"),
                condition=pgtrigger.Condition(
                    "OLD.holder_id = OLD.unit_id AND NEW.holder_id <> NEW.unit_id AND OLD.first_reported_at IS NULL"
                ),
                func="NEW.first_reported_at := now(); RETURN NEW;",
            )
        ]

    def __str__(self):
        return f"{self.form.text(self.form.title)} {self.period}"

    @property
    def form(self):
        return FORM_TYPES[self.form_type]

    @property
    def period(self) -> str:
        return period_label(self.year, self.quarter)

    def clean(self):
        """A quarterly form names its quarter, a yearly one none; the form's hard rules hold."""
        if self.form_type not in FORM_TYPES:
            return
        if (self.form.period_kind == QUARTER) != bool(self.quarter):
            message = "请选择填报季度。" if self.form.period_kind == QUARTER else "该报表按年填报,不选季度。"
            raise ValidationError({"quarter": message})
        broken = self.form.violations(self.values or {}, HARD)
        if broken:
            raise ValidationError({f"{ITEM}{rule.left[0]}": message for rule, message in broken})


class StatDeadline(models.Model):
    """The deadline of one form's period, set by the national unit; without one a period is due
    the form's default days after it ends (deadlines.due_on)."""

    form_type = models.CharField(_("报表"), max_length=20, choices=FORM_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("填报季度"), choices=QUARTER_CHOICES, default=0)
    due_on = models.DateField(_("上报截止日期"))
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=15)

    class Meta:
        verbose_name = verbose_name_plural = _("报表截止日期")
        constraints = [
            models.UniqueConstraint(fields=["form_type", "year", "quarter"], name="stat_forms_one_deadline"),
        ]


class StatException(models.Model):
    """The parent unit lets one unit enter a locked period's form (the audit log says who)."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    form_type = models.CharField(_("报表"), max_length=20, choices=FORM_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("填报季度"), choices=QUARTER_CHOICES, default=0)
    granted_by = models.ForeignKey("org.User", verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("逾期填报许可")
        constraints = [
            models.UniqueConstraint(fields=["unit", "form_type", "year", "quarter"], name="stat_forms_one_exception"),
        ]


class StatReminder(models.Model):
    """The reminder a unit got to report one form's period (records.stat_forms.reminders): at
    most one per stage, so the scheduler's next run sends nothing twice."""

    DUE_SOON, OVERDUE = "due_soon", "overdue"

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+")
    form_type = models.CharField(_("报表"), max_length=20, choices=FORM_TYPE_CHOICES)
    year = models.PositiveSmallIntegerField(_("年份"))
    quarter = models.PositiveSmallIntegerField(_("填报季度"), choices=QUARTER_CHOICES, default=0)
    stage = models.CharField(_("提醒"), max_length=10, choices=[(DUE_SOON, "即将到期"), (OVERDUE, "已逾期")])
    action = models.OneToOneField("approvals.ReportAction", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = _("报表提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "form_type", "year", "quarter", "stage"], name="stat_forms_one_reminder"
            ),
        ]
