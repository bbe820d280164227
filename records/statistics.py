"""职工档案统计 (manual 2.2.8): the household-file statistics — its conditions, its five
dimensions (统计项目) and its two measures — handed to the cross-tab engine.

Only active (在档) files count; without a 困难类别 condition, the hardship files (the three
hardship categories, migrant workers included), as the 困难职工档案 list shows them. Person
conditions and dimensions (性别, 民族, 政治面貌, 健康状况, 身份, 出生日期) are the head's.
"""

from django import forms
from django.db.models import QuerySet, Value
from django.db.models.functions import NullIf

from forms_stats.crosstab import CrossTab, Dimension, count_related, count_rows, crosstab
from org.forms.codes import CodeChoiceField
from org.models import Gender, Unit
from org.selectors import codes_by_table, text_contains
from records.models import (
    HARDSHIP_CATEGORIES,
    FamilyMember,
    FileCategory,
    FileStatus,
    WorkerFile,
)
from records.selectors import FILE_TEXT_PATHS

TITLE = "职工档案统计"

# 供养人口数: the family members (other than the head) of the counted files, counted per file
# by a correlated subquery, so the grouped query keeps one row per file.
MEASURES = [count_rows("职工人数"), count_related("供养人口数", FamilyMember, "file")]

DIMENSIONS = {
    "gender": Dimension("性别", NullIf("head__gender", Value("")), Gender.choices),
    "political_status": Dimension.code_table("政治面貌", "head__political_status", "political_status"),
    "health": Dimension.code_table("健康状况", "head__health", "health"),
    "marital_status": Dimension.code_table("婚姻状况", "marital_status", "marital_status"),
    "household_registration": Dimension.code_table("家庭户口", "household_registration", "household_registration"),
}

# Code-table conditions: form field → label. A field is named after its code table, as the
# model field is (org.models.code_field); the person's are the head's, the others the file's.
HEAD_CODE_CONDITIONS = {
    "ethnicity": "民族",
    "political_status": "政治面貌",
    "health": "健康状况",
    "identity": "职工身份",
}
FILE_CODE_CONDITIONS = {
    "marital_status": "婚姻状况",
    "household_registration": "户口类型",
    "hardship_cause": "致困原因",
    "model_worker_type": "劳模类型",
    "housing_type": "住房类型",
    "industry": "所属行业",
    "employer_nature": "单位性质",
    "medical_insurance": "医疗保险",
    "self_help_ability": "自救能力",
}
# form field (= code table) → (label, ORM path of the file), in the form's order.
CODE_CONDITIONS = {
    **{table: (label, f"head__{table}") for table, label in HEAD_CODE_CONDITIONS.items()},
    **{table: (label, table) for table, label in FILE_CODE_CONDITIONS.items()},
}

# Range conditions: form field → (ORM lookup, label of the bound).
RANGE_CONDITIONS = {
    "entered_from": ("created_at__date__gte", "录入日期从"),
    "entered_to": ("created_at__date__lte", "录入日期到"),
    "born_from": ("head__birth_date__gte", "出生日期从"),
    "born_to": ("head__birth_date__lte", "出生日期到"),
    "household_size_above": ("household_size__gt", "家庭人口高于"),
    "household_size_below": ("household_size__lt", "家庭人口少于"),
    "income_above": ("monthly_income__gt", "本人月收入高于"),
    "income_below": ("monthly_income__lt", "本人月收入少于"),
}


ANY = [("", "任意")]
YES_NO = [*ANY, ("1", "是"), ("0", "否")]
ALL_HARDSHIP = "困难职工档案(全部困难类别)"


