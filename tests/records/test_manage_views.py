"""The pages of 高级档案管理 (records.views_manage): search, edit step, confirmation, decision;
bad input re-renders with the message next to its field and changes nothing."""

import datetime

import pytest
from django.db import models
from django.urls import reverse

from approvals import services as approvals
from records.events import FileEvent
from records.forms import HeadForm, WorkerFileForm
from records.models import FileSnapshot, WorkerFile
from tests.records.merge_helpers import worker

pytestmark = pytest.mark.django_db


def post_value(value):
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def edit_page_data(kept: WorkerFile, merged: list[WorkerFile], **extra) -> dict:
    """What the edit page posts when the admin changes nothing: the kept file's form as shown."""
    file_form = WorkerFileForm(instance=kept, temporary=kept.is_temporary)
    head_form = HeadForm(instance=kept.head, prefix="head")
    data = {}
    for form in (file_form, head_form):
        for name in form.fields:
            value = form[name].value()
            if value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else post_value(value)
    members = list(kept.members.select_related("person"))
    data |= {"members-TOTAL_FORMS": len(members), "members-INITIAL_FORMS": len(members)}
    for i, member in enumerate(members):
        person = member.person
        data |= {f"members-{i}-{name}": post_value(getattr(person, name))
                 for name in ["name", "gender", "political_status", "birth_date", "id_number", "health",
                              "disability_category", "monthly_income", "identity", "employer_or_school"]}  # fmt: skip
        data[f"members-{i}-relation"] = member.relation_id
    for file in [kept, *merged]:
        data[f"version-{file.pk}"] = WorkerFile.objects.get(pk=file.pk).updated_at.isoformat()
    return data | extra


@pytest.fixture
def pair(cast):
    kept = worker(cast.users["street_a"], members=1)
    other = worker(cast.users["street_a2"], members=1)
    return kept, other


def edit_url(kept, other, kind="duplicates"):
    return reverse("records:merge_edit") + f"?kind={kind}&keep={kept.pk}&merge={other.pk}"


def test_the_search_lists_the_likely_duplicates_with_their_units(cast, pair):
    kept, other = pair
    client, url = cast.client("county_a_admin"), reverse("records:merge_duplicates")
    assert client.get(url, {"id_number": kept.head.id_number}).context["files"] == []  # never from a URL
    page = client.post(url, {"id_number": kept.head.id_number})
    html = page.content.decode()
    assert page.status_code == 200
    assert [f.pk for f in page.context["files"]] == [kept.pk, other.pk]
    assert "浆洗街街道工会" in html and "玉林街道工会" in html and "选择户主并合并" in html
    assert "身份证号全国唯一" in html  # the adaptation is said on the page


def test_merging_through_the_pages_copies_the_chosen_person_and_shows_the_history(cast, pair):
    kept, other = pair
    client = cast.client("county_a_admin")
    assert client.get(edit_url(kept, other)).status_code == 200
    relation = other.members.get().relation_id
    data = edit_page_data(kept, [other], copy=[other.members.get().person_id], household_size=3)
    data[f"relation-{other.members.get().person_id}"] = relation

    response = client.post(edit_url(kept, other), data)

    assert response.status_code == 302, response.context and response.context["file_form"].errors
    assert response.url == reverse("records:merge_result", args=[kept.pk])
    assert not WorkerFile.objects.filter(pk=other.pk).exists()
    assert WorkerFile.objects.get(pk=kept.pk).members.count() == 2
    page = client.get(response.url).content.decode()
    assert "合并重复档案成功" in page and "合并前各档案的信息" in page and "玉林街道工会" in page
    assert FileSnapshot.objects.filter(file=kept).count() == 2


def test_the_edit_page_refuses_a_stale_version_and_a_copy_without_relation(cast, pair):
    kept, other = pair
    client = cast.client("county_a_admin")
    stale = edit_page_data(kept, [other]) | {f"version-{other.pk}": "2000-01-01T00:00:00+00:00"}
    page = client.post(edit_url(kept, other), stale).content.decode()
    assert "在打开本页之后已被修改" in page

    person = other.members.get().person_id
    page = client.post(edit_url(kept, other), edit_page_data(kept, [other], copy=[person], household_size=3))
    assert "请选择与户主关系" in page.content.decode()
    assert WorkerFile.objects.filter(pk=other.pk).exists()


