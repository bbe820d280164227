from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable
from org.models import Module, code_field
from records.kit.models import Case, CaseMeta, Visitor, at_least_one, happened_on, head_count, remarks_field
from records.name_order import held_by_name_index


class Petition(Visitor, Case, Reportable):
    """信访接待 (manual ch. 4): one visit, letter or call, and how it was handled. The manual's
    form was a screenshot; these are the fields of a standard 信访接待登记表 (modules-spec §4)."""

    received_on = happened_on(_("接待日期"))
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    channel = code_field("petition_channel", _("信访形式"), required=True)
    collective = models.BooleanField(_("是否集体访"), default=False)
    visitors = head_count(_("来访人数"))
    category = code_field("petition_category", _("信访类别"), required=True)
    content = models.TextField(_("信访内容"))
    handling = code_field("petition_handling", _("处理方式"))
    referred_to = models.CharField(_("转(交)办单位"), max_length=100, blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    receptionist = models.CharField(_("接待人"), max_length=50, blank=True)
    remarks = remarks_field()

    reporting_module = Module.PETITIONS
    label_fields = ("name", "received_on")  # __str__, read by a list whatever columns it shows

    class Meta(CaseMeta):
        verbose_name = verbose_name_plural = _("信访接待")
        indexes = [*CaseMeta.indexes, held_by_name_index("petition")]
        constraints = [
            *CaseMeta.constraints,
            at_least_one("visitors"),
            models.CheckConstraint(condition=Q(collective=False) | Q(visitors__gte=2), name="petition_collective_visitors"),
            models.CheckConstraint(condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                                   name="petition_closed_after_received"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.name} {self.received_on:%Y-%m-%d}"

    def clean(self):
        if self.collective and self.visitors is not None and self.visitors < 2:
            raise ValidationError({"visitors": "集体访的来访人数应至少为 2 人。"})