def _date_field(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


_CODE_TABLES = sorted(CODE_CONDITIONS)


class FileStatisticsForm(forms.Form):
    """The statistics form of manual 2.2.8: conditions, then 统计项目."""

    code = forms.CharField(label="职工编号", required=False)
    name = forms.CharField(label="职工姓名", required=False)
    employer = forms.CharField(label="工作单位", required=False)
    category = forms.ChoiceField(label="困难类别", required=False, choices=[("", ALL_HARDSHIP), *FileCategory.choices])
    gender = forms.ChoiceField(label="性别", required=False, choices=[*ANY, *Gender.choices], widget=forms.RadioSelect)
    single_parent = forms.ChoiceField(label="是否单亲", required=False, choices=YES_NO, widget=forms.RadioSelect)
    zero_employment = forms.ChoiceField(label="是否零就业", required=False, choices=YES_NO, widget=forms.RadioSelect)
    entered_from = _date_field("录入日期从")
    entered_to = _date_field("到")
    born_from = _date_field("出生日期从")
    born_to = _date_field("到")
    household_size_above = forms.IntegerField(label="家庭人口高于", required=False, min_value=0)
    household_size_below = forms.IntegerField(label="少于", required=False, min_value=0)
    income_above = forms.DecimalField(label="本人月收入高于", required=False, min_value=0, decimal_places=2)
    income_below = forms.DecimalField(label="少于", required=False, min_value=0, decimal_places=2)
    dimension = forms.ChoiceField(
        label="统计项目",
        required=False,
        choices=[(key, d.label) for key, d in DIMENSIONS.items()],
        initial="gender",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = codes_by_table(_CODE_TABLES)  # the thirteen tables in one query, shown and checked
        for table, (label, _path) in CODE_CONDITIONS.items():
            self.fields[table] = CodeChoiceField(
                table, codes=codes[table], label=label, required=False, empty_label="任意"
            )

    def dimension_key(self) -> str:
        return self.cleaned_data.get("dimension") or "gender"

    def filter(self, queryset: QuerySet) -> QuerySet:
        """The files matching the filled conditions (cleaned_data)."""
        data = self.cleaned_data
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        else:
            queryset = queryset.filter(category__in=HARDSHIP_CATEGORIES)
        if data.get("gender"):
            queryset = queryset.filter(head__gender=data["gender"])
        for name in ("single_parent", "zero_employment"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name] == "1"})
        for name, (_label, path) in CODE_CONDITIONS.items():
            if data.get(name) is not None:
                queryset = queryset.filter(**{path: data[name]})
        for name, (lookup, _label) in RANGE_CONDITIONS.items():
            if data.get(name) is not None:
                queryset = queryset.filter(**{lookup: data[name]})
        for name, path in FILE_TEXT_PATHS.items():
            if data.get(name):
                queryset = queryset.filter(text_contains(path, data[name]))
        return queryset

    def descriptions(self) -> list[str]:
        """The filled conditions in words, for the table's title (page, print and Excel)."""
        data = self.cleaned_data
        lines = [f"困难类别:{dict(FileCategory.choices)[data['category']] if data.get('category') else ALL_HARDSHIP}"]
        for name in ("code", "name", "employer"):
            if data.get(name):
                lines.append(f"{self.fields[name].label}包含“{data[name]}”")
        for name in ("gender", "single_parent", "zero_employment"):
            if data.get(name):
                lines.append(f"{self.fields[name].label}:{dict(self.fields[name].choices)[data[name]]}")
        for name, (label, _path) in CODE_CONDITIONS.items():
            if data.get(name) is not None:
                lines.append(f"{label}:{data[name]}")
        for name, (_lookup, label) in RANGE_CONDITIONS.items():
            if data.get(name) is not None:
                lines.append(f"{label}{data[name]}")
        return lines


def active_files() -> QuerySet:
    return WorkerFile.objects.filter(status=FileStatus.ACTIVE)


def file_statistics(form: FileStatisticsForm, *, viewer: Unit, unit: Unit) -> CrossTab:
    """The statistics table of a valid form, for `viewer` looking at `unit`'s areas."""
    return crosstab(
        form.filter(active_files()),
        viewer=viewer,
        unit=unit,
        dimension=DIMENSIONS[form.dimension_key()],
        measures=MEASURES,
        title=TITLE,
        conditions=form.descriptions(),
    )
