"""The search of 修改职工档案 (manual 2.2.3): 职工编号, 职工姓名, 身份证号, 工作单位."""

from django import forms
from django.core.exceptions import ValidationError

from records import id_numbers


class ModifySearchForm(forms.Form):
    code = forms.CharField(label="职工编号", required=False, max_length=30)
    name = forms.CharField(label="职工姓名", required=False, max_length=50)
    # Longer than 18: a pasted number with spaces is normalized before it is checked.
    id_number = forms.CharField(
        label="身份证号", required=False, max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    employer = forms.CharField(label="工作单位", required=False, max_length=100)

    def clean_id_number(self):
        number = self.cleaned_data["id_number"]
        if not number:
            return ""
        try:
            return id_numbers.validate(number).number
        except ValidationError as error:
            raise ValidationError(error.messages[0]) from None

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in self.fields):
            raise ValidationError("请至少填写一个查询条件。")
        return data
