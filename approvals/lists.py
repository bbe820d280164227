"""The list page every reportable module reuses (manual 2.2.1, 3.2.1, 4.1, …): state labels,
per-state counts, the subordinate-unit selector, checkboxes with report/return, keyset pages.

A module subclasses ReportableListView with its model, columns and optional filter form:

    class PetitionListView(ReportableListView):
        model = Petition
        columns = [Column("title", "标题"), Column("visited_on", "来访日期")]

Reads go through approvals.selectors (one visibility rule); writes through approvals.services.
"""

import datetime
from dataclasses import dataclass
from functools import cache, cached_property

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.db.models import F, QuerySet
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views import View

from approvals import services
from approvals.forms import ReturnReasonField
from approvals.models import is_reported
from approvals.preferences import Display, Sort, display_for, register_list
from approvals.selectors import (
    HELD_STATES,
    ViewerState,
    from_subtree,
    held_and_above,
    viewer_state_q,
    visible_to,
    with_viewer_state,
)
from org.errors import DomainError
from org.models import Unit
from org.permissions import require_module
from org.views.switcher import unit_switcher_context

PAGE_SIZE = 50
# A state's icon, for its badge (partials/state_badge.html).
STATE_ICONS = {ViewerState.DRAFT: "●", ViewerState.RECEIVED: "▲", ViewerState.RETURNED: "↩", ViewerState.REPORTED: "✔"}
COUNT_CAP = 10_000  # counts stop here ("10000+"): a count never scans a whole national scope

# The four print/export choices of the query results (manual 2.2.7), for lists that export.
EXPORT_OPTIONS = [
    ("page_shown", "当前页已显示字段"),
    ("page_all", "当前页全部字段"),
    ("all_shown", "全部查询结果已显示字段"),
    ("all_all", "全部查询结果全部字段"),
]


@dataclass(frozen=True)
class Column:
    field: str  # an attribute, or a path through relations: "head.name"
    label: str

    def value(self, row):
        *path, name = self.field.split(".")
        for step in path:
            row = getattr(row, step)
        value = getattr(row, name)
        labels = _choice_labels(type(row), name)
        if labels is not None:
            value = labels.get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, datetime.date):
            return value.isoformat()[:10]  # 2026-03-01: compact in a table
        return "" if value is None else value


# Text up to this length (a name, a code) is short: its cells keep to one line, so a list's row
# on a 1366-wide screen stays one line high and long free text (an address) wraps instead.
SHORT_TEXT = 50


def keeps_one_line(model, field_path: str) -> bool:
    """Whether a column's cells are short values: names, codes, dates, choices, 是/否."""
    *steps, name = field_path.split(".")
    try:
        for step in steps:
            model = model._meta.get_field(step).related_model
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):  # a property or an annotation
        return False
    if isinstance(field, models.CharField) and not field.choices:
        return field.max_length is not None and field.max_length <= SHORT_TEXT
    return not isinstance(field, models.TextField)


@cache
def _choice_labels(model, name: str) -> dict | None:
    """A choices field's labels by value, as get_FOO_display() reads them, but built once: that
    method rebuilds the dict (hashing every choice) for each cell, a tenth of a list page's CPU."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a property or an annotation
        return None
    return {value: label for value, label in field.flatchoices} if field.choices else None


def _is_field_path(model, path: str) -> bool:
    """Whether `path` ("head__name") names a concrete field, through relations."""
    *steps, name = path.split("__")
    try:
        for step in steps:
            model = model._meta.get_field(step).related_model
        return model is not None and model._meta.get_field(name).concrete
    except FieldDoesNotExist:
        return False


@dataclass(frozen=True)
class RowAction:
    """An action on the checked rows besides report/return (删除选中, 恢复选中…); the list view
    implements it in `run_row_action`."""

    key: str
    label: str
    confirm: str  # asked before the form is sent


class MoveForm(forms.Form):
    """The report/return submission: the checked rows and the reminder message."""

    move = forms.ChoiceField(choices=[("report", "上报"), ("return", "退回")])
    pks = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True, error_messages={
        "required": "请先勾选要操作的记录。",
    })  # fmt: skip
    message = forms.CharField(max_length=500, required=False, strip=True)
    reason = ReturnReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; which rows may move is the service's decision.
        self.fields["pks"].valid_value = lambda value: True

    def reason_argument(self) -> dict:
        """A return's reason (a report has none)."""
        return {"reason": self.cleaned_data["reason"]} if self.cleaned_data["move"] == "return" else {}


