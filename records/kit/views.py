"""The pages every declared module gets: the list (approvals.lists driven by the declaration),
new / edit / delete, and the record's own page. Views are thin: they read through the one
visibility selector (approvals.selectors) and write through records.kit.services."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, partial

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from approvals.lists import COUNT_CAP, Column, ReportableListView, capped_counts
from approvals.selectors import get_visible_or_404, visible_to
from audit.services import audit_record
from org.errors import DomainError, tell
from org.permissions import require_module
from records.events import FileEvent
from records.kit import services
from records.kit.declaration import ALWAYS
from records.kit.forms import apply_filter, bound_lines, filter_form, flag_shown, flag_tabs, record_form
from records.kit.models import shows_changed
from records.kit.pages import pages_of
from records.kit.sheet import ID_NUMBER, header_lines, related_paths, sheet_of

LIST_LINKS = [("query", "查询"), ("statistics", "统计"), ("returns", "退回原因统计")]
ANY_PK = 987654321987  # RecordListView.row_url's stand-in, in no URL prefix


@dataclass(frozen=True)
class RowLinks:
    """Links on each row of a module's lists and query results besides its record's page
    (records.kit.person: 增加帮扶救助信息 on a household file's row)."""

    when: Callable  # module → whether its lists carry them
    links: Callable  # (user, row) → [(label, url)]
    fields: tuple[str, ...] = ()  # what `links` reads of a row, read with the page's rows


ROW_LINKS: list[RowLinks] = []


class RecordListView(ReportableListView):
    """One declared list of a module (`kind`); `module` is its declaration (list_view makes one
    class per list)."""

    module = None
    kind = None

    @property
    def template_name(self):
        """A list with flag tabs (逾期, 已修改) has them after the state tabs."""
        return "kit/list.html" if flag_tabs(self.module) else ReportableListView.template_name

    @property
    def row_actions(self):
        return list(self.kind.row_actions)

    def base_queryset(self):
        return self.model.objects.filter(self.kind.rows_q(self.request.user))

    @cached_property
    def shown_flag(self) -> Q | None:
        """The condition of the flag tab shown: like a state tab, it narrows the rows shown, not
        the tabs' counts."""
        tab = flag_shown(self.module, self.request.GET)
        return tab.condition(self.request.user.unit) if tab else None

    def branches(self, held, above, state):
        branches = super().branches(held, above, state)
        return [branch.filter(self.shown_flag) for branch in branches] if self.shown_flag else branches

    def all_rows(self, rows, state):
        rows = super().all_rows(rows, state)
        return rows.filter(self.shown_flag) if self.shown_flag else rows

    def state_counts(self, held, above):
        """The state tabs' counts, and each flag tab beside them (the template's one way in for
        it: its link and its count of the same branches, capped like theirs)."""
        counts = super().state_counts(held, above)
        counts["flag_tabs"] = [self.flag_tab(tab, held, above) for tab in flag_tabs(self.module)]
        counts["flag_active"] = any(tab["active"] for tab in counts["flag_tabs"])
        for tab in counts["flag_tabs"]:
            counts[f"{tab['key']}_tab"] = tab
        return counts

    def flag_tab(self, tab, held, above) -> dict:
        condition = tab.condition(self.request.user.unit)
        results = capped_counts([branch.filter(condition) for branch in (held, *above)])
        total = sum(n for n, _capped in results)
        capped = total > COUNT_CAP or any(c for _n, c in results)
        query = self.query_without("after", "state")
        return {
            "key": tab.key,
            "label": tab.label,
            "style": tab.style,
            "href": f"?{query}&{tab.key}=1" if query else f"?{tab.key}=1",
            "active": self.request.GET.get(tab.key) == "1",
            "count": f"{min(total, COUNT_CAP)}{'+' if capped else ''}",
        }

    def query_without(self, *names):
        """Leaving the tabs' query leaves the flag tabs too: they are tabs."""
        flags = [tab.key for tab in flag_tabs(self.module)] if "state" in names else []
        return super().query_without(*names, *flags)

    def display_row(self, row) -> dict:
        """A row's first cell opens its record page (manual 2.2.1: 点击记录显示详细信息) or the page
        its list names (ListKind.opens), its other links (ROW_LINKS) stand at its end; a row changed since it was reported says 已修改 to the
        units above."""
        links = [link for part in self.row_links for link in part.links(self.request.user, row)]
        shown = super().display_row(row) | {"links": links}
        if self.module.edit_policy == ALWAYS and shows_changed(row, self.request.user.unit):
            shown["note"] = "已修改"
        return shown

    def row_link(self, row) -> str:
        return self.row_url(row.pk)

    @cached_property
    def row_url(self) -> Callable[[int], str]:
        """The page a row opens, for any pk: reversed once a page, not once a row (a tenth of
        the rows' Python)."""
        head, tail = self.module.url(self.kind.opens, ANY_PK).split(str(ANY_PK))
        return lambda pk: f"{head}{pk}{tail}"

    def row_fields(self):
        """What 已修改 reads of a row, besides the columns."""
        fields = super().row_fields()
        if fields is None or self.module.edit_policy != ALWAYS:
            return fields
        return [*fields, "unit", "changed_since_report"]

    @property
    def select_related(self):
        """The relations the shown columns and the row's label read (a code's value, a file's
        head): one join each, only for those."""
        shown = related_paths(self.module, [c.field for c in self.display.columns])
        return tuple(sorted({*shown, *self.module.label_relations}))

    @property
    def prefetch_related(self):
        """The related rows a shown worked-out column reads."""
        return self.module.prefetch_for([c.field for c in self.display.columns])

    @cached_property
    def annotations(self):
        """The shown worked-out columns SQL works out (an assistance's 帮扶措施 from its lines)."""
        return self.module.annotations_for([c.field for c in self.display.columns])

    def filter_queryset(self, queryset, data):
        return apply_filter(self.module, queryset, data)

    def list_actions(self):
        """新增 (if this list has one), the module's other pages that exist for it (查询, 统计…),
        its lists without a navigation entry, its own pages, then quick moves."""
        module = self.module
        present = {page.name for page in pages_of(module)}
        links = []
        if self.kind.new is not None:
            links.append((f"新增{module.label}", module.url("create") + (f"?{self.kind.new}" if self.kind.new else "")))
        links += [(f"{module.label}{label}", module.url(name)) for name, label in LIST_LINKS if name in present]
        if "batch" in present:  # records.kit.batch
            links.append((module.person.batch, module.url("batch")))
        links += [(kind.title, module.url(module.list_url_name(kind))) for kind in module.list_kinds if not kind.nav]
        links += [(label, reverse(name)) for label, name in module.links]
        return [*links, *([("快速上报和退回", module.url("quick"))] if "quick" in present else [])]

    def run_row_action(self, key, pks):
        """The checked rows the user's unit sees, each through the action's service; what it
        refused is listed with the reason."""
        action = next((action for action in self.row_actions if action.key == key), None)
        if action is None:
            return
        service = action.service or partial(services.record_delete, module=self.module)
        rows = self.model.objects.filter(pk__in=pks[: self.display.page_size]).select_related(
            *self.module.label_relations
        )
        rows = visible_to(rows, self.request.user.unit)
        done, refused = 0, []
        for row in rows:
            try:
                service(actor=self.request.user, request=self.request, **{action.argument: row})
                done += 1
            except DomainError as error:
                refused.append(error.message)
        if done:
            messages.success(self.request, action.done.format(action=action.label.replace("选中的", ""), n=done))
        for message in refused:
            messages.warning(self.request, message)


def columns_of(module) -> list[Column]:
    """The columns a list offers: the sheet's fields but ID numbers, which a list never shows
    (DESIGN.md §7: masked in lists; the record's page shows them to whom it may), and its
    worked-out values."""
    fields = [Column(path, module.label_of(path)) for path in module.sheet_fields if not path.endswith(ID_NUMBER)]
    return [*fields, *(Column(value.name, value.label) for value in module.computed)]


@cache
def list_view(module, kind_key: str | None = None) -> type[RecordListView]:
    """The class of one of the module's lists (its first by default)."""
    kind = next((kind for kind in module.list_kinds if kind.key == kind_key), module.list_kinds[0])
    columns = columns_of(module)
    by_field = {c.field: c for c in columns}
    row_links = tuple(part for part in ROW_LINKS if part.when(module))
    attrs = {
        "module": module,
        "kind": kind,
        "model": module.model,
        "title": kind.title,
        "columns": columns,
        "default_columns": [by_field[path] for path in module.list_columns],
        "filter_form_class": filter_form(module),
        "list_key": module.key,
        "label_fields": (*getattr(module.model, "label_fields", ()), *(f for part in row_links for f in part.fields)),
        "row_links": row_links,
        "links_column": bool(row_links),
    }
    return type(f"{module.model.__name__}{kind.key.title()}ListView", (RecordListView,), attrs)


# --- one record -------------------------------------------------------------------------------


def get_record_for_user(module, user, pk):
    """A row the user's unit sees (404 otherwise, as if missing; a module's `gone` may say why),
    with the relations its sheet reads but the code tables' (sheet_of reads those at once); 403
    without the module (DESIGN.md §5.3)."""
    where = ("holder",) if module.reported else (module.parent.field,) if module.parent else ()
    rows = module.model.objects.select_related("unit", *where, *related_paths(module, codes=False))
    try:
        row = get_visible_or_404(rows, user.unit, pk)
    except Http404:
        if module.gone is not None:
            module.gone(pk)
        raise
    require_module(user, module.permission)
    return row


def record_sheet(request, module, row, page: str) -> list:
    """The row's sheet as the user may read it: full ID numbers for the owning unit's users, and
    each time one sees one the audit log says so (DESIGN.md §7)."""
    full_id = services.is_owner(request.user, row)
    sheet = sheet_of(module, row, full_id=full_id)
    if full_id and any(block.private for block in sheet):
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=request.user, request=request, obj=row,
                     detail={"page": page, "module": module.key})  # fmt: skip
    return sheet


