"""已修改 (issue 17 item 16): a household file edited by its owner after it reached a superior
shows 已修改 to the units above — on the list's rows, in a tab and a filter box of its own, and
on the file's page with what changed since it was last reported; reporting it again clears it.
And 2.8.2: the migrant workers' problem files have their own list."""

import copy

import pytest

from approvals import services as approvals
from records import services
from records.models import MIGRANT_IDENTITY, WorkerFile
from tests.records.conftest import code, file_data, head_data, member_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(cast):
    return cast.users["street_a"]


def entered(clerk):
    """A file and the data it was entered with (what its form would send back unchanged)."""
    data, head, members = file_data(), head_data(), [member_data()]
    file = services.file_create(
        actor=clerk, data=copy.deepcopy(data), head=copy.deepcopy(head), members=copy.deepcopy(members)
    )
    return file, (data, head, members)


def edit(clerk, file, data, head, members, **changes):
    services.file_update(
        actor=clerk, file=WorkerFile.objects.get(pk=file.pk), data=copy.deepcopy(data) | changes,
        head=copy.deepcopy(head), members=copy.deepcopy(members),
    )  # fmt: skip
    return WorkerFile.objects.get(pk=file.pk)


def rows_of(response) -> dict:
    return {row["pk"]: row for row in response.context["rows"]}


def test_an_edit_after_reporting_is_changed_to_the_units_above(cast, clerk):
    file, sent = entered(clerk)
    other, _ = entered(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk, other.pk])
    assert edit(clerk, file, *sent, address="成都市武侯区新南路 8 号").changed_since_report
    county = cast.client("county_a")
    listed = county.get("/files/")
    assert rows_of(listed)[file.pk]["note"] == "已修改" and "note" not in rows_of(listed)[other.pk]
    assert listed.context["counts"]["changed_tab"]["count"] == "1"
    assert '<span class="state state-received">已修改</span> <span class="count">1</span>' in listed.content.decode()
    tab = county.get("/files/", {"changed": "1"})
    assert set(rows_of(tab)) == {file.pk} and tab.context["counts"]["changed_tab"]["active"]
    assert county.get(f"/files/{file.pk}/").content.decode().count("上报后填报单位修改了本档案") == 1
    # The owner knows what it changed: no note, no count, nothing on its page.
    own = cast.client("street_a").get("/files/")
    assert "note" not in rows_of(own)[file.pk] and own.context["counts"]["changed_tab"]["count"] == "0"
    assert "上报后填报单位修改了本档案" not in cast.client("street_a").get(f"/files/{file.pk}/").content.decode()


def test_a_save_that_changes_nothing_or_an_edit_before_reporting_is_not_changed(cast, clerk):
    file, sent = entered(clerk)
    assert not edit(clerk, file, *sent, address="改在上报前").changed_since_report
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    assert not edit(clerk, file, *sent, address="改在上报前").changed_since_report


def test_a_family_members_change_is_a_change(cast, clerk):
    file, (data, head, members) = entered(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    members = [members[0] | {"name": "李四改"}]
    assert edit(clerk, file, data, head, members).changed_since_report


def test_reporting_again_clears_it(cast, clerk):
    file, sent = entered(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    edit(clerk, file, *sent, address="改一")
    county = cast.users["county_a"]
    approvals.report_rows(actor=county, model=WorkerFile, pks=[file.pk])  # the county passes it on as it is
    assert not WorkerFile.objects.get(pk=file.pk).changed_since_report
    edit(clerk, file, *sent, address="改二")
    assert WorkerFile.objects.get(pk=file.pk).changed_since_report
    assert cast.client("county_a").get("/files/", {"changed": "1"}).context["counts"]["changed_tab"]["count"] == "1"


def test_the_filter_box_keeps_it(cast, clerk):
    file, sent = entered(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    edit(clerk, file, *sent, address="改一")
    page = cast.client("county_a").get("/files/", {"changed": "1", "head_name": "张"})
    assert set(rows_of(page)) == {file.pk}
    assert 'name="changed"' in page.content.decode() and "只看上报后已修改" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_page_says_what_changed_since_the_last_report(cast, clerk):
    """Each step commits, as the requests do: the history's times are the transactions'."""
    file, sent = entered(clerk)
    edit(clerk, file, *sent, phone="028-11112222")  # before the report: not shown as a change
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    edit(clerk, file, *sent, phone="028-11112222", address="成都市武侯区新南路 8 号")
    page = cast.client("county_a").get(f"/files/{file.pk}/").content.decode()
    start = page.index('id="changes"')
    changes = page[start : page.index("</section>", start)]
    assert "上次上报时间" in changes and "新南路 8 号" in changes and "028-11112222" not in changes


def test_the_migrant_workers_problem_files_have_their_list(cast, clerk):
    head = head_data(identity=code("identity", MIGRANT_IDENTITY))
    problem_migrant = services.file_create(actor=clerk, data=file_data(household_size=4), head=head, members=[])
    problem_worker = services.file_create(actor=clerk, data=file_data(household_size=4), head=head_data(), members=[])
    fine_migrant = services.file_create(
        actor=clerk, data=file_data(household_size=1), head=head_data(identity=code("identity", MIGRANT_IDENTITY)),
        members=[],
    )  # fmt: skip
    client = cast.client("street_a")
    listed = set(rows_of(client.get("/files/migrant_problems/")))
    assert listed == {problem_migrant.pk}
    assert {problem_migrant.pk, problem_worker.pk} <= set(rows_of(client.get("/files/problems/")))
    assert fine_migrant.pk not in listed
    assert "农民工问题档案" in client.get("/files/migrant/").content.decode()  # its link on the lists


# --- 修改职工档案 (manual 2.2.3) -------------------------------------------------------------------


def test_modify_finds_the_own_units_file_by_id_number_and_opens_its_edit_page(cast, clerk):
    file, (data, head, members) = entered(clerk)
    spaced = f"{head['id_number'][:6]} {head['id_number'][6:]}"  # as pasted, a space inside
    response = cast.client("street_a").post("/files/modify/", {"id_number": spaced})
    assert response.status_code == 302 and response["Location"] == f"/files/{file.pk}/edit/"
    assert head["id_number"] not in response["Location"]
    # Another unit's clerk finds nothing of it.
    other = cast.client("street_a2").post("/files/modify/", {"id_number": head["id_number"]})
    assert other.status_code == 200 and other.context["files"] == []
    assert "本单位没有符合条件的职工档案。" in other.content.decode()


def test_modify_lists_the_files_matching_name_code_or_employer(cast, clerk):
    file, _sent = entered(clerk)
    second, _ = entered(clerk)
    client = cast.client("street_a")
    by_name = client.post("/files/modify/", {"name": "张"})
    assert {f.pk for f in by_name.context["files"]} == {file.pk, second.pk}
    assert f'href="/files/{file.pk}/edit/"' in by_name.content.decode()
    assert [f.pk for f in client.post("/files/modify/", {"code": file.code}).context["files"]] == [file.pk]
    assert client.post("/files/modify/", {"employer": "机床"}).context["files"]
    assert "修改职工档案" in client.get("/files/").content.decode()  # its link above the lists


def test_modify_tells_bad_conditions_next_to_their_field(cast, clerk):
    client = cast.client("street_a")
    empty = client.post("/files/modify/", {})
    assert empty.status_code == 200 and "请至少填写一个查询条件。" in empty.content.decode()
    wrong = client.post("/files/modify/", {"id_number": "110105198503157770"})
    assert wrong.status_code == 200 and wrong.context["form"].errors["id_number"]
    assert wrong.context["files"] is None
