"""职工档案查询 (manual 2.2.7), the kit's query of the files module, and its Excel export: each
kind of condition narrows the results (the files' own too: 档案类别, 家庭年人均收入, 成员健康状况),
bad input is a message next to its field, results stay within visibility, the four export
options give the expected rows and columns, ID numbers are masked for other units."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from approvals import services as approvals
from audit.models import AuditLog
from records import excel, services
from records.events import FileEvent
from records.households.module import files
from records.kit import results
from records.kit.models import ResultExport
from records.kit.query import query_filterset
from records.models import FileCategory, WorkerFile
from tests.conftest import BUSINESS_MODULES, make_user
from tests.records.conftest import code, file_data, head_data, id_number, member_data

pytestmark = pytest.mark.django_db

URL = reverse("files:query")


def new_file(user, *, head=None, members=(), **data):
    member_list = [member_data(relation, **fields) for relation, fields in members]
    values = file_data(household_size=len(member_list) + 1) | data
    return services.file_create(actor=user, data=values, head=head_data(**(head or {})), members=member_list)


def report(user, *files):
    approvals.report_rows(actor=user, model=WorkerFile, pks=[f.pk for f in files])


def query(client, **conditions):
    """Submit the query form as the browser does: POST, then the results page it leads to."""
    response = client.post(URL, {"q": "1", **conditions}, follow=True)
    assert response.redirect_chain[0][1] == 302
    return response


def excel_link(client, **conditions):
    """An Excel option of the results: a link on the results page (GET, no private condition)."""
    return client.get(URL, {"q": "1", **conditions})


def test_an_id_number_condition_never_travels_in_a_url(cast, clerk):
    number = id_number("19800101", female=True)
    wang = new_file(clerk, head={"name": "王芳", "id_number": number})
    new_file(clerk, head={"name": "张三"})
    client = cast.client("street_a")
    response = query(client, head_id_number=number)
    url = response.redirect_chain[0][0]
    assert found(response) == ids(wang) and number not in url and "head_id_number_token=" in url
    assert number not in client.get(url + "&export=page_shown").get("Location", "")
    assert found(client.get(URL, {"q": "1", "head_id_number": number})) != ids(wang)  # typed into a URL: ignored
    assert found(cast.client("street_a2").get(url)) == set()  # another session's token means nothing


def found(response) -> set[int]:
    return {row["pk"] for row in response.context["rows"]}


def ids(*files) -> set[int]:
    return {f.pk for f in files}


def test_no_results_before_the_query_then_the_own_files(cast, clerk):
    a = new_file(clerk)
    client = cast.client("street_a")
    first = client.get(URL)
    assert first.status_code == 200 and found(first) == set()
    assert "请设置查询条件" in first.content.decode()
    assert found(query(client)) == ids(a)


def test_text_code_and_boolean_conditions(cast, clerk):
    a = new_file(clerk, address="成都市武侯区浆洗街 1 号", hardship_cause=code("hardship_cause", "收入低"),
                 single_parent=True)  # fmt: skip
    b = new_file(clerk, address="成都市武侯区玉林路 9 号", hardship_cause=code("hardship_cause", "本人大病"))
    client = cast.client("street_a")
    assert found(query(client, address="玉林")) == ids(b)
    assert found(query(client, hardship_cause=code("hardship_cause", "收入低").pk)) == ids(a)
    assert found(query(client, single_parent="1")) == ids(a)
    assert found(query(client, single_parent="0")) == ids(b)
    assert found(query(client, single_parent="")) == ids(a, b)
    assert found(query(client, category=FileCategory.SUBSISTENCE, address="浆洗街")) == ids(a)
    assert found(query(client, category=FileCategory.ACCIDENT)) == set()


def test_range_conditions_at_both_ends(cast, clerk):
    early = new_file(clerk, file_date=date(2026, 1, 10), household_annual_income=30000)  # the head alone
    middle = new_file(clerk, file_date=date(2026, 3, 1), household_annual_income=12000,
                      members=[("妻子", {}), ("儿子", {"id_number": id_number("20100101")})])  # fmt: skip
    late = new_file(clerk, file_date=date(2026, 5, 20), household_annual_income=50000)
    client = cast.client("street_a")
    assert found(query(client, file_date_from="2026-02-01")) == ids(middle, late)
    assert found(query(client, file_date_to="2026-03-01")) == ids(early, middle)
    assert found(query(client, file_date_from="2026-03-01", file_date_to="2026-03-01")) == ids(middle)
    assert found(query(client, household_annual_income_from="30000")) == ids(early, late)
    assert found(query(client, household_annual_income_to="29999.99")) == ids(middle)
    assert found(query(client, household_size_from="3")) == ids(middle)
    assert found(query(client, per_capita_income_to="5000")) == ids(middle)  # 12000 / 3
    assert found(query(client, per_capita_income_from="30000", per_capita_income_to="30000")) == ids(early)


def test_head_conditions(cast, clerk):
    number = id_number("19620805", female=True)
    wang = new_file(clerk, head={"name": "王芳", "id_number": number, "identity": code("identity", "农民工"),
                                 "ethnicity": code("ethnicity", "回族")})  # fmt: skip
    zhang = new_file(clerk, head={"name": "张三"})
    client = cast.client("street_a")
    assert found(query(client, head_name="王")) == ids(wang)
    assert found(query(client, head_id_number=number)) == ids(wang)
    assert found(query(client, head_gender="F")) == ids(wang)
    assert found(query(client, head_birth_date_to="1970-01-01")) == ids(wang)
    assert found(query(client, head_birth_date_from="1970-01-01")) == ids(zhang)
    assert found(query(client, head_identity=code("identity", "农民工").pk)) == ids(wang)
    assert found(query(client, head_ethnicity=code("ethnicity", "回族").pk)) == ids(wang)
    assert found(query(client, head_health=code("health", "健康").pk)) == ids(wang, zhang)


def test_the_heads_name_is_searched_in_the_files_copy_without_a_join():
    """files.copies: WorkerFile.head_name, which the lists' indexes carry, not records_person."""
    sql = str(query_filterset(files).apply(WorkerFile.objects.all(), {"head_name": "王"}).query)
    assert '"records_workerfile"."head_name"' in sql and "records_person" not in sql


