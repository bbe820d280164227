"""Reminder pages (manual chapter 19): pending and all reminders, marking them handled, and
the rows one report or return action moved."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals import inbox, registry, reminders, services
from approvals.forms import PreferenceForm
from approvals.preferences import LISTS, PREVIEW_ROWS, Display, display_for, resolve
from approvals.selectors import visible_to
from org.redirects import local_next


class ReminderFilterForm(forms.Form):
    """The filters of 所有提醒: state, module, date range."""

    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *reminders.ReminderState.CHOICES])
    module = forms.ChoiceField(label="类别", required=False)
    date_from = forms.DateField(label="提醒日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        reporting = {module.key for module in registry.all_modules()}
        modules = [(key, reminders.module_label(key)) for key in reminders.reminder_modules(user) if key in reporting]
        self.fields["module"].choices = [("", "全部"), *modules]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data


def _with_row_links(page: reminders.Page) -> reminders.Page:
    """What reminders_table.html shows of each row beyond its fields: its links and dates."""
    notice_urls = {kind: to if callable(to) else reverse(to) for kind, to in reminders.NOTICE_PAGES.items()}
    found = reminders.notice_pages_of(page.rows)
    for row in page.rows:
        link = notice_urls.get(row.kind)
        row.rows_url = (
            found.get(row.pk)
            or (link(row) if callable(link) else link)
            or reverse("approvals:action_rows", args=[row.pk])
        )
        row.handle_url = reverse("approvals:reminder_handle", args=[row.pk])
        row.message_lines = row.message.splitlines()  # shown with <br> between, as linebreaksbr
        if row.return_reason is not None:
            row.message_lines.insert(0, f"退回原因:{row.return_reason}")
        at = timezone.localtime(row.at)
        row.at_text, row.at_iso = at.strftime("%Y-%m-%d %H:%M"), at.isoformat()
        finished = row.process.finished
        row.finished_text = timezone.localtime(finished).strftime("%Y-%m-%d %H:%M") if finished else ""
    return page


@require_GET
def reminders_pending(request):
    """19.1 待处理提醒: the open reminders of the user's unit, newest first."""
    page = reminders.reminder_page(
        reminders.with_reminder_columns(reminders.pending_reminders_for_user(request.user)),
        request.GET.get("after"),
    )
    _with_row_links(page)
    # The header shows the same number: let it reuse this count instead of counting again.
    request.pending_reminder_count = page.total
    return render(request, "approvals/reminders_pending.html", {"page": page, "next_url": request.get_full_path()})


@require_GET
def decisions_pending(request):
    """待办审批: the decisions waiting for the user's unit (approvals.inbox)."""
    items = inbox.pending_items(request.user)
    if len(items) < inbox.ITEMS_PER_SOURCE:  # then no source was cut short: the header's count
        request.pending_decision_count = len(items)
    return render(request, "approvals/decisions_pending.html", {"items": items})


@require_GET
def reminders_all(request):
    """19.2 所有提醒: open and handled reminders, filterable."""
    form = ReminderFilterForm(request.GET or None, user=request.user)
    queryset = reminders.reminders_for_user(request.user)
    if form.is_bound and form.is_valid():
        queryset = reminders.filter_reminders(queryset, **form.cleaned_data)
    page = _with_row_links(reminders.reminder_page(reminders.with_reminder_columns(queryset), request.GET.get("after")))
    query = request.GET.copy()
    query.pop("after", None)
    context = {"page": page, "form": form, "query": query.urlencode(), "next_url": request.get_full_path()}
    return render(request, "approvals/reminders_all.html", context)


@require_POST
def reminder_handle(request, pk):
    """The 处理 button of one row."""
    reminder = reminders.get_reminder_for_user(request.user, pk)
    result = reminders.reminders_mark_handled(actor=request.user, action_ids=[reminder.pk], request=request)
    _report(request, result)
    return _back(request)


