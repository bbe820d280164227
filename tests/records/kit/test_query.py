"""The kit's 查询 (records.kit.query, records.kit.views_query, records.kit.results) on 信访接待 and
法律援助: each kind of condition narrows the results, 包含下级数据 and visibility, bad input next to
its field, the four print options, Excel at once and by the worker with its progress page, and
ID numbers that never travel in a URL."""

import dataclasses
import io
from datetime import date, timedelta
from decimal import Decimal

import dramatiq
import openpyxl
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from dramatiq_crontab import scheduler

from approvals import services as approvals
from approvals.models import DisplayPreference
from audit.models import AuditLog
from org.models import Code
from records import id_numbers
from records import services as file_services
from records.kit import query as kit_query
from records.kit import results
from records.kit.declaration import get
from records.kit.events import KitEvent
from records.kit.models import ResultExport, ResultExportState
from records.kit.tasks import export_query_results
from records.legal_aid.models import LegalAid
from records.petitions.models import Petition
from tests.records.conftest import file_data, head_data, id_number
from tests.records.kit.conftest import make_petition, make_record
from tests.records.kit.query_fixtures import found, ids, make_result_export, query

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_aid():
    return get("legal_aid")


def code(table: str, position: int = 0) -> Code:
    return Code.objects.filter(table__key=table).order_by("display_order", "pk")[position]


def report(user, model, *rows):
    approvals.report_rows(actor=user, model=model, pks=[row.pk for row in rows])


def results_url(client, module, **conditions) -> str:
    """The URL of a submitted query's results (what the print and Excel links extend)."""
    return query(client, module, **conditions).redirect_chain[0][0]


def workbook_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


# --- conditions -----------------------------------------------------------------------------------


def test_no_results_before_the_query_then_the_own_rows(cast, petitions):
    row = make_petition(cast.users["street_a"])
    make_petition(cast.users["street_a2"])
    client = cast.client("street_a")
    first = client.get(petitions.url("query"))
    assert first.status_code == 200 and found(first) == set()
    assert "请设置查询条件后点击“查询”。" in first.content.decode()
    assert found(query(client, petitions)) == ids(row)


def test_text_code_choice_and_boolean_conditions_on_petitions(cast, petitions):
    clerk = cast.users["street_a"]
    wang = make_petition(clerk, name="王建国", category=code("petition_category", 0))
    li = make_petition(clerk, name="李秀英", category=code("petition_category", 1), collective=True, visitors=12)
    Petition.objects.filter(pk=li.pk).update(case_state="closed", closed_on=F("received_on"))
    client = cast.client("street_a")
    assert found(query(client, petitions, name="建国")) == ids(wang)
    assert found(query(client, petitions, category=code("petition_category", 1).pk)) == ids(li)
    assert found(query(client, petitions, case_state="closed")) == ids(li)
    assert found(query(client, petitions, collective="1")) == ids(li)
    assert found(query(client, petitions, collective="0")) == ids(wang)
    assert found(query(client, petitions, collective="")) == ids(wang, li)
    assert found(query(client, petitions, name="建国", collective="1")) == set()


def test_date_ranges_at_both_ends(cast, petitions):
    clerk = cast.users["street_a"]
    early = make_petition(clerk, received_on=date(2026, 1, 10))
    middle = make_petition(clerk, received_on=date(2026, 3, 1))
    late = make_petition(clerk, received_on=date(2026, 5, 20))
    client = cast.client("street_a")
    assert found(query(client, petitions, received_on_from="2026-02-01")) == ids(middle, late)
    assert found(query(client, petitions, received_on_to="2026-03-01")) == ids(early, middle)
    assert found(query(client, petitions, received_on_from="2026-03-01", received_on_to="2026-03-01")) == ids(middle)


def test_an_id_number_given_as_15_digits_finds_its_18_digit_row(cast, petitions):
    legacy = "510107800101123"
    upgraded = id_numbers.upgrade_15(legacy)
    wang = make_petition(cast.users["street_a"], id_number=upgraded)
    make_petition(cast.users["street_a"], id_number=id_number("19900101"))
    client = cast.client("street_a")
    assert found(query(client, petitions, id_number=legacy)) == ids(wang)
    assert found(query(client, petitions, id_number=upgraded)) == ids(wang)
    full_width = "".join(chr(ord(digit) + 0xFEE0) for digit in legacy)  # as a Chinese input method types it
    assert found(query(client, petitions, id_number=f" {full_width} ")) == ids(wang)


