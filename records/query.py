"""职工档案查询 (manual 2.2.7): every field of a file as a condition, the head's fields, the
members' health, the kind of file, and 包含下级数据.

The conditions are derived from the models, so a field added to WorkerFile becomes a
condition by itself: text contains, code tables and choices as selects, booleans as
是/否/任意, dates and numbers as 从/到 ranges. `filter_files` turns a valid form's data into
filters on a WorkerFile queryset; visibility stays the list machinery's business.
"""

import re
from dataclasses import dataclass

from django import forms
from django.db import models
from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet

from org.models import Code, code_table_of
from org.selectors import text_contains
from records import id_numbers
from records.models import FamilyMember, FileKind, Person, WorkerFile

TEXT, CHOICE, CODE, BOOL, DATES, DECIMALS, INTEGERS, ID_NUMBER = (
    "text", "choice", "code", "bool", "dates", "decimals", "integers", "id_number",
)  # fmt: skip
RANGES = (DATES, DECIMALS, INTEGERS)

# Not conditions: the reporting fields (the list's state tabs and unit selector cover them),
# the head (its own section), status (档案类别 covers it).
FILE_FIELDS_LEFT_OUT = {"unit", "head", "status"}
HEAD_FIELDS = ["name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "health",
               "disability_category", "identity"]  # fmt: skip
KIND_CHOICES = [("", "全部"), *FileKind.choices]
# The file keeps a copy of its head's name (WorkerFile.head_name): a name search reads the
# file's index entries instead of joining every head in scope.
COPIED_PATHS = {"head__name": "head_name"}
ANY_YES_NO = [("", "任意"), ("1", "是"), ("0", "否")]
_ID_NUMBER = re.compile(r"[0-9]{15}|[0-9]{17}[0-9X]")


@dataclass(frozen=True)
class Condition:
    name: str  # the form field's name; ranges use name_from and name_to
    path: str  # the ORM lookup path
    kind: str
    label: str
    table: str = ""  # code table key (CODE)
    choices: tuple = ()  # (CHOICE)

    @property
    def field_names(self) -> list[str]:
        return [f"{self.name}_from", f"{self.name}_to"] if self.kind in RANGES else [self.name]


def _kind_of(field) -> str | None:
    if isinstance(field, models.ForeignKey):
        return CODE if field.related_model is Code else None
    if isinstance(field, models.BooleanField):
        return BOOL
    if isinstance(field, models.DateField):
        return DATES
    if isinstance(field, models.DecimalField):
        return DECIMALS
    if isinstance(field, models.IntegerField):
        return INTEGERS
    if isinstance(field, (models.CharField, models.TextField)):
        return CHOICE if field.choices else TEXT
    return None


def _condition(field, name: str, path: str) -> Condition | None:
    kind = _kind_of(field)
    if kind is None:
        return None
    table = (code_table_of(field) or "") if kind == CODE else ""
    return Condition(name, path, kind, str(field.verbose_name), table, tuple(field.choices or ()))


def file_conditions() -> list[Condition]:
    """Every editable field of a file, in the model's order."""
    conditions = []
    for field in WorkerFile._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name in FILE_FIELDS_LEFT_OUT:
            continue
        condition = _condition(field, field.name, field.name)
        if condition is not None:
            conditions.append(condition)
    return conditions


def head_conditions() -> list[Condition]:
    conditions = []
    for name in HEAD_FIELDS:
        field = Person._meta.get_field(name)
        if name == "id_number":
            conditions.append(Condition("head_id_number", "head__id_number", ID_NUMBER, "身份证号"))
        else:
            conditions.append(_condition(field, f"head_{name}", f"head__{name}"))
    return conditions


PER_CAPITA = Condition("per_capita_income", "per_capita_income", DECIMALS, "家庭年人均收入(元)")
MEMBER_HEALTH = Condition("member_health", "members__person__health", CODE, "成员健康状况", table="health")
FILE_CONDITIONS = [*file_conditions(), PER_CAPITA]
HEAD_CONDITIONS = head_conditions()
SECTIONS = [("档案信息", FILE_CONDITIONS), ("户主信息", HEAD_CONDITIONS), ("家庭成员", [MEMBER_HEALTH])]
CONDITIONS = [c for _title, conditions in SECTIONS for c in conditions]


