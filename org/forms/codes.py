"""The code-table page's text box (manual 18.1), and the choice of a code-table value that every
form with code-table fields uses."""

from django import forms

from org.models import Code, code_table_of
from org.selectors import codes_by_table, codes_of
from org.services.codes import VALUE_MAX_LENGTH


class CodeValueForm(forms.Form):
    value = forms.CharField(
        label="代码值",
        max_length=VALUE_MAX_LENGTH,
        error_messages={
            "required": "请输入代码值。",
            "max_length": f"代码值最多 {VALUE_MAX_LENGTH} 个字。",
        },
    )


class CodeChoiceField(forms.ModelChoiceField):
    """A value of one code table (代码表). With `codes` (id → Code, read once for the whole form
    by CodesInOneQuery) it offers and checks those without a query; without them its queryset
    is built only when a value is submitted (a statistics form has thirteen of these)."""

    def __init__(self, table: str, *, codes: dict[int, Code] | None = None, **kwargs):
        self.table, self.codes = table, codes
        super().__init__(queryset=Code.objects.none(), **kwargs)
        if codes is not None:
            blank = [] if self.empty_label is None else [("", self.empty_label)]
            self.choices = [*blank, *((pk, code.value) for pk, code in codes.items())]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            if self.codes is not None:
                return self.codes[int(value)]
            return codes_of(self.table).get(pk=value)
        except (ValueError, TypeError, KeyError, OverflowError, Code.DoesNotExist):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class CodesInOneQuery:
    """A ModelForm mixin: every code-table field (a `code_field` of the model, or a
    CodeChoiceField of the form) offers and checks its values from one query for all the
    form's tables, instead of a query per field to show it and another to check it (a file's
    save checked 38 values one by one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tables = {name: table for name, field in self.fields.items() if (table := _code_table(self, name, field))}
        codes = codes_by_table(set(tables.values()))
        for name, table in tables.items():
            old = self.fields[name]
            self.fields[name] = CodeChoiceField(
                table, codes=codes[table], required=old.required, label=old.label, help_text=old.help_text,
                empty_label=old.empty_label, initial=old.initial, error_messages=old.error_messages,
            )  # fmt: skip


def _code_table(form, name: str, field) -> str | None:
    if isinstance(field, CodeChoiceField):
        return field.table
    if not isinstance(field, forms.ModelChoiceField):
        return None
    return code_table_of(form._meta.model._meta.get_field(name))
