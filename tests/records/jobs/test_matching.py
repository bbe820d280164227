"""Matching (issue 19, beyond the manual): the vacancies that fit a job seeker and the seekers
that fit a vacancy, among the rows the viewer's unit sees, ranked by a score in one query; 推荐
from a match row makes the recommendation."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as approvals
from records.jobs import matching
from records.jobs.models import Recommendation, Recruiter
from records.kit.declaration import get
from tests.records.conftest import make_file
from tests.records.jobs.conftest import code, make_recruiter, make_seeker, make_vacancy

pytestmark = pytest.mark.django_db


def reported(actor, recruiter):
    approvals.report_rows(actor=actor, model=type(recruiter.agency), pks=[recruiter.agency_id])
    approvals.report_rows(actor=actor, model=Recruiter, pks=[recruiter.pk])


@pytest.fixture
def board(cast):
    """One seeker (电工, 高中, 4000 元, 武侯区) and vacancies that fit or miss for one reason each."""
    street = cast.users["street_a"]
    recruiter = make_recruiter(street)
    fits = {
        "best": make_vacancy(street, recruiter, title="电工", trade="电工"),  # name 4 + trade 3 + salary 2 + place 2
        "trade_only": make_vacancy(street, recruiter, title="维修工", trade="电工", place="锦江区"),
        "other_place": make_vacancy(street, recruiter, title="高级电工", trade="", place="青羊区"),
    }
    misses = [
        make_vacancy(street, recruiter, title="厨师", trade="厨师"),  # another trade
        make_vacancy(street, recruiter, education=code("education", "本科")),  # above the seeker's
        make_vacancy(street, recruiter, salary_from=Decimal(2000), salary_to=Decimal(3000)),  # below the wish
        make_vacancy(street, recruiter, age_from=18, age_to=30),  # the seeker is older
    ]
    seeker = make_seeker(street)
    return seeker, fits, misses


def test_the_vacancies_that_fit_a_seeker_best_first_in_one_query(cast, board):
    seeker, fits, _misses = board
    with CaptureQueriesContext(connection) as queries:
        found = list(matching.vacancies_for(seeker, cast.units["street_a"]))
    assert len(queries) == 1
    # 电工: name 4 + trade 3 + salary 2 + place 2; 高级电工: name 4 + salary 2; 维修工: trade 3 + salary 2
    assert [(v.pk, v.score) for v in found] == [(fits["best"].pk, 11), (fits["other_place"].pk, 6),
                                               (fits["trade_only"].pk, 5)]  # fmt: skip
    assert "ORDER BY" in queries[0]["sql"] and "CASE WHEN" in queries[0]["sql"]


def test_a_county_matches_only_the_vacancies_whose_recruiter_reached_it(cast, board):
    seeker, fits, _misses = board
    county = cast.units["county_a"]
    assert list(matching.vacancies_for(seeker, county)) == []
    reported(cast.users["street_a"], fits["best"].recruiter)
    assert {v.pk for v in matching.vacancies_for(seeker, county)} == {v.pk for v in fits.values()}
    assert list(matching.vacancies_for(seeker, cast.units["province_b"])) == []


def test_the_seekers_that_fit_a_vacancy_leave_out_the_employed_and_those_that_miss(cast, board):
    seeker, fits, misses = board
    street = cast.users["street_a"]
    cook = make_seeker(street, intention="厨师")
    graduate = make_seeker(street, file=make_file(street), education=code("education", "本科"))
    found = list(matching.seekers_for(fits["best"], street.unit))
    assert [(s.pk, s.score) for s in found] == [(graduate.pk, 11), (seeker.pk, 11)]  # a tie: the newest first
    assert [s.pk for s in matching.seekers_for(misses[1], street.unit)] == [graduate.pk]  # 本科 required
    assert cook.pk not in {s.pk for s in found}
    graduate.employment = code("employment_state", "已就业")
    graduate.save()
    assert [s.pk for s in matching.seekers_for(misses[1], street.unit)] == []


def test_recommend_from_the_match_list_is_one_post(cast, board):
    seeker, fits, _misses = board
    reported(cast.users["street_a"], fits["best"].recruiter)
    client = cast.client("county_a")
    page = client.get(get("job_seekers").url("matches", seeker.pk))
    assert page.status_code == 200 and "维修工" in page.content.decode()
    done = client.post(get("job_seekers").url("recommend", seeker.pk), {"vacancy": fits["best"].pk})
    assert done.status_code == 302 and done.url == get("job_seekers").url("matches", seeker.pk)
    made = Recommendation.objects.get()
    assert (made.vacancy_id, made.unit_id, made.employer) == (fits["best"].pk, cast.units["county_a"].pk, "成都机床厂")
    assert made.seeker.employment.value == "已就业"
    back = client.post(
        get("job_seekers").url("recommend", seeker.pk), {"vacancy": fits["trade_only"].pk, "back": "vacancy"}
    )
    assert back.url == get("vacancies").url("matches", fits["trade_only"].pk)


def test_recommending_to_a_vacancy_the_unit_does_not_see_is_a_404(cast, board):
    seeker, fits, _misses = board  # the recruiter is not reported: the county does not see its vacancies
    done = cast.client("county_a").post(get("job_seekers").url("recommend", seeker.pk), {"vacancy": fits["best"].pk})
    assert done.status_code == 404 and not Recommendation.objects.exists()
