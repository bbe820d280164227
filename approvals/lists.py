"""The list page every reportable module reuses (manual 2.2.1, 3.2.1, 4.1, …): state labels,
per-state counts, the subordinate-unit selector, checkboxes with report/return, keyset pages.

A module subclasses ReportableListView with its model, columns and optional filter form:

    class PetitionListView(ReportableListView):
        model = Petition
        columns = [Column("title", "标题"), Column("visited_on", "来访日期")]

Reads go through approvals.selectors (one visibility rule); writes through approvals.services.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, QuerySet
from django.shortcuts import redirect, render
from django.utils.html import format_html, format_html_join
from django.views import View

from approvals import services
from approvals.selectors import HELD_STATES, ViewerState, from_subtree, held_and_above, with_viewer_state
from org.views.switcher import unit_switcher_context

PAGE_SIZE = 50
COUNT_CAP = 10_000  # counts stop here ("10000+"): a count never scans a whole national scope


@dataclass(frozen=True)
class Column:
    field: str  # an attribute, or a path through relations: "head.name"
    label: str

    def value(self, row):
        *path, name = self.field.split(".")
        for step in path:
            row = getattr(row, step)
        display = getattr(row, f"get_{name}_display", None)
        value = display() if display else getattr(row, name)
        if isinstance(value, bool):
            return "是" if value else "否"
        return "" if value is None else value


class MoveForm(forms.Form):
    """The report/return submission: the checked rows and the reminder message."""

    move = forms.ChoiceField(choices=[("report", "上报"), ("return", "退回")])
    pks = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True, error_messages={
        "required": "请先勾选要操作的记录。",
    })  # fmt: skip
    message = forms.CharField(max_length=500, required=False, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; which rows may move is the service's decision.
        self.fields["pks"].valid_value = lambda value: True


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
        counts = cursor.fetchone()
    return [(min(n, COUNT_CAP), n > COUNT_CAP) for n in counts]


def page_keys(branches: list[QuerySet], after: int | None) -> QuerySet:
    """The ids of one page, newest first, merged from one branch per holder.

    Each branch is the rows one unit holds. The viewer's own branch is read in id order from
    the (holder, id) index; the branches held by ancestors are sorted after an index range scan
    on (holder, unit_path), because ids of one subtree may cluster (bulk imports) and a
    backward scan of the whole primary key for them would read the entire table."""
    parts = []
    for i, branch in enumerate(branches):
        if after is not None:
            branch = branch.filter(pk__lt=after)
        order = F("pk").desc() if i == 0 else (F("pk") + 0).desc()
        parts.append(branch.order_by(order).values_list("pk", flat=True)[: PAGE_SIZE + 1])
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:], all=True).order_by("-pk")[: PAGE_SIZE + 1]


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ReportableListView(View):
    model = None
    columns: list[Column] = []
    select_related: tuple[str, ...] = ()  # what the columns read through relations
    filter_form_class: type[forms.Form] | None = None  # its clean data goes to filter_queryset
    title = ""
    template_name = "approvals/list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_module(self.model.reporting_module):
            raise PermissionDenied("您没有此模块的权限。")
        return super().dispatch(request, *args, **kwargs)

    # --- reading ---------------------------------------------------------------------------

    def base_queryset(self) -> QuerySet:
        """The rows this list is about (e.g. one kind of file), before scope and filters."""
        return self.model.objects.all()

    def filter_queryset(self, queryset: QuerySet, data: dict) -> QuerySet:
        """Apply the module's filter form; the default matches fields by equality."""
        return queryset.filter(**{name: value for name, value in data.items() if value not in (None, "")})

    def get(self, request, *args, **kwargs):
        unit = request.user.unit
        switcher = unit_switcher_context(request)
        rows = self.base_queryset()
        if switcher["selected_unit"] != unit:
            # Only then: a redundant prefix condition misleads the planner's row estimates.
            rows = from_subtree(rows, switcher["selected_unit"])
        filter_form = self.filter_form_class(request.GET or None) if self.filter_form_class else None
        if filter_form is not None and filter_form.is_valid():
            rows = self.filter_queryset(rows, filter_form.cleaned_data)
        held, above = held_and_above(rows, unit)
        state = request.GET.get("state")
        counts = self.state_counts(held, above)
        keys = list(page_keys(self.branches(held, above, state), _int_or_none(request.GET.get("after"))))
        next_after = keys[PAGE_SIZE - 1] if len(keys) > PAGE_SIZE else None
        page = with_viewer_state(self.model.objects.filter(pk__in=keys[:PAGE_SIZE]), unit)
        page = page.select_related("unit", *self.select_related).order_by("-pk")
        context = {
            "title": self.title or self.model._meta.verbose_name,
            "list_actions": self.list_actions(),
            "columns": self.columns,
            "rows": [self.display_row(row) for row in page],
            "next_after": next_after,
            "state": state,
            "states": ViewerState.choices,
            "counts": counts,
            "filter_form": filter_form,
            "can_report": unit.depth > 1,
            "query_without_page": self.query_without("after"),
            "query_without_state": self.query_without("after", "state"),
            **switcher,
        }
        return render(request, self.template_name, context)

    def list_actions(self) -> list[tuple[str, str]]:
        """Links above the list (label, url), e.g. 新增档案."""
        return []

    def display_row(self, row) -> dict:
        """What the template shows of a row, computed here: templates are slow at lookups."""
        url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else None
        state = ViewerState(row.viewer_state)
        return {
            "pk": row.pk,
            "label": str(row),
            "state": state.value,
            "state_label": state.label,
            "cells": [column.value(row) for column in self.columns],
            "url": url,
            "unit": row.unit.name,
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
        held_by_state = [held.filter(report_state=value) for value in HELD_STATES.values()]
        results = capped_counts(held_by_state + above)
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

    def post(self, request, *args, **kwargs):
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
            )
        except services.ReportError as error:
            messages.error(request, error.message)
        else:
            report_result(request, result, form.cleaned_data["move"])
        return redirect(request.get_full_path())


def report_result(request, result: services.MoveResult, move: str) -> None:
    """The outcome as messages: how many moved and to whom, then each refused row and why."""
    verb = "上报" if move in ("report", "quick_report") else "退回"
    if result.moved:
        receivers = "、".join(str(action.receiver) for action in result.actions)
        messages.success(request, f"已{verb} {result.moved} 条至{receivers},并已发送提醒。")
    if result.refused_total:
        items = format_html_join("", "<li>{}:{}</li>", ((r.label, r.reason) for r in result.refused))
        more = "" if result.refused_total <= len(result.refused) else f"(仅列出前 {len(result.refused)} 条)"
        messages.warning(request, format_html("{} 条未能{}{}:<ul>{}</ul>", result.refused_total, verb, more, items))
    if not result.moved and not result.refused_total:
        messages.info(request, f"没有可{verb}的记录。")
