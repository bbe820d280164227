"""Excel import of household files: the template, the upload page, the worker, the job page."""

import io
from datetime import date

import dramatiq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from audit.spreadsheets import XLSX
from records import id_numbers, imports
from records.models import FileImport, ImportState, Person, WorkerFile
from records.tasks import import_files
from tests.conftest import worker_thread
from tests.records.conftest import id_number, make_file

pytestmark = pytest.mark.django_db

UPLOAD = reverse("records:file_import")
TEMPLATE = reverse("records:file_import_template")
FIRST_DATA_ROW = 5  # note, header and two example rows come first


def head_row(code: str, number: str | None = None, **cells) -> dict:
    row = {
        "职工编号": code, "与户主关系": "户主", "姓名": "王五", "身份证号": number or id_number("19700412"),
        "民族": "汉族", "健康状况": "健康", "身份": "职工", "困难类别": "低保户", "建档日期": date(2026, 3, 1),
        "家庭住址": "成都市武侯区浆洗街 9 号", "工作单位": "成都机床厂", "家庭人口": 2, "家庭年度总收入(元)": 24000,
        "本人月平均收入(元)": 1500, "致困主要原因": "家属大病", "是否单亲": "否",
    }  # fmt: skip
    return row | cells


def member_row(code: str, number: str | None = None, **cells) -> dict:
    row = {
        "职工编号": code, "与户主关系": "妻子", "姓名": "赵六", "身份证号": number or id_number("19720808", female=True),
        "健康状况": "健康", "月收入(元)": 800,
    }  # fmt: skip
    return row | cells


