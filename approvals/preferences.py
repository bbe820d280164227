"""自定义显示选项 (manual 2.7): per user and list, the visible columns and their order (2.7.1),
the sort (2.7.2) and the rows per page, at most 200 (2.7.3).

Every ReportableListView subclass registers itself here under its list key (by default its
model's label, so all lists of one model share one setting, as the manual's 档案列表 do).
`display_for` is what a list page applies; the page (approvals.views.preferences, its form
approvals.forms.PreferenceForm, its writes approvals.services) edits it, with a preview.
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q

from approvals.models import DisplayPreference

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
    key: str = ""  # the field the rows are ordered by, when the model keeps a sort key for it

    @property
    def path(self) -> str:
        return (self.key or self.field).replace(".", "__")

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

    @classmethod
    def parse(cls, model, stored: str) -> "Sort":
        """A stored sort ("-file_date") on `model`, with the column its `sort_keys` orders the
        field by (names in pinyin order): a list page and a rerun of its query sort alike."""
        field = stored.removeprefix("-")
        return cls(field, descending=stored.startswith("-"), key=getattr(model, "sort_keys", {}).get(field, ""))


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
        sort_by = Sort.parse(view_class.model, sort)
    size = min(max(page_size, MIN_PAGE_SIZE), MAX_PAGE_SIZE) if page_size else default_page_size
    default = getattr(view_class, "default_columns", None) or view_class.columns
    return Display(columns=chosen or list(default), sort=sort_by, page_size=size)


def display_for(view_class, user, *, default_page_size: int = 50) -> Display:
    """What a list page shows this user: their preference for the list, or the defaults."""
    preference = DisplayPreference.objects.filter(user=user, list_key=view_class.get_list_key()).first()
    if preference is None:
        return resolve(view_class, default_page_size=default_page_size)
    return resolve(
        view_class,
        columns=preference.columns,
        sort=preference.sort,
        page_size=preference.page_size,
        default_page_size=default_page_size,
    )
