"""The rules of training's own rows (modules-spec §8) on the models and services: the dates of a
class, its 培训人数, a trainee's ID number, the warning past 培训人数, the 培训统计表 figures."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from records.training import services
from records.training.models import ENDS_BEFORE_START, Trainee, TrainingClass
from tests.records.conftest import code, id_number
from tests.records.training.conftest import make_class, make_institution, make_trainee


def test_a_class_cannot_end_before_it_starts_in_the_form_or_the_database(cast):
    institution = make_institution(cast.units["street_a"])
    wrong = TrainingClass(institution=institution, planned=5, session="1", topic="电工", starts_on=date(2026, 5, 2),
                          ends_on=date(2026, 5, 1), training_type=code("training_type", "技能培训"))  # fmt: skip
    wrong.place_at_owner(institution.unit)
    with pytest.raises(ValidationError) as refused:
        wrong.full_clean()
    assert refused.value.message_dict["ends_on"] == [ENDS_BEFORE_START]
    with pytest.raises(IntegrityError, match="training_class_ends_after_start"), transaction.atomic():
        wrong.save()
    wrong.ends_on = wrong.starts_on  # a one-day class
    wrong.full_clean()


def test_a_class_trains_at_least_one_person(cast):
    training_class = make_class(make_institution(cast.units["street_a"]))
    training_class.planned = 0
    with pytest.raises(ValidationError) as refused:
        training_class.full_clean()
    assert "planned" in refused.value.message_dict
    with pytest.raises(IntegrityError, match="planned_at_least_one"), transaction.atomic():
        training_class.save()


def test_a_trainee_gender_and_birth_date_follow_the_number_when_left_blank(cast):
    training_class = make_class(make_institution(cast.units["street_a"]))
    trainee = Trainee(training_class=training_class, name="李秀英", id_number=id_number("19900301", female=True),
                      category=code("trainee_category", "农民工"))  # fmt: skip
    trainee.place_at_owner(training_class.unit)
    trainee.full_clean()
    assert (trainee.gender, trainee.birth_date) == ("F", date(1990, 3, 1))
    trainee.birth_date = date(1990, 3, 2)  # derived, still editable (DESIGN.md §4)
    trainee.full_clean()
    assert trainee.birth_date == date(1990, 3, 2)


def test_a_person_is_in_a_class_once(cast):
    training_class = make_class(make_institution(cast.units["street_a"]))
    first = make_trainee(training_class)
    with pytest.raises(IntegrityError, match="training_trainee_once_per_class"), transaction.atomic():
        make_trainee(training_class, id_number=first.id_number)


def test_more_trainees_than_planned_is_a_warning_not_a_refusal(cast):
    training_class = make_class(make_institution(cast.units["street_a"]), planned=2)
    make_trainee(training_class)
    make_trainee(training_class)
    assert services.beyond_planned(training_class) == ""
    make_trainee(training_class)
    assert services.beyond_planned(training_class) == (
        "培训班“数控车床操作 1”已有学员 3 人,超过培训人数 2 人,请核对。"
    )
    assert training_class.trainees.count() == 3


def test_the_quarter_span():
    assert services.quarter_span(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert services.quarter_span(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_the_quarter_figures_read_the_units_own_level_only(cast):
    street, county = cast.units["street_a"], cast.units["county_a"]
    base = make_institution(street, certified=True, employment_base=True, registered_on=date(2026, 1, 5))
    make_institution(street, name="未认证机构", registered_on=date(2026, 5, 1))
    make_institution(street, name="下季度登记", registered_on=date(2026, 7, 1))
    skills = make_class(base, planned=30)
    startup = make_class(base, planned=12, training_type=code("training_type", "创业培训"), topic="创业")
    make_class(base, planned=50, starts_on=date(2026, 3, 30), ends_on=date(2026, 4, 2))  # the quarter before
    make_trainee(skills, certificate=True, employed_after=True)
    make_trainee(skills, category=code("trainee_category", "农民工"))
    make_trainee(startup, category=code("trainee_category", "在读人员"), employed_after=True)
    make_class(make_institution(county), planned=99)  # the county's own level, not the street's

    figures = services.quarter_figures(street, 2026, 2)

    assert figures == {
        "institutions": 2, "certified": 1, "bases": 1,
        "trained": 42, "skills": 30, "startup": 12, "degree": 0,
        "laid_off": 1, "migrants": 1, "in_work": 0, "students": 1,
        "certificates": 1, "base_trainees": 3, "base_employed": 2,
    }  # fmt: skip
    assert services.quarter_figures(county, 2026, 2)["trained"] == 99
