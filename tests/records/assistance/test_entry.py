"""增加帮扶救助信息 from everywhere a file is shown (manual 3.2.1.1): the file lists, the file query's
results, the file form (保存并增加帮扶救助信息) and the file page, each leading to the entry form for
that file, which says how often the household was helped before (records.kit.person)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import services as approvals
from records import services as file_services
from records.assistance.models import Assistance
from records.kit.person import continue_url
from records.models import WorkerFile
from tests.records.assistance.conftest import make_assistance
from tests.records.conftest import make_file
from tests.records.test_files import post_data

pytestmark = pytest.mark.django_db
OFFER = "增加帮扶救助信息"


def entry_url(assistance, file) -> str:
    return continue_url(assistance, file).replace("&", "&amp;")


def test_each_row_of_a_file_list_offers_the_entry_for_its_file(cast, assistance):
    clerk = cast.users["street_a"]
    files = [make_file(clerk) for _ in range(2)]
    page = cast.client("street_a").get(reverse("files:list")).content.decode()
    assert "<th>操作</th>" in page
    for file in files:
        assert f'href="{entry_url(assistance, file)}">{OFFER}</a>' in page


def test_the_list_reads_no_more_queries_with_more_rows(cast):
    clerk = cast.users["street_a"]
    client = cast.client("street_a")
    make_file(clerk)
    client.get(reverse("files:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("files:list"))
    for _ in range(4):
        make_file(clerk)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("files:list"))
    assert len(more) == len(few)


def test_a_cancelled_file_and_a_user_without_the_module_get_no_offer(cast, assistance):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    file_services.file_cancel(actor=clerk, file=file, reason="已脱困")
    page = cast.client("street_a").get(reverse("files:cancelled")).content.decode()
    assert OFFER not in page
    active = make_file(clerk)
    clerk.modules = [m for m in clerk.modules if m != "assistance"]
    clerk.save()
    assert OFFER not in cast.client("street_a").get(reverse("files:detail", args=[active.pk])).content.decode()


def test_the_file_query_results_offer_it_too(cast, assistance):
    file = make_file(cast.users["street_a"], code="CX0001")
    client = cast.client("street_a")
    response = client.post(reverse("files:query"), {"q": "1", "code": "CX0001"})
    page = client.get(response.url).content.decode()
    assert f'href="{entry_url(assistance, file)}">{OFFER}</a>' in page


def test_the_file_page_offers_it_and_the_form_says_how_often_the_household_was_helped(cast, assistance):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    client = cast.client("street_a")
    page = client.get(reverse("files:detail", args=[file.pk])).content.decode()
    assert f'href="{entry_url(assistance, file)}">{OFFER}</a>' in page
    assert "第一次帮扶。" in client.get(continue_url(assistance, file)).content.decode()
    make_assistance(clerk, file=file)
    make_assistance(clerk, file=file, helped="not_helped", form=None, not_helped_reason="收入超标", lines={})
    assert "该户已帮扶 1 次。" in client.get(continue_url(assistance, file)).content.decode()


def test_the_count_is_of_the_rows_the_viewer_sees(cast, assistance):
    clerk = cast.users["street_a"]
    file = make_file(clerk)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    make_assistance(clerk, file=file)  # a draft of the street: not the county's to see
    page = cast.client("county_a").get(continue_url(assistance, file)).content.decode()
    assert "第一次帮扶。" in page


def test_the_file_form_saves_then_opens_the_entry_form_for_the_new_file(cast, assistance):
    client = cast.client("street_a")
    form = client.get(reverse("files:create")).content.decode()
    assert f'name="then" value="assistance">保存并{OFFER}</button>' in form
    response = client.post(reverse("files:create"), post_data() | {"then": "assistance"})
    file = WorkerFile.objects.get()
    assert response.status_code == 302 and response.url == continue_url(assistance, file)
    assert "第一次帮扶。" in client.get(response.url).content.decode()
    response = client.post(reverse("files:edit", args=[file.pk]), post_data(code=file.code) | {"then": "nothing"})
    assert response.url == reverse("files:detail", args=[file.pk]) and not Assistance.objects.exists()