def _form_fields(condition: Condition, codes: dict[str, list]) -> dict[str, forms.Field]:
    label = condition.label
    if condition.kind == TEXT:
        return {condition.name: forms.CharField(label=label, required=False, max_length=200)}
    if condition.kind == ID_NUMBER:
        return {condition.name: forms.CharField(label=label, required=False, max_length=30)}
    if condition.kind == CHOICE:
        return {
            condition.name: forms.ChoiceField(label=label, required=False, choices=[("", "全部"), *condition.choices])
        }
    if condition.kind == CODE:
        choices = [("", "全部"), *codes.get(condition.table, [])]
        return {condition.name: forms.TypedChoiceField(label=label, required=False, choices=choices, coerce=int)}
    if condition.kind == BOOL:
        return {condition.name: forms.ChoiceField(label=label, required=False, choices=ANY_YES_NO,
                                                  widget=forms.RadioSelect, initial="")}  # fmt: skip
    make = {
        DATES: lambda: forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"})),
        DECIMALS: lambda: forms.DecimalField(required=False, max_digits=14, decimal_places=2),
        INTEGERS: lambda: forms.IntegerField(required=False, min_value=0, max_value=32767),
    }[condition.kind]
    low, high = make(), make()
    low.label, high.label = f"{label}从", f"{label}到"
    return {f"{condition.name}_from": low, f"{condition.name}_to": high}


class FileQueryForm(forms.Form):
    # Marks a submitted query: the page shows no results before 查询 is pressed.
    q = forms.CharField(widget=forms.HiddenInput, required=False, initial="1")
    kind = forms.ChoiceField(label="档案类别", choices=KIND_CHOICES, required=False)
    include_subordinates = forms.BooleanField(label="包含下级数据", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tables = {c.table for c in CONDITIONS if c.kind == CODE}
        codes: dict[str, list] = {}
        # One query for every code-table select of the form.
        for pk, value, table in Code.objects.filter(table__key__in=tables).values_list("pk", "value", "table__key"):
            codes.setdefault(table, []).append((pk, value))
        for condition in CONDITIONS:
            self.fields.update(_form_fields(condition, codes))

    @property
    def submitted(self) -> bool:
        return self.is_bound and bool(self.data.get("q"))

    def clean_head_id_number(self):
        number = id_numbers.normalize(self.cleaned_data["head_id_number"])
        if number and not _ID_NUMBER.fullmatch(number):
            raise forms.ValidationError("身份证号应为 15 位或 18 位数字(18 位的末位可为 X)。")
        return number

    def clean(self):
        data = super().clean()
        for condition in CONDITIONS:
            if condition.kind not in RANGES:
                continue
            low, high = data.get(f"{condition.name}_from"), data.get(f"{condition.name}_to")
            if low is not None and high is not None and low > high:
                word = "早于" if condition.kind == DATES else "小于"
                self.add_error(f"{condition.name}_to", f"“到”不能{word}“从”。")
        return data

    def sections(self) -> list[tuple[str, list[dict]]]:
        """The conditions grouped for the template: each a label and its one or two fields."""
        return [
            (title, [{"condition": c, "range": c.kind in RANGES, "fields": [self[n] for n in c.field_names]}
                     for c in conditions])
            for title, conditions in SECTIONS
        ]  # fmt: skip


def _condition_q(condition: Condition, data: dict) -> Q | None:
    if condition.kind in RANGES:
        low, high = data.get(f"{condition.name}_from"), data.get(f"{condition.name}_to")
        q = Q()
        if low is not None:
            q &= Q(**{f"{condition.path}__gte": low})
        if high is not None:
            q &= Q(**{f"{condition.path}__lte": high})
        return q or None
    value = data.get(condition.name)
    if value in (None, ""):
        return None
    if condition.kind == TEXT:
        return text_contains(COPIED_PATHS.get(condition.path, condition.path), value)
    if condition.kind == BOOL:
        return Q(**{condition.path: value == "1"})
    if condition.kind == CODE:
        return Q(**{f"{condition.path}_id": value})
    if condition.kind == ID_NUMBER and len(value) == 15:
        # Legacy files may still hold the 15-digit form.
        return Q(**{condition.path: value}) | Q(**{condition.path: id_numbers.upgrade_15(value)})
    return Q(**{condition.path: value})


def filter_files(queryset: QuerySet, data: dict, *, kinds: dict, unit) -> QuerySet:
    """The files matching a valid FileQueryForm's data. Without 包含下级数据 only files owned by
    `unit` (the selected unit); `kinds` maps 档案类别 to its Q (records.views.FileListView)."""
    if not data.get("include_subordinates"):
        queryset = queryset.filter(unit=unit)
    if data.get("kind") in kinds:
        queryset = queryset.filter(kinds[data["kind"]][1])
    if data.get("per_capita_income_from") is not None or data.get("per_capita_income_to") is not None:
        per_capita = ExpressionWrapper(
            F("household_annual_income") / F("household_size"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
        queryset = queryset.alias(per_capita_income=per_capita)
    for condition in FILE_CONDITIONS + HEAD_CONDITIONS:
        q = _condition_q(condition, data)
        if q is not None:
            queryset = queryset.filter(q)
    if data.get(MEMBER_HEALTH.name):
        members = FamilyMember.objects.filter(file=OuterRef("pk"), person__health_id=data[MEMBER_HEALTH.name])
        queryset = queryset.filter(Exists(members))
    return queryset
