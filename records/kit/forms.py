"""The forms a declaration makes: the entry form (a ModelForm of `form_fields`) and the simple
filter above the list (`filter_fields`). Code-table fields read their values in one query per
form (org.forms.codes.CodesInOneQuery); dates are the browser's date box."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django import forms
from django.db import models
from django.forms.utils import ErrorDict

from org.forms.codes import CodesInOneQuery
from org.models import Code
from org.selectors import text_contains
from records.kit.declaration import ALWAYS
from records.kit.models import changed_condition, overdue_condition

DATE_WIDGET = {"type": "date"}


class RecordForm(CodesInOneQuery, forms.ModelForm):
    """A module's entry form; the model's validators, clean() and constraints speak next to the
    field they concern (ModelForm runs them), in Chinese."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
            elif isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 3)


@cache
def record_form(module) -> type[RecordForm]:
    meta = type("Meta", (), {"model": module.model, "fields": list(module.form_fields), "widgets": module.widgets})
    return type(f"{module.model.__name__}Form", (RecordForm,), {"Meta": meta})


# --- the simple filter of the list ------------------------------------------------------------


def _filter_field(model_field) -> forms.Field:
    label = str(model_field.verbose_name)
    if isinstance(model_field, models.ForeignKey) and model_field.related_model is Code:
        return forms.ModelChoiceField(
            label=label, required=False, queryset=Code.objects.filter(**model_field.remote_field.limit_choices_to),
            empty_label="全部",
        )  # fmt: skip
    if isinstance(model_field, models.BooleanField):
        return forms.NullBooleanField(
            label=label, required=False,
            widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
        )  # fmt: skip
    if model_field.choices:
        return forms.ChoiceField(label=label, required=False, choices=[("", "全部"), *model_field.flatchoices])
    if isinstance(model_field, models.DateField):
        return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs=DATE_WIDGET))
    return forms.CharField(label=label, required=False, max_length=100)


OVERDUE, CHANGED = "overdue", "changed"


@dataclass(frozen=True)
class FlagTab:
    """A tab after the state tabs, `?<key>=1`: like a state tab it narrows the rows shown, not
    the tabs' counts. The list applies it (views.RecordListView), the query too; the filter's
    box keeps it when the filter is sent."""

    key: str
    label: str
    box_label: str
    style: str  # the state badge style it is drawn in
    applies: Callable  # module → bool
    condition: Callable  # the viewer's unit → Q


FLAG_TABS = [
    # 逾期 of a case module (records.kit.cases): open cases past their due date.
    FlagTab(OVERDUE, "逾期", "只看逾期", "returned", lambda m: m.cases is not None, lambda _unit: overdue_condition()),
    # 已修改 of a module editable after reporting (edit_policy ALWAYS: household files).
    FlagTab(CHANGED, "已修改", "只看上报后已修改", "received", lambda m: m.edit_policy == ALWAYS, changed_condition),
]


def flag_tabs(module) -> list[FlagTab]:
    return [tab for tab in FLAG_TABS if tab.applies(module)]


def flag_shown(module, query) -> FlagTab | None:
    return next((tab for tab in flag_tabs(module) if query.get(tab.key) == "1"), None)


@cache
def filter_form(module) -> type[forms.Form] | None:
    fields = {name: _filter_field(module.field(name)) for name in module.filter_fields}
    for tab in flag_tabs(module):
        box = forms.CheckboxInput(attrs={"value": "1"})  # sent as <key>=1, the tab's own link
        fields[tab.key] = forms.BooleanField(label=tab.box_label, required=False, widget=box)
    if not fields:
        return None
    return type(f"{module.model.__name__}FilterForm", (forms.Form,), fields)


def apply_filter(module, queryset, data: dict):
    """Text contains; anything else equals (a code, a choice, a date, 是/否)."""
    for name in module.filter_fields:
        value = data.get(name)
        if value in (None, ""):
            continue
        model_field = module.field(name)
        is_text = isinstance(model_field, (models.CharField, models.TextField)) and not model_field.choices
        lookup = name.replace(".", "__")  # a path through a relation: the file's head_name
        queryset = queryset.filter(text_contains(lookup, value) if is_text else models.Q(**{lookup: value}))
    return queryset


# --- the lines entered with a record (declaration.Lines) ---------------------------------------


class LineForm(CodesInOneQuery, forms.ModelForm):
    """One numbered line of a record's form. A line left wholly blank is no line (it is not
    validated, and saving removes a stored one); a line begun must be complete."""

    def is_blank(self) -> bool:
        return not any(self.data.get(self.add_prefix(name), "").strip() for name in self.fields)

    def full_clean(self):
        if self.is_bound and not self.disabled_line and self.is_blank():
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    @property
    def disabled_line(self) -> bool:
        return all(field.disabled for field in self.fields.values())


class LinesFormSet(forms.BaseFormSet):
    """The declared number of lines; a stored line stands at its position, a locked one (已汇总)
    read-only with the reason beside it."""

    def __init__(self, *args, lines, locked, **kwargs):
        self.stored = {line.position: line for line in lines}
        self.locked_reasons = {pos: locked(line) for pos, line in self.stored.items()} if locked else {}
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        line = self.stored.get(i + 1)
        form = super()._construct_form(i, instance=line, use_required_attribute=False, empty_permitted=True, **kwargs)
        form.locked_reason = self.locked_reasons.get(i + 1, "")
        for field in form.fields.values():
            field.disabled = bool(form.locked_reason)
        return form

    def entered(self) -> dict[int, dict]:
        """position → the values of each line entered and not locked (the service keeps locked ones)."""
        return {
            i + 1: form.cleaned_data
            for i, form in enumerate(self.forms)
            if form.cleaned_data and not form.locked_reason
        }


@cache
def lines_formset(module) -> type[LinesFormSet] | None:
    lines = module.lines
    if lines is None:
        return None
    meta = type("Meta", (), {"model": module.rows_model(lines), "fields": list(lines.fields)})
    form = type(f"{meta.model.__name__}Form", (LineForm,), {"Meta": meta})
    return forms.formset_factory(
        form, formset=LinesFormSet, extra=lines.rows, max_num=lines.rows, absolute_max=lines.rows
    )


def bound_lines(module, data=None, row=None):
    """The form's lines: blank for a new record, the stored ones for an edit."""
    formset = lines_formset(module)
    if formset is None:
        return None
    stored = list(getattr(row, module.lines.relation).all()) if row is not None else []
    return formset(data, prefix="lines", lines=stored, locked=module.lines.locked)
