"""Forms of the engine's own pages: the display preferences of a list (manual 2.7), the
return reason of the return dialog."""

from django import forms

from approvals.models import RETURN_REASONS
from approvals.preferences import MAX_PAGE_SIZE, MIN_PAGE_SIZE, Display, sortable_columns
from org.selectors import codes_of


class ReturnReasonField(forms.ModelChoiceField):
    """退回原因 of a return (optional, besides the message): a value of its code table."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "退回原因")
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "(不选择)")
        kwargs.setdefault("error_messages", {"invalid_choice": "请从列表中选择退回原因。"})
        super().__init__(queryset=codes_of(RETURN_REASONS), **kwargs)


class PreferenceForm(forms.Form):
    show = forms.MultipleChoiceField(
        label="显示项目",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个显示项目。", "invalid_choice": "没有“%(value)s”这一显示项目。"},
    )
    sort = forms.ChoiceField(label="排序项目", required=False)
    direction = forms.ChoiceField(
        label="排序方式", choices=[("asc", "升序"), ("desc", "降序")], initial="asc", widget=forms.RadioSelect
    )
    page_size = forms.IntegerField(
        label="每页显示条数",
        min_value=MIN_PAGE_SIZE,
        max_value=MAX_PAGE_SIZE,
        error_messages={
            "required": "请填写每页显示条数。",
            "invalid": "每页显示条数应为整数。",
            "min_value": f"每页显示条数应在 {MIN_PAGE_SIZE} 到 {MAX_PAGE_SIZE} 之间。",
            "max_value": f"每页显示条数应在 {MIN_PAGE_SIZE} 到 {MAX_PAGE_SIZE} 之间。",
        },
    )

    def __init__(self, *args, view_class, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_columns = list(view_class.columns)
        self.fields["show"].choices = [(c.field, c.label) for c in self.list_columns]
        self.fields["sort"].choices = [("", "默认(最新录入的在前)")] + [
            (c.field, c.label) for c in sortable_columns(view_class)
        ]
        for column in self.list_columns:
            self.fields[self.order_name(column)] = forms.IntegerField(
                label=f"“{column.label}”的显示顺序", required=False, min_value=1, max_value=999
            )

    @staticmethod
    def order_name(column) -> str:
        return f"order_{column.field}"

    @classmethod
    def initial_for(cls, display: Display) -> dict:
        shown = [c.field for c in display.columns]
        initial = {
            "show": shown,
            "sort": display.sort.field if display.sort else "",
            "direction": "desc" if display.sort and display.sort.descending else "asc",
            "page_size": display.page_size,
        }
        return initial | {f"order_{field}": i for i, field in enumerate(shown, start=1)}

    def values(self) -> dict:
        """The chosen columns ordered by their numbers (unnumbered ones keep the list's order,
        after the numbered), the sort as stored, and the page size."""
        data = self.cleaned_data
        position = {c.field: i for i, c in enumerate(self.list_columns)}
        missing = len(position) + 1000

        def key(field):
            number = data.get(f"order_{field}")
            return (number if number is not None else missing, position[field])

        columns = sorted(data["show"], key=key)
        sort = ("-" if data["direction"] == "desc" else "") + data["sort"] if data["sort"] else ""
        return {"columns": columns, "sort": sort, "page_size": data["page_size"]}

    def column_rows(self) -> list[dict]:
        """One table row per column: its checkbox state and its order field."""
        if self.is_bound:
            shown = set(self.data.getlist("show")) if hasattr(self.data, "getlist") else set(self.data.get("show", []))
        else:
            shown = set(self.initial.get("show", []))
        return [
            {"field": c.field, "label": c.label, "checked": c.field in shown, "order": self[self.order_name(c)]}
            for c in self.list_columns
        ]
