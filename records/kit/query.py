"""The advanced query (查询, manual 2.2.7 and modules-spec §0) of every declared module: a
django-filter FilterSet made from `module.query_fields` and what the model's fields say of
themselves, so a declaration names fields only.

Each field gives one kind of condition: text contains; a code-table value (every table of the
form read in one query) or a choice, 全部 when empty; 任意/是/否 for a boolean; 从/到 for a date or
a number; an ID number (身份证号) matched exactly, a 15-digit one also as its 18-digit upgrade.
Besides the conditions, 包含下级数据: without it only rows owned by the selected unit (the list's
unit switcher). Visibility stays the list's business (approvals.selectors).

An ID number never travels in a URL (DESIGN.md §7): `tokenized` swaps it for a short-lived token
of the session, `resolved` swaps it back.
"""

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Expression, Q, QuerySet

from approvals.preferences import Display, Sort
from approvals.selectors import ViewerState, from_subtree, viewer_state_q, visible_to
from org.forms.codes import CodeChoiceField, CodesInOneQuery
from org.forms.ranges import in_order
from org.models import Unit, code_table_of
from org.selectors import text_contains
from records import id_numbers
from records.kit.declaration import RecordModule
from records.kit.forms import DATE_WIDGET, flag_shown
from records.kit.sheet import ID_NUMBER as ID_NUMBER_FIELD

TEXT, CHOICE, CODE, BOOL, DATES, DECIMALS, INTEGERS, ID_NUMBER = (
    "text", "choice", "code", "bool", "dates", "decimals", "integers", "id_number",
)  # fmt: skip
RANGES = (DATES, DECIMALS, INTEGERS)
FROM, TO = "_from", "_to"
ANY_YES_NO = [("", "任意"), ("1", "是"), ("0", "否")]
ALL = "全部"
OTHER_SECTION = "其他条件"
_ID_NUMBER = re.compile(r"[0-9]{15}|[0-9]{17}[0-9X]")


# --- ID numbers out of URLs -------------------------------------------------------------------

TOKEN_SUFFIX = "_token"
SESSION_KEY = "query_tokens"
TOKENS_KEPT = 20


def tokenized(data, session, private: Sequence[str]):
    """The posted conditions for a URL: each value of a `private` condition replaced by a token
    of the session (the newest TOKENS_KEPT are kept)."""
    query = data.copy()
    query.pop("csrfmiddlewaretoken", None)
    tokens = session.get(SESSION_KEY, {})
    for name in private:
        value = query.pop(name, [""])[-1].strip()
        if value:
            token = secrets.token_urlsafe(9)
            tokens[token] = value
            query[name + TOKEN_SUFFIX] = token
    session[SESSION_KEY] = dict(list(tokens.items())[-TOKENS_KEPT:])
    return query


def resolved(query, session, private: Sequence[str]):
    """The URL's conditions with each token back to its value (an unknown token: empty)."""
    data = query.copy()
    tokens = session.get(SESSION_KEY, {})
    for name in private:
        token = data.pop(name + TOKEN_SUFFIX, [""])[-1]
        data.pop(name, None)  # a number typed into the URL itself is ignored
        if token:
            data[name] = tokens.get(token, "")
    return data