def capped_counts(querysets: list[QuerySet]) -> list[tuple[int, bool]]:
    """Count each queryset up to COUNT_CAP rows, all in one round trip: [(count, capped)]."""
    if not querysets:
        return []
    selects, params = [], []
    for queryset in querysets:
        sql, query_params = queryset.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        selects.append(f"(SELECT count(*) FROM ({sql}) AS capped)")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return [(min(n, COUNT_CAP), n > COUNT_CAP) for n in cursor.fetchone()]


def page_keys(branches: list[QuerySet], after: int | None, size: int = PAGE_SIZE) -> QuerySet:
    """The ids of one page, newest first, merged from one branch per holder: the parts of
    held_and_above to page, each in the order its index reads best."""
    parts = []
    for branch in branches:
        if after is not None:
            branch = branch.filter(pk__lt=after)
        parts.append(branch.values_list("pk", flat=True)[: size + 1])
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:], all=True).order_by("-pk")[: size + 1]


def sorted_page_keys(branches: list[QuerySet], sort: Sort, after: tuple[int, object] | None, size: int) -> list[int]:
    """The ids of one page in a user's chosen order (自定义排序): the same per-holder branches,
    each read in (sort field, id) order after the cursor row (id, its sort value)."""
    parts = []
    for branch in branches:
        if after is not None:
            branch = branch.filter(sort.after(*after))
        branch = branch.annotate(sort_value=F(sort.path)).order_by(*sort.ordering())
        parts.append(branch.values_list("pk", "sort_value")[: size + 1])
    if len(parts) == 1:
        return [pk for pk, _value in parts[0]]
    direction = "-" if sort.descending else ""
    merged = parts[0].union(*parts[1:], all=True).order_by(f"{direction}sort_value", f"{direction}pk")
    return [pk for pk, _value in merged[: size + 1]]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def state_tabs(counts: dict[str, tuple[int, bool]], current: str | None, query: str) -> list[dict]:
    """The per-state links above a list (after 全部), with their capped counts as text ("10000+")."""
    prefix = f"?{query}&" if query else "?"
    return [
        {
            "href": f"{prefix}state={value}",
            "active": value == current,
            "state": ViewerState(value),
            "icon": STATE_ICONS[value],
            "count": f"{counts[value][0]}{'+' if counts[value][1] else ''}",
        }
        for value in ViewerState.values
    ]


