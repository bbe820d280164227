"""Formula injection (issue 14 item 4): text a user typed that a spreadsheet would take for a
formula (=HYPERLINK(…), +1+1, -2, @SUM(A1), a leading tab or carriage return) leaves the system
as text with a leading single quote, in every Excel file (advanced query, statistics, import
template) and in the bulk CSV; real numbers and dates stay what they are."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from approvals import services as approvals
from audit.spreadsheets import FORMULA_TRIGGERS, spreadsheet_safe, text_cell
from org.models import Code
from records import excel, exports, imports
from records.models import BulkExport, ExportKind, WorkerFile
from tests.records.conftest import code, make_file

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil","x")'
EVIL = {
    "address": HYPERLINK,
    "employer": "+1+1",
    "registration_area": "-2",
    "remarks": "@SUM(A1)",
}
EVIL_HEAD_NAME = "\t=1+1"


def evil_file(user, **overrides):
    file = make_file(user, **(EVIL | overrides))
    file.head.name = EVIL_HEAD_NAME  # a name-like field of the head, as an import could bring it
    file.head.save(update_fields=["name"])
    return file


def assert_no_formula(sheet) -> list:
    """Every cell of the sheet is no formula and no text that starts like one; its text cells."""
    texts = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
                assert not cell.value.startswith(FORMULA_TRIGGERS), (cell.coordinate, cell.value)
                texts.append(cell.value)
    return texts


# --- the helper ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [HYPERLINK, "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "=", "-", "=cmd|' /C calc'!A0"])
def test_text_that_starts_like_a_formula_gets_a_quote(value):
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["", "张三", "成都市武侯区浆洗街 1 号", "028-85550000", "510107197503150019", "'=already quoted", " =1", "a=b"],
)
def test_other_text_is_left_alone(value):
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize(
    "value", [None, -2, 0, 3.5, -1.25, Decimal("-30000.50"), date(2026, 3, 1), datetime(2026, 3, 1, 8, 30), True]
)
def test_numbers_dates_and_none_stay_as_they_are(value):
    assert spreadsheet_safe(value) is value


def test_text_cell_writes_a_plain_string_even_for_an_error_looking_text():
    sheet = Workbook().active
    assert text_cell(sheet["A1"], HYPERLINK).data_type == "s" and sheet["A1"].value == "'" + HYPERLINK
    assert text_cell(sheet["A2"], "#N/A").data_type == "s"
    assert text_cell(sheet["A3"], -2).data_type == "n" and sheet["A3"].value == -2


def test_excel_cell_of_the_lists_is_safe_and_keeps_numbers():
    assert excel.cell(HYPERLINK) == "'" + HYPERLINK
    assert excel.cell("-2") == "'-2"
    assert excel.cell(-2) == -2 and excel.cell(Decimal("-1.5")) == Decimal("-1.5")


def test_a_written_list_has_no_formula_and_keeps_typed_numbers_and_dates():
    target = io.BytesIO()
    rows = [[HYPERLINK, "+1+1", "-2", "@SUM(A1)", "#N/A", -2, Decimal("30000.50"), date(2026, 3, 1)]]
    excel.write_workbook(target, title="查询", headers=["=甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"], rows=rows)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    texts = assert_no_formula(sheet)
    assert "'=甲" in texts and "'" + HYPERLINK in texts and "'+1+1" in texts and "'-2" in texts
    assert "'@SUM(A1)" in texts and "#N/A" in texts
    assert sheet["F2"].value == -2 and sheet["F2"].data_type == "n"
    assert sheet["G2"].value == pytest.approx(30000.5) and sheet["H2"].is_date


@pytest.mark.parametrize("value", [HYPERLINK, "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "'=x", "张三", "a=b", "", None])
def test_the_sql_rule_of_the_csv_is_the_python_rule(value):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {exports._safe_text('v')} FROM (SELECT %s::text AS v) AS t", [value])
        assert cursor.fetchone()[0] == spreadsheet_safe(value)


# --- the files users download ---------------------------------------------------------------------


def test_advanced_query_excel_has_no_formula(cast, clerk):
    evil_file(clerk, household_annual_income=Decimal("-0.5") + 30001)
    client = cast.client("street_a")
    url = reverse("files:query")
    for option in ("page_shown", "page_all", "all_shown", "all_all"):
        response = client.get(url, {"q": "1", "export": option})
        assert response.status_code == 200, option
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        header, row = (list(r) for r in book.active.iter_rows())
        texts = assert_no_formula(book.active)
        if option.endswith("_all"):
            cells = {h.value: c for h, c in zip(header, row, strict=True)}
            assert cells["家庭住址"].value == "'" + HYPERLINK
            assert cells["工作单位"].value == "'+1+1"
            assert cells["姓名"].value == "'" + EVIL_HEAD_NAME
            assert cells["家庭年度总收入(元)"].data_type == "n"  # numbers stay numbers
            assert cells["建档日期"].is_date
            assert cells["身份证号"].value.isalnum()  # ID numbers untouched
            assert {"'-2", "'@SUM(A1)"} <= set(texts)


def test_statistics_excel_has_no_formula(cast, clerk):
    table = code("household_registration", "城镇").table
    evil = Code.objects.create(table=table, value=HYPERLINK, display_order=99)
    file = make_file(clerk, household_registration=evil)
    approvals.report_rows(actor=clerk, model=WorkerFile, pks=[file.pk])
    unit = cast.units["street_a"]
    unit.name = "+1+1街道工会"
    unit.save(update_fields=["name"])
    response = cast.client("county_a").get(
        reverse("files:statistics"), {"dimension": "household_registration", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    texts = assert_no_formula(sheet)
    assert "'" + HYPERLINK in texts and "'+1+1街道工会" in texts
    assert all(cell.data_type == "n" for cell in sheet[5][1:] if cell.value is not None)  # counts stay numbers


def test_import_template_never_writes_a_code_value_as_a_formula():
    table = Code.objects.get(table__key="health", value="健康").table
    Code.objects.create(table=table, value=HYPERLINK, display_order=99)
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    codes = [cell.value for row in book[imports.CODES_SHEET].iter_rows() for cell in row]
    assert HYPERLINK in codes  # as it is (the import matches it exactly), but a string


def test_bulk_csv_has_no_field_that_starts_like_a_formula(cast):
    admin = cast.users["street_a_admin"]
    clerk = cast.users["street_a"]
    file = evil_file(clerk, household_annual_income=Decimal("12000"))
    export = exports.export_request(actor=admin, kinds=list(ExportKind.values), scope_units=[admin.unit], conditions={})
    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)
    exports.export_produce(export_id=export.pk)
    export = BulkExport.objects.get(pk=export.pk)

    raw = exports.export_path(export).read_bytes().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(raw)))
    assert len(rows) == 1
    fields = dict(zip(header, rows[0], strict=True))
    for name, value in fields.items():
        assert not value.startswith(FORMULA_TRIGGERS), (name, value)
    assert fields["家庭住址"] == "'" + HYPERLINK
    assert fields["工作单位"] == "'+1+1"
    assert fields["备注"] == "'@SUM(A1)"
    assert fields["姓名"] == "'" + EVIL_HEAD_NAME
    assert fields["身份证号"] == file.head.id_number  # in full, untouched
    assert fields["建档日期"] == "2026-03-01"
    assert fields["家庭年度总收入(元)"] == "12000.00"  # a number stays a number (never negative: a constraint)


def test_bulk_excel_has_no_formula_and_keeps_id_numbers_as_text(cast):
    admin = cast.users["street_a_admin"]
    file = evil_file(cast.users["street_a"])
    export = exports.export_request(
        actor=admin, kinds=list(ExportKind.values), scope_units=[admin.unit], conditions={}, file_format="xlsx"
    )
    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)
    exports.export_produce(export_id=export.pk)
    sheet = load_workbook(exports.export_path(BulkExport.objects.get(pk=export.pk))).active
    texts = assert_no_formula(sheet)
    assert "'" + HYPERLINK in texts and "'" + EVIL_HEAD_NAME in texts and file.head.id_number in texts
    assert "ID" not in [cell.value for cell in sheet[1]]
