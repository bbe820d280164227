"""The entry form of a statistical form: its header (年份 / 季度, 填报人, 联系电话, 报出时间) and
one number box per item of its declaration, laid out as the paper form's numbered lines. The
declaration's hard rules speak next to the item they concern; soft ones are said after saving."""

from functools import cache

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone

from records.kit.forms import DATE_WIDGET
from records.stat_forms.layout import HARD, FormType, Item
from records.stat_forms.models import ITEM, StatForm

HEADER = ["year", "quarter", "reporter", "phone", "reported_on"]
NOT_NEGATIVE = "不能小于 0。"


def item_field(form: FormType, item: Item) -> forms.Field:
    options = {"required": False, "label": form.text(item.text), "validators": [MinValueValidator(0, NOT_NEGATIVE)]}
    if item.decimal:
        return forms.DecimalField(max_digits=14, decimal_places=2, **options)
    return forms.IntegerField(max_value=10**12, **options)


class StatFormForm(forms.ModelForm):
    """`form_type` is the declaration (stat_form_form makes one class per form type)."""

    form_type: FormType | None = None

    def __init__(self, *args, suggested: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].widget = forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
        if self.instance.pk:
            for code, value in (self.instance.values or {}).items():
                self.initial[ITEM + code] = value
        else:  # a new form is most often this year's, reported today
            self.initial.setdefault("year", timezone.localdate().year)
            self.initial.setdefault("reported_on", timezone.localdate())
        # 建议值 (prefill): offered in the empty boxes, the user's to keep or overwrite.
        self.suggested = {code: value for code, value in (suggested or {}).items() if ITEM + code not in self.initial}
        for code, value in self.suggested.items():
            self.initial[ITEM + code] = value

    def clean(self):
        cleaned = super().clean()
        values = self.item_values()
        for rule, message in self.form_type.violations(values, HARD):
            field = ITEM + rule.left[0]
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def item_values(self) -> dict:
        """The entered items by code (a blank box is no value, read as 0 by the rules)."""
        data = getattr(self, "cleaned_data", {})
        return {
            item.code: data[ITEM + item.code] for item in self.form_type.items if data.get(ITEM + item.code) is not None
        }

    def header_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def lines(self) -> list[dict]:
        """The paper form's lines with their bound boxes, for the template."""
        form = self.form_type
        return [
            {
                "line": line,
                "heading": form.text(line.heading),
                "items": [{"item": item, "field": self[ITEM + item.code]} for item in line.items],
            }
            for line in form.lines
        ]


@cache
def stat_form_form(form: FormType) -> type[StatFormForm]:
    header = [name for name in HEADER if (name != "quarter" or form.period_kind == "quarter")]
    header = [name for name in header if name != "phone" or form.phone]
    meta = type("Meta", (), {"model": StatForm, "fields": header})
    fields = {ITEM + item.code: item_field(form, item) for item in form.items}
    return type(f"StatForm_{form.key}", (StatFormForm,), {"Meta": meta, "form_type": form, **fields})