class ReportableListView(View):
    model = None
    columns: list[Column] = []  # every column the display preferences offer
    default_columns: list[Column] | None = None  # shown without a preference; None: all of them
    select_related: tuple[str, ...] = ()  # what the columns read through relations
    prefetch_related: tuple[str, ...] = ()  # what they read of related rows
    annotations: dict = {}  # columns SQL works out, by name (an assistance's 帮扶措施 from its lines)
    # What a row reads beyond its columns, for its label (str(row)): e.g. ("head__name",).
    label_fields: tuple[str, ...] = ()
    filter_form_class: type[forms.Form] | None = None  # its clean data goes to filter_queryset
    title = ""
    template_name = "approvals/list.html"
    list_key: str | None = None  # the display preferences' key; default: the model's label
    row_actions: list[RowAction] = []
    export_options: list[tuple[str, str]] = []  # EXPORT_OPTIONS for lists implementing export()
    links_column = False  # the rows carry "links" (label, url), shown in a column 操作

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None and cls.columns:
            register_list(cls.get_list_key(), cls)

    @classmethod
    def get_list_key(cls) -> str:
        return cls.list_key or cls.model._meta.label_lower

    @cached_property
    def display(self) -> Display:
        """The user's display preferences for this list (manual 2.7): columns, sort, page size."""
        return display_for(type(self), self.request.user, default_page_size=PAGE_SIZE)

    def dispatch(self, request, *args, **kwargs):
        require_module(request.user, self.model.reporting_module)
        return super().dispatch(request, *args, **kwargs)

    # --- reading ---------------------------------------------------------------------------

    def base_queryset(self) -> QuerySet:
        """The rows this list is about (e.g. one kind of file), before scope and filters."""
        return self.model.objects.all()

    def filter_queryset(self, queryset: QuerySet, data: dict) -> QuerySet:
        """Apply the module's filter form; the default matches fields by equality."""
        return queryset.filter(**{name: value for name, value in data.items() if value not in (None, "")})

    def filter_data(self):
        """The filter form's data: the URL's query (a module may resolve tokens in it)."""
        return self.request.GET or None

    def get(self, request, *args, **kwargs):
        unit = request.user.unit
        switcher = unit_switcher_context(request)
        rows = self.base_queryset()
        if switcher["selected_unit"] != unit:
            # Only then: a redundant prefix condition misleads the planner's row estimates.
            rows = from_subtree(rows, switcher["selected_unit"])
        filter_form = self.filter_form_class(self.filter_data()) if self.filter_form_class else None
        if filter_form is not None:
            valid = filter_form.is_valid()
            rows = self.filter_queryset(rows, filter_form.cleaned_data) if valid else self.unfiltered(rows, filter_form)
        state = request.GET.get("state") if self.reported else None
        size = self.display.page_size
        after = _int_or_none(request.GET.get("after"))
        export = request.GET.get("export")
        counted, paged = self.split(rows, unit)
        keys = self.page_of(self.branches(*paged, state), after)
        if export in dict(self.export_options):
            return self.export(export, everything=self.all_rows(rows, state), page=keys[:size])
        counts = self.state_counts(*counted) if self.reported else {}
        next_after = keys[size - 1] if len(keys) > size else None
        rows = [self.display_row(row) for row in self.page_rows(keys[:size], unit)]
        context = {
            "title": self.title or self.model._meta.verbose_name,
            "list_actions": self.list_actions(),
            "row_actions": self.row_actions,
            "columns": self.display.columns,
            "links_column": self.links_column,
            "one_line": [keeps_one_line(self.model, column.field) for column in self.display.columns],
            "list_key": self.get_list_key(),
            "export_options": self.export_options,
            "query_without_export": self.query_without("export"),
            "rows": rows,
            "next_after": next_after,
            "state": state,
            "counts": counts,
            "state_tabs": state_tabs(counts, state, self.query_without("after", "state")) if self.reported else [],
            "filter_form": filter_form,
            "reported": self.reported,
            "can_report": self.reported and services.has_report_target(unit),
            "query_without_page": self.query_without("after"),
            "query_without_state": self.query_without("after", "state"),
            **switcher,
        }
        return render(request, self.template_name, context)

    @cached_property
    def reported(self) -> bool:
        """Rows that travel up and down (state tabs, 上报/退回); else rows never reported
        (approvals.models.Unreported), one branch of what the unit sees, no states."""
        return is_reported(self.model)

    def split(self, rows: QuerySet, unit: Unit) -> tuple:
        """held_and_above: the rows to count and to page, by holder; a model never reported has
        one branch, the rows the unit sees."""
        if self.reported:
            return held_and_above(rows, unit)
        visible = visible_to(rows, unit)
        return (visible, []), (visible.order_by("-pk"), [])

    def page_rows(self, pks: list[int], unit: Unit) -> list:
        """The page's rows in the list's order, each with its viewer_state and the relations
        its columns read."""
        # A row's unit shows by its name (填报单位) alone: a Unit object per row, even with its
        # other columns deferred, was a fifth of the CPU of reading a page.
        rows = with_viewer_state(self.model.objects.filter(pk__in=pks), unit).annotate(unit_name=F("unit__name"))
        if self.select_related:  # select_related() without fields would follow every foreign key
            rows = rows.select_related(*self.select_related)
        if self.prefetch_related:
            rows = rows.prefetch_related(*self.prefetch_related)
        if self.annotations:
            rows = rows.annotate(**self.annotations)
        fields = self.row_fields()
        if fields is not None:
            rows = rows.only(*fields)
        return list(rows.order_by(*self.display.ordering()))

    def row_fields(self) -> list[str] | None:
        """The fields the page's rows read (its shown columns and label_fields): a file has 42
        columns and its head 12, and reading all of them was a fifth of a list page's CPU. None
        (every field) when a column is no concrete field: a property would read deferred fields
        one query a row."""
        # An annotated column (a value SQL works out) reads no field.
        paths = [
            column.field.replace(".", "__") for column in self.display.columns if column.field not in self.annotations
        ]
        if not all(_is_field_path(self.model, path) for path in paths):
            return None
        return [*paths, *self.label_fields, *self.select_related]  # a relation followed is read

    def unfiltered(self, queryset: QuerySet, form: forms.Form) -> QuerySet:
        """The rows when the filter form is unbound or invalid: all of them by default."""
        return queryset

    def page_of(self, branches: list[QuerySet], after: int | None) -> list[int]:
        """The ids of the page after row `after` (one more than a page: there is a next one)."""
        display = self.display
        if display.sort is None:
            return list(page_keys(branches, after, display.page_size))
        cursor = None
        if after is not None:
            visible = visible_to(self.model.objects.filter(pk=after), self.request.user.unit)
            values = list(visible.values_list(display.sort.path, flat=True))
            cursor = (after, values[0]) if values else None
        return sorted_page_keys(branches, display.sort, cursor, display.page_size)

    def all_rows(self, rows: QuerySet, state: str | None) -> QuerySet:
        """Every row the list shows across its pages (for exports), in the list's order."""
        unit = self.request.user.unit
        rows = visible_to(rows, unit)
        if state in ViewerState.values:
            rows = rows.filter(viewer_state_q(unit, state))
        return rows.order_by(*self.display.ordering())

    def export(self, option: str, *, everything: QuerySet, page: list[int]):
        """The list as a file: `option` is one of export_options; `page` the ids shown."""
        raise NotImplementedError

    def list_actions(self) -> list[tuple[str, str]]:
        """Links above the list (label, url), e.g. 新增档案."""
        return []

    def row_link(self, row) -> str | None:
        """The page a row's first cell opens."""
        return row.get_absolute_url() if hasattr(row, "get_absolute_url") else None

    def display_row(self, row) -> dict:
        """What the template shows of a row, computed here: templates are slow at lookups."""
        url = self.row_link(row)
        state = ViewerState(row.viewer_state) if row.viewer_state else None  # "": never reported
        return {
            "pk": row.pk,
            "label": str(row),
            "state": state,
            "state_label": state.label if state else "",
            "state_icon": STATE_ICONS[state] if state else "",
            "cells": [column.value(row) for column in self.display.columns],
            "url": url,
            "unit": row.unit_name,
        }

    @staticmethod
    def branches(held: QuerySet, above: list[QuerySet], state: str | None) -> list[QuerySet]:
        if state == ViewerState.REPORTED:
            return above or [held.none()]
        if state in HELD_STATES:
            return [held.filter(report_state=HELD_STATES[state])]
        return [held, *above]

    @staticmethod
    def state_counts(held: QuerySet, above: list[QuerySet]) -> dict[str, tuple[int, bool]]:
        """Per ViewerState, capped: the three states held by the viewer, and 已上报 summed over
        the ancestors' branches — one query."""
        results = capped_counts([held.filter(report_state=value) for value in HELD_STATES.values()] + above)
        counts = dict(zip(HELD_STATES, results[: len(HELD_STATES)], strict=True))
        reported = sum(n for n, _capped in results[len(HELD_STATES) :])
        capped = reported > COUNT_CAP or any(c for _n, c in results[len(HELD_STATES) :])
        counts[ViewerState.REPORTED] = (min(reported, COUNT_CAP), capped)
        return counts

    def query_without(self, *names: str) -> str:
        query = self.request.GET.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()

    # --- report / return -------------------------------------------------------------------

    def run_row_action(self, key: str, pks: list[int]) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        action = request.POST.get("row_action")
        if action is not None:
            return self.post_row_action(request, action)
        if not self.reported:
            messages.error(request, f"{self.title or self.model._meta.verbose_name}不需要上报或退回。")
            return redirect(request.get_full_path())
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(request.get_full_path())
        move = services.report_rows if form.cleaned_data["move"] == "report" else services.return_rows
        try:
            result = move(
                actor=request.user,
                model=self.model,
                pks=form.cleaned_data["pks"],
                message=form.cleaned_data["message"],
                request=request,
                **form.reason_argument(),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            report_result(request, result, form.cleaned_data["move"])
        return redirect(request.get_full_path())

    def post_row_action(self, request, key: str):
        pks = [pk for pk in map(_int_or_none, request.POST.getlist("pks")) if pk is not None]
        if key not in {action.key for action in self.row_actions}:
            messages.error(request, "不支持的操作。")
        elif not pks:
            messages.error(request, "请先勾选要操作的记录。")
        else:
            self.run_row_action(key, pks)
        return redirect(request.get_full_path())


def report_result(request, result: services.MoveResult, move: str) -> None:
    """The outcome as messages: how many moved and to whom, then each refused row and why."""
    verb = "上报" if move in ("report", "quick_report") else "退回"
    if result.moved:
        receivers = "、".join(str(action.receiver) for action in result.actions)
        messages.success(request, f"已{verb} {result.moved} 条至{receivers},并已发送提醒。")
    if result.refused_total:
        context = {"total": result.refused_total, "shown": len(result.refused), "refused": result.refused, "verb": verb}
        messages.warning(request, render_to_string("approvals/_refused_message.html", context))
    if not result.moved and not result.refused_total:
        messages.info(request, f"没有可{verb}的记录。")