def _form_page(request, module, form, lines, *, row=None, given=None):
    title = f"编辑{module.label}" if row else f"新增{module.label}"
    cancel = module.url("detail", row.pk) if row else module.url("list")
    # What the row takes besides the form (the household file found by the ID number), shown.
    given = given or {}
    notes = [note for hook in FORM_NOTES if (note := hook(request, module, row, given))]
    context = {
        "module": module, "form": form, "lines": lines, "lines_title": module.lines.title if lines else "",
        "row": row, "title": title, "cancel_url": cancel, "notes": notes,
        "given": [(module.label_of(name), value) for name, value in given.items()],
    }  # fmt: skip
    return render(request, "kit/form.html", context)


# What a module's form says above its fields (an assistance: 已帮扶 N 次): (request, module,
# row or None, given) → a sentence or "".
FORM_NOTES: list = []


def entry_form(request, module, *, row=None, given=None, initial=None):
    """The module's form bound to the request: without the fields the entry gates fixed (`given`:
    the parent row of a child entered from its parent's page), and a parent among those the
    user's unit may add to (records.kit.services.parent_rows)."""
    form = record_form(module)(request.POST or None, instance=row, initial=initial)
    for name in given or {}:
        form.fields.pop(name, None)
    if module.parent is not None and module.parent.field in form.fields:
        form.fields[module.parent.field].queryset = services.parent_rows(request.user, module)
    return form


