"""帮扶救助 (manual ch. 3, modules-spec §3): what a household got, line by line, and whether it
left hardship. The rules the spec states are the database's too (constraints below); the
follow-up after exit (防返困) is this module's own (records.assistance.follow_ups)."""

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable, holder_indexes, scope_index
from org.models import Module, code_field
from records.kit.models import NotAfterToday, happened_on, money, remarks_field

MEASURE_LINES = 3  # 帮扶措施一/二/三 (L1124-1160)


class Helped(models.TextChoices):
    HELPED = "helped", _("已帮扶")
    NOT_HELPED = "not_helped", _("未帮扶")


EXITED = [(False, _("未脱困")), (True, _("已脱困"))]


class Assistance(Reportable):
    file = models.ForeignKey(
        "records.WorkerFile", verbose_name=_("职工档案"), on_delete=models.PROTECT, related_name="assistance",
        editable=False,
    )  # fmt: skip
    category = code_field("assistance_category", _("帮扶类别"), required=True)
    assisted_on = happened_on(_("帮扶日期"))
    helped = models.CharField(_("是否帮扶"), max_length=10, choices=Helped.choices, default=Helped.HELPED)
    form = code_field("assistance_form", _("帮扶形式"))
    # The sum of the measure lines' amounts, written by the service with the lines (never typed).
    amount = money(_("帮扶金额(元)"), default=0, editable=False)
    details = models.TextField(_("具体措施"), blank=True)
    not_helped_reason = models.TextField(_("未帮原因"), blank=True)
    # Exit information (3.2.2): a later fact, editable by the owner in any report state.
    exited = models.BooleanField(_("是否脱困"), choices=EXITED, default=False)
    exit_on = models.DateField(_("脱困日期"), null=True, blank=True, validators=[NotAfterToday("脱困日期")])
    exit_method = code_field("exit_method", _("脱困方式"))
    remarks = remarks_field()

    reporting_module = Module.ASSISTANCE
    label_fields = ("file__head_name", "assisted_on")  # __str__, read by a list whatever columns it shows

    class Meta(Reportable.Meta):
        verbose_name = verbose_name_plural = _("帮扶救助")
        # The engine's indexes under a shorter prefix: its default, app and model name, is one
        # character over PostgreSQL's 30 that Django allows here.
        indexes = [
            scope_index("assistance"), *holder_indexes(prefix="assistance"),
            models.Index(fields=["file", "assisted_on"], name="assistance_file_date"),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="assistance_amount_not_negative"),
            models.CheckConstraint(condition=Q(helped=Helped.HELPED) | Q(amount=0), name="assistance_not_helped_no_amount"),
            models.CheckConstraint(
                condition=Q(exited=True, exit_on__isnull=False, exit_method__isnull=False)
                | Q(exited=False, exit_on__isnull=True, exit_method__isnull=True),
                name="assistance_exited_has_date_and_method",
            ),
            models.CheckConstraint(condition=Q(exit_on__isnull=True) | Q(exit_on__gte=F("assisted_on")),
                                   name="assistance_exit_after_assistance"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.file.head_name} {self.assisted_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        if self.helped == Helped.HELPED and self.form_id is None:
            errors["form"] = "已帮扶时请选择帮扶形式。"
        if self.helped == Helped.NOT_HELPED and not self.not_helped_reason.strip():
            errors["not_helped_reason"] = "未帮扶时请填写未帮原因。"
        errors |= self.exit_errors()
        if errors:
            raise ValidationError(errors)

    def exit_errors(self) -> dict:
        """已脱困 ⇔ its date and method; the date not before the assistance (the future: the field's own)."""
        if not self.exited:
            given = {"exit_on": self.exit_on, "exit_method": self.exit_method_id}
            return {name: "未脱困时不能填写脱困日期和脱困方式。" for name, value in given.items() if value is not None}
        errors = {}
        if self.exit_on is None:
            errors["exit_on"] = "已脱困时请填写脱困日期。"
        elif self.assisted_on and self.exit_on < self.assisted_on:
            errors["exit_on"] = f"脱困日期不能早于帮扶日期({self.assisted_on:%Y-%m-%d})。"
        if self.exit_method_id is None:
            errors["exit_method"] = "已脱困时请选择脱困方式。"
        return errors


class AssistanceMeasure(models.Model):
    """One of an assistance's up to three measure lines: what was given, how much, from which
    fund. A line taken into a fund summary table (ch. 14) is 已汇总 (`summarized_in` names the
    table, written through records.assistance.services.lines_summarize): read-only here, and its
    assistance cannot be deleted."""

    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField(
        _("序号"), validators=[MinValueValidator(1), MaxValueValidator(MEASURE_LINES)]
    )
    measure = code_field("assistance_measure", _("帮扶措施"), required=True)
    amount = money(_("金额(元)"))
    fund_source = code_field("fund_source", _("帮扶资金类别"), required=True)
    summarized_in = models.CharField(_("已汇总"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("帮扶措施")
        ordering = ["assistance", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assistance", "position"], name="assistance_measure_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=MEASURE_LINES),
                                   name="assistance_measure_position_range"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="assistance_measure_amount_not_negative"),
        ]  # fmt: skip
        # The fund summary tables' picker (ch. 14): the newest lines of a measure and fund source
        # in no table yet, a keyset page read in index order.
        indexes = [
            models.Index(fields=["measure", "fund_source", "id"], condition=Q(summarized_in=""),
                         name="assistance_measure_free")
        ]  # fmt: skip

    def __str__(self):
        return f"{self.measure}({self.fund_source})"

    @property
    def summarized(self) -> bool:
        return bool(self.summarized_in)


class FollowUpOutcome(models.TextChoices):
    STILL_OUT = "still_out", _("仍已脱困")
    BACK = "back", _("返困")


class FollowUp(models.Model):
    """防返困 (beyond the manual): a check on a household some months after its assistance
    recorded its exit from hardship. Made when the exit is recorded (settings.ASSISTANCE_
    FOLLOW_UP_MONTHS), a reminder in the owning unit's inbox when its day comes, closed by the
    follow-up record; 返困 reopens the household's file (records.assistance.follow_ups)."""

    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("脱困后月数"))
    due_on = models.DateField(_("回访日期"))
    # The reminder sent when the day came; none before it.
    notice = models.ForeignKey(
        "approvals.ReportAction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("回访结果"), max_length=10, choices=FollowUpOutcome.choices, blank=True)
    note = models.TextField(_("回访情况"), blank=True)
    done_on = models.DateField(_("回访完成日期"), null=True, blank=True, validators=[NotAfterToday("回访完成日期")])
    done_by = models.ForeignKey("org.User", null=True, blank=True, editable=False, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("回访人"))  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = _("脱困回访")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["assistance", "months"], name="assistance_follow_up_once"),
            models.CheckConstraint(
                condition=Q(outcome="", done_on__isnull=True) | (~Q(outcome="") & Q(done_on__isnull=False)),
                name="assistance_follow_up_done_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"], condition=Q(outcome="", notice__isnull=True), name="assistance_follow_up_due"
            )
        ]

    def __str__(self):
        return f"脱困 {self.months} 个月回访({self.due_on:%Y-%m-%d})"

    @property
    def done(self) -> bool:
        return bool(self.outcome)


def measures_text() -> Subquery:
    """帮扶措施 as a list shows it (L1196): 医疗救助(中央财政)、生活救助(工会经费) 已汇总, each line as its
    __str__ and 已汇总 beside a summarized one, in their order. SQL, a correlated subquery: a page
    annotates its rows with it and reads no line, no code in Python ('' without lines)."""
    # PostgreSQL's CONCAT, one call (Django's Concat nests a pair per part: a third of the
    # list query's compiling).
    line = Func(
        F("measure__value"), Value("("), F("fund_source__value"), Value(")"),
        Case(When(~Q(summarized_in=""), then=Value(" 已汇总")), default=Value("")),
        function="CONCAT", output_field=models.TextField(),
    )  # fmt: skip
    lines = AssistanceMeasure.objects.filter(assistance=OuterRef("pk")).order_by().values("assistance")
    text = lines.annotate(text=StringAgg(line, "、", order_by="position")).values("text")
    return Coalesce(Subquery(text), Value(""), output_field=models.TextField())