def workbook(rows: list[dict]) -> bytes:
    """The downloaded template with `rows` (by header) appended after its examples."""
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book[imports.SHEET]
    headers = [c.header for c in imports.columns()]
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, *, name="档案.xlsx", keep_problems=False, follow=False):
    data = {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    if keep_problems:
        data["keep_problems"] = "on"
    return client.post(UPLOAD, data, follow=follow)


def run_import(user, rows: list[dict], *, keep_problems=False) -> FileImport:
    """A job created as the upload page does, run by calling the actor's function directly."""
    content = workbook(rows)
    job = imports.file_import_create(
        actor=user, file_name="档案.xlsx", content=content, keep_problems=keep_problems, total_rows=len(rows)
    )
    import_files.fn(job.pk)
    return FileImport.objects.get(pk=job.pk)


def wrong_check_character(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


# --- the template --------------------------------------------------------------------------------


def test_template_has_headers_dropdowns_note_and_examples(cast):
    response = cast.client("street_a").get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[imports.SHEET]
    headers = [cell.value.lstrip("*") for cell in sheet[imports.HEADER_ROW]]
    for expected in ["职工编号", "与户主关系", "姓名", "身份证号", "困难类别", "家庭住址", "工作单位", "家庭人口",
                     "家庭年度总收入(元)", "本人月平均收入(元)", "建档日期", "致困主要原因", "残疾类别"]:  # fmt: skip
        assert expected in headers
    assert len(set(headers)) == len(headers)
    required = {cell.value for cell in sheet[imports.HEADER_ROW] if cell.value.startswith("*")}
    assert {"*职工编号", "*与户主关系", "*姓名", "*身份证号", "*困难类别", "*家庭住址", "*建档日期"} <= required
    assert "填写说明" in sheet.cell(imports.NOTE_ROW, 1).value
    assert sheet.cell(imports.FIRST_ROW, 1).value == imports.EXAMPLE_CODE
    assert sheet.cell(imports.FIRST_ROW, 2).value == "户主"

    codes = book[imports.CODES_SHEET]
    assert codes.sheet_state == "hidden"
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in codes.iter_cols()}
    assert "汉族" in lists["民族"] and lists["与户主关系"][0] == "户主" and "妻子" in lists["与户主关系"]
    assert lists["困难类别"] == ["低保户", "低保边缘户", "意外致困户", "临时救助"]
    header_of = {get_column_letter(index): header for index, header in enumerate(headers, start=1)}
    validations = {
        header_of[str(v.sqref).split(":")[0].rstrip("0123456789")]: v for v in sheet.data_validations.dataValidation
    }
    assert {"民族", "困难类别", "健康状况", "残疾类别", "与户主关系", "性别", "是否单亲"} <= validations.keys()
    assert "身份证号" not in validations
    ethnicity = validations["民族"]
    assert ethnicity.type == "list" and ethnicity.formula1.startswith(f"'{imports.CODES_SHEET}'!")


def test_template_alone_has_nothing_to_import(cast):
    response = upload(cast.client("street_a"), imports.template_workbook())
    assert "没有要导入的数据行" in response.content.decode()
    assert not FileImport.objects.exists()


def test_template_needs_the_files_module(cast):
    assert cast.client("street_a_admin").get(TEMPLATE).status_code == 403


# --- the import ------------------------------------------------------------------------------------


def test_three_households_one_good_one_wrong_check_character_one_member_already_registered(cast):
    clerk = cast.users["street_a"]
    elsewhere = make_file(cast.users["province_b"])
    taken = elsewhere.members.get().person.id_number
    bad_head = wrong_check_character(id_number("19660101"))
    rows = [
        head_row("IMP001"), member_row("IMP001"),  # rows 5, 6: good
        head_row("IMP002", bad_head, 家庭人口=1),  # row 7
        head_row("IMP003", 姓名="钱七"), member_row("IMP003", taken),  # rows 8, 9
    ]  # fmt: skip
    people_before = Person.objects.count()

    job = run_import(clerk, rows)

    assert job.state == ImportState.DONE
    assert (job.total_rows, job.done_rows) == (5, 5)
    assert (job.created_count, job.problem_count, job.refused_count) == (1, 0, 2)
    created = WorkerFile.objects.get(unit=clerk.unit, code="IMP001")
    assert created.created_by == clerk and created.problems == []
    assert created.household_size == 2 and created.members.get().relation.value == "妻子"
    assert created.head.monthly_income == 1500 and created.head.employer_or_school == "成都机床厂"
    assert not WorkerFile.objects.filter(code__in=["IMP002", "IMP003"]).exists()
    assert Person.objects.count() == people_before + 2
    refusals = {(r["row"], r["column"]): r["message"] for r in job.refusals}
    expected_check = id_numbers.check_character(bad_head[:17])
    assert refusals.keys() == {(7, "身份证号"), (9, "身份证号")}
    assert f"校验码应为 {expected_check}" in refusals[7, "身份证号"]
    assert "广东省总工会" in refusals[9, "身份证号"] and taken not in refusals[9, "身份证号"]


def test_form_rules_are_reported_by_column(cast):
    rows = [
        head_row("IMP010", 家庭住址=None, 民族="火星族", 困难类别="特困户"),
        member_row("IMP010", 与户主关系=None),
        member_row("", 姓名="无编号"),
    ]
    job = run_import(cast.users["street_a"], rows)
    messages = {(r["row"], r["column"]): r["message"] for r in job.refusals}
    assert "必填" in messages[5, "家庭住址"]
    assert messages[5, "民族"] == "“火星族”不在代码表“民族”中。"
    assert messages[5, "困难类别"] == "“特困户”不是有效的困难类别。"
    assert "必填" in messages[6, "与户主关系"]
    assert "未填写职工编号" in messages[7, "职工编号"]
    assert job.created_count == 0 and job.refused_count == 2


def test_household_size_mismatch_is_refused_unless_problem_rows_are_kept(cast):
    clerk = cast.users["street_a"]
    refused = run_import(clerk, [head_row("IMP020", 家庭人口=3), member_row("IMP020")])
    assert refused.created_count == 0 and refused.refused_count == 1
    assert "家庭人口数必须为家庭成员人数 +1" in refused.refusals[0]["message"]
    assert refused.refusals[0]["column"] == "家庭人口"

    rows = [
        head_row("IMP021", 家庭人口=3), member_row("IMP021"),
        head_row("IMP022", 家庭人口=1, 健康状况="残疾"),  # disabled, no category
        head_row("IMP023", wrong_check_character(id_number()), 家庭人口=5),  # a bad ID is never kept
    ]  # fmt: skip
    kept = run_import(clerk, rows, keep_problems=True)
    assert (kept.created_count, kept.problem_count, kept.refused_count) == (2, 2, 1)
    size_file = WorkerFile.objects.get(unit=clerk.unit, code="IMP021")
    assert size_file.household_size == 3 and any("家庭人口" in p for p in size_file.problems)
    disabled = WorkerFile.objects.get(unit=clerk.unit, code="IMP022")
    assert disabled.problems and "残疾类别" in disabled.problems[0]
    assert {r["row"] for r in kept.refusals} == {8}
    page = cast.client("street_a").get(kept.get_absolute_url()).content.decode()
    assert "保存为有问题档案的户" in page and "IMP021" in page


def test_running_twice_creates_nothing_more(cast):
    clerk = cast.users["street_a"]
    job = run_import(clerk, [head_row("IMP030"), member_row("IMP030"), head_row("IMP031", 家庭人口=1)])
    assert job.created_count == 2
    files = WorkerFile.objects.count()

    import_files.fn(job.pk)  # the message delivered again: a finished job returns at once
    # A worker that died after creating the files, before finishing the job: the retry skips them.
    FileImport.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, done_rows=0, created_count=0)
    import_files.fn(job.pk)

    job.refresh_from_db()
    assert WorkerFile.objects.count() == files
    assert job.state == ImportState.DONE and job.created_count == 2 and job.refused_count == 0
    assert job.refusals == [] and job.items.count() == 2