def test_the_household_size_must_count_the_copied_people(cast, pair):
    kept, other = pair
    person = other.members.get().person_id
    data = edit_page_data(kept, [other], copy=[person]) | {f"relation-{person}": other.members.get().relation_id}
    page = cast.client("county_a_admin").post(edit_url(kept, other), data).content.decode()
    assert "家庭人口数必须为家庭成员人数 +1" in page
    assert WorkerFile.objects.filter(pk=other.pk).exists()


def test_an_edit_page_for_files_outside_the_subtree_leads_back_to_the_search(cast, pair):
    kept, other = pair
    response = cast.client("street_a_admin").get(edit_url(kept, other))
    assert response.status_code == 302 and response.url == reverse("records:merge_duplicates")
    response = cast.client("county_a_admin").get(reverse("records:merge_edit") + "?keep=x&merge=1")
    assert response.status_code == 404


def test_merge_two_shows_the_manual_message_next_to_the_field(cast, pair):
    kept, other = pair
    outside = worker(cast.users["province_b"], name="孙八")
    client = cast.client("county_a_admin")
    page = client.post(reverse("records:merge_two"), {"source": outside.head.id_number, "target": kept.head.id_number})
    assert "源职工档案不存在,或者不属于本单位或下级单位" in page.content.decode()
    response = client.post(
        reverse("records:merge_two"), {"source": other.head.id_number, "target": kept.head.id_number}
    )
    assert response.status_code == 302 and f"keep={kept.pk}" in response.url and f"merge={other.pk}" in response.url


def test_a_transfer_asks_for_confirmation_before_it_moves(cast):
    file = worker(cast.users["street_a"])
    client = cast.client("county_a_admin")
    url = reverse("records:transfer_files")
    data = {"unit": cast.units["street_a"].pk, "pks": [file.pk], "to_unit": cast.units["street_a2"].pk, "message": ""}

    page = client.post(url, data)
    assert "确定将选中的 1 份职工档案转移到" in page.content.decode()
    assert WorkerFile.objects.get(pk=file.pk).unit_id == cast.units["street_a"].pk

    response = client.post(url, data | {"confirm": "1"})
    assert response.status_code == 302
    assert WorkerFile.objects.get(pk=file.pk).unit_id == cast.units["street_a2"].pk


def test_a_transfer_to_a_missing_unit_or_with_no_files_says_so(cast):
    client = cast.client("county_a_admin")
    page = client.post(reverse("records:transfer_files"), {"to_unit": 999999, "pks": []})
    assert "目的单位不存在" in page.content.decode()
    page = client.post(reverse("records:transfer_files"), {"to_unit": cast.units["street_a2"].pk, "confirm": "1"})
    assert "请选择要转移的档案" in page.content.decode()


def test_the_whole_unit_transfer_confirms_the_count(cast):
    for i in range(3):
        worker(cast.users["street_a"], name=f"职工{i}")
    client = cast.client("county_a_admin")
    data = {"unit": cast.units["street_a"].pk, "to_unit": cast.units["street_a2"].pk, "message": "撤并"}
    page = client.post(reverse("records:transfer_unit"), data).content.decode()
    assert "全部 3 份职工档案" in page
    assert client.post(reverse("records:transfer_unit"), data | {"confirm": "1"}).status_code == 302
    assert WorkerFile.objects.filter(unit=cast.units["street_a2"]).count() == 3