def valid_with_lines(form, lines) -> bool:
    return form.is_valid() & (lines is None or lines.is_valid())  # both, so both show their errors


def saved_with_lines(request, module, form, lines, save):
    """Run the service with the form's values and its lines; its refusal shows next to its
    field, above the lines (`lines`), or above the form."""
    try:
        return save(form.cleaned_data, lines.entered() if lines is not None else None)
    except DomainError as error:
        if error.field == "lines" and lines is not None:
            lines.refuse(error.message)
        else:
            tell(form, error)
        return None


# What a declaration asks before its entry form (records.kit.person: whose household file):
# gate(request, module) → an HttpResponse to send instead (the ID-number lookup), or the
# values the new row takes besides the form's ({"file": …}), or None.
ENTRY_GATES: list = []


@require_http_methods(["GET", "POST"])
def record_create(request, module):
    require_module(request.user, module.permission)
    given = {}
    for gate in ENTRY_GATES:
        outcome = gate(request, module)
        if isinstance(outcome, HttpResponse):
            return outcome
        given |= outcome or {}
    # A list's 新增 link may preset fields of the form (ListKind.new: "scope=local").
    preset = {name: value for name, value in request.GET.items() if name in module.form_fields}
    form = entry_form(request, module, given=given, initial=preset)
    lines = bound_lines(module, request.POST or None)
    if request.method == "POST" and valid_with_lines(form, lines):
        row = saved_with_lines(request, module, form, lines, lambda data, entered: services.record_create(
            actor=request.user, module=module, data={**data, **given}, lines=entered, request=request))  # fmt: skip
        if row is not None:
            messages.success(request, f"{module.label}记录“{row}”已保存。")
            if "add_another" in request.POST:  # the same form again, with what the gates fixed (a parent row)
                return redirect(module.url("create") + (f"?{request.GET.urlencode()}" if request.GET else ""))
            return redirect(module.url("detail", row.pk))
    return _form_page(request, module, form, lines, given=given)


