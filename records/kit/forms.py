"""The forms a declaration makes: the entry form (a ModelForm of `form_fields`) and the simple
filter above the list (`filter_fields`). Code-table fields read their values in one query per
form (org.forms.codes.CodesInOneQuery); dates are the browser's date box."""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from org.forms.codes import CodesInOneQuery
from org.models import Code
from org.selectors import text_contains
from records import id_numbers

DATE_WIDGET = {"type": "date"}


class IdNumberField(forms.CharField):
    """身份证号 as people type or paste it: spaces (the ideographic one too), full-width digits
    and a lower-case x are normalized before any check, so the only length rule is GB 11643's
    (18, or a legacy 15 upgraded to 18). The input has no maxlength: a browser would cut a pasted
    number with a space inside. `data-id-number` lets static/js/id_number.js fill the birth date
    and gender of its row as the number is typed."""

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return super().widget_attrs(widget) | {"autocomplete": "off", "inputmode": "text", "data-id-number": ""}

    def to_python(self, value):
        return id_numbers.normalize(super().to_python(value))

    def clean(self, value):
        number = super().clean(value)
        if not number:
            return number
        try:
            return id_numbers.validate(number).number
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None


def upgraded_from_15(form: forms.BaseForm, name: str = "id_number") -> bool:
    """Whether the number the form saved was typed as a legacy 15-digit one."""
    return len(id_numbers.normalize(form.data.get(form.add_prefix(name), ""))) == 15


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
    id_field = module.person.id_field if module.person else ""
    meta = type("Meta", (), {
        "model": module.model, "fields": list(module.form_fields), "widgets": module.widgets,
        "field_classes": {id_field: IdNumberField} if id_field in module.form_fields else {},
    })  # fmt: skip
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


# The 逾期 tab of a case module's list (records.kit.cases): `?overdue=1`. The list applies it
# beside the state tabs (views.RecordListView); the filter's box keeps it when the filter is sent.
OVERDUE = "overdue"


def overdue_only(module, query) -> bool:
    return module.cases is not None and query.get(OVERDUE) == "1"


@cache
def filter_form(module) -> type[forms.Form] | None:
    fields = {name: _filter_field(module.field(name)) for name in module.filter_fields}
    if module.cases is not None:
        box = forms.CheckboxInput(attrs={"value": "1"})  # sent as overdue=1, the tab's own link
        fields[OVERDUE] = forms.BooleanField(label="只看逾期", required=False, widget=box)
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
        queryset = queryset.filter(text_contains(name, value) if is_text else models.Q(**{name: value}))
    return queryset
