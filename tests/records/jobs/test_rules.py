"""The rules of job placement (manual ch. 7) on the real modules, at several depths: a recruiter
is not reported before its agency (此招聘单位信息不允许先被上报, 7.2.2), an agency is not returned
while a recruiter of it sits above (7.1.2), an agency with recruiters is not deleted (删除失败,
当前机构下有信息), no recruiter without an agency (7.2.1), vacancies locked once their recruiter
is reported (7.2.3), job seekers seen upward at once, recommendations added and deleted only,
a successful one marking the seeker 已就业 (7.3.3)."""

import pytest

from approvals import registry
from approvals import services as approvals
from approvals.models import ReportState
from approvals.selectors import visible_to
from org.errors import DomainError
from org.models import Module
from records.jobs.models import JobAgency, JobSeeker, Recommendation, Recruiter, Vacancy
from records.kit import services
from records.kit.declaration import get
from tests.conftest import make_user
from tests.records.jobs.conftest import code, make_agency, make_recruiter, make_seeker, make_vacancy

pytestmark = pytest.mark.django_db

REFUSED_FIRST = "此招聘单位信息不允许先被上报"


def where(row):
    row = type(row).objects.get(pk=row.pk)
    return row.holder_id, row.report_state


def report(actor, row):
    return approvals.report_rows(actor=actor, model=type(row), pks=[row.pk])


def test_the_five_modules_share_one_permission_and_one_reporting_module():
    modules = [get(key) for key in ("job_agencies", "recruiters", "vacancies", "job_seekers", "recommendations")]
    assert {module.permission for module in modules} == {Module.JOBS}
    assert registry.get(Module.JOBS).models == (JobAgency, Recruiter)
    assert [module.reported for module in modules] == [True, True, False, False, False]


