"""The one text box of the code-table page (manual 18.1): add and rename a value."""

from django import forms

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