def test_member_health(cast, clerk):
    disabled = {"health": code("health", "残疾"), "disability_category": code("disability_category", "肢体残疾")}
    with_disabled_member = new_file(clerk, members=[("妻子", disabled)])
    disabled_head_only = new_file(clerk, head=disabled)
    new_file(clerk)
    client = cast.client("street_a")
    assert found(query(client, member_health=code("health", "残疾").pk)) == ids(with_disabled_member)
    assert found(query(client, head_health=code("health", "残疾").pk)) == ids(disabled_head_only)


def test_kind_of_file(cast, clerk):
    hardship = new_file(clerk)
    migrant = new_file(clerk, head={"identity": code("identity", "农民工")})
    temporary = new_file(clerk, category=FileCategory.TEMPORARY)
    cancelled = new_file(clerk)
    services.file_cancel(actor=clerk, file=cancelled, reason="已脱困")
    client = cast.client("street_a")
    assert found(query(client, kind="hardship")) == ids(hardship)
    assert found(query(client, kind="migrant")) == ids(migrant)
    assert found(query(client, kind="temporary")) == ids(temporary)
    assert found(query(client, kind="cancelled")) == ids(cancelled)
    assert found(query(client)) == ids(hardship, migrant, temporary, cancelled)


def test_include_subordinates_at_county_level(cast, clerk):
    county = cast.users["county_a"]
    own = new_file(county)
    reported_a = new_file(clerk)
    draft_a = new_file(clerk)
    reported_a2 = new_file(cast.users["street_a2"])
    report(clerk, reported_a)
    report(cast.users["street_a2"], reported_a2)
    client = cast.client("county_a")
    assert found(query(client)) == ids(own)
    assert found(query(client, include_subordinates="on")) == ids(own, reported_a, reported_a2)
    street = cast.units["street_a"].pk
    assert found(query(client, include_subordinates="on", unit=street)) == ids(reported_a)
    assert found(query(client, unit=street)) == ids(reported_a)  # the selected unit's own files
    assert draft_a.pk not in found(query(client, include_subordinates="on", code=draft_a.code))


