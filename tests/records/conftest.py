import itertools
from datetime import date

import pytest

from org.models import Code
from records import id_numbers, services

_serial = itertools.count(1)


def id_number(birth: str = "19800101", *, female: bool = False, area: str = "510107") -> str:
    """A valid, fresh 18-digit ID number."""
    n = next(_serial)
    sequence = f"{(n * 2) % 1000:03d}" if female else f"{(n * 2 + 1) % 1000:03d}"
    first17 = f"{area}{birth}{sequence[:2]}{sequence[2]}"
    return first17 + id_numbers.check_character(first17)


def code(table: str, value: str) -> Code:
    return Code.objects.get(table__key=table, value=value)


def head_data(**overrides) -> dict:
    number = overrides.pop("id_number", None) or id_number("19750315")
    parsed = id_numbers.validate(number)
    data = {
        "id_number": parsed.number, "name": "张三", "gender": parsed.gender, "birth_date": parsed.birth_date,
        "ethnicity": code("ethnicity", "汉族"), "political_status": code("political_status", "群众"),
        "health": code("health", "健康"), "disability_category": None, "monthly_income": 1200,
        "identity": code("identity", "职工"), "employer_or_school": "成都机床厂",
    }  # fmt: skip
    return data | overrides


def member_data(relation: str = "妻子", **overrides) -> dict:
    number = overrides.pop("id_number", None) or id_number("19780520", female=True)
    parsed = id_numbers.validate(number)
    data = head_data(id_number=number, name="李四", gender=parsed.gender) | {
        "relation": code("relation", relation),
        "employer_or_school": "",
        "monthly_income": 0,
    }
    return data | overrides


def file_data(**overrides) -> dict:
    data = {
        "code": f"JX{next(_serial):04d}", "category": "subsistence", "file_date": date(2026, 3, 1),
        "model_worker_type": None, "housing_type": None, "floor_area": None, "postal_code": "610041",
        "phone": "028-85550000", "work_start_date": None, "industry": None, "marital_status": None,
        "household_registration": None, "address": "成都市武侯区浆洗街 1 号", "employer": "成都机床厂",
        "employer_nature": None, "enterprise_status": None, "single_parent": False, "monthly_income": 1200,
        "household_annual_income": 30000, "household_size": 2, "registration_area": "", "medical_insurance": None,
        "self_help_ability": None, "zero_employment": False, "hardship_cause": None, "remarks": "",
    }  # fmt: skip
    return data | overrides


def make_file(actor, *, members=1, **overrides):
    member_list = [member_data(name=f"成员{i}") for i in range(members)]
    data = file_data(household_size=members + 1) | overrides
    return services.file_create(actor=actor, data=data, head=head_data(), members=member_list)


@pytest.fixture
def clerk(cast):
    return cast.users["street_a"]


def make_file_attachment(file, actor, *, name: str = "身份证复印件.jpg"):
    from records.models import FileAttachment
    from tests.bulletins.conftest import upload

    kind = Code.objects.get(table__key="attachment_type", value="身份证复印件")
    return FileAttachment.objects.create(worker_file=file, kind=kind, content=upload(name), name=name, size=13,
                                         uploaded_by=actor)  # fmt: skip
