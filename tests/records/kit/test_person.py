"""records.kit.person: the ID-number lookup before a legal-aid case (manual 6.1.1) with its four
outcomes, the entry form's gate, the optional link of a petition, the linked sections of the
household file's page (2.2.1.6), merges and delete protection — and no ID number in a URL."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from approvals import services as approvals
from org.errors import DomainError
from records import id_numbers, merges, services
from records.kit import services as kit_services
from records.kit.declaration import get
from records.legal_aid.models import LegalAid
from records.models import FileStatus, WorkerFile
from records.petitions.models import Petition
from tests.records.conftest import head_data, id_number
from tests.records.kit.conftest import make_petition, make_record, petition_data
from tests.records.kit.person_fixtures import (
    file_headed_by,
    file_with_member,
    form_post,
    legacy_15,
    legal_aid_post,
    links_of,
)
from tests.records.merge_helpers import merge_input, worker
from tests.records.test_files import post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid():
    return get("legal_aid")


def look_up(client, module, number, **extra):
    return client.post(module.url("person"), {"id_number": number, **extra})


def assert_number_nowhere_in_links(response, number: str) -> None:
    """DESIGN §7: an ID number never reaches a URL (links, form targets, redirects)."""
    urls = [response.get("Location", "")]
    if response.status_code == 200:
        urls += links_of(response.content.decode())
    assert not [url for url in urls if number in url or number[:-1] in url]


def create_with(module, file) -> str:
    return f"{module.url('create')}?{urlencode({'file': file.pk})}"


# --- the lookup's outcomes -----------------------------------------------------------------------


def test_new_legal_aid_starts_with_the_id_number_lookup(cast, legal_aid):
    client = cast.client("street_a")
    response = client.get(legal_aid.url("create"))
    assert response.status_code == 302 and response.url == legal_aid.url("person")
    page = client.get(response.url).content.decode()
    assert "身份证号" in page and "查询" in page and 'method="post"' in page


def test_a_file_the_unit_sees_is_shown_read_only_with_the_way_on(cast, legal_aid):
    file = file_headed_by(cast.users["street_a"])
    response = look_up(cast.client("street_a"), legal_aid, file.head.id_number)
    page = response.content.decode()
    assert response.status_code == 200
    assert "户主及家庭情况" in page and "成都市武侯区浆洗街 1 号" in page  # the file's sheet
    assert f'href="{create_with(legal_aid, file)}"' in page and "继续填写法律援助" in page
    assert_number_nowhere_in_links(response, file.head.id_number)


def test_a_county_finds_a_reported_file_of_its_street(cast, legal_aid):
    file = file_headed_by(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    page = look_up(cast.client("county_a"), legal_aid, file.head.id_number).content.decode()
    # Only the owning unit reads the full numbers of the sheet (DESIGN §7).
    assert create_with(legal_aid, file) in page and f"<dd>{id_numbers.mask(file.head.id_number)}</dd>" in page


def test_a_legacy_15_digit_number_finds_the_file_of_its_18_digit_form(cast, legal_aid):
    number15, number18 = legacy_15()
    file = file_headed_by(cast.users["street_a"], number18)
    page = look_up(cast.client("street_a"), legal_aid, number15).content.decode()
    assert create_with(legal_aid, file) in page


def test_a_malformed_number_is_refused_next_to_the_field_in_chinese(cast, legal_aid):
    number = id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    page = look_up(cast.client("street_a"), legal_aid, wrong).content.decode()
    assert "校验码应为" in page and "field-error" in page and "?file=" not in page
    short = look_up(cast.client("street_a"), legal_aid, "51010719").content.decode()
    assert "身份证号应为 18 位(或旧的 15 位),现在是 8 位" in short


def test_no_file_leads_to_the_new_file_form_which_comes_back_with_the_new_file(cast, legal_aid):
    client = cast.client("street_a")
    number = id_number("19700101")
    response = look_up(client, legal_aid, number)
    new_file = f"{reverse('files:create')}?{urlencode({'next': legal_aid.url('create')})}"
    assert f'href="{new_file}"' in response.content.decode()
    assert_number_nowhere_in_links(response, number)

    form_page = client.get(new_file).content.decode()
    assert f'name="next" value="{legal_aid.url("create")}"' in form_page
    saved = client.post(new_file, post_data(head=head_data(id_number=number)))
    file = WorkerFile.objects.get(head__id_number=number)
    assert saved.status_code == 302 and saved.url == create_with(legal_aid, file)

    entry = client.get(saved.url).content.decode()
    assert "职工档案" in entry and str(file) in entry
    done = client.post(saved.url, legal_aid_post(legal_aid))
    row = LegalAid.objects.get(file=file)
    assert done.status_code == 302 and done.url == legal_aid.url("detail", row.pk)
    assert row.unit == cast.units["street_a"]


def test_the_new_file_form_goes_on_only_to_a_url_of_this_site(cast):
    url = f"{reverse('files:create')}?{urlencode({'next': 'https://evil.example/x'})}"
    response = cast.client("street_a").post(url, post_data())
    file = WorkerFile.objects.get()
    assert response.status_code == 302 and response.url == reverse("files:detail", args=[file.pk])


def test_a_cancelled_file_is_restored_into_the_unit_and_the_entry_goes_on(cast, legal_aid):
    file = file_headed_by(cast.users["street_a2"])
    services.file_cancel(actor=cast.users["street_a2"], file=file, reason="调离")
    client = cast.client("street_a")
    number = file.head.id_number
    found = look_up(client, legal_aid, number)
    page = found.content.decode()
    assert "已注销" in page and "玉林街道工会" in page and 'value="restore"' in page
    assert_number_nowhere_in_links(found, number)

    restored = look_up(client, legal_aid, number, action="restore")
    file.refresh_from_db()
    assert restored.status_code == 302 and restored.url == create_with(legal_aid, file)
    assert_number_nowhere_in_links(restored, number)
    assert (file.status, file.unit) == (FileStatus.ACTIVE, cast.units["street_a"])
    assert client.get(restored.url).status_code == 200


def test_an_active_file_of_a_unit_not_seen_names_the_unit_and_its_contact_without_a_link(cast, legal_aid):
    file = file_headed_by(cast.users["street_a"])
    response = look_up(cast.client("street_a2"), legal_aid, file.head.id_number)
    page = response.content.decode()
    assert "浆洗街街道工会" in page and cast.units["street_a"].office_phone in page and "请与该单位联系" in page
    assert "?file=" not in page and reverse("files:detail", args=[file.pk]) not in page
    assert_number_nowhere_in_links(response, file.head.id_number)


def test_a_family_members_number_is_not_the_workers(cast, legal_aid):
    _file, number = file_with_member(cast.users["street_a"])
    page = look_up(cast.client("street_a"), legal_aid, number).content.decode()
    assert "家庭成员" in page and "?file=" not in page


def test_the_lookup_needs_the_module(cast, legal_aid):
    assert cast.client("street_a_admin").get(legal_aid.url("person")).status_code == 403


# --- the entry form's gate --------------------------------------------------------------------------


@pytest.mark.parametrize("file_param", ["", "abc", "invisible"])
def test_the_entry_form_without_a_file_the_unit_sees_goes_back_to_the_lookup(cast, legal_aid, file_param):
    if file_param == "invisible":
        file_param = str(file_headed_by(cast.users["street_a2"]).pk)
    url = legal_aid.url("create") + (f"?file={file_param}" if file_param else "")
    client = cast.client("street_a")
    for response in (client.get(url), client.post(url, legal_aid_post(legal_aid))):
        assert response.status_code == 302 and response.url == legal_aid.url("person")
    assert not LegalAid.objects.exists()


def test_a_cancelled_file_is_refused_by_the_gate_and_the_service(cast, legal_aid):
    clerk = cast.users["street_a"]
    file = file_headed_by(clerk)
    services.file_cancel(actor=clerk, file=file, reason="已脱困")
    client = cast.client("street_a")
    response = client.get(create_with(legal_aid, file), follow=True)
    assert response.redirect_chain[-1][0] == legal_aid.url("person")
    assert "该职工档案已注销,请先恢复后再填写。" in response.content.decode()
    with pytest.raises(DomainError, match="在档职工档案"):
        make_record(legal_aid, clerk, file=file)


def test_the_service_refuses_a_file_the_unit_does_not_see(cast, legal_aid):
    with pytest.raises(DomainError, match="本单位可查看的在档职工档案"):
        make_record(legal_aid, cast.users["street_a"], file=file_headed_by(cast.users["street_a2"]))
    assert not LegalAid.objects.exists()


# --- the optional link of a petition ------------------------------------------------------------------


def test_a_petitioners_number_links_the_visible_file_of_that_head(cast, petitions):
    number15, number18 = legacy_15("680202")
    file = file_headed_by(cast.users["street_a"], number18)
    client = cast.client("street_a")
    response = client.post(petitions.url("create"), form_post(petition_data(name="甲", id_number=number15)))
    row = Petition.objects.get(name="甲")
    assert response.status_code == 302 and (row.id_number, row.file) == (number18, file)
    page = client.get(petitions.url("detail", row.pk)).content.decode()
    assert f'href="{reverse("files:detail", args=[file.pk])}"' in page


def test_a_number_without_a_visible_active_file_links_nothing(cast, petitions):
    other = file_headed_by(cast.users["street_a2"])
    row = make_petition(cast.users["street_a"], id_number=other.head.id_number)
    assert row.file is None and row.id_number == other.head.id_number
    mine = file_headed_by(cast.users["street_a"])
    linked = make_petition(cast.users["street_a"], id_number=mine.head.id_number)
    assert linked.file == mine
    kit_services.record_update(actor=cast.users["street_a"], module=petitions, row=linked, data={"id_number": ""})
    assert Petition.objects.get(pk=linked.pk).file is None


def test_a_malformed_petitioners_number_is_refused_next_to_its_field(cast, petitions):
    data = form_post(petition_data(name="乙", id_number="110101199913320000"))
    page = cast.client("street_a").post(petitions.url("create"), data).content.decode()
    assert "出生日期 19991332 不是有效日期" in page and "field-error" in page
    assert not Petition.objects.exists()


def test_a_unit_that_does_not_see_the_linked_file_gets_no_link(cast, petitions):
    file = file_headed_by(cast.users["street_a"])
    row = make_petition(cast.users["street_a"], id_number=file.head.id_number)
    approvals.report_rows(actor=cast.users["street_a"], model=Petition, pks=[row.pk])
    page = cast.client("county_a").get(petitions.url("detail", row.pk)).content.decode()
    assert "不在本单位的查看范围内" in page and reverse("files:detail", args=[file.pk]) not in page


# --- the household file's page ------------------------------------------------------------------------


def test_the_file_page_lists_the_legal_aid_the_viewer_sees(cast, legal_aid):
    clerk = cast.users["street_a"]
    file = file_headed_by(clerk)
    reported = make_record(legal_aid, clerk, file=file, applied_on=date(2026, 1, 5), accepted_on=date(2026, 1, 5))
    draft = make_record(legal_aid, clerk, file=file, applied_on=date(2026, 2, 7), accepted_on=date(2026, 2, 7))
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    approvals.report_rows(actor=clerk, model=LegalAid, pks=[reported.pk])
    url = reverse("files:detail", args=[file.pk])

    county = cast.client("county_a").get(url).content.decode()
    section = county.split('id="related-legal_aid"')[1].split("</section>")[0]
    assert f'<a href="{legal_aid.url("detail", reported.pk)}">2026-01-05</a>' in section
    assert legal_aid.url("detail", draft.pk) not in section and "案件类别" in section
    street = cast.client("street_a").get(url).content.decode()
    assert legal_aid.url("detail", draft.pk) in street and legal_aid.url("detail", reported.pk) in street
    assert cast.client("province_b").get(url).status_code == 404


def test_the_file_page_lists_the_linked_petitions(cast):
    file = file_headed_by(cast.users["street_a"])
    row = make_petition(cast.users["street_a"], name="丙", id_number=file.head.id_number)
    page = cast.client("street_a").get(reverse("files:detail", args=[file.pk])).content.decode()
    section = page.split('id="related-petitions"')[1].split("</section>")[0]
    assert get("petitions").url("detail", row.pk) in section and "丙" in section


# --- merges and deletion ----------------------------------------------------------------------------------


def test_merging_two_files_moves_their_legal_aid_to_the_kept_file(cast, legal_aid):
    kept = worker(cast.users["street_a"], name="王建华")
    merged = worker(cast.users["street_a2"], name="王建华")
    case = make_record(legal_aid, cast.users["street_a2"], file=merged)
    form = merge_input(kept, [kept, merged])
    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[merged.pk], form=form)
    assert LegalAid.objects.get(pk=case.pk).file_id == kept.pk
    assert not WorkerFile.objects.filter(pk=merged.pk).exists()


def test_a_file_with_legal_aid_cannot_be_deleted(cast, legal_aid):
    clerk = cast.users["street_a"]
    file = file_headed_by(clerk)
    make_record(legal_aid, clerk, file=file)
    with pytest.raises(DomainError, match="法律援助 1 个,不能删除"):
        services.file_delete(actor=clerk, file=file)
    assert WorkerFile.objects.filter(pk=file.pk).exists()
