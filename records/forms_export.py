"""Forms of the bulk export (manual 2.5): the request, the filters of the request list, the
approval decision and the TOTP tokens."""

from django import forms

from org.errors import DomainError, tell
from org.models import Unit
from org.selectors import children_of
from records.exports import files_query_form
from records.models import ExportFormat, ExportKind


class UnitsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.name}(含已上报到本单位的下级单位档案)" if unit.numchild else unit.name


class ExportRequestForm(forms.Form):
    """提出申请 / 修改申请. The units offered are the own unit and its direct subordinates
    (each stands for its subtree); the service checks the scope again."""

    kinds = forms.MultipleChoiceField(
        label="导出档案", choices=ExportKind.choices, widget=forms.CheckboxSelectMultiple, initial=ExportKind.values
    )
    scope_units = UnitsField(label="导出单位", queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple)
    file_format = forms.ChoiceField(
        label="文件格式", choices=ExportFormat.choices, initial=ExportFormat.XLSX, widget=forms.RadioSelect,
        required=False, help_text="CSV 用 Excel 打开时,18 位身份证号会变成数字;需要在电子表格中查看时请选 Excel。",
    )  # fmt: skip

    def clean_file_format(self):
        return self.cleaned_data["file_format"] or ExportFormat.CSV  # a request posted without one, as before

    def __init__(self, *args, actor, export=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = actor.unit
        chosen = list(export.scope_units.values_list("pk", flat=True)) if export is not None else []
        offered = [own.pk, *children_of(own).values_list("pk", flat=True), *chosen]
        self.fields["scope_units"].queryset = Unit.objects.filter(pk__in=offered, path__startswith=own.path).order_by(
            "depth", "display_order", "path"
        )
        self.fields["scope_units"].initial = chosen or [own.pk]
        if export is not None:
            self.fields["kinds"].initial = export.kinds
            self.fields["file_format"].initial = export.file_format
        # The files' query conditions (records.exports.files_query_form), prefixed so their names
        # cannot clash.
        conditions = files_query_form()
        if self.is_bound:
            self.conditions = conditions(self.data, prefix="c")
        elif export is not None and export.conditions:
            self.conditions = conditions({f"c-{k}": v for k, v in export.conditions.items()}, prefix="c")
        else:
            self.conditions = conditions(prefix="c")

    def is_valid(self):
        valid = super().is_valid()
        return self.conditions.is_valid() and valid

    def condition_data(self) -> dict:
        """The submitted conditions by their own names (unprefixed), for the service."""
        names = {f"c-{name}": name for name in self.conditions.fields}
        return {names[key]: value for key, value in self.data.items() if key in names and value not in ("", None)}

    def apply_error(self, error: DomainError) -> None:
        tell(self, error)


class ExportFilterForm(forms.Form):
    """The request list's filters (2.5.1): approval, export and file states, application dates."""

    APPROVAL = [("", "全部"), ("unapproved", "未批准"), ("approved", "已批准")]
    EXPORT = [("", "全部"), ("not_exported", "未导出"), ("exported", "已导出")]
    FILE = [("", "全部"), ("with_file", "有数据文件"), ("without_file", "无数据文件")]

    approval = forms.ChoiceField(label="批准状态", choices=APPROVAL, required=False)
    export = forms.ChoiceField(label="导出状态", choices=EXPORT, required=False)
    data_file = forms.ChoiceField(label="数据文件", choices=FILE, required=False)
    date_from = forms.DateField(label="申请日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="到", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "“到”不能早于“从”。")
        return data


class ExportDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批", choices=[("approve", "批准"), ("reject", "不批准")], widget=forms.RadioSelect, initial="approve"
    )
    reason = forms.CharField(
        label="不批准的原因", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="不批准时必须填写,申请单位的用户管理员会在提醒中看到。",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "请填写不批准的原因。")
        return data