def test_an_id_number_condition_never_travels_in_a_url(cast, petitions, monkeypatch):
    number = id_number("19800101", female=True)
    wang = make_petition(cast.users["street_a"], id_number=number, name="王芳")
    other = make_petition(cast.users["street_a"])
    client = cast.client("street_a")
    response = query(client, petitions, id_number=number)
    url = response.redirect_chain[0][0]
    assert found(response) == ids(wang) and number not in url and "id_number_token=" in url
    printed = client.get(url + "&export=all_all&print=1")
    assert [line[2] for line in printed.context["lines"]] == ["王芳"]  # the print link resolves the token
    typed = client.get(petitions.url("query"), {"q": "1", "id_number": number})
    assert found(typed) == ids(wang, other)  # typed into a URL: ignored
    assert found(cast.client("street_a2").get(url)) == set()  # another session's token means nothing
    monkeypatch.setattr(results, "EXCEL_LIMIT", 0)
    job_page = client.post(url + "&export=all_shown", {"confirmed": "1"})
    assert job_page.status_code == 302 and number not in job_page.url
    assert ResultExport.objects.get().conditions["id_number"] == number  # kept for the worker, not in a URL


def test_each_condition_kind_on_legal_aid(cast, legal_aid):
    clerk = cast.users["street_a"]
    labour = make_record(legal_aid, clerk, applied_on=date(2026, 2, 1), accepted_on=date(2026, 2, 1),
                         case_type=code("legal_case_type", 0), opponent="某建筑劳务公司")  # fmt: skip
    contract = make_record(legal_aid, clerk, applied_on=date(2026, 6, 1), accepted_on=date(2026, 6, 2),
                           case_type=code("legal_case_type", 1), opponent="某物流公司")  # fmt: skip
    LegalAid.objects.filter(pk=contract.pk).update(case_state="in_progress")
    client = cast.client("street_a")
    assert found(query(client, legal_aid, opponent="物流")) == ids(contract)
    assert found(query(client, legal_aid, case_type=code("legal_case_type", 0).pk)) == ids(labour)
    assert found(query(client, legal_aid, case_state="in_progress")) == ids(contract)
    assert found(query(client, legal_aid, applied_on_from="2026-03-01")) == ids(contract)
    assert found(query(client, legal_aid, applied_on_to="2026-03-01", opponent="公司")) == ids(labour)


def test_number_ranges_and_an_id_number_through_relations_on_legal_aid(cast, legal_aid):
    """A declaration's numbers (涉案金额, 涉及人数) get 从/到 ranges with their own errors, and a
    path through relations (the household head's 身份证号) is a condition like a field of its own."""
    module = dataclasses.replace(legal_aid, query_fields=["amount", "people", "file.head.id_number"])
    clerk = cast.users["street_a"]
    legacy = "510107750315123"
    head = head_data(id_number=id_numbers.upgrade_15(legacy))
    file = file_services.file_create(actor=clerk, data=file_data(household_size=1), head=head, members=[])
    small = make_record(legal_aid, clerk, amount=Decimal("2000.00"), people=1, file=file)
    large = make_record(legal_aid, clerk, amount=Decimal("50000.00"), people=6)

    def matching(**data):
        form = kit_query.query_form(module)({"q": "1", **data})
        assert form.is_valid(), form.errors
        rows = kit_query.matching(module, LegalAid.objects.all(), form.cleaned_data, cast.units["street_a"])
        return set(rows.values_list("pk", flat=True))

    assert matching(amount_from="10000") == ids(large)
    assert matching(amount_to="2000") == ids(small)
    assert matching(people_from="2", people_to="6") == ids(large)
    assert matching(file_head_id_number=legacy) == ids(small)
    assert kit_query.private_conditions(module) == ("file_head_id_number",)
    form = kit_query.query_form(module)({"q": "1", "people_from": "5", "people_to": "2", "amount_from": "abc"})
    assert not form.is_valid()
    assert form.errors["people_to"] == ["“到”不能小于“从”。"] and "amount_from" in form.errors