@require_http_methods(["GET", "POST"])
def record_edit(request, module, pk):
    row = get_record_for_user(module, request.user, pk)
    if not services.can_edit(request.user, module, row):
        messages.error(request, services.edit_refusal(request.user, module, row))
        return redirect(module.url("detail", row.pk))
    form = entry_form(request, module, row=row)
    lines = bound_lines(module, request.POST or None, row)
    if request.method == "POST" and valid_with_lines(form, lines):
        data = {name: form.cleaned_data[name] for name in module.form_fields}
        saved = saved_with_lines(request, module, form, lines, lambda _data, entered: services.record_update(
            actor=request.user, module=module, row=row, data=data, lines=entered, request=request))  # fmt: skip
        if saved is not None:
            messages.success(request, "已保存。")
            return redirect(module.url("detail", row.pk))
    return _form_page(request, module, form, lines, row=row)


@require_POST
def record_delete(request, module, pk):
    row = get_record_for_user(module, request.user, pk)
    label = str(row)
    try:
        services.record_delete(actor=request.user, module=module, row=row, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(module.url("detail", pk))
    messages.success(request, f"{module.label}记录“{label}”已删除。")
    return redirect(module.url("list"))


def record_detail(request, module, pk):
    """The record's page: where it stands, its sheet (as its print view lays it out), the buttons
    its services allow, the parts of its optional capabilities and its module's own, and its
    movements up and down the tree."""
    row = get_record_for_user(module, request.user, pk)
    extras = [part for extra in (*DETAIL_EXTRAS, *module.extras) if (part := extra(request, module, row))]
    sheet = record_sheet(request, module, row, "detail")
    context = {
        "module": module,
        "row": row,
        "title": f"{module.record_title(row)}:{row}",
        "header": header_lines(row),
        "sheet": sheet,
        "masked_ids": not services.is_owner(request.user, row) and any(block.private for block in sheet),
        "state": row.viewer_state,
        "can_edit": services.can_edit(request.user, module, row),
        "can_delete": services.can_delete(request.user, module, row),
        "delete_refusal": services.delete_refusal(module, row),
        "extras": [part for part in extras if not part.get("below")],
        "extras_below": [part for part in extras if part.get("below")],
        "document_links": document_links(module, row),
    }
    return render(request, "kit/detail.html", context)


# The record's print view and downloads, when the kit's documents part gives them.
DOCUMENTS = [("print", "打印", True), ("word", "另存为Word", False), ("excel", "另存为Excel", False)]


def document_links(module, row) -> list[tuple[str, str, bool]]:
    present = {page.name for page in pages_of(module)}
    return [(label, module.url(name, row.pk), new_tab) for name, label, new_tab in DOCUMENTS if name in present]


# Parts of the record page that come with an optional capability of the declaration (case
# progress, a linked household file): (request, module, row) → {"template": …, …} or None;
# "below": True puts a part after the sheet.
DETAIL_EXTRAS: list = []
