from django.db import models
from django.db.models import Q

from approvals.models import Reportable
from org.models import Module


class SampleRecord(Reportable):
    """Like a petition: a flat record. A row marked incomplete may not be reported."""

    title = models.CharField("标题", max_length=100)
    complete = models.BooleanField("信息完整", default=True)

    reporting_module = Module.PETITIONS
    report_blockers = [(Q(complete=False), "信息项没有填写完整")]

    class Meta(Reportable.Meta):
        verbose_name = "测试记录"

    def __str__(self):
        return self.title


# Records that refer to a household file, as the assistance, legal-aid and attachment modules
# do: a merge must carry every one of them to the kept file (records.merges discovers them from
# WorkerFile's reverse relations; the job seekers are the real records.jobs.JobSeeker).


class SampleAssistance(Reportable):
    """Like 帮扶救助信息: reportable, protects its file."""

    file = models.ForeignKey("records.WorkerFile", on_delete=models.PROTECT, related_name="sample_assistance")
    amount = models.DecimalField("帮扶金额", max_digits=10, decimal_places=2, default=0)

    reporting_module = Module.ASSISTANCE

    class Meta(Reportable.Meta):
        verbose_name = "帮扶救助信息"


class SampleLegalAid(Reportable):
    """Like 法律援助: reportable, the file is optional."""

    file = models.ForeignKey(
        "records.WorkerFile", null=True, on_delete=models.SET_NULL, related_name="sample_legal_aid"
    )
    subject = models.CharField("事由", max_length=100, default="")

    reporting_module = Module.LEGAL_AID

    class Meta(Reportable.Meta):
        verbose_name = "法律援助"


class SampleAttachment(models.Model):
    """Like 附件: a hidden relation (related_name="+") that cascades."""

    file = models.ForeignKey("records.WorkerFile", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("文件名", max_length=100)

    class Meta:
        verbose_name = "附件"
