"""自定义显示选项 (manual 2.7): per user and list, the visible columns and their order (2.7.1),
the sort (2.7.2) and the rows per page, at most 200 (2.7.3).

Every ReportableListView subclass registers itself here under its list key (by default its
model's label, so all lists of one model share one setting, as the manual's 档案列表 do).
`display_for` is what a list page applies; the page below edits it, with a preview.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from approvals.models import DisplayPreference
from approvals.selectors import visible_to
from org.redirects import local_next
from project.prepared import Prepared

MIN_PAGE_SIZE, MAX_PAGE_SIZE = 10, 200
PREVIEW_ROWS = 5

LISTS: dict[str, type] = {}  # list key → the list view class whose columns it configures


def register_list(key: str, view_class: type) -> None:
    """The first class registered under a key defines its columns; subclasses reusing the key
    (e.g. the file query reusing the file list) share the setting."""
    LISTS.setdefault(key, view_class)


@dataclass(frozen=True)
class Sort:
    field: str  # a Column.field: "file_date", "head.name"
    descending: bool = False

    @property
    def path(self) -> str:
        return self.field.replace(".", "__")

    def ordering(self) -> list:
        """(sort field, pk) in one direction: the keyset of the sorted list pages."""
        if self.descending:
            return [F(self.path).desc(), F("pk").desc()]
        return [F(self.path).asc(), F("pk").asc()]

    def after(self, pk: int, value) -> Q:
        """The rows after the row (value, pk) in this order."""
        beyond = "lt" if self.descending else "gt"
        return Q(**{f"{self.path}__{beyond}": value}) | Q(**{self.path: value, f"pk__{beyond}": pk})

    def stored(self) -> str:
        return ("-" if self.descending else "") + self.field


@dataclass(frozen=True)
class Display:
    columns: list  # of approvals.lists.Column
    sort: Sort | None  # None: newest first (by id)
    page_size: int

    def ordering(self) -> list:
        return self.sort.ordering() if self.sort else ["-pk"]


def sortable_field(model, field_path: str):
    """The model field a column shows, when the list can be sorted by it: a concrete, non-null,
    non-relation field, reached through one-to-one or foreign keys only. Nullable fields are
    left out because the (value, id) keyset of the pages cannot step over NULLs."""
    *steps, name = field_path.split(".")
    try:
        for step in steps:
            relation = model._meta.get_field(step)
            if not (relation.many_to_one or relation.one_to_one) or not relation.concrete:
                return None
            model = relation.related_model
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if not field.concrete or field.is_relation or field.null:
        return None
    return field


def sortable_columns(view_class) -> list:
    return [c for c in view_class.columns if sortable_field(view_class.model, c.field) is not None]


def resolve(view_class, *, columns=(), sort: str = "", page_size: int | None = None, default_page_size: int = 50):
    """A stored (or previewed) choice, applied to the list's current columns: unknown column
    names and sorts are dropped, the page size is clamped."""
    by_field = {c.field: c for c in view_class.columns}
    chosen = [by_field[name] for name in dict.fromkeys(columns or ()) if name in by_field]
    field = sort.removeprefix("-")
    sort_by = None
    if field in by_field and sortable_field(view_class.model, field) is not None:
        sort_by = Sort(field, descending=sort.startswith("-"))
    size = min(max(page_size, MIN_PAGE_SIZE), MAX_PAGE_SIZE) if page_size else default_page_size
    return Display(columns=chosen or list(view_class.columns), sort=sort_by, page_size=size)


# The user's preference for one list (unique): every list page reads it, compiled once.
PREFERENCE = Prepared(
    lambda user_id, key: DisplayPreference.objects.filter(user_id=user_id, list_key=key), -7, "\x00list"
)


def display_for(view_class, user, *, default_page_size: int = 50) -> Display:
    """What a list page shows this user: their preference for the list, or the defaults."""
    preference = PREFERENCE.first(user.pk, view_class.get_list_key())
    if preference is None:
        return resolve(view_class, default_page_size=default_page_size)
    return resolve(
        view_class,
        columns=preference.columns,
        sort=preference.sort,
        page_size=preference.page_size,
        default_page_size=default_page_size,
    )


# --- writes ---------------------------------------------------------------------------------


def preference_save(*, actor, list_key: str, columns: list[str], sort: str, page_size: int) -> DisplayPreference:
    preference, _created = DisplayPreference.objects.update_or_create(
        user=actor, list_key=list_key, defaults={"columns": columns, "sort": sort, "page_size": page_size}
    )
    return preference


def preference_reset(*, actor, list_key: str) -> None:
    """恢复默认: the list shows its default columns, order and page size again."""
    DisplayPreference.objects.filter(user=actor, list_key=list_key).delete()


# --- the page -------------------------------------------------------------------------------


class PreferenceForm(forms.Form):
    show = forms.MultipleChoiceField(
        label="显示项目",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个显示项目。", "invalid_choice": "没有“%(value)s”这一显示项目。"},
    )
    sort = forms.ChoiceField(label="排序项目", required=False)
    direction = forms.ChoiceField(
        label="排序方式", choices=[("asc", "升序"), ("desc", "降序")], initial="asc", widget=forms.RadioSelect
    )
    page_size = forms.IntegerField(
        label="每页显示条数",
        min_value=MIN_PAGE_SIZE,
        max_value=MAX_PAGE_SIZE,
        error_messages={
            "required": "请填写每页显示条数。",
            "invalid": "每页显示条数应为整数。",
            "min_value": f"每页显示条数应在 {MIN_PAGE_SIZE} 到 {MAX_PAGE_SIZE} 之间。",
            "max_value": f"每页显示条数应在 {MIN_PAGE_SIZE} 到 {MAX_PAGE_SIZE} 之间。",
        },
    )

    def __init__(self, *args, view_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_columns = list(view_class.columns)
        self.fields["show"].choices = [(c.field, c.label) for c in self.list_columns]
        self.fields["sort"].choices = [("", "默认(最新录入的在前)")] + [
            (c.field, c.label) for c in sortable_columns(view_class)
        ]
        for column in self.list_columns:
            self.fields[self.order_name(column)] = forms.IntegerField(
                label=f"“{column.label}”的显示顺序", required=False, min_value=1, max_value=999
            )

    @staticmethod
    def order_name(column) -> str:
        return f"order_{column.field}"

    @classmethod
    def initial_for(cls, display: Display) -> dict:
        shown = [c.field for c in display.columns]
        initial = {
            "show": shown,
            "sort": display.sort.field if display.sort else "",
            "direction": "desc" if display.sort and display.sort.descending else "asc",
            "page_size": display.page_size,
        }
        return initial | {f"order_{field}": i for i, field in enumerate(shown, start=1)}

    def values(self) -> dict:
        """The chosen columns ordered by their numbers (unnumbered ones keep the list's order,
        after the numbered), the sort as stored, and the page size."""
        data = self.cleaned_data
        position = {c.field: i for i, c in enumerate(self.list_columns)}
        missing = len(position) + 1000

        def key(field):
            number = data.get(f"order_{field}")
            return (number if number is not None else missing, position[field])

        columns = sorted(data["show"], key=key)
        sort = ("-" if data["direction"] == "desc" else "") + data["sort"] if data["sort"] else ""
        return {"columns": columns, "sort": sort, "page_size": data["page_size"]}

    def column_rows(self) -> list[dict]:
        """One table row per column: its checkbox state and its order field."""
        if self.is_bound:
            shown = set(self.data.getlist("show")) if hasattr(self.data, "getlist") else set(self.data.get("show", []))
        else:
            shown = set(self.initial.get("show", []))
        return [
            {"field": c.field, "label": c.label, "checked": c.field in shown, "order": self[self.order_name(c)]}
            for c in self.list_columns
        ]


def preview(request, view_class, display: Display) -> list[list]:
    """The first rows of the list as this user sees them, with the chosen columns and sort."""
    view = view_class()
    view.setup(request)
    rows = visible_to(view.base_queryset(), request.user.unit)
    rows = rows.select_related("unit", *view.select_related).order_by(*display.ordering())[:PREVIEW_ROWS]
    return [[column.value(row) for column in display.columns] for row in rows]


def _safe_next(request) -> str:
    return local_next(request)


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
    next_url = _safe_next(request)
    current = display_for(view_class, request.user)
    display = current
    if request.method == "POST" and request.POST.get("action") == "reset":
        preference_reset(actor=request.user, list_key=key)
        messages.success(request, "已恢复默认显示选项。")
        return redirect(_page_url(key, next_url))
    if request.method == "POST":
        form = PreferenceForm(request.POST, view_class=view_class)
        if form.is_valid():
            values = form.values()
            if request.POST.get("action") == "save":
                preference_save(actor=request.user, list_key=key, **values)
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