def test_results_never_leave_visibility(cast):
    cast.users["province_a_clerk"] = make_user("province_a_clerk", cast.units["province_a"], BUSINESS_MODULES)
    other_branch = new_file(cast.users["province_b"])
    street_b = make_user("street_b_clerk", cast.units["street_b"], BUSINESS_MODULES)
    new_file(street_b)
    client = cast.client("province_a_clerk")
    assert found(query(client, include_subordinates="on")) == set()
    national = cast.client("national_admin")
    assert found(query(national, include_subordinates="on")) == set()  # nothing reported that far
    assert other_branch.pk in found(query(cast.client("province_b"), include_subordinates="on"))


def test_bad_input_is_a_message_next_to_the_field_and_no_results(cast, clerk):
    new_file(clerk, file_date=date(2026, 3, 1))
    client = cast.client("street_a")
    response = query(client, file_date_from="2026-04-01", file_date_to="2026-03-01", monthly_income_from="abc",
                     household_size_from="2", household_size_to="1", head_id_number="12345")  # fmt: skip
    errors = response.context["filter_form"].errors
    assert errors["file_date_to"] == ["“到”不能早于“从”。"]
    assert errors["household_size_to"] == ["“到”不能小于“从”。"]
    assert "monthly_income_from" in errors and "head_id_number" in errors
    assert found(response) == set()
    body = response.content.decode()
    assert "查询条件有误" in body and "“到”不能早于“从”。" in body


def test_results_can_be_reported_from_the_query_page(cast, clerk):
    file = new_file(clerk)
    response = cast.client("street_a").post(
        URL + "?q=1", {"move": "report", "pks": [file.pk], "message": "请审核"}, follow=True
    )
    assert any("已上报 1 条至武侯区总工会" in str(m) for m in response.context["messages"])
    listed = query(cast.client("county_a"), include_subordinates="on")
    assert [(r["pk"], r["state_label"]) for r in listed.context["rows"]] == [(file.pk, "下级上报")]


def test_query_page_queries_are_bounded(cast, clerk, django_assert_max_num_queries):
    new_file(clerk, members=[("妻子", {})])
    client = cast.client("street_a")
    conditions = {
        "include_subordinates": "on",
        "member_health": code("health", "健康").pk,
        "per_capita_income_to": "1000000",
    }
    with django_assert_max_num_queries(25) as few:
        query(client, **conditions)
    for _ in range(5):
        new_file(clerk, members=[("妻子", {})])
    with django_assert_max_num_queries(len(few)):
        assert len(query(client, **conditions).context["rows"]) == 6


def test_preferences_of_the_file_lists_apply_to_the_query(cast, clerk):
    for day in (3, 1, 2):
        new_file(clerk, file_date=date(2026, 1, day))
    client = cast.client("street_a")
    url = reverse("approvals:preferences") + "?list=files"
    response = client.post(url, {"list": "files", "action": "save", "show": ["file_date", "code"],
                                 "sort": "file_date", "direction": "asc", "page_size": 10})  # fmt: skip
    assert response.status_code == 302
    listed = query(client)
    assert [c.label for c in listed.context["columns"]] == ["职工编号", "建档日期"]
    assert [str(r["cells"][1]) for r in listed.context["rows"]] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    assert [c.label for c in cast.client("street_a").get(reverse("files:list")).context["columns"]][:2] == [
        "职工编号", "建档日期"]  # fmt: skip


# --- Excel ----------------------------------------------------------------------------------


