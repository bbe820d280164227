from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import Reportable, holder_indexes, scope_index
from org.models import Module, code_field
from records.kit.models import Visitor, happened_on, remarks_field
from records.name_order import held_by_name_index


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Consultation(Visitor, Reportable):
    """政策咨询 (manual ch. 5): a worker's question and the union's answer (modules-spec §5)."""

    consulted_on = happened_on(_("咨询日期"))
    channel = code_field("consultation_channel", _("咨询方式"), required=True)
    category = code_field("consultation_category", _("咨询类别"), required=True)
    question = models.TextField(_("咨询内容"))
    answer = models.TextField(_("答复内容"))
    answerer = models.CharField(_("答复人"), max_length=50, blank=True)
    satisfaction = models.CharField(_("是否满意"), max_length=12, choices=Satisfaction.choices, blank=True)
    remarks = remarks_field()

    reporting_module = Module.CONSULTATIONS
    label_fields = ("name", "consulted_on")  # __str__, read by a list whatever columns it shows

    class Meta(Reportable.Meta):
        verbose_name = _("政策咨询")
        verbose_name_plural = _("政策咨询")
        indexes = [scope_index("consult"), *holder_indexes(prefix="consult"), held_by_name_index("consult")]

    def __str__(self):
        return f"{self.name} {self.consulted_on:%Y-%m-%d}"