def test_a_household_code_already_in_the_unit_is_refused(cast):
    clerk = cast.users["street_a"]
    existing = make_file(clerk)
    job = run_import(clerk, [head_row(existing.code, 家庭人口=1)])
    assert job.refused_count == 1
    assert job.refusals == [
        {"row": 5, "column": "职工编号", "message": f"本单位已有职工编号为“{existing.code}”的档案。"}
    ]


def test_a_job_fails_when_its_uploader_lost_the_module(cast):
    clerk = cast.users["street_a"]
    job = imports.file_import_create(
        actor=clerk, file_name="a.xlsx", content=workbook([head_row("IMP040", 家庭人口=1)]), keep_problems=False,
        total_rows=1,
    )  # fmt: skip
    clerk.modules = []
    clerk.save(update_fields=["modules"])
    import_files.fn(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED and "权限" in job.error
    assert not WorkerFile.objects.filter(code="IMP040").exists()


# --- the upload page and the job page ---------------------------------------------------------------


def test_upload_creates_a_job_and_sends_its_id_on_commit(cast, django_capture_on_commit_callbacks):
    broker = dramatiq.get_broker()
    broker.flush_all()
    client = cast.client("street_a")
    assert client.get(UPLOAD).status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, workbook([head_row("IMP050", 家庭人口=1)]), keep_problems=True)
    job = FileImport.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert len(callbacks) == 1
    queue = broker.queues[import_files.queue_name]
    message = dramatiq.Message.decode(queue.get_nowait())
    queue.task_done()  # else a later broker.join() waits for this message forever
    assert message.actor_name == "import_files" and message.args == (job.pk,) and message.kwargs == {}
    assert job.state == ImportState.QUEUED and job.keep_problems and job.total_rows == 1
    assert job.unit == cast.units["street_a"] and job.created_by == cast.users["street_a"]

    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and 'data-poll-ms="2000"' in page and "<progress" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("档案.xls", b"\xd0\xcf\x11\xe0 old excel", "请上传 .xlsx 格式"),
        ("档案.csv", "职工编号,姓名\n".encode(), "请上传 .xlsx 格式"),
        ("档案.xlsx", b"this is not a workbook", "无法读取该文件"),
    ],
)
def test_other_files_are_refused_and_nothing_is_created(cast, name, content, message):
    response = upload(cast.client("street_a"), content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FileImport.objects.exists()


def test_a_workbook_not_made_from_the_template_is_refused(cast):
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    book[imports.SHEET].delete_cols(4)  # 身份证号
    out = io.BytesIO()
    book.save(out)
    response = upload(cast.client("street_a"), out.getvalue())
    assert "缺少必填列:身份证号" in response.content.decode()
    assert not FileImport.objects.exists()


def test_too_large_a_file_is_refused(cast, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1000)
    response = upload(cast.client("street_a"), workbook([head_row("IMP060")]))
    assert "文件太大" in response.content.decode()
    assert not FileImport.objects.exists()


def test_job_page_shows_counts_and_refused_rows(cast):
    job = run_import(cast.users["street_a"], [head_row("IMP070", 家庭人口=1), head_row("IMP071", 姓名=None)])
    page = cast.client("street_a").get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and "data-poll-ms" not in page
    assert "第 6 行" in page and "姓名" in page and "这个字段是必填项" in page
    assert ">1 户<" in page.replace("</dd>", "<")


def test_only_the_uploading_units_files_users_see_a_job(cast):
    job = run_import(cast.users["street_a"], [head_row("IMP080", 家庭人口=1)])
    url = job.get_absolute_url()
    assert cast.client("street_a").get(url).status_code == 200
    assert cast.client("street_a2").get(url).status_code == 404  # a sibling unit
    assert cast.client("county_a").get(url).status_code == 404  # the parent unit too
    assert cast.client("street_a_admin").get(url).status_code == 403  # own unit, no files module
    assert cast.client("street_a").get(reverse("records:file_import_detail", args=[job.pk + 1000])).status_code == 404
    listed = cast.client("street_a2").get(UPLOAD).content.decode()
    assert url not in listed


# --- a real worker ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_the_upload_after_commit(cast):
    """The upload commits, on_commit sends the job's id, a dramatiq worker thread (its own
    database connection) imports it."""
    with worker_thread() as drain:
        client = cast.client("street_a")
        response = upload(client, workbook([head_row("IMP090"), member_row("IMP090"), head_row("IMP091", 家庭人口=3)]))
        job = FileImport.objects.get()
        assert response.url == job.get_absolute_url()
        drain(import_files.queue_name)
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert (job.created_count, job.refused_count, job.done_rows) == (1, 1, 3), job.refusals
    assert WorkerFile.objects.filter(code="IMP090").exists()
    assert "已完成" in cast.client("street_a").get(job.get_absolute_url()).content.decode()
