"""What several modules' records have in common, written once: the person who came to the
union (a petitioner, a consulting worker) and the progress of a case (受理 → 办理中 → 办结)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField

from org.models import Gender


class Visitor(models.Model):
    """The person a record is about, typed in by the clerk (no household file needed)."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)

    class Meta:
        abstract = True


class CaseState(models.TextChoices):
    ACCEPTED = "accepted", _("受理")
    IN_PROGRESS = "in_progress", _("办理中")
    CLOSED = "closed", _("办结")


class Case(models.Model):
    """A case with a due date (records.kit.cases): accepted on a day, due some days later, and
    closed on a day not before its acceptance. Overdue = not closed and past its due date."""

    case_state = FSMField(_("办理状态"), max_length=12, choices=CaseState.choices, default=CaseState.ACCEPTED)
    accepted_on = models.DateField(_("受理日期"), default=timezone.localdate)
    due_on = models.DateField(_("办理期限"), editable=False, null=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    # The open reminder of the holding unit while the case is overdue (records.kit.cases).
    overdue_notice = models.ForeignKey(
        "approvals.ReportAction", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @case_state.transition(source=CaseState.ACCEPTED, target=CaseState.IN_PROGRESS, label="开始办理")
    def start(self) -> None:
        pass

    @case_state.transition(source=[CaseState.ACCEPTED, CaseState.IN_PROGRESS], target=CaseState.CLOSED, label="办结")
    def close(self, on) -> None:
        self.closed_on = on

    @property
    def overdue(self) -> bool:
        return self.case_state != CaseState.CLOSED and self.due_on is not None and self.due_on < timezone.localdate()