def workbook(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def sheet_rows(book):
    return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_excel_four_options_rows_and_columns(cast, clerk):
    for _ in range(12):
        new_file(clerk)
    client = cast.client("street_a")
    client.post(reverse("approvals:preferences") + "?list=files",
                {"list": "files", "action": "save", "show": ["code", "head.name", "category"],
                 "direction": "asc", "page_size": 10})  # fmt: skip
    shown, every = 3 + 2, len(results.headers_of(results.all_columns(files)))  # with 状态 and 填报单位
    assert every == 38  # the sheet: the file's fields, the head's, 家庭年人均收入
    expected = {"page_shown": (10, shown), "page_all": (10, every), "all_shown": (12, shown), "all_all": (12, every)}
    for option, (n_rows, n_columns) in expected.items():
        rows = sheet_rows(workbook(excel_link(client, export=option)))
        assert len(rows) == n_rows + 1, option
        assert {len(row) for row in rows} == {n_columns}, option
    second_page = excel_link(client, export="page_shown", after=query(client).context["next_after"])
    assert len(sheet_rows(workbook(second_page))) == 2 + 1


def test_excel_headers_values_and_filename(cast, clerk):
    file = new_file(clerk, hardship_cause=code("hardship_cause", "收入低"), single_parent=True,
                    household_annual_income=Decimal("30000.50"))  # fmt: skip
    response = excel_link(cast.client("street_a"), export="all_all")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, row = sheet_rows(workbook(response))
    cells = dict(zip(header, row, strict=True))
    assert cells["填报单位"] == "浆洗街街道工会"
    assert cells["职工编号"] == file.code
    assert cells["困难类别"] == "低保户"
    assert cells["致困主要原因"] == "收入低"
    assert cells["是否单亲"] == "是"
    assert cells["家庭年度总收入(元)"] == pytest.approx(30000.5)
    assert cells["民族"] == "汉族"
    assert cells["建档日期"].date() == date(2026, 3, 1)  # a date cell, not text
    assert cells["身份证号"] == file.head.id_number  # the owning unit's clerk sees it whole
    assert AuditLog.objects.filter(event=FileEvent.ID_NUMBERS_VIEWED, user=clerk).exists()


def test_excel_masks_id_numbers_for_other_units(cast, clerk):
    file = new_file(clerk)
    report(clerk, file)
    response = excel_link(cast.client("county_a"), include_subordinates="on", export="all_all")
    header, row = sheet_rows(workbook(response))
    number = dict(zip(header, row, strict=True))["身份证号"]
    assert number != file.head.id_number
    assert number == file.head.id_number[:6] + "*" * 8 + file.head.id_number[-4:]
    assert not AuditLog.objects.filter(event=FileEvent.ID_NUMBERS_VIEWED, user=cast.users["county_a"]).exists()


def test_excel_of_all_results_above_the_limit_is_written_by_the_worker(cast, clerk, monkeypatch):
    monkeypatch.setattr(results, "EXCEL_LIMIT", 2)
    for _ in range(3):
        new_file(clerk)
    client = cast.client("street_a")
    confirm = excel_link(client, export="all_shown")  # a job is a write: the link asks, a POST starts it
    assert "在后台生成Excel文件" in confirm.content.decode() and not ResultExport.objects.exists()
    response = client.post(f"{URL}?q=1&export=all_shown", {"confirmed": "1"})
    job = ResultExport.objects.get()
    assert response.status_code == 302 and response["Location"] == files.url("query_export", job.pk)
    assert job.module_key == "files"
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("后台生成Excel文件" in m for m in messages)
    assert len(sheet_rows(workbook(excel_link(client, export="page_shown")))) == 4


def test_excel_without_a_query_is_empty_but_valid(cast, clerk):
    new_file(clerk)
    rows = sheet_rows(workbook(cast.client("street_a").get(URL, {"export": "all_all"})))
    assert len(rows) == 1 and rows[0][0] == "状态" and rows[0][-1] == "填报单位"


def test_workbook_splits_sheets_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 3)
    target = io.BytesIO()
    count = excel.write_workbook(
        target, title="职工档案查询", headers=["甲", "乙"], rows=([i, f"第{i}行"] for i in range(5))
    )
    book = openpyxl.load_workbook(io.BytesIO(target.getvalue()), read_only=True)
    assert count == 5
    assert book.sheetnames == ["职工档案查询", "职工档案查询(2)", "职工档案查询(3)"]
    assert [len(list(sheet.iter_rows())) for sheet in book.worksheets] == [3, 3, 2]
    assert next(book.worksheets[2].iter_rows(values_only=True)) == ("甲", "乙")
