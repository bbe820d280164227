"""Issue 20's prefill of 培训统计表 (modules-spec §11) from the unit's own training rows."""

from datetime import date

from tests.records.conftest import code
from tests.records.training.conftest import make_class, make_institution, make_trainee


def test_the_training_form_suggests_the_units_own_training_of_the_quarter(cast):
    street = cast.units["street_a"]
    institution = make_institution(street, certified=True, registered_on=date(2026, 2, 1))
    skills = make_class(institution, planned=20, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 20))
    make_class(institution, planned=8, training_type=code("training_type", "学历教育"), starts_on=date(2026, 6, 30),
               ends_on=date(2026, 7, 10))  # fmt: skip
    make_trainee(skills, certificate=True)
    make_trainee(skills, category=code("trainee_category", "在职人员"))
    make_class(make_institution(cast.units["county_a"]), planned=50)  # the county's level, not the street's

    page = cast.client("street_a").get("/stat-forms/new/?form=training_stats&year=2026&quarter=2")

    form = page.context["form"]
    assert form.suggested == {
        "1A": 1, "2A": 1, "3A": 28, "3B": 20, "3C": 0, "3D": 8, "4A": 1, "4B": 0, "4C": 1, "4D": 0, "5A": 1,
        "7A": 0, "8A": 0, "8B": 0,
    }  # fmt: skip
    assert (form.initial["year"], form.initial["quarter"]) == (2026, 2)
    assert "(建议值)" in page.content.decode()
    later = cast.client("street_a").get("/stat-forms/new/?form=training_stats&year=2026&quarter=3")
    assert later.context["form"].suggested["3A"] == 0 and later.context["form"].suggested["1A"] == 1


def test_the_suggested_values_are_the_users_to_overwrite(cast):
    street_user = cast.users["street_a"]
    quarter = (date.today().month - 1) // 3 + 1  # a past quarter is locked after its deadline
    starts = date(date.today().year, 3 * quarter - 2, 1)
    make_class(make_institution(street_user.unit, registered_on=starts), planned=5, starts_on=starts, ends_on=starts)
    data = {"year": starts.year, "quarter": quarter, "reporter": "张敏", "reported_on": date.today().isoformat(),
            "item_1A": 3, "item_3A": 6, "item_3B": 6}  # fmt: skip
    client = cast.client("street_a")
    assert client.get("/stat-forms/new/?form=training_stats").context["form"].suggested["3A"] == 5

    page = client.post("/stat-forms/new/?form=training_stats", data)

    assert page.status_code == 302
    from records.stat_forms.models import StatForm

    assert StatForm.objects.get(unit=street_user.unit).values == {"1A": 3, "3A": 6, "3B": 6}