def test_include_subordinates_and_what_the_county_sees(cast, petitions):
    clerk, county = cast.users["street_a"], cast.users["county_a"]
    own = make_petition(county)
    reported = make_petition(clerk)
    draft = make_petition(clerk)
    reported_a2 = make_petition(cast.users["street_a2"])
    report(clerk, Petition, reported)
    report(cast.users["street_a2"], Petition, reported_a2)
    client = cast.client("county_a")
    assert found(query(client, petitions)) == ids(own)
    assert found(query(client, petitions, include_subordinates="on")) == ids(own, reported, reported_a2)
    street = cast.units["street_a"].pk
    assert found(query(client, petitions, include_subordinates="on", unit=street)) == ids(reported)
    assert found(query(client, petitions, unit=street)) == ids(reported)  # the selected unit's own rows
    assert draft.pk not in found(query(client, petitions, include_subordinates="on"))
    assert found(query(cast.client("street_a"), petitions)) == ids(reported, draft)


def test_another_branch_sees_nothing(cast, petitions):
    row = make_petition(cast.users["street_a"])
    report(cast.users["street_a"], Petition, row)
    client = cast.client("province_b")
    assert found(query(client, petitions, include_subordinates="on")) == set()
    outside = {"q": "1", "include_subordinates": "on", "unit": cast.units["street_a"].pk}
    assert client.get(petitions.url("query"), outside).status_code == 404  # a unit outside its subtree


def test_a_bad_range_is_a_chinese_error_next_to_the_field_and_no_results(cast, petitions):
    make_petition(cast.users["street_a"], received_on=date(2026, 3, 1))
    response = query(cast.client("street_a"), petitions, received_on_from="2026-04-01", received_on_to="2026-03-01",
                     id_number="12345")  # fmt: skip
    errors = response.context["filter_form"].errors
    assert errors["received_on_to"] == ["“到”不能早于“从”。"]
    assert errors["id_number"] == ["身份证号应为 15 位或 18 位数字(18 位的末位可为 X)。"]
    assert found(response) == set()
    body = response.content.decode()
    assert "查询条件有误" in body and "“到”不能早于“从”。" in body


def test_results_carry_the_list_s_report_action(cast, petitions):
    row = make_petition(cast.users["street_a"])
    url = results_url(cast.client("street_a"), petitions)
    response = cast.client("street_a").post(url, {"move": "report", "pks": [row.pk], "message": "请审核"}, follow=True)
    assert any("已上报 1 条" in str(m) for m in response.context["messages"])
    listed = query(cast.client("county_a"), petitions, include_subordinates="on")
    assert [(r["pk"], r["state_label"]) for r in listed.context["rows"]] == [(row.pk, "下级上报")]


# --- print ----------------------------------------------------------------------------------------


def test_the_four_print_options(cast, petitions):
    clerk = cast.users["street_a"]
    rows = [make_petition(clerk, name=f"信访人{n:02d}") for n in range(11)]
    DisplayPreference.objects.create(user=clerk, list_key=petitions.key, columns=["name", "received_on"], page_size=10)
    client = cast.client("street_a")
    url = results_url(client, petitions)

    def printed(option):
        response = client.get(f"{url}&export={option}&print=1")
        assert response.status_code == 200
        return response.context

    page_shown, page_all = printed("page_shown"), printed("page_all")
    all_shown, all_all = printed("all_shown"), printed("all_all")
    shown_headers = ["状态", "姓名", "接待日期", "填报单位"]
    all_headers = ["状态", *(petitions.label_of(path) for path in petitions.sheet_fields), "填报单位"]
    assert page_shown["headers"] == all_shown["headers"] == shown_headers
    assert page_all["headers"] == all_all["headers"] == all_headers
    assert len(page_shown["lines"]) == len(page_all["lines"]) == 10  # the page the list shows
    assert len(all_shown["lines"]) == len(all_all["lines"]) == 11
    assert page_shown["lines"][0] == ["未上报", "信访人10", rows[-1].received_on.isoformat(), "浆洗街街道工会"]
    body = client.get(f"{url}&export=all_shown&print=1").content.decode()
    assert "全部查询结果已显示字段" in body and "kit_query.css" in body and "共 11 条" in body
    assert AuditLog.objects.filter(event=KitEvent.RESULTS_PRINTED).count() == 5


