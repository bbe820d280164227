from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable
from org.models import Module, code_field
from records.kit.models import Case, CaseMeta, at_least_one, happened_on, head_count, money, remarks_field


class LegalAid(Case, Reportable):
    """法律援助 (manual ch. 6): a worker's case, always of a household file — the entry starts
    with the ID number (6.1.1, records.kit.person). Fields: modules-spec §6."""

    file = models.ForeignKey(
        "records.WorkerFile", verbose_name=_("职工档案"), on_delete=models.PROTECT, related_name="legal_aid",
        editable=False,
    )  # fmt: skip
    sort_keys = {"file.head_name": "file.head_name_sort"}  # 姓名 in pinyin order (records.name_order)
    applied_on = happened_on(_("申请日期"))
    case_type = code_field("legal_case_type", _("案件类别"), required=True)
    aid_form = code_field("legal_aid_form", _("援助形式"), required=True)
    opponent = models.CharField(_("对方当事人(用人单位)"), max_length=100, blank=True)
    summary = models.TextField(_("案情简介"))
    people = head_count(_("涉及人数"))
    amount = money(_("涉案金额(元)"), null=True, blank=True)
    handler = models.CharField(_("承办人/承办律师(机构)"), max_length=100, blank=True)
    outcome = code_field("legal_aid_outcome", _("办理结果"))
    recovered = money(_("挽回经济损失(元)"), default=0)
    remarks = remarks_field()

    reporting_module = Module.LEGAL_AID
    label_fields = ("file__head_name", "applied_on")  # __str__, read by a list whatever columns it shows

    class Meta(CaseMeta):
        verbose_name = verbose_name_plural = _("法律援助")
        constraints = [
            *CaseMeta.constraints,
            at_least_one("people"),
            models.CheckConstraint(condition=Q(recovered__gte=0) & (Q(amount__isnull=True) | Q(amount__gte=0)),
                                   name="legal_aid_money_not_negative"),
            models.CheckConstraint(condition=Q(accepted_on__gte=F("applied_on")), name="legal_aid_accepted_after_applied"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("accepted_on")),
                                   name="legal_aid_closed_after_accepted"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.file.head_name} {self.applied_on:%Y-%m-%d}"

    def clean(self):
        if self.applied_on and self.accepted_on and self.accepted_on < self.applied_on:
            raise ValidationError({"accepted_on": "受理日期不能早于申请日期。"})
