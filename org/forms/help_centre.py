"""The help-centre profile form (manual 18.3.1)."""

from decimal import Decimal

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone

from org.forms.account import clean_phone
from org.forms.ranges import in_order
from org.models import HelpCentreProfile
from org.selectors import text_contains


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


# --- 帮扶中心信息查询 (manual 18.3.2) ------------------------------------------------------------

YES_NO_ANY = [("", "不限"), ("true", "是"), ("false", "否")]
DATE_BOX = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RANGES = [("established_from", "established_to"), ("area_from", "area_to")]


class HelpCentreQueryForm(forms.Form):
    def clean(self):
        data = super().clean()
        for start, end in RANGES:
            in_order(self, data, start, end, "结束值不能小于开始值。")
        return data


class HelpCentreFilter(django_filters.FilterSet):
    """The conditions of 帮扶中心信息查询 (modules-spec, "Gaps outside 3–17"); 所属地区 is the
    page's unit switcher with 包含下级 (org.selectors.help_centres_in)."""

    centre_name = django_filters.CharFilter(label="帮扶中心名称", method="name_contains")
    established_from = django_filters.DateFilter(
        "established_on", lookup_expr="gte", label="成立时间 从", widget=DATE_BOX
    )
    established_to = django_filters.DateFilter("established_on", lookup_expr="lte", label="到", widget=DATE_BOX)
    area_from = django_filters.NumberFilter("floor_area", lookup_expr="gte", label="办公面积(平方米) 从")
    area_to = django_filters.NumberFilter("floor_area", lookup_expr="lte", label="到")
    has_independent_premises = django_filters.BooleanFilter(
        label="有独立办公场所", widget=forms.RadioSelect(choices=YES_NO_ANY), initial=""
    )
    has_hotline = django_filters.BooleanFilter(
        label="开通服务热线", widget=forms.RadioSelect(choices=YES_NO_ANY), initial=""
    )

    class Meta:
        model = HelpCentreProfile
        fields = []
        form = HelpCentreQueryForm

    def name_contains(self, queryset, name, value):
        return queryset.filter(text_contains("centre_name", value))
