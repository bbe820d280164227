"""The pages of policy documents, briefs and notices (one set for the three kinds, each given
its `Kind` by bulletins.urls), and the home page (manual ch. 1)."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Value, Window
from django.db.models.functions import StrIndex
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals import reminders
from bulletins import selectors, services
from bulletins.forms import SearchForm, form_class, parse_cursor
from bulletins.kinds import NOTICE, Kind
from bulletins.richtext import paragraphs
from org import attachments
from org.errors import saved_or_told
from org.selectors import ancestors_of
from records.kit import word

PAGE_SIZE = 50
SUBSTRING_WINDOW = 2000
HOME_REMINDERS = 5


def url(kind: Kind, page: str, *args) -> str:
    return reverse(f"bulletins:{kind.key}_{page}", args=args)


def _row_for_user(kind: Kind, user, pk):
    return selectors.get_for_user(kind.readable(user), pk)


def _editable(kind: Kind, request, pk):
    """A row the user sees (404 otherwise) and may change (403 otherwise)."""
    row = _row_for_user(kind, request.user, pk)
    if not kind.may_edit(request.user, row):
        raise PermissionDenied(kind.refusal)
    return row


@require_GET
def bulletin_list(request, kind: Kind):
    """The list and its search (15.6, 16.2): newest first, a keyset page at a time."""
    rows = kind.readable(request.user)
    form = SearchForm(request.GET or None, kind=kind)
    if form.is_bound and form.is_valid():
        rows = form.filter(rows)
    cursor = parse_cursor(request.GET.get("after"))
    if cursor:
        day, pk = cursor
        rows = rows.filter(Q(published_on__lt=day) | Q(published_on=day, pk__lt=pk))
    page = _newest_first(rows, form.substrings())
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    query = request.GET.copy()
    if more:
        query["after"] = f"{page[-1].published_on.isoformat()}.{page[-1].pk}"
    rows = [(row, [value_text(row, name) for name in kind.list_columns]) for row in page]
    context = {"kind": kind, "form": form, "rows": rows, "columns": [kind.field_label(c) for c in kind.list_columns],
               "next_query": query.urlencode() if more else "", "may_publish": kind.may_publish(request.user)}  # fmt: skip
    return render(request, "bulletins/list.html", context)


def _newest_first(rows, substrings: dict[str, str]) -> list:
    """One page (and one row more) newest first. Substrings (标题, 文号, 关键字, 正文 contain…)
    are looked for first among the newest SUBSTRING_WINDOW rows, by strpos, which no index
    serves, so the planner walks the date index: a common word fills the page there. The
    planner cannot tell a common word from a rare one (it estimates both as rare), and through
    the trigram index a common word meant rechecking every match. Only when the window holds
    too few rows does the search go through the bigram indexes (selectors.containing), and then the
    matches are few (bench/results/bulletins.md)."""
    ordered = rows.order_by("-published_on", "-id").defer("body", "body_text")
    if not substrings:
        return list(ordered[: PAGE_SIZE + 1])
    in_window = ordered.filter(pk__in=ordered.values("pk")[:SUBSTRING_WINDOW])
    for n, (column, text) in enumerate(substrings.items()):
        in_window = in_window.alias(**{f"at{n}": StrIndex(column, Value(text))}).filter(**{f"at{n}__gt": 0})
    page = list(in_window[: PAGE_SIZE + 1])
    if len(page) > PAGE_SIZE:
        return page
    for column, text in substrings.items():
        ordered = ordered.filter(selectors.containing(rows.model, column, text))
    return list(ordered[: PAGE_SIZE + 1])


def _save(request, kind: Kind, form, save) -> object | None:
    """Run the service; its refusal goes next to the field it names."""
    data = {name: form.cleaned_data[name] for name in kind.form_fields}
    return saved_or_told(form, lambda: save(data))


@require_http_methods(["GET", "POST"])
def bulletin_create(request, kind: Kind):
    if not kind.may_publish(request.user):
        raise PermissionDenied(kind.refusal)
    initial = {"published_on": timezone.localdate()}
    form = form_class(kind)(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        row = _save(request, kind, form, lambda data: services.bulletin_create(
            actor=request.user, kind=kind, data=data, request=request))  # fmt: skip
        if row is not None:
            messages.success(request, f"{kind.label}“{row}”已发布,可在下方上传附件。")
            return redirect(url(kind, "detail", row.pk))
    return render(request, "bulletins/form.html", {"kind": kind, "form": form, "row": None})


@require_http_methods(["GET", "POST"])
def bulletin_edit(request, kind: Kind, pk):
    row = _editable(kind, request, pk)
    form = form_class(kind)(request.POST or None, user=request.user, instance=row)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, kind, form, lambda data: services.bulletin_update(
            actor=request.user, kind=kind, row=row, data=data, request=request))  # fmt: skip
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect(url(kind, "detail", row.pk))
    return render(request, "bulletins/form.html", {"kind": kind, "form": form, "row": row})


@require_POST
def bulletin_delete(request, kind: Kind, pk):
    row = _editable(kind, request, pk)
    title = str(row)
    services.bulletin_delete(actor=request.user, kind=kind, row=row, request=request)
    messages.success(request, f"{kind.label}“{title}”已删除。")
    return redirect(url(kind, "list"))


VALIDITY = {True: "有效", False: "废止"}


def value_text(row, name: str) -> str:
    """A field of a row as a page shows it: a choice's label, 是/否 (有效/废止), a unit's name."""
    value = getattr(row, f"get_{name}_display", lambda: getattr(row, name))()
    if name == "is_valid":
        return VALIDITY[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


def sheet(kind: Kind, row) -> list[tuple[str, str]]:
    """The row's fields as the page, the print view and Word show them."""
    return [(kind.field_label(name), value_text(row, name)) for name in kind.sheet_fields]


