"""The household file form (manual 2.2.1.1): the file, its head, and its family members."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from org.attachments import AttachmentForm
from org.forms.account import clean_phone, clean_postal_code
from org.forms.codes import CodeChoiceField, CodesInOneQuery
from org.models import Code, Gender
from records import id_numbers
from records.kit.forms import IdNumberField
from records.models import DISABLED_HEALTH, HARDSHIP_CATEGORIES, FileCategory, Person, WorkerFile

FEMALE_RELATIONS = ("妻", "女", "母", "姐", "妹", "媳", "婆")

# The entry page (records.views) binds the head's form with this prefix to the same POST data
# as the file's form: the file's form reads the head's birth date from it.
HEAD_PREFIX = "head"


def not_after_today(value, label: str, today=None):
    if value is not None and value > (today or timezone.localdate()):
        raise ValidationError(f"{label}不能晚于今天。")
    return value


class PersonFields(CodesInOneQuery, forms.ModelForm):
    """ID number checked by GB 11643 (15 digits are upgraded); birth date and gender are
    filled from it when left empty, and stay editable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = False
        self.fields["gender"].required = False
        # Left empty, the gender comes from the ID number: a radio list needs no blank choice.
        radio = isinstance(self.fields["gender"].widget, forms.RadioSelect)
        self.fields["gender"].choices = Gender.choices if radio else [("", "由身份证号确定"), *Gender.choices]
        self.fields["birth_date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate_unique(self):
        """Not here: an ID number already registered is one of the three cases of manual
        2.2.1.1, which records.services tells apart (restore, convert, or the owning unit)."""

    def clean_birth_date(self):
        return not_after_today(self.cleaned_data["birth_date"], "出生日期")

    def clean(self):
        cleaned = super().clean()
        for name, message in complete_person(cleaned).items():
            self.add_error(name, message)
        return cleaned


def complete_person(cleaned: dict, today=None) -> dict[str, str]:
    """The rules of a person's fields taken together, shared by the entry form and the Excel
    import (records.imports): birth date and gender are filled from the ID number when left
    empty (`cleaned` is completed in place); the faults are returned by field."""
    faults = {}
    number = cleaned.get("id_number")
    if number:
        parsed = id_numbers.validate(number, today=today)
        typed = cleaned.get("birth_date")
        if typed is not None and typed != parsed.birth_date:
            faults["birth_date"] = f"出生日期与身份证号不符(身份证号中的出生日期为{parsed.birth_date:%Y-%m-%d})。"
        cleaned["birth_date"] = typed or parsed.birth_date
        cleaned["gender"] = cleaned.get("gender") or parsed.gender
    health, disability = cleaned.get("health"), cleaned.get("disability_category")
    if health is not None and health.value == DISABLED_HEALTH and disability is None:
        faults["disability_category"] = "健康状况为“残疾”时,必须填写残疾类别。"
    return faults


class HeadForm(PersonFields):
    class Meta:
        model = Person
        fields = ["name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "health",
                  "disability_category", "identity"]  # fmt: skip
        widgets = {"gender": forms.RadioSelect}
        field_classes = {"id_number": IdNumberField}


class MemberForm(PersonFields):
    relation = CodeChoiceField("relation", label="与户主关系", empty_label="请选择")

    class Meta:
        model = Person
        fields = ["name", "relation", "gender", "political_status", "birth_date", "id_number", "health",
                  "disability_category", "monthly_income", "identity", "employer_or_school"]  # fmt: skip
        field_classes = {"id_number": IdNumberField}

    def clean(self):
        cleaned = super().clean()
        relation = cleaned.get("relation")
        if relation is not None and not self.data.get(self.add_prefix("gender")) and not cleaned.get("id_number"):
            # Gender from the relation only when neither the clerk nor the ID number said it.
            cleaned["gender"] = "F" if relation.value.startswith(FEMALE_RELATIONS) else "M"
        return cleaned


class BaseMemberFormSet(forms.BaseFormSet):
    def members(self) -> list[dict]:
        """The members kept: every filled-in row (unchanged ones too, when editing) not marked 删除."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("id_number") and not self._should_delete_form(form)
        ]


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=1, can_delete=True, max_num=20)


class WorkerFileForm(CodesInOneQuery, forms.ModelForm):
    """The file's own fields. `submit_token` makes a double click save one file, not two."""

    submit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = WorkerFile
        fields = [
            "code", "category", "file_date", "model_worker_type", "housing_type", "floor_area", "postal_code",
            "phone", "work_start_date", "industry", "marital_status", "household_registration", "address",
            "employer", "employer_nature", "enterprise_status", "single_parent", "monthly_income",
            "household_annual_income", "household_size", "registration_area", "medical_insurance",
            "self_help_ability", "zero_employment", "hardship_cause", "remarks",
        ]  # fmt: skip
        widgets = {
            "file_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "work_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, temporary: bool, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [FileCategory.TEMPORARY] if temporary else HARDSHIP_CATEGORIES
        self.fields["category"].choices = [(c.value, c.label) for c in allowed]
        if not self.is_bound and not self.initial.get("submit_token"):
            self.initial["submit_token"] = uuid.uuid4().hex

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_file_date(self):
        return not_after_today(self.cleaned_data["file_date"], "建档日期")

    def clean_work_start_date(self):
        return not_after_today(self.cleaned_data["work_start_date"], "参加工作时间")

    def clean(self):
        cleaned = super().clean()
        fault = work_start_fault(cleaned.get("work_start_date"), self._head_birth_date())
        if fault:
            self.add_error("work_start_date", fault)
        return cleaned

    def _head_birth_date(self):
        """The head's birth date as typed on the same page, else the one in the head's ID number;
        None when neither is there or valid (the head's form reports why)."""
        try:
            typed = forms.DateField(required=False).clean(self.data.get(f"{HEAD_PREFIX}-birth_date"))
        except ValidationError:
            typed = None
        if typed is not None:
            return typed
        try:
            return id_numbers.validate(self.data.get(f"{HEAD_PREFIX}-id_number", "")).birth_date
        except ValidationError:
            return None

    def clean_postal_code(self):
        return clean_postal_code(self.cleaned_data["postal_code"])

    def check_household_size(self, members: int) -> None:
        """家庭人口数必须为家庭成员人数 +1 (manual 2.2.1.1 rule 5)."""
        fault = household_size_fault(self.cleaned_data.get("household_size"), members)
        if fault:
            self.add_error("household_size", fault)

    def file_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FileAttachmentForm(AttachmentForm):
    """上传附件 of a household file: its type (code table 附件类型) and the file."""

    kind = forms.ModelChoiceField(label="附件类型", queryset=Code.objects.filter(table__key="attachment_type"))
    field_order = ["kind", "content"]


# The file's rules across fields, shared by the entry form and the Excel import.


def work_start_fault(started, head_born) -> str | None:
    if started is not None and head_born is not None and started < head_born:
        return f"参加工作时间不能早于户主的出生日期({head_born:%Y-%m-%d})。"
    return None


def household_size_fault(size: int | None, members: int) -> str | None:
    """家庭人口数必须为家庭成员人数 +1 (manual 2.2.1.1 rule 5)."""
    if size is not None and size != members + 1:
        return f"家庭人口数必须为家庭成员人数 +1:现有家庭成员 {members} 人,应为 {members + 1}。"
    return None
