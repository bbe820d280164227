"""财政专项资金 (manual ch. 14, modules-spec §14): the ledger of a unit's special funds, and the
real-name summary tables built from assistance measure lines.

The ledger (收支明细, 14.1.1) is append-only in the database: a trigger refuses UPDATE and DELETE,
so a mistake is corrected by a reversal (冲账), the exact opposite entry linked to the wrong one.
It is not reported: every unit above sees a subordinate's entries at once (unit_path prefix).
"""

from decimal import Decimal

import pgtrigger
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable, holder_indexes, scope_index
from org.models import Module, code_field
from records.kit.models import NotAfterToday, money

INCOME_TYPES, EXPENSE_TYPES = "fund_income_type", "fund_expense_type"


class Direction(models.TextChoices):
    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")


BUDGET = [(True, _("是")), (False, _("否"))]


class LedgerEntry(models.Model):
    """One income or expense of a unit's funds. Every entry belongs to an income type (收入类型):
    an expense is charged to the income type whose money it spends, so the balance is kept per
    (unit, income type) — the manual's sample runs 100 → 300 → 250 → 150 through a 送温暖活动支出
    in the 工会经费拨款 view (L2045-2052). `amount` is positive; only a reversal is negative."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, editable=False)  # unit.path: the scope of units above
    entered_on = models.DateField(_("日期"), validators=[NotAfterToday("日期")])
    direction = models.CharField(_("资金情况"), max_length=10, choices=Direction.choices)
    fund_type = code_field(INCOME_TYPES, _("收入类型"), required=True)
    expense_type = code_field(EXPENSE_TYPES, _("支出类型"))
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"), "金额应大于 0。")])  # fmt: skip
    budget = models.BooleanField(_("是否财政预算"), choices=BUDGET, default=False)
    remarks = models.TextField(_("备注"), blank=True)
    # 冲账: the entry this one reverses (one reversal per entry: the OneToOne's unique index).
    reverses = models.OneToOneField(
        "self", verbose_name=_("冲销的记录"), null=True, blank=True, editable=False, on_delete=models.PROTECT,
        related_name="reversed_by",
    )  # fmt: skip
    created_by = models.ForeignKey("org.User", editable=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("收支明细")
        indexes = [
            # The month page: one unit's entries of one income type in date order (its window).
            models.Index(fields=["unit", "fund_type", "entered_on", "id"], name="ledger_unit_type_date"),
            # A superior's scope (fund statistics): the subtree's path prefix.
            models.Index(OpClass("unit_path", name="text_pattern_ops"), "entered_on", name="ledger_scope"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction=Direction.INCOME, expense_type__isnull=True)
                | Q(direction=Direction.EXPENSE, expense_type__isnull=False),
                name="ledger_expense_has_type",
            ),
            # A plain entry is positive, a reversal negative: so a reversal cannot be reversed
            # (its opposite would be a positive entry that reverses something).
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="ledger_reversal_is_negative",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        kind = self.expense_type if self.direction == Direction.EXPENSE else self.fund_type
        return f"{self.entered_on:%Y-%m-%d} {kind} {self.amount}"

    @property
    def reversed(self) -> bool:
        """已冲账: a reversal of this entry exists."""
        return hasattr(self, "reversed_by")


# --- 实名制汇总表 (14.2 中央财政资金帮扶情况, 14.3 地方帮扶资金情况) -------------------------------


class Scope(models.TextChoices):
    CENTRAL = "central", _("中央财政资金")
    LOCAL = "local", _("地方帮扶资金")


class Category(models.TextChoices):
    """帮扶项目: six central tables (L2093), the same six and 其他帮扶类 locally (L2153)."""

    LIVING = "living", _("生活救助类")
    MEDICAL = "medical", _("医疗救助类")
    JOBS = "jobs", _("职业介绍类")
    SCHOOL = "school", _("助学救助类")
    TRAINING = "training", _("职业培训类")
    LEGAL = "legal", _("法律援助类")
    OTHER = "other", _("其他帮扶类")


# The 帮扶措施 (code table assistance_measure) whose lines enter each category's table; any other
# measure is 其他帮扶类 (local only). The 帮扶资金类别 of central tables; every other source is local.
CATEGORY_MEASURES = {
    Category.LIVING: "生活救助", Category.MEDICAL: "医疗救助", Category.JOBS: "就业援助",
    Category.SCHOOL: "助学救助", Category.TRAINING: "技能培训", Category.LEGAL: "法律援助",
}  # fmt: skip
CENTRAL_SOURCE = "中央财政"


class FundSummary(Reportable):
    """One real-name summary table of a unit, year and 帮扶项目 (header L2099-2101). Its rows are
    assistance measure lines (FundSummaryLine); 帮扶资金总额 is their sum, kept by the service
    that adds and removes them."""

    scope = models.CharField(_("资金类别"), max_length=10, choices=Scope.choices, default=Scope.CENTRAL)
    category = models.CharField(_("帮扶项目"), max_length=10, choices=Category.choices)
    year = models.PositiveSmallIntegerField(
        _("年份"),
        validators=[MinValueValidator(2000, "年份应在 2000 年以后。"), MaxValueValidator(2100, "年份不正确。")],
    )
    reporter = models.CharField(_("填报人"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=30)
    filled_on = models.DateField(_("填报日期"), validators=[NotAfterToday("填报日期")])
    total = money(_("帮扶资金总额(元)"), default=0, editable=False)
    remarks = models.TextField(_("备注"), blank=True)  # PROPOSED: every other record has one

    reporting_module = Module.FUNDS
    label_fields = ("year", "scope", "category")

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("实名制汇总表")
        indexes = [scope_index("fund_summary"), *holder_indexes(prefix="fund_summary")]
        constraints = [
            models.CheckConstraint(condition=~Q(category=Category.OTHER) | Q(scope=Scope.LOCAL),
                                   name="fund_summary_other_is_local"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.year} 年{self.get_scope_display()}{self.get_category_display()}"

    def clean(self):
        if self.category == Category.OTHER and self.scope == Scope.CENTRAL:
            raise ValidationError({"category": "中央财政资金没有“其他帮扶类”汇总表。"})


class FundSummaryLine(models.Model):
    """One real-name row: one assistance measure line, in at most one table of one year (the
    one-table rule, L2155-2157: the unique measure)."""

    summary = models.ForeignKey(FundSummary, on_delete=models.CASCADE, related_name="lines")
    measure = models.ForeignKey("assistance.AssistanceMeasure", verbose_name=_("帮扶措施"), on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("实名制汇总表职工")
        constraints = [models.UniqueConstraint(fields=["measure"], name="fund_summary_line_measure_once")]
        # The line's money is of the table's 年份 (L2155): the assistance's date in that year.
        triggers = [
            pgtrigger.Trigger(
                name="fund_summary_line_of_its_year",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                func="""
                IF (SELECT extract(year FROM a.assisted_on) FROM assistance_assistancemeasure m
                    JOIN assistance_assistance a ON a.id = m.assistance_id WHERE m.id = NEW.measure_id)
                   IS DISTINCT FROM (SELECT s.year FROM funds_fundsummary s WHERE s.id = NEW.summary_id) THEN
                    RAISE EXCEPTION 'fund summary line of another year than its table';
                END IF;
                RETURN NEW;
                """,
            )
        ]