@require_GET
def bulletin_detail(request, kind: Kind, pk):
    row = _row_for_user(kind, request.user, pk)
    if kind is NOTICE:
        services.notice_mark_read(user=request.user, notice=row)
    can_edit = kind.may_edit(request.user, row)
    context = {"kind": kind, "row": row, "sheet": sheet(kind, row), "can_edit": can_edit,
               "attachments": row.attachments.all(), "upload_form": attachments.AttachmentForm() if can_edit else None}  # fmt: skip
    return render(request, "bulletins/detail.html", context)


@require_GET
def bulletin_print(request, kind: Kind, pk):
    row = _row_for_user(kind, request.user, pk)
    context = {"kind": kind, "row": row, "sheet": sheet(kind, row), "attachments": row.attachments.all()}
    return render(request, "bulletins/print.html", context)


@require_GET
def bulletin_word(request, kind: Kind, pk):
    """另存为Word: the title, the sheet as a grid, the body's paragraphs and the attachments' names."""
    row = _row_for_user(kind, request.user, pk)
    document = word.a4_document()
    word.add_run(document.add_paragraph(), row.title, bold=True, size=16)
    word.grid_table(document, [[(label, value, 1)] for label, value in sheet(kind, row)], pairs=1)
    for text in paragraphs(row.body):
        word.add_run(document.add_paragraph(), text)
    names = [a.name for a in row.attachments.all()]
    if names:
        word.add_run(document.add_paragraph(), "附件:" + "、".join(names))
    content = io.BytesIO()
    document.save(content)
    return word.docx_response(content.getvalue(), f"{row.title}.docx", f"{kind.key}-{row.pk}.docx")


@require_POST
def attachment_add(request, kind: Kind, pk):
    row = _editable(kind, request, pk)
    form = attachments.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.bulletin_attach(actor=request.user, kind=kind, row=row, upload=form.cleaned_data["content"],
                                 request=request)  # fmt: skip
        messages.success(request, f"附件“{form.cleaned_data['content'].name}”已上传。")
        return redirect(url(kind, "detail", row.pk))
    context = {"kind": kind, "row": row, "sheet": sheet(kind, row), "can_edit": True,
               "attachments": row.attachments.all(), "upload_form": form}  # fmt: skip
    return render(request, "bulletins/detail.html", context)


def _attachment(kind: Kind, pk):
    return get_object_or_404(kind.attachment_model.objects.all(), pk=pk)


@require_GET
def attachment_download(request, kind: Kind, pk):
    attachment = _attachment(kind, pk)
    owner_id = getattr(attachment, f"{kind.attachment_model.owner_field}_id")
    return attachments.serve(request, attachment, lambda user: _row_for_user(kind, user, owner_id))


@require_POST
def attachment_delete(request, kind: Kind, pk):
    attachment = _attachment(kind, pk)
    owner_id = getattr(attachment, f"{kind.attachment_model.owner_field}_id")
    row = _editable(kind, request, owner_id)
    services.bulletin_detach(actor=request.user, kind=kind, attachment=attachment, request=request)
    messages.success(request, f"附件“{attachment.name}”已删除。")
    return redirect(url(kind, "detail", row.pk))


@require_GET
def home(request):
    """首页 (ch. 1): the notices shown to the user (newest first, unread marked), the latest
    briefs, the user's pending reminders, and the modules the user may open (nav_entries)."""
    user = request.user
    ancestors = list(ancestors_of(user.unit))
    pending = list(reminders.pending_reminders_for_user(user).select_related("sender").order_by("-pk")
                   .annotate(total=Window(Count("pk")))[:HOME_REMINDERS])  # fmt: skip
    # The header's count (approvals.context_processors) is the window's: no COUNT query of its own.
    request.pending_reminder_count = pending[0].total if pending else 0
    context = {
        "unit_ancestors": ancestors,
        "notices": selectors.home_notices(user, timezone.localdate(), ancestors),
        "briefs": selectors.home_briefs(user),
        "reminders": [(action, reminders.reminder_subject(action)) for action in pending],
    }
    return render(request, "home.html", context)
