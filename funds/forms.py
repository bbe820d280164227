"""The forms of the special funds' pages: the ledger's 查看 (income type and month) and its entry
form (one for income, one for expense: 资金情况 is the button the user pressed)."""

from datetime import date

from django import forms

from funds.models import Direction, LedgerEntry
from org.forms.codes import CodesInOneQuery
from records.kit.forms import DATE_WIDGET

MONTH_FORMAT = "%Y-%m"


class MonthField(forms.DateField):
    """月份 as the browser's month box sends it (2026-11): the month's first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT)
    input_formats = [MONTH_FORMAT]
    default_error_messages = {"invalid": "请按“年-月”填写月份,如 2026-11。"}


class LedgerViewForm(CodesInOneQuery, forms.ModelForm):
    """单位 (the page's unit switcher) + 收入类型* + 月份 (empty: every month) → 查看."""

    month = MonthField(label="月份", required=False)

    class Meta:
        model = LedgerEntry
        fields = ["fund_type"]
        error_messages = {"fund_type": {"required": "请选择收入类型。", "invalid_choice": "请从列表中选择收入类型。"}}

    def month_value(self) -> date | None:
        return self.cleaned_data.get("month")


class LedgerEntryForm(CodesInOneQuery, forms.ModelForm):
    """增加新的收入信息 / 增加新的支出信息: an expense names its 支出类型 and the income type it is
    charged to; an income has no 支出类型."""

    class Meta:
        model = LedgerEntry
        fields = ["entered_on", "fund_type", "expense_type", "amount", "budget", "remarks"]
        widgets = {
            "entered_on": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "budget": forms.RadioSelect,
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "entered_on": {"required": "请填写日期。", "invalid": "请按“年-月-日”填写日期。"},
            "fund_type": {"required": "请选择收入类型。", "invalid_choice": "请从列表中选择收入类型。"},
            "expense_type": {"invalid_choice": "请从列表中选择支出类型。"},
            "amount": {"required": "请填写金额。", "invalid": "金额应为数字。",
                       "max_digits": "金额太大。", "max_decimal_places": "金额最多两位小数。"},
        }  # fmt: skip

    def __init__(self, *args, direction: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction = direction
        if direction == Direction.INCOME:
            del self.fields["expense_type"]
        else:
            self.fields["expense_type"].required = True
            self.fields["expense_type"].error_messages["required"] = "请选择支出类型。"
            self.fields["fund_type"].label = "支出所属收入类型"
        self.fields["amount"].label = f"{Direction(direction).label}金额(元)"

    def values(self) -> dict:
        """What funds.services.ledger_entry_create takes."""
        return {"direction": self.direction, "expense_type": None, **self.cleaned_data}
