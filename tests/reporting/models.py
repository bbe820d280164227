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


class SampleAgency(Reportable):
    """Like a job agency: the parent of recruiters."""

    name = models.CharField("名称", max_length=100)

    reporting_module = Module.JOBS

    class Meta(Reportable.Meta):
        verbose_name = "职介机构"

    def __str__(self):
        return self.name


class SampleRecruiter(Reportable):
    """Like a recruiter: cannot go up before its agency."""

    name = models.CharField("名称", max_length=100)
    agency = models.ForeignKey(SampleAgency, on_delete=models.PROTECT, related_name="recruiters")

    reporting_module = Module.JOBS
    report_parent_field = "agency"

    class Meta(Reportable.Meta):
        verbose_name = "招聘单位"

    def __str__(self):
        return self.name
