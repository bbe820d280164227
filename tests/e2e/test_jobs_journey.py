"""职业介绍 in the browser (issue 19, "Done when"): a street creates an agency, a recruiter and a
vacancy → reporting the recruiter first is refused with the manual's message → the agency then
the recruiter go up → the vacancy is locked; a county recommends a street's job seeker from the
match list."""

from decimal import Decimal

import pytest

from approvals.models import ReportState
from records.jobs.models import JobAgency, Recommendation, Recruiter, Vacancy
from records.kit import declaration
from tests.e2e.conftest import sign_in
from tests.e2e.test_record_journeys import move, open_module
from tests.records.jobs.conftest import code, make_seeker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save(page) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("已保存").wait_for()


def test_agency_recruiter_vacancy_up_in_order_then_a_county_recommends_from_the_match_list(cast, page):
    agencies, recruiters, vacancies = (declaration.get(k) for k in ("job_agencies", "recruiters", "vacancies"))
    sign_in(page, "street_a")
    open_module(page, agencies)
    page.get_by_role("link", name="新增职介机构").click()
    page.locator("#id_name").fill("浆洗街职业介绍所")
    save(page)
    agency = JobAgency.objects.get()

    page.get_by_role("link", name="增加招聘单位").click()
    page.locator("#id_name").fill("成都机床厂")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("这个字段是必填项").first.wait_for()  # 联系电话, next to its field; nothing saved
    assert not Recruiter.objects.exists()
    page.locator("#id_phone").fill("02888886666")
    save(page)
    recruiter = Recruiter.objects.get()
    assert recruiter.agency == agency

    page.get_by_role("link", name="增加招聘职位").click()
    page.locator("#id_title").fill("维修电工")
    page.locator("#id_trade").fill("电工")
    page.locator("#id_salary_from").fill("3000")
    page.locator("#id_salary_to").fill("2000")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("工资待遇的上限不能小于下限。").wait_for()
    page.locator("#id_salary_to").fill("5000")
    save(page)
    vacancy = Vacancy.objects.get()
    assert vacancy.recruiter == recruiter and page.get_by_role("link", name="编辑").count() == 1

    open_module(page, recruiters)
    move(page, recruiter.pk, "上报选中记录", "招聘单位")
    page.get_by_text("此招聘单位信息不允许先被上报").wait_for()
    assert Recruiter.objects.get().report_state == ReportState.DRAFT
    open_module(page, agencies)
    move(page, agency.pk, "上报选中记录", "职介机构")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()
    open_module(page, recruiters)
    move(page, recruiter.pk, "上报选中记录", "招聘单位")
    page.get_by_text("已上报 1 条至武侯区总工会").wait_for()

    page.goto(vacancies.url("detail", vacancy.pk))
    assert page.get_by_role("link", name="编辑").count() == 0
    assert page.get_by_role("button", name="删除").count() == 0
    page.get_by_text("不能删除:招聘单位已上报,不能增加、修改或删除其招聘职位").wait_for()
    page.goto(recruiters.url("detail", recruiter.pk))
    assert page.get_by_role("link", name="增加招聘职位").count() == 0

    seeker = make_seeker(cast.users["street_a"], intention="电工", expected_salary=Decimal(4000),
                         education=code("education", "高中"))  # fmt: skip
    sign_in(page, "county_a")
    page.goto(declaration.get("job_seekers").url("detail", seeker.pk))
    page.get_by_role("link", name="职位匹配").click()
    page.get_by_role("link", name="维修电工").wait_for()
    page.get_by_role("button", name="推荐").first.click()
    page.get_by_text("推荐至“成都机床厂”的“维修电工”职位").wait_for()
    made = Recommendation.objects.get()
    assert (made.seeker_id, made.vacancy_id, made.unit_id) == (seeker.pk, vacancy.pk, cast.units["county_a"].pk)
    assert made.seeker.employment.value == "已就业"
