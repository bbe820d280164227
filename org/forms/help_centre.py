"""The help-centre profile form (manual 18.3.1)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone

from org.forms.account import clean_phone
from org.models import HelpCentreProfile


class HelpCentreProfileForm(forms.ModelForm):
    class Meta:
        model = HelpCentreProfile
        fields = [
            "centre_name", "established_on", "floor_area", "full_time_staff", "part_time_staff",
            "service_windows", "has_independent_premises", "has_hotline", "hotline", "annual_budget", "services",
        ]  # fmt: skip
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "services": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"hotline": "勾选“开通服务热线”时必须填写。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("floor_area", "annual_budget"):
            self.fields[name].validators.append(MinValueValidator(Decimal(0), "不能为负数。"))
            self.fields[name].widget.attrs["min"] = 0
        for name in ("full_time_staff", "part_time_staff", "service_windows"):
            self.fields[name].error_messages["min_value"] = "不能为负数。"

    def clean_established_on(self):
        value = self.cleaned_data["established_on"]
        if value and value > timezone.localdate():
            raise ValidationError("成立时间不能晚于今天。")
        return value

    def clean_hotline(self):
        return clean_phone(self.cleaned_data["hotline"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_hotline") and not cleaned.get("hotline") and "hotline" not in self.errors:
            self.add_error("hotline", "已开通服务热线,请填写服务热线号码。")
        return cleaned