def test_the_receiving_admin_decides_on_the_request_page(cast):
    file = worker(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    data = {"unit": cast.units["street_a"].pk, "pks": [file.pk], "to_unit": cast.units["province_b"].pk,
            "message": "随子女迁居", "confirm": "1"}  # fmt: skip
    assert cast.client("county_a_admin").post(reverse("records:transfer_files"), data).status_code == 302
    request_url = cast.client("province_b_admin").get(reverse("approvals:decisions_pending")).context["items"][0].url

    requester_page = cast.client("county_a_admin").get(request_url).content.decode()
    assert "接收档案" not in requester_page and "待接收" in requester_page
    assert cast.client("county_a_admin").post(request_url, {"decision": "accept"}).status_code == 403

    response = cast.client("province_b_admin").post(request_url, {"decision": "accept"})
    assert response.status_code == 302
    assert WorkerFile.objects.get(pk=file.pk).unit_id == cast.units["province_b"].pk


def test_the_navigation_offers_the_module_to_unit_admins_only(cast):
    assert "高级档案管理" in cast.client("county_a_admin").get("/").content.decode()
    assert "高级档案管理" not in cast.client("street_a").get("/").content.decode()


def test_the_reminder_pages_list_transferred_files_and_refusals(cast):
    from records import transfers

    moved = worker(cast.users["street_a"])
    result = transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[moved.pk],
                                      to_unit=cast.units["street_a2"], message="工作调动")  # fmt: skip
    clerk = cast.client("street_a2")
    assert "工作调动" in clerk.get(reverse("approvals:reminders_pending")).content.decode()
    rows = clerk.get(reverse("approvals:action_rows", args=[result.action.pk])).content.decode()
    assert moved.code in rows and "武侯区总工会" in rows  # moved from its holder, the county

    asked = worker(cast.users["street_a"])
    request = transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[asked.pk],
                                       to_unit=cast.units["province_b"], message="迁居").request  # fmt: skip
    transfers.transfer_request_reject(actor=cast.users["province_b_admin"], pk=request.pk, note="无对应单位")
    page = cast.client("county_a_admin").get(reverse("approvals:reminders_pending")).content.decode()
    assert "无对应单位" in page


def test_the_requesting_side_withdraws_from_the_request_page_or_the_home_page(cast):
    from audit.models import AuditLog
    from records import transfers
    from records.models import TransferRequest, TransferState

    def ask():
        file = worker(cast.users["street_a"])
        return transfers.files_transfer(actor=cast.users["county_a_admin"], file_ids=[file.pk],
                                        to_unit=cast.units["province_b"], message="随子女迁居").request  # fmt: skip

    on_page, on_home = ask(), ask()
    withdraw = reverse("records:transfer_request_withdraw", args=[on_page.pk])
    receiver_page = cast.client("province_b_admin").get(on_page.get_absolute_url()).content.decode()
    assert "撤回申请" not in receiver_page and "接收档案" in receiver_page
    requester = cast.client("county_a_admin")
    page = requester.get(on_page.get_absolute_url()).content.decode()
    assert "撤回申请" in page and withdraw in page and "data-confirm" in page

    response = requester.post(withdraw, follow=True)
    assert response.redirect_chain[-1][0] == reverse("records:manage")
    home = response.content.decode()
    assert "已撤回转往“广东省总工会”的申请" in home and "已撤回" in home
    assert TransferRequest.objects.get(pk=on_page.pk).state == TransferState.WITHDRAWN

    # The receiving admin's page, opened before: a decision now gets a message, not an error.
    response = cast.client("province_b_admin").post(on_page.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 200 and "该申请已撤回,不能再次处理。" in response.content.decode()
    assert "接收档案" not in response.content.decode()

    # An admin above the requesting unit sees the subtree's requests on the home page, and may
    # withdraw the waiting one there; the withdrawn one has no button.
    city = cast.client("city_a_admin")
    home = city.get(reverse("records:manage")).content.decode()
    assert reverse("records:transfer_request_withdraw", args=[on_home.pk]) in home and withdraw not in home
    assert "武侯区总工会" in home
    assert city.post(reverse("records:transfer_request_withdraw", args=[on_home.pk])).status_code == 302
    assert TransferRequest.objects.get(pk=on_home.pk).state == TransferState.WITHDRAWN
    assert AuditLog.objects.filter(event=FileEvent.TRANSFER_WITHDRAWN).count() == 2

    # Withdrawing twice: a message on the request page.
    response = requester.post(withdraw, follow=True)
    assert "该申请已撤回,不能再次处理。" in response.content.decode()
    assert response.redirect_chain[-1][0] == on_page.get_absolute_url()