def test_a_print_of_all_results_is_capped_and_id_numbers_masked_for_other_units(cast, petitions, monkeypatch):
    number = id_number("19800101")
    row = make_petition(cast.users["street_a"], id_number=number)
    report(cast.users["street_a"], Petition, row)
    id_column = 1 + petitions.sheet_fields.index("id_number")  # after 状态
    own = cast.client("street_a")
    assert own.get(results_url(own, petitions) + "&export=all_all&print=1").context["lines"][0][id_column] == number
    county = cast.client("county_a")
    county_url = results_url(county, petitions, include_subordinates="on")
    assert county.get(county_url + "&export=all_all&print=1").context["lines"][0][id_column] == id_numbers.mask(number)
    make_petition(cast.users["street_a"])
    monkeypatch.setattr(results, "PRINT_LIMIT", 1)
    response = own.get(results_url(own, petitions) + "&export=all_shown&print=1")
    assert (
        response.context["too_many"] and "查询结果超过 1 条,不能一次打印。请缩小查询条件" in response.content.decode()
    )
    assert len(own.get(results_url(own, petitions) + "&export=page_shown&print=1").context["lines"]) == 2


# --- Excel ----------------------------------------------------------------------------------------


def test_excel_at_once_has_the_chinese_headers_and_typed_cells(cast, petitions):
    clerk = cast.users["street_a"]
    make_petition(clerk, name="王建国", received_on=date(2026, 3, 1))
    make_petition(clerk, name="李秀英", received_on=date(2026, 4, 1))
    client = cast.client("street_a")
    url = results_url(client, petitions)
    response = client.get(url + "&export=all_all")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    header, *lines = workbook_rows(response)
    assert header == ("状态", *(petitions.label_of(path) for path in petitions.sheet_fields), "填报单位")
    assert [line[2] for line in lines] == ["李秀英", "王建国"]  # newest first, as the list
    assert lines[0][1].date() == date(2026, 4, 1) and lines[0][-1] == "浆洗街街道工会"
    shown, *_ = workbook_rows(client.get(url + "&export=page_shown"))
    assert shown == ("状态", *(petitions.label_of(path) for path in petitions.list_columns), "填报单位")
    exported = AuditLog.objects.filter(event=KitEvent.RESULTS_EXPORTED).order_by("pk").first()
    assert exported.detail == {"module": "petitions", "option": "all_all", "rows": 2}


def test_beyond_the_limit_the_worker_writes_the_file_with_progress(
    cast, legal_aid, monkeypatch, django_capture_on_commit_callbacks
):
    clerk = cast.users["street_a"]
    for opponent in ("甲公司", "乙公司", "丙公司"):
        make_record(legal_aid, clerk, opponent=opponent)
    client = cast.client("street_a")
    url = results_url(client, legal_aid, opponent="公司")
    at_once = workbook_rows(client.get(url + "&export=all_all"))
    monkeypatch.setattr(results, "EXCEL_LIMIT", 2)
    broker = dramatiq.get_broker()
    broker.flush_all()
    confirm = client.get(url + "&export=all_all")  # a link asks first: a job is a write, sent by POST
    assert "在后台生成Excel文件" in confirm.content.decode() and not ResultExport.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "&export=all_all", {"confirmed": "1"})
    job = ResultExport.objects.get()
    assert response.status_code == 302 and response.url == legal_aid.url("query_export", job.pk)
    assert (job.user, job.unit, job.module_key, job.state) == (clerk, clerk.unit, "legal_aid", "queued")
    queue = broker.queues[export_query_results.queue_name]
    assert dramatiq.Message.decode(queue.get()).args[0] == job.pk
    queue.task_done()
    broker.flush_all()
    pending = client.get(response.url).content.decode()
    assert "排队中" in pending and 'data-poll-ms="2000"' in pending and 'http-equiv="refresh" content="2"' in pending

    export_query_results.fn(job.pk)

    job.refresh_from_db()
    assert (job.state, job.rows_written, job.rows_total) == (ResultExportState.DONE, 3, 3)
    page = client.get(response.url).content.decode()
    assert "<strong>完成</strong>" in page and "?download=1" in page and "data-poll-ms" not in page
    download = client.get(response.url, {"download": "1"})
    assert download.status_code == 200 and download["Content-Type"] == results.excel.XLSX
    assert workbook_rows(download) == at_once
    assert download["Cache-Control"] == "private, no-store"
    assert AuditLog.objects.filter(event=KitEvent.RESULTS_DOWNLOADED, object_id=str(job.pk)).exists()
    export_query_results.fn(job.pk)  # delivered again: the job is done, nothing is written twice
    assert len(list(results.results_dir().glob(f"query-result-{job.pk}-*"))) == 1
    monkeypatch.setattr(results, "WORKER_LIMIT", 2)
    refused = client.get(url + "&export=all_all", follow=True).content.decode()
    assert "请缩小查询条件后再导出" in refused and ResultExport.objects.count() == 1


