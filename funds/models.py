"""财政专项资金 (manual ch. 14, modules-spec §14): the ledger of a unit's special funds.

The ledger (收支明细, 14.1.1) is append-only in the database: a trigger refuses UPDATE and DELETE,
so a mistake is corrected by a reversal (冲账), the exact opposite entry linked to the wrong one.
It is not reported: every unit above sees a subordinate's entries at once (unit_path prefix).
"""

from decimal import Decimal

import pgtrigger
from django.contrib.postgres.indexes import OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import code_field
from records.kit.models import NotAfterToday

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