# --- the conditions of a declaration ------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One condition of the query form. A declaration's query_fields make theirs; a module's own
    (RecordModule.query_extras) are these too, with a `method` where no lookup states them (a
    household member's health: Exists) or an `expression` for a value the rows work out."""

    name: str  # the form field's name; a range has name_from and name_to
    path: str  # the ORM lookup path
    kind: str
    label: str
    section: str  # the title of the sheet section the field is shown in
    table: str = ""  # CODE: the code table's key
    choices: tuple = ()  # CHOICE
    method: Callable | None = None  # (queryset, value) → the matching rows
    expression: Expression | None = None  # the rows are aliased with it under `path`

    @property
    def field_names(self) -> list[str]:
        return [self.name + FROM, self.name + TO] if self.kind in RANGES else [self.name]


def kind_of(path: str, field) -> str:
    if path.endswith(ID_NUMBER_FIELD):
        return ID_NUMBER
    if code_table_of(field):
        return CODE
    if isinstance(field, models.BooleanField):
        return BOOL
    if field.choices:
        return CHOICE
    if isinstance(field, models.DateField):
        return DATES
    if isinstance(field, models.DecimalField):
        return DECIMALS
    if isinstance(field, models.IntegerField):
        return INTEGERS
    if isinstance(field, (models.CharField, models.TextField)):
        return TEXT
    raise ImproperlyConfigured(f"查询条件 {path} 的字段类型 {type(field).__name__} 不能作为查询条件")


@cache
def conditions_of(module: RecordModule) -> tuple[Condition, ...]:
    """One condition per query field, in the declaration's order, then the module's own. A path
    through a relation is named with "_" for "." (head.gender: head_gender); a text the model
    keeps a copy of (module.copies) is searched in the copy."""
    sections = {path: section.title for section in reversed(module.sections) for path in section.paths}
    conditions = []
    for path in module.query_fields:
        field = module.field(path)
        kind = kind_of(path, field)
        lookup = module.copies.get(path) if kind == TEXT and path in module.copies else path.replace(".", "__")
        if isinstance(field, models.DateTimeField):
            lookup += "__date"  # 从/到 are days
        table = code_table_of(field) if kind == CODE else ""
        choices = tuple(field.flatchoices) if kind == CHOICE else ()
        section = sections.get(path, OTHER_SECTION)
        name = path.replace(".", "_")
        conditions.append(Condition(name, lookup, kind, module.label_of(path), section, table, choices))
    conditions += module.query_extras
    names = [c.name for c in conditions]
    if len(set(names)) != len(names):
        raise ImproperlyConfigured(f"{module.key}: 查询条件重名 {sorted({n for n in names if names.count(n) > 1})}")
    return tuple(conditions)


def private_conditions(module: RecordModule) -> tuple[str, ...]:
    """The conditions too personal for a URL: ID numbers."""
    return tuple(c.name for c in conditions_of(module) if c.kind == ID_NUMBER)


# --- the filters ------------------------------------------------------------------------------


class TextFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.filter(text_contains(self.field_name, value)) if value else qs


class CodeFilter(django_filters.Filter):
    """A value of one code table; the form (CodesInOneQuery) reads all its tables at once."""

    field_class = CodeChoiceField


class IdNumberField(forms.CharField):
    def clean(self, value):
        number = id_numbers.normalize(super().clean(value))
        if number and not _ID_NUMBER.fullmatch(number):
            raise forms.ValidationError("身份证号应为 15 位或 18 位数字(18 位的末位可为 X)。")
        return number


class IdNumberFilter(django_filters.Filter):
    field_class = IdNumberField

    def filter(self, qs, value):
        if not value:
            return qs
        if len(value) == 15:  # entered as 18 digits today; an old row may still hold the 15
            return qs.filter(Q(**{self.field_name: id_numbers.upgrade_15(value)}) | Q(**{self.field_name: value}))
        return qs.filter(**{self.field_name: value})


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def filters_of(condition: Condition) -> dict[str, django_filters.Filter]:
    name, path, label = condition.name, condition.path, condition.label
    own = {"method": lambda queryset, _name, value: condition.method(queryset, value)} if condition.method else {}
    if condition.kind == TEXT:
        return {name: TextFilter(path, label=label, max_length=200, **own)}
    if condition.kind == ID_NUMBER:
        return {name: IdNumberFilter(path, label=label, max_length=30, **own)}
    if condition.kind == CODE:
        return {name: CodeFilter(path, label=label, table=condition.table, empty_label=ALL, **own)}
    if condition.kind == CHOICE:
        return {name: django_filters.ChoiceFilter(path, label=label, choices=condition.choices, empty_label=ALL, **own)}
    if condition.kind == BOOL:
        widget = forms.RadioSelect(choices=ANY_YES_NO)
        return {name: django_filters.BooleanFilter(path, label=label, widget=widget, initial="", **own)}
    make, extra = {
        DATES: (django_filters.DateFilter, {"widget": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")}),
        DECIMALS: (django_filters.NumberFilter, {}),
        INTEGERS: (IntegerFilter, {}),
    }[condition.kind]
    return {
        name + FROM: make(path, "gte", label=f"{label}从", **extra),
        name + TO: make(path, "lte", label=f"{label}到", **extra),
    }


# --- the form and the FilterSet ---------------------------------------------------------------


class ConditionsForm(CodesInOneQuery, forms.Form):
    """The form of a module's conditions (`conditions`, set by query_form): the query page's
    filter, and the statistics' conditions (records.kit.statistics), one FilterSet for both."""

    conditions: tuple[Condition, ...] = ()

    def clean(self):
        data = super().clean()
        for condition in self.conditions:
            if condition.kind in RANGES:
                word = "早于" if condition.kind == DATES else "小于"
                in_order(self, data, condition.name + FROM, condition.name + TO, f"“到”不能{word}“从”。")
        return data

    def sections(self) -> list[tuple[str, list[dict]]]:
        """The conditions grouped by the sheet section of their field, for
        records/_query_conditions.html: each a condition and its one or two bound fields."""
        grouped: dict[str, list[dict]] = {}
        for c in self.conditions:
            item = {"condition": c, "range": c.kind in RANGES, "fields": [self[n] for n in c.field_names]}
            grouped.setdefault(c.section, []).append(item)
        return list(grouped.items())

    def described(self) -> list[str]:
        """The filled conditions of a valid form as text (a printout's or a table's heading):
        "label:value", a range "label从 a 到 b"; ID numbers masked."""
        data, lines = self.cleaned_data, []
        for c in self.conditions:
            if c.kind in RANGES:
                low, high = (data.get(n) for n in c.field_names)
                parts = [f"从 {low}" if low is not None else "", f"到 {high}" if high is not None else ""]
                if low is not None or high is not None:
                    lines.append(f"{c.label}{' '.join(p for p in parts if p)}")
            elif text := _condition_text(c, data.get(c.name)):
                lines.append(f"{c.label}:{text}")
        return lines


class QueryForm(ConditionsForm):
    """The query page's form: the conditions, 包含下级数据 and the mark of a submitted query
    (the page shows no results before 查询 is pressed)."""

    q = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    include_subordinates = forms.BooleanField(label="包含下级数据", required=False)

    @property
    def submitted(self) -> bool:
        return self.is_bound and bool(self.data.get("q"))

    def described(self) -> list[str]:
        return [*super().described(), *(["包含下级数据"] if self.cleaned_data.get("include_subordinates") else [])]


def _condition_text(condition: Condition, value) -> str:
    if value in (None, ""):
        return ""
    if condition.kind == BOOL:
        return "是" if value else "否"
    if condition.kind == CHOICE:
        return str(dict(condition.choices).get(value, value))
    if condition.kind == ID_NUMBER:
        return id_numbers.mask(value)
    return str(value)


class ModuleQuery(django_filters.FilterSet):
    """A module's FilterSet (query_filterset makes one per declaration). Its form is the query
    page's filter form; `apply` filters with a valid form's cleaned data."""

    module: RecordModule | None = None
    conditions: tuple[Condition, ...] = ()

    def get_form_class(self):
        return query_form(self.module)

    @classmethod
    def apply(cls, queryset: QuerySet, data: dict) -> QuerySet:
        """The conditions only: the form's other fields (q, 包含下级数据) are not filters."""
        worked_out = {c.path: c.expression for c in cls.conditions if c.expression is not None}
        if worked_out:
            queryset = queryset.alias(**worked_out)
        for name, filter_ in cls.base_filters.items():
            queryset = filter_.filter(queryset, data.get(name))
        return queryset

    def filter_queryset(self, queryset):
        return self.apply(queryset, self.form.cleaned_data)


@cache
def query_filterset(module: RecordModule, names: tuple[str, ...] = ()) -> type[ModuleQuery]:
    """The module's FilterSet of all its conditions, or of those `names` (a batch page's)."""
    conditions = tuple(c for c in conditions_of(module) if not names or c.name in names)
    attrs = {"module": module, "conditions": conditions}
    for condition in conditions:
        attrs |= filters_of(condition)
    attrs["Meta"] = type("Meta", (), {"model": module.model, "fields": [], "form": QueryForm})
    return type(f"{module.model.__name__}Query", (ModuleQuery,), attrs)


@cache
def query_form(module: RecordModule, names: tuple[str, ...] = ()) -> type[QueryForm]:
    filterset = query_filterset(module, names)
    fields = {name: filter_.field for name, filter_ in filterset.base_filters.items()}
    return type(f"{module.model.__name__}QueryForm", (QueryForm,), {**fields, "conditions": filterset.conditions})


def matching(module: RecordModule, queryset: QuerySet, data: dict, selected: Unit, filterset=None) -> QuerySet:
    """The rows of a valid query form's data; without 包含下级数据 only those `selected` owns.
    `filterset`: a FilterSet of some of the module's conditions (batch_filterset), else all."""
    queryset = (filterset or query_filterset(module)).apply(queryset, data)
    if not data.get("include_subordinates"):
        queryset = queryset.filter(unit=selected)
    return queryset


def query_results(module: RecordModule, conditions: dict, *, unit: Unit, sort: str = "") -> QuerySet | None:
    """What the query page lists for `conditions` (its form data, with the unit switcher's
    `unit` and the state tab's `state`), all pages of it, as `unit` sees it, in the order of
    `sort` (approvals.preferences.Sort.stored()): the worker's export reruns a query with it.
    None when the conditions are no longer valid (a code value deleted since)."""
    form = query_form(module)(conditions)
    if not form.is_valid():
        return None
    selected = Unit.objects.filter(pk=conditions.get("unit") or unit.pk, path__startswith=unit.path).first()
    if selected is None:  # the chosen unit left the subtree since: not the same query any more
        return None
    rows = module.model.objects.all()
    if selected != unit:
        rows = from_subtree(rows, selected)
    rows = visible_to(matching(module, rows, form.cleaned_data, selected), unit)
    state = conditions.get("state")
    if module.reported and state in ViewerState.values:
        rows = rows.filter(viewer_state_q(unit, state))
    if flag := flag_shown(module, conditions):  # the 逾期 or 已修改 tab, as the list narrows to it
        rows = rows.filter(flag.condition(unit))
    sorted_by = Sort.parse(module.model, sort) if sort else None
    return rows.order_by(*Display([], sorted_by, 0).ordering())
