"""The Excel import at national scale (issue 17 item 18): legacy date forms, households saved
whole or not at all, the verdicts, the 200,000-row limit, duplicates in the file and in the
database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditLog
from records import imports
from records.events import FileEvent
from records.models import FamilyMember, Person, WorkerFile
from tests.records.conftest import id_number, make_file
from tests.records.test_file_import import head_row, member_row, run_import, upload, workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cell",
    [date(1995, 7, 1), 34881, 34881.0, "1995年7月1日", "1995 年 7 月 1 日", "1995.7.1", "1995/7/1", "1995-07-01",
     "19950701", 19950701.0],
)  # fmt: skip
def test_legacy_date_forms_are_read(cell):
    assert imports.parse_date(cell) == date(1995, 7, 1)


@pytest.mark.parametrize("cell", ["1995.13.1", "七月一日", "1995年2月30日", "95.7.1"])
def test_a_date_that_is_none_of_them_is_refused_in_words(cell):
    with pytest.raises(ValidationError) as error:
        imports.parse_date(cell)
    assert error.value.messages[0].startswith(f"“{cell}”不是有效的日期")


def test_a_workbook_of_legacy_dates_imports_with_them(cast):
    clerk = cast.users["street_a"]
    rows = [
        head_row("LEG1", id_number("19700412"), 出生日期="1970年4月12日", 建档日期=46082, 家庭人口=2),  # 2026-03-01
        member_row("LEG1", id_number("19720808", female=True), 出生日期="1972.8.8"),
        head_row("LEG2", id_number("19650203"), 出生日期=19650203, 建档日期="2026/3/2", 家庭人口=1),
    ]
    job = run_import(clerk, rows)
    assert job.refusals == [] and job.created_count == 2
    first = WorkerFile.objects.get(unit=clerk.unit, code="LEG1")
    assert first.file_date == date(2026, 3, 1) and first.head.birth_date == date(1970, 4, 12)
    assert first.members.get().person.birth_date == date(1972, 8, 8)
    assert WorkerFile.objects.get(unit=clerk.unit, code="LEG2").file_date == date(2026, 3, 2)


def test_a_household_is_saved_whole_or_not_at_all(cast):
    clerk = cast.users["street_a"]
    people = Person.objects.count()
    rows = [
        head_row("ALL1", 家庭人口=3), member_row("ALL1"), member_row("ALL1", 出生日期="1972.13.40"),  # rows 5–7
        head_row("ALL2", 家庭人口=2), member_row("ALL2"),  # rows 8, 9
    ]  # fmt: skip
    job = run_import(clerk, rows)
    assert not WorkerFile.objects.filter(code="ALL1").exists()
    assert Person.objects.count() == people + 2  # ALL2's head and member, none of ALL1's
    created = WorkerFile.objects.get(unit=clerk.unit, code="ALL2")
    assert list(FamilyMember.objects.filter(file=created).values_list("position", flat=True)) == [1]
    assert (job.created_count, job.refused_count) == (1, 1)
    assert AuditLog.objects.filter(event=FileEvent.FILE_CREATED, object_id=str(created.pk)).get().object_repr == str(
        created
    )
    event = created.events.get()  # django-pghistory's insert event, as a file saved from the form has
    assert event.pgh_label == "insert" and event.pgh_context.metadata["user"] == clerk.pk
    assert created.head.events.get().pgh_context_id == event.pgh_context_id
    assert created.members.get().events.get().pgh_obj_id == created.members.get().pk


def test_the_verdicts_name_row_column_and_reason_and_the_page_shows_them(cast):
    rows = [
        head_row("VER1", 家庭人口=1, 是否单亲="也许", 建档日期="2026.2.30"),  # row 5
        head_row("VER2", 家庭人口=1, 联系电话="abc"),  # row 6
        head_row("VER3", 家庭人口=1),  # row 7: good
    ]
    job = run_import(cast.users["street_a"], rows)
    verdicts = {(r["row"], r["column"]): r["message"] for r in job.refusals}
    assert verdicts == {
        (5, "是否单亲"): "应填“是”或“否”,现在是“也许”。",
        (5, "建档日期"): f"“2026.2.30”不是有效的日期,请填写如 {imports.DATE_EXAMPLES}。",
        (6, "联系电话"): "电话号码只能包含数字、空格和 - ( ) + 转,长度 5–30 位。",
    }
    assert (job.created_count, job.refused_count) == (1, 2)
    page = cast.client("street_a").get(job.get_absolute_url()).content.decode()
    assert "第 5 行" in page and "应填“是”或“否”" in page and "第 6 行" in page


def test_more_rows_than_the_limit_are_refused_at_upload(cast, monkeypatch):
    assert imports.MAX_ROWS == 200_000
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    content = workbook([head_row("LIM1", 家庭人口=1), head_row("LIM2", 家庭人口=1), head_row("LIM3", 家庭人口=1)])
    page = upload(cast.client("street_a"), content).content.decode()
    assert "一次最多导入 2 行,请把文件分成几个再导入。" in page


def test_an_id_number_twice_in_the_file_refuses_the_later_household(cast):
    clerk = cast.users["street_a"]
    shared = id_number("19720808", female=True)
    rows = [
        head_row("DUP1", 家庭人口=2), member_row("DUP1", shared),  # rows 5, 6
        head_row("DUP2", 家庭人口=2), member_row("DUP2", shared),  # rows 7, 8
    ]  # fmt: skip
    job = run_import(clerk, rows)
    assert WorkerFile.objects.filter(code="DUP1").exists() and not WorkerFile.objects.filter(code="DUP2").exists()
    assert [(r["row"], r["column"]) for r in job.refusals] == [(8, "身份证号")]
    assert job.refusals[0]["message"].endswith("与第 6 行重复。") and shared not in job.refusals[0]["message"]


def test_id_numbers_already_registered_refuse_their_households(cast):
    clerk = cast.users["street_a"]
    mine = make_file(clerk)
    cancelled = make_file(cast.users["province_b"])
    cancelled.cancel(on=date(2026, 1, 5), reason="脱困")
    cancelled.save()
    rows = [
        head_row("REG1", mine.head.id_number, 家庭人口=1),  # row 5
        head_row("REG2", cancelled.head.id_number, 家庭人口=1),  # row 6
        head_row("REG3", 家庭人口=1),  # row 7
    ]
    job = run_import(clerk, rows)
    verdicts = {r["row"]: r["message"] for r in job.refusals}
    assert verdicts.keys() == {5, 6}
    assert "已是" in verdicts[5] and "已注销的档案,可将其恢复" in verdicts[6]
    assert job.created_count == 1


def test_imported_names_carry_their_pinyin_sort_key(cast):
    """The import writes persons by INSERT … SELECT: each gets the key Person.save would set
    (records.name_order), so the lists sort imported names in pinyin order too."""
    from records.name_order import name_sort_key

    rows = [head_row("PY1", id_number("19700412"), 家庭人口=2), member_row("PY1", id_number("19720808", female=True))]
    job = run_import(cast.users["street_a"], rows)
    assert job.created_count == 1
    people = list(Person.objects.values_list("name", "name_sort"))
    assert people and all(key and key == name_sort_key(name) for name, key in people)


def test_a_household_of_no_one_is_refused_and_the_others_are_imported(cast):
    """家庭人口 0 breaks the table's constraint: refused with its row, never a failed job."""
    rows = [head_row("ZERO", 家庭人口=0), head_row("ONE", 家庭人口=1)]
    job = run_import(cast.users["street_a"], rows)
    assert (job.created_count, job.refused_count) == (1, 1)
    assert any("家庭人口数至少为 1" in str(refusal) for refusal in job.refusals)
    assert not WorkerFile.objects.filter(code="ZERO").exists()