def test_a_recruiter_before_its_agency_is_refused_with_the_manuals_message_at_every_depth(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    recruiter = make_recruiter(street)
    agency = recruiter.agency
    result = report(street, recruiter)
    assert result.moved == 0 and REFUSED_FIRST in result.refused[0].reason
    assert report(street, agency).moved == 1
    assert report(street, recruiter).moved == 1  # street → county, after its agency
    # county → city: the recruiter again waits for its agency
    result = report(county, recruiter)
    assert result.moved == 0 and REFUSED_FIRST in result.refused[0].reason
    assert report(county, agency).moved == 1 and report(county, recruiter).moved == 1
    assert where(recruiter) == (cast.units["city_a"].pk, ReportState.REPORTED)
    assert visible_to(Recruiter.objects.all(), cast.units["city_a"]).get() == recruiter
    assert not visible_to(Recruiter.objects.all(), cast.units["province_a"]).exists()


def test_an_agency_is_not_returned_while_a_recruiter_sits_above_and_is_once_it_is_back(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    recruiter = make_recruiter(street)
    agency = recruiter.agency
    report(street, agency), report(street, recruiter)
    result = approvals.return_rows(actor=county, model=JobAgency, pks=[agency.pk])
    assert result.moved == 0 and "已上报的招聘单位" in result.refused[0].reason
    assert approvals.return_rows(actor=county, model=Recruiter, pks=[recruiter.pk]).moved == 1
    assert approvals.return_rows(actor=county, model=JobAgency, pks=[agency.pk]).moved == 1
    assert where(agency) == (cast.units["street_a"].pk, ReportState.RETURNED)


def test_the_return_refusal_holds_two_levels_up(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    recruiter = make_recruiter(street)
    agency = recruiter.agency
    for actor in (street, county):
        report(actor, agency), report(actor, recruiter)
    city_clerk = make_user("city_a_jobs", cast.units["city_a"], [Module.JOBS])
    result = approvals.return_rows(actor=city_clerk, model=JobAgency, pks=[agency.pk])
    assert result.moved == 0 and result.refused
    quick = approvals.quick_return(actor=city_clerk, module_key=Module.JOBS, child=cast.units["county_a"])
    assert quick.moved == 2  # recruiters first, then the agency
    assert where(agency)[0] == where(recruiter)[0] == cast.units["county_a"].pk


def test_an_agency_with_recruiters_is_not_deleted(cast):
    street = cast.users["street_a"]
    recruiter = make_recruiter(street)
    agencies = get("job_agencies")
    assert services.delete_refusal(agencies, recruiter.agency) == "删除失败,当前机构下有信息"
    with pytest.raises(DomainError, match="删除失败,当前机构下有信息"):
        services.record_delete(actor=street, module=agencies, row=recruiter.agency)
    assert JobAgency.objects.filter(pk=recruiter.agency_id).exists()


def test_no_recruiter_without_an_agency_of_the_own_unit(cast):
    street = cast.users["street_a"]
    with pytest.raises(DomainError) as refused:
        services.record_create(actor=street, module=get("recruiters"), data={"name": "机床厂", "phone": "1"})
    assert refused.value.field == "agency"
    other = make_agency(cast.users["street_a2"])
    with pytest.raises(DomainError):
        make_recruiter(street, agency=other)
    assert not Recruiter.objects.exists()


def test_vacancies_are_locked_once_their_recruiter_is_reported(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    vacancy = make_vacancy(street)
    recruiter = vacancy.recruiter
    vacancies = get("vacancies")
    assert services.can_edit(street, vacancies, vacancy)
    report(street, recruiter.agency), report(street, recruiter)
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    assert not services.can_edit(street, vacancies, vacancy) and not services.can_delete(street, vacancies, vacancy)
    locked = "招聘单位已上报,不能增加、修改或删除其招聘职位"
    with pytest.raises(DomainError, match=locked):
        services.record_update(actor=street, module=vacancies, row=vacancy, data={"title": "电焊工"})
    with pytest.raises(DomainError, match=locked):
        services.record_delete(actor=street, module=vacancies, row=vacancy)
    with pytest.raises(DomainError, match=locked):
        make_vacancy(street, recruiter=recruiter)
    # seen where its recruiter is: the county now, not the city
    assert visible_to(Vacancy.objects.all(), county.unit).get() == vacancy
    assert not visible_to(Vacancy.objects.all(), cast.units["city_a"]).exists()
    approvals.return_rows(actor=county, model=Recruiter, pks=[recruiter.pk])
    assert services.can_edit(street, vacancies, Vacancy.objects.get(pk=vacancy.pk))  # back: unlocked


def test_a_vacancy_is_only_of_a_recruiter_of_the_own_unit(cast):
    other = make_recruiter(cast.users["street_a2"])
    with pytest.raises(DomainError):
        make_vacancy(cast.users["street_a"], recruiter=other)


def test_a_vacancy_age_range_in_order(cast):
    with pytest.raises(DomainError, match="年龄要求的上限不能小于下限") as refused:
        make_vacancy(cast.users["street_a"], age_from=50, age_to=30)
    assert refused.value.field == "age_to"


def test_job_seekers_are_seen_upward_at_once_and_written_by_their_owner_only(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    seeker = make_seeker(street)
    assert seeker.employment.value == "待业"
    for unit in ("street_a", "county_a", "city_a", "province_a", "national"):
        assert visible_to(JobSeeker.objects.all(), cast.units[unit]).filter(pk=seeker.pk).exists(), unit
    for unit in ("street_a2", "county_a2", "province_b"):
        assert not visible_to(JobSeeker.objects.all(), cast.units[unit]).exists(), unit
    seekers = get("job_seekers")
    assert services.can_edit(street, seekers, seeker) and not services.can_edit(county, seekers, seeker)
    with pytest.raises(DomainError):
        services.record_delete(actor=county, module=seekers, row=seeker)


def test_a_county_recommends_a_street_seeker_and_a_success_marks_them_employed(cast):
    street, county = cast.users["street_a"], cast.users["county_a"]
    seeker = make_seeker(street)
    recommendations = get("recommendations")
    data = {"seeker": seeker, "employer": "成都机床厂", "phone": "02888886666", "success": False}
    first = services.record_create(actor=county, module=recommendations, data=data)
    assert JobSeeker.objects.get(pk=seeker.pk).employment.value == "已推荐"
    services.record_create(actor=county, module=recommendations, data=data | {"success": True})
    assert JobSeeker.objects.get(pk=seeker.pk).employment == code("employment_state", "已就业")
    # filed under the seeker's path, so seen wherever the seeker is: by the street too; deleted
    # only by the recommending county
    assert (first.unit_id, first.unit_path) == (county.unit_id, seeker.unit_path)
    assert visible_to(Recommendation.objects.all(), street.unit).count() == 2
    assert not services.can_edit(county, recommendations, first)  # added and deleted only
    assert "只能增加和删除" in services.edit_refusal(county, recommendations, first)
    assert not services.can_delete(street, recommendations, first)
    services.record_delete(actor=county, module=recommendations, row=first)
    assert Recommendation.objects.count() == 1


def test_a_seeker_with_recommendations_is_not_deleted(cast):
    street = cast.users["street_a"]
    seeker = make_seeker(street)
    services.record_create(actor=street, module=get("recommendations"),
                           data={"seeker": seeker, "employer": "成都机床厂", "phone": "1"})  # fmt: skip
    assert services.delete_refusal(get("job_seekers"), seeker) == "删除失败,该人才已有推荐信息"


def test_one_seeker_per_household_file(cast):
    street = cast.users["street_a"]
    seeker = make_seeker(street)
    with pytest.raises(DomainError) as refused:
        make_seeker(street, file=seeker.file)
    assert JobSeeker.objects.count() == 1, refused.value.message


def test_a_recruiter_with_vacancies_is_not_deleted(cast):
    vacancy = make_vacancy(cast.users["street_a"])
    with pytest.raises(DomainError, match="删除失败,当前招聘单位下有招聘职位信息"):
        services.record_delete(actor=cast.users["street_a"], module=get("recruiters"), row=vacancy.recruiter)