@require_POST
def reminders_handle(request):
    """标记为已处理 for the checked rows."""
    try:
        ids = [int(pk) for pk in request.POST.getlist("ids")]
    except ValueError:
        ids = None
    if not ids:
        messages.warning(request, "请先勾选要标记为已处理的提醒。")
        return _back(request)
    result = reminders.reminders_mark_handled(actor=request.user, action_ids=ids, request=request)
    _report(request, result)
    return _back(request)


@require_GET
def action_rows(request, pk):
    """The rows one report or return action moved (the link of a reminder)."""
    action = reminders.get_action_for_user(request.user, pk)
    action.subject = reminders.reminder_subject(action)
    action.module_label = reminders.module_label(action.module)
    page = reminders.moved_rows_page(action, request.GET.get("after"))
    context = {"action": action, "page": page, "can_handle": reminders.can_handle(request.user, action)}
    return render(request, "approvals/action_rows.html", context)


def _report(request, result: reminders.HandleResult) -> None:
    if result.handled:
        messages.success(request, f"已将 {len(result.handled)} 条提醒标记为已处理。")
    if result.already_handled:
        messages.info(request, f"{len(result.already_handled)} 条提醒此前已处理,无需再次处理。")


def _back(request):
    """Back to the list the form was posted from (a local address only)."""
    return redirect(local_next(request, reverse("approvals:reminders_pending")))


# --- 自定义显示选项 (manual 2.7) -----------------------------------------------------------


def preview(request, view_class, display: Display) -> list[list]:
    """The first rows of the list as this user sees them, with the chosen columns and sort."""
    view = view_class()
    view.setup(request)
    rows = visible_to(view.base_queryset(), request.user.unit)
    rows = rows.select_related("unit", *view.select_related).order_by(*display.ordering())[:PREVIEW_ROWS]
    return [[column.value(row) for column in display.columns] for row in rows]


def _page_url(key: str, next_url: str) -> str:
    query = {"list": key} | ({"next": next_url} if next_url else {})
    return reverse("approvals:preferences") + "?" + urlencode(query)


@require_http_methods(["GET", "POST"])
def preferences(request):
    """自定义显示选项 of one list (`?list=<key>`); without a key, the lists the user may set."""
    key = request.GET.get("list") or request.POST.get("list") or ""
    if not key:
        lists = [
            (k, cls.model._meta.verbose_name)
            for k, cls in sorted(LISTS.items())
            if request.user.has_module(cls.model.reporting_module)
        ]
        return render(request, "approvals/preferences.html", {"lists": lists, "view_class": None})
    view_class = LISTS.get(key)
    if view_class is None:
        raise Http404("没有这个列表。")
    if not request.user.has_module(view_class.model.reporting_module):
        raise PermissionDenied("您没有此模块的权限。")
    next_url = local_next(request)
    current = display_for(view_class, request.user)
    display = current
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.preference_reset(actor=request.user, list_key=key)
        messages.success(request, "已恢复默认显示选项。")
        return redirect(_page_url(key, next_url))
    if request.method == "POST":
        form = PreferenceForm(request.POST, view_class=view_class)
        if form.is_valid():
            values = form.values()
            if request.POST.get("action") == "save":
                services.preference_save(actor=request.user, list_key=key, **values)
                messages.success(request, "显示选项已保存。")
                return redirect(_page_url(key, next_url))
            display = resolve(view_class, **values)  # 效果预览: shown, not saved
    else:
        form = PreferenceForm(initial=PreferenceForm.initial_for(current), view_class=view_class)
    context = {
        "view_class": view_class,
        "list_key": key,
        "list_name": view_class.model._meta.verbose_name,
        "form": form,
        "column_rows": form.column_rows(),
        "preview_columns": display.columns,
        "preview_rows": preview(request, view_class, display),
        "display": display,
        "sort_label": next((c.label for c in view_class.columns if display.sort and c.field == display.sort.field), ""),
        "next_url": next_url,
    }
    return render(request, "approvals/preferences.html", context)
