"""Implausible values on the household-file entry form (issue 14 item 6): negative money and
areas, dates after today, a working life before birth, a birth date the ID number contradicts."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from records.models import Person, WorkerFile
from tests.records.conftest import head_data, id_number, make_file, member_data
from tests.records.test_files import post_data

pytestmark = pytest.mark.django_db


def post(cast, data):
    before = WorkerFile.objects.count()
    response = cast.client("street_a").post(reverse("files:create"), data)
    assert response.status_code == 200
    assert WorkerFile.objects.count() == before
    return response.context


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("monthly_income", "-1", "月收入不能为负数。"),
        ("household_annual_income", "-30000", "家庭年度总收入不能为负数。"),
        ("floor_area", "-45.5", "建筑面积不能为负数。"),
        ("file_date", "2999-01-01", "建档日期不能晚于今天。"),
        ("work_start_date", "2999-01-01", "参加工作时间不能晚于今天。"),
    ],
)
def test_entry_form_refuses_an_implausible_file_value_next_to_its_field(cast, field, value, message):
    context = post(cast, post_data(**{field: value}))
    assert context["file_form"].errors[field] == [message]


def test_entry_form_refuses_a_work_start_before_the_heads_birth(cast):
    head = head_data(id_number=id_number("19750315"))
    context = post(cast, post_data(head=head, work_start_date="1970-09-01"))
    assert context["file_form"].errors["work_start_date"] == ["参加工作时间不能早于户主的出生日期(1975-03-15)。"]


def test_entry_form_refuses_a_head_birth_date_the_id_number_contradicts(cast):
    head = head_data(id_number=id_number("19750315")) | {"birth_date": "1976-03-15"}
    context = post(cast, post_data(head=head))
    assert context["head_form"].errors["birth_date"] == ["出生日期与身份证号不符(身份证号中的出生日期为1975-03-15)。"]


def test_entry_form_refuses_a_member_birth_date_the_id_number_contradicts(cast):
    member = member_data(id_number=id_number("19780520", female=True)) | {"birth_date": "1978-05-21"}
    context = post(cast, post_data(members=[member]))
    errors = context["member_formset"].forms[0].errors
    assert errors["birth_date"] == ["出生日期与身份证号不符(身份证号中的出生日期为1978-05-20)。"]


def test_entry_form_refuses_a_members_negative_income(cast):
    context = post(cast, post_data(members=[member_data(monthly_income="-500")]))
    assert context["member_formset"].forms[0].errors["monthly_income"] == ["月收入不能为负数。"]


def test_entry_form_accepts_zero_amounts_and_todays_dates(cast):
    today = timezone.localdate().isoformat()
    data = post_data(monthly_income="0", household_annual_income="0", floor_area="0", file_date=today,
                     work_start_date=today)  # fmt: skip
    response = cast.client("street_a").post(reverse("files:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    file = WorkerFile.objects.get()
    assert file.floor_area == Decimal("0") and file.file_date == date.fromisoformat(today)


@pytest.mark.parametrize("field", ["monthly_income", "household_annual_income", "floor_area"])
def test_database_refuses_a_negative_file_amount(clerk, field):
    file = make_file(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkerFile.objects.filter(pk=file.pk).update(**{field: Decimal("-1")})


def test_database_refuses_a_persons_negative_income(clerk):
    file = make_file(clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=file.head_id).update(monthly_income=Decimal("-0.01"))
