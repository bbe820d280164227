"""The search form of the audit viewer."""

import datetime

from django import forms
from django.utils import timezone

from audit import events

# The log starts with this system; a date before it, or after today, is a typing error.
EARLIEST_DATE = datetime.date(2000, 1, 1)
SUCCESS_CHOICES = [("", "全部"), ("yes", "成功"), ("no", "失败")]


def _event_choices() -> list[tuple[str, str]]:
    """Read when a form is made: every app has registered its events by then."""
    return [("", "全部"), *events.choices()]


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AuditSearchForm(forms.Form):
    date_from = _date_field("时间从")
    date_to = _date_field("至")
    username = forms.CharField(label="登录名", required=False, max_length=150)
    username_exact = forms.BooleanField(label="登录名完全一致", required=False)
    unit_name = forms.CharField(label="单位", required=False, max_length=100, help_text="单位名称包含")
    event = forms.ChoiceField(label="事件", required=False, choices=_event_choices)
    object_type = forms.CharField(label="对象类型", required=False, max_length=50, help_text="如“职工档案”“用户”")
    object_id = forms.CharField(label="对象标识", required=False, max_length=50)
    object_repr = forms.CharField(label="对象", required=False, max_length=200, help_text="对象名称包含")
    success = forms.TypedChoiceField(
        label="结果",
        required=False,
        choices=SUCCESS_CHOICES,
        coerce=lambda value: value == "yes",
        empty_value=None,
    )

    def simple_fields(self) -> list:
        """The fields the page lays out one by one (the date range and the user name have their
        own layout)."""
        return [self[name] for name in ("unit_name", "event", "object_type", "object_id", "object_repr", "success")]

    def clean_date_from(self):
        return self._plausible(self.cleaned_data["date_from"])

    def clean_date_to(self):
        return self._plausible(self.cleaned_data["date_to"])

    def _plausible(self, day: datetime.date | None) -> datetime.date | None:
        if day is None:
            return day
        if day < EARLIEST_DATE:
            raise forms.ValidationError(f"日期不能早于 {EARLIEST_DATE:%Y年%m月%d日}。")
        if day > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天。")
        return day

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("开始日期不能晚于结束日期。")
        return data

    def conditions(self) -> dict:
        """The conditions given, as the audit row of a search or an export keeps them."""
        kept = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "" or (name == "username_exact" and not value):
                continue  # success=False (失败) is a condition; an unticked checkbox is none
            kept[name] = value.isoformat() if isinstance(value, datetime.date) else value
        return kept