def test_the_job_page_is_the_requesting_user_s_only(cast, legal_aid, petitions):
    job = make_result_export(cast.users["street_a"], legal_aid)
    url = legal_aid.url("query_export", job.pk)
    assert cast.client("street_a").get(url).status_code == 200
    for other in ("street_a2", "county_a", "national_admin"):
        assert cast.client(other).get(url).status_code == 404
        assert cast.client(other).get(url, {"download": "1"}).status_code == 404
    assert cast.client("street_a").get(petitions.url("query_export", job.pk)).status_code == 404  # another module's
    clerk = cast.users["street_a"]
    clerk.modules = [m for m in clerk.modules if m != "legal_aid"]
    clerk.save()
    assert cast.client("street_a").get(url).status_code == 403


def test_a_job_whose_user_lost_the_module_fails_with_a_message(cast, legal_aid):
    job = make_result_export(cast.users["street_a"], legal_aid)
    clerk = cast.users["street_a"]
    clerk.modules = [m for m in clerk.modules if m != "legal_aid"]
    clerk.save()
    export_query_results.fn(job.pk)
    job.refresh_from_db()
    assert job.state == ResultExportState.FAILED and "没有“法律援助”权限" in job.error and not job.file_name


def test_a_file_is_deleted_after_the_keeping_days_and_the_job_shows_expired(cast, legal_aid, settings):
    make_record(legal_aid, cast.users["street_a"])
    job = make_result_export(cast.users["street_a"], legal_aid)
    export_query_results.fn(job.pk)
    job.refresh_from_db()
    path = results.result_export_path(job)
    assert job.rows_written == 1 and path.is_file()
    kept = timedelta(days=settings.BULK_EXPORT_KEEP_DAYS)
    assert results.result_exports_expire(now=job.finished_at + kept - timedelta(minutes=1)) == 0
    assert results.result_exports_expire(now=job.finished_at + kept + timedelta(minutes=1)) == 1
    job.refresh_from_db()
    assert job.state == ResultExportState.EXPIRED and not path.exists()
    client = cast.client("street_a")
    url = legal_aid.url("query_export", job.pk)
    assert "<strong>已过期</strong>" in client.get(url).content.decode()
    refused = client.get(url, {"download": "1"}, follow=True)
    assert "文件已过期删除,请重新查询后再导出。" in refused.content.decode()
    assert "delete_expired_result_exports" in {scheduled.name for scheduled in scheduler.get_jobs()}


def test_a_print_reads_the_same_number_of_queries_however_many_rows(cast, legal_aid):
    clerk = cast.users["street_a"]
    make_record(legal_aid, clerk)
    client = cast.client("street_a")
    url = results_url(client, legal_aid) + "&export=all_all&print=1"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        make_record(legal_aid, clerk)
    assert queries() == few


def test_a_rerun_query_sorts_names_as_the_list_does_in_pinyin_order(cast):
    """The worker's export reruns the query with the list's stored sort: 姓名 by its pinyin key,
    as the page shows it, not by code point (赵 < 陈 by code point, zhao > chen by pinyin)."""
    for name in ("赵建国", "陈秀英", "安海燕"):
        make_petition(cast.users["street_a"], name=name)
    rows = kit_query.query_results(get("petitions"), {}, unit=cast.units["street_a"], sort="name")
    assert [row.name for row in rows] == ["安海燕", "陈秀英", "赵建国"]
