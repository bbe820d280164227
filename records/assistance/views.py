"""The assistance's own pages beside the kit's: 填写脱困信息 (3.2.2) and the follow-up after exit,
both pages of one record (records.kit.pages, so the URL × cast walk covers them), and the part
of the record page that shows the exit's history, the follow-ups and the ways on."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from approvals.selectors import sees, visible_to
from audit.models import AuditLog
from org.errors import saved_or_told
from org.forms.codes import CodesInOneQuery
from org.models import Module
from records import services as file_services
from records.assistance import follow_ups, services
from records.assistance.events import AssistanceEvent
from records.assistance.models import Assistance, FollowUp, FollowUpOutcome
from records.kit.forms import DATE_WIDGET
from records.kit.pages import RECORD, Page
from records.kit.views import get_record_for_user, record_sheet
from records.views_detail import TIMELINE_ROWS, TimelineEntry, register_timeline_source

EXIT_HISTORY_ROWS = 20  # the newest changes on the record page; the audit log keeps them all
CANCEL_REASON = "已脱困"  # the 注销 offered after an exit says why


class ExitForm(CodesInOneQuery, forms.ModelForm):
    """The model's exit rules (date ≥ 帮扶日期, not in the future, method when 已脱困) speak
    next to their fields as the form validates."""

    class Meta:
        model = Assistance
        fields = list(services.EXIT)
        widgets = {"exited": forms.RadioSelect, "exit_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")}

    def clean(self):
        """未脱困 has no date nor method, whatever the boxes still hold (the service clears them too)."""
        data = super().clean()
        if not data.get("exited"):
            data["exit_on"] = data["exit_method"] = None
        return data


class FollowUpForm(forms.ModelForm):
    outcome = forms.ChoiceField(label="回访结果", choices=FollowUpOutcome.choices, widget=forms.RadioSelect)
    done_on = forms.DateField(label="回访完成日期", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))

    class Meta:
        model = FollowUp
        fields = ["outcome", "note", "done_on"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


def _refused(request, module, row, message: str):
    messages.error(request, message)
    return redirect(module.url("detail", row.pk))


def _page(request, module, row, form, title: str, **context):
    context |= {"module": module, "row": row, "form": form, "title": f"{title}:{row}",
                "sheet": record_sheet(request, module, row, "exit"), "cancel_url": module.url("detail", row.pk)}  # fmt: skip
    return render(request, "assistance/exit_form.html", context)


@require_http_methods(["GET", "POST"])
def exit_edit(request, module, pk):
    """填写脱困信息: the record read-only above its three exit fields."""
    row = get_record_for_user(module, request.user, pk)
    if not services.can_record_exit(request.user, row):
        return _refused(request, module, row, "只能填写本单位帮扶救助记录的脱困信息。")
    form = ExitForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        saved = saved_or_told(form, lambda: services.assistance_exit(
            actor=request.user, row=row, request=request, **form.cleaned_data))  # fmt: skip
        if saved is not None:
            messages.success(request, f"“{row}”的脱困信息已保存。")
            return redirect(module.url("detail", row.pk))
    return _page(request, module, row, form, "填写脱困信息")


@require_http_methods(["GET", "POST"])
def follow_up_edit(request, module, pk):
    """The due follow-up of the record: its outcome, a note and the day (the reminder opens it)."""
    row = get_record_for_user(module, request.user, pk)
    follow_up = follow_ups.due_follow_up(row)
    if not follow_ups.can_follow_up(request.user, follow_up):
        return _refused(request, module, row, "该帮扶救助记录没有需要本单位填写的脱困回访。")
    form = FollowUpForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        said = saved_or_told(form, lambda: follow_ups.follow_up_record(
            actor=request.user, follow_up=follow_up, outcome=data["outcome"], note=data["note"], on=data["done_on"],
            request=request))  # fmt: skip
        if said is not None:
            messages.success(request, f"{follow_up}已填写。{said}")
            return redirect(module.url("detail", row.pk))
    return _page(request, module, row, form, str(follow_up), follow_up=follow_up)


# The module's own pages (RecordModule.own_pages).
PAGES = (
    Page("exit", "<int:pk>/exit/", exit_edit, target=RECORD),
    Page("follow_up", "<int:pk>/follow-up/", follow_up_edit, target=RECORD),
)


def exit_history(row: Assistance) -> list[AuditLog]:
    """The newest changes of the exit information, with before/after (one query, LIMIT)."""
    changes = AuditLog.objects.filter(
        event=AssistanceEvent.EXIT_CHANGED, object_type=Assistance._meta.model_name, object_id=str(row.pk)
    )
    return list(changes.order_by("-at", "-id")[:EXIT_HISTORY_ROWS])


def exit_part(request, module, row: Assistance) -> dict:
    """The record page's 脱困情况 (declaration `extras`): 填写脱困信息 and 回访 when allowed, 注销职工
    after an exit while the file is active, the exit's history and the follow-ups."""
    user, file = request.user, row.file
    due = follow_ups.due_follow_up(row)
    return {
        "template": "assistance/_exit.html",
        "row": row,
        "exit_url": module.url("exit", row.pk) if services.can_record_exit(user, row) else "",
        "follow_up_url": module.url("follow_up", row.pk) if follow_ups.can_follow_up(user, due) else "",
        "offer_cancel": row.exited and sees(user.unit, file) and file_services.can_cancel(user, file),
        "cancel_reason": CANCEL_REASON,
        "history": exit_history(row),
        "follow_ups": list(row.follow_ups.select_related("done_by")),
    }


# --- the household's timeline (records.views_detail): exits and follow-ups --------------------


def _visible_of(file, user):
    """The file's assistance the user's unit sees; none for a user without the module."""
    if not user.has_module(Module.ASSISTANCE):
        return Assistance.objects.none()
    return visible_to(Assistance.objects.filter(file=file), user.unit)


def exit_entries(file, user) -> list[TimelineEntry]:
    rows = _visible_of(file, user).filter(exited=True).select_related("exit_method").order_by("-exit_on")
    return [
        TimelineEntry(row.exit_on, f"脱困({row.exit_method})", reverse("assistance:detail", args=[row.pk]))
        for row in rows[:TIMELINE_ROWS]
    ]


def follow_up_entries(file, user) -> list[TimelineEntry]:
    """Done follow-ups on the day they were done, open ones on their due day."""
    follow_ups = FollowUp.objects.filter(assistance__in=_visible_of(file, user)).order_by("-due_on")
    entries = []
    for follow_up in follow_ups[:TIMELINE_ROWS]:
        outcome = follow_up.get_outcome_display() if follow_up.done else "待回访"
        entries.append(TimelineEntry(follow_up.done_on or follow_up.due_on, f"脱困 {follow_up.months} 个月回访:{outcome}",
                                     reverse("assistance:detail", args=[follow_up.assistance_id])))  # fmt: skip
    return entries


register_timeline_source(exit_entries)
register_timeline_source(follow_up_entries)
