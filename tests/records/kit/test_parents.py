"""The kit's parent/child declarations (declaration.Parent), shared permissions and modules never
reported, as the pages show them — on job placement, the modules that declare them: the parent's
page lists its children with the add link (or why there is none), the add link opens the child's
form with the parent fixed, a form offers only parents the unit may add to, a child entered only
from its parent's page is sent there, the delete button says why a parent stays, and a list of
rows never reported has no state tabs and no 上报/退回."""

import pytest

from approvals import services as approvals
from records.jobs.models import Recruiter, Vacancy
from records.kit import services, wiring
from records.kit.declaration import get
from tests.records.jobs.conftest import make_agency, make_recruiter, make_seeker, make_vacancy

pytestmark = pytest.mark.django_db


def test_the_key_stays_the_audit_key_and_url_namespace_when_modules_share_a_permission():
    recruiters = get("recruiters")
    assert wiring.EVENTS["recruiters"].CREATED.label == "新增招聘单位"
    assert recruiters.url("list") == "/recruiters/"


def test_the_parents_page_lists_its_children_with_the_add_link(cast):
    street = cast.users["street_a"]
    recruiter = make_recruiter(street)
    page = cast.client("street_a").get(get("job_agencies").url("detail", recruiter.agency_id))
    assert page.status_code == 200
    text = page.content.decode()
    assert "成都机床厂" in text and get("recruiters").url("detail", recruiter.pk) in text
    assert f"/recruiters/new/?agency={recruiter.agency_id}" in text and "增加招聘单位" in text
    assert "不能删除:删除失败,当前机构下有信息" in text  # the button's reason, from the same predicate


def test_the_add_link_fixes_the_parent_and_the_form_offers_only_own_parents(cast):
    street = cast.users["street_a"]
    own = make_agency(street)
    theirs = make_agency(cast.users["street_a2"], name="玉林职介所")
    client = cast.client("street_a")
    form = client.get(get("recruiters").url("create")).context["form"]
    assert list(form.fields["agency"].queryset) == [own]
    fixed = client.get(f"{get('recruiters').url('create')}?agency={own.pk}")
    assert "agency" not in fixed.context["form"].fields
    assert client.get(f"{get('recruiters').url('create')}?agency={theirs.pk}").status_code == 404
    saved = client.post(
        f"{get('recruiters').url('create')}?agency={own.pk}",
        {"name": "红旗纺织厂", "phone": "028", "registered_on": "2026-11-02"},
    )
    assert saved.status_code == 302
    assert Recruiter.objects.get(name="红旗纺织厂").agency == own


def test_the_form_says_when_there_is_no_parent_yet(cast):
    page = cast.client("street_a").get(get("recruiters").url("create"))
    assert "本单位还没有可以增加招聘单位的职介机构,请先增加职介机构。" in page.content.decode()
    refused = cast.client("street_a").post(get("recruiters").url("create"), {"name": "机床厂", "phone": "028"})
    assert refused.status_code == 200 and refused.context["form"].errors["agency"]
    assert not Recruiter.objects.exists()


def test_a_reported_recruiters_page_offers_no_new_vacancy_and_says_why(cast):
    street = cast.users["street_a"]
    vacancy = make_vacancy(street)
    recruiter = vacancy.recruiter
    approvals.report_rows(actor=street, model=type(recruiter.agency), pks=[recruiter.agency_id])
    approvals.report_rows(actor=street, model=Recruiter, pks=[recruiter.pk])
    client = cast.client("street_a")
    text = client.get(get("recruiters").url("detail", recruiter.pk)).content.decode()
    assert "增加招聘职位" not in text and "招聘单位已上报,不能增加、修改或删除其招聘职位" in text
    vacancy_page = client.get(get("vacancies").url("detail", vacancy.pk))
    assert not vacancy_page.context["can_edit"] and not vacancy_page.context["can_delete"]
    assert ">打印<" in vacancy_page.content.decode()  # print, Excel and the page remain (7.2.3)
    edit = client.get(get("vacancies").url("edit", vacancy.pk))
    assert edit.status_code == 302 and Vacancy.objects.get(pk=vacancy.pk).title == "维修电工"
    # the county sees the locked vacancy, where it sees its recruiter
    assert cast.client("county_a").get(get("vacancies").url("detail", vacancy.pk)).status_code == 200


def test_a_recommendation_is_entered_from_its_seekers_page_only(cast):
    seeker = make_seeker(cast.users["street_a"])
    client = cast.client("county_a")
    assert client.get(get("recommendations").url("create")).url == get("job_seekers").url("list")
    page = client.get(get("job_seekers").url("detail", seeker.pk)).content.decode()
    assert f"/recommendations/new/?seeker={seeker.pk}" in page
    made = client.post(
        f"{get('recommendations').url('create')}?seeker={seeker.pk}",
        {"recommended_on": "2026-11-02", "employer": "成都机床厂", "success": "True", "phone": "028"},
    )
    assert made.status_code == 302
    assert seeker.recommendations.get().unit == cast.units["county_a"]


def test_a_list_of_rows_never_reported_has_no_states_and_no_moves(cast):
    make_seeker(cast.users["street_a"])
    page = cast.client("county_a").get(get("job_seekers").url("list"))
    assert page.status_code == 200
    assert page.context["state_tabs"] == [] and not page.context["can_report"]
    text = page.content.decode()
    assert "退回选中记录" not in text and "按状态筛选" not in text and "快速上报和退回" not in text
    assert len(page.context["rows"]) == 1  # the street's seeker, seen by the county at once
    moved = cast.client("county_a").post(get("job_seekers").url("list"), {"move": "report", "pks": ["1"]})
    assert moved.status_code == 302


def test_parent_rows_of_a_child_of_a_parent_never_reported_are_those_the_unit_sees(cast):
    seeker = make_seeker(cast.users["street_a"])
    recommendations = get("recommendations")
    assert list(services.parent_rows(cast.users["county_a"], recommendations)) == [seeker]
    assert not services.parent_rows(cast.users["province_b"], recommendations).exists()
