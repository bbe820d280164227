"""Job placement as clerks enter it: an agency, its recruiter and vacancy, a job seeker of a
household file, each through the kit's services."""

from datetime import date
from decimal import Decimal

from org.models import Code
from records.kit import services
from records.kit.declaration import get
from tests.records.conftest import make_file


def code(table: str, value: str) -> Code:
    return Code.objects.get(table__key=table, value=value)


def make_agency(actor, **overrides):
    data = {"registered_on": date(2026, 3, 1), "name": "浆洗街职业介绍所", "staff": 3} | overrides
    return services.record_create(actor=actor, module=get("job_agencies"), data=data)


def make_recruiter(actor, agency=None, **overrides):
    data = {"agency": agency or make_agency(actor), "name": "成都机床厂", "phone": "02888886666"} | overrides
    return services.record_create(actor=actor, module=get("recruiters"), data=data)


def make_vacancy(actor, recruiter=None, **overrides):
    data = {
        "recruiter": recruiter or make_recruiter(actor), "title": "维修电工", "openings": 2, "trade": "电工",
        "place": "武侯区", "education": code("education", "初中"), "age_from": 18, "age_to": 55,
        "salary_from": Decimal(3000), "salary_to": Decimal(5000),
    }  # fmt: skip
    return services.record_create(actor=actor, module=get("vacancies"), data=data | overrides)


def make_seeker(actor, file=None, **overrides):
    data = {
        "file": file or make_file(actor), "registered_on": date(2026, 4, 1), "intention": "电工",
        "education": code("education", "高中"), "expected_salary": Decimal(4000), "place": "武侯区",
    }  # fmt: skip
    return services.record_create(actor=actor, module=get("job_seekers"), data=data | overrides)
