"""One record's print view, Word document and Excel sheet (records.kit.documents), for every
module declared on the kit: the declared sections with their Chinese values, typed cells in
Excel, no formula from a typed text, masked ID numbers for other units and an audit row when
the owner sees them whole, 404 outside the unit's visibility and 403 without the module."""

import io
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from approvals import services as approvals
from audit.models import AuditLog
from org.models import Module
from records import id_numbers
from records.events import FileEvent
from records.kit.declaration import get
from tests.conftest import make_user
from tests.records.conftest import code, id_number
from tests.records.kit.conftest import make_record

pytestmark = pytest.mark.django_db

PAGES = ("print", "word", "excel")
FORMULA = '=HYPERLINK("http://example.com/x","点我")'


# What each module's record is entered with, the texts its documents must show for it (a
# code's value, a choice's label, 是/否, a date, money) and the typed Excel value by label.
def petition_entry():
    overrides = {
        "received_on": date(2026, 3, 9), "name": "王建国", "gender": "M", "collective": False, "visitors": 1,
        "channel": code("petition_channel", "来信"), "category": code("petition_category", "工伤"),
        "handling": code("petition_handling", "转办"), "content": "反映工伤认定迟迟未办。",
    }  # fmt: skip
    texts = ["王建国", "男", "否", "2026-03-09", "来信", "工伤", "转办", "反映工伤认定迟迟未办。", "受理"]
    typed = {"接待日期": datetime(2026, 3, 9), "来访人数": 1, "是否集体访": "否", "信访形式": "来信"}
    return overrides, texts, typed


def consultation_entry():
    overrides = {
        "consulted_on": date(2026, 4, 1), "name": "周丽", "gender": "F", "satisfaction": "fairly",
        "channel": code("consultation_channel", "电话"), "category": code("consultation_category", "社会保障"),
    }  # fmt: skip
    texts = ["周丽", "女", "2026-04-01", "电话", "社会保障", "基本满意"]
    typed = {"咨询日期": datetime(2026, 4, 1), "是否满意": "基本满意", "性别": "女"}
    return overrides, texts, typed


def legal_aid_entry():
    overrides = {
        "applied_on": date(2026, 2, 3), "accepted_on": date(2026, 2, 4), "people": 3, "amount": Decimal("12345.60"),
        "case_type": code("legal_case_type", "工伤赔偿"), "aid_form": code("legal_aid_form", "仲裁代理"),
    }  # fmt: skip
    texts = ["张三", "成都机床厂", "2026-02-03", "2026-02-04", "工伤赔偿", "仲裁代理", "12,345.60", "受理"]
    typed = {"申请日期": datetime(2026, 2, 3), "涉及人数": 3, "涉案金额(元)": 12345.6, "户主姓名": "张三"}
    return overrides, texts, typed


ENTRIES = {"petitions": petition_entry, "consultations": consultation_entry, "legal_aid": legal_aid_entry}


@pytest.fixture(params=list(ENTRIES))
def entered(request, cast):
    """(module, row of street_a, texts it shows, typed Excel values) for each kit module."""
    module = get(request.param)
    overrides, texts, typed = ENTRIES[request.param]()
    row = make_record(module, cast.users["street_a"], **overrides)
    return module, module.model.objects.get(pk=row.pk), texts, typed  # as saved (head_name by a trigger)


def word_texts(content: bytes) -> tuple[str, list]:
    """All text of a .docx (paragraphs and table cells), and every run of its tables."""
    document = Document(io.BytesIO(content))
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + [cell.text for cell in cells])
    runs = [run for cell in cells for paragraph in cell.paragraphs for run in paragraph.runs]
    return text, runs


def excel_pairs(response) -> tuple[object, dict]:
    """The sheet of an .xlsx download and its column B by the label in column A."""
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return sheet, {row[0].value: row[1] for row in sheet.iter_rows(max_col=2) if row[0].value}


def test_the_print_page_shows_every_section_label_and_chinese_value(cast, entered):
    module, row, texts, _typed = entered
    response = cast.client("street_a").get(module.url("print", row.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{module.label}</h1>" in page
    assert all(section.title in page for section in module.sheet)
    assert all(module.label_of(path) in page for path in module.sheet_fields)
    assert all(text in page for text in texts)
    assert "浆洗街街道工会" in page and "中华全国总工会→四川省总工会→成都市总工会→武侯区总工会" in page
    assert "未上报" in page and f"打印日期:{date.today():%Y-%m-%d}" in page


def test_the_detail_page_links_the_three_documents(cast, entered):
    module, row, _texts, _typed = entered
    page = cast.client("street_a").get(module.url("detail", row.pk)).content.decode()
    assert all(module.url(name, row.pk) in page for name in PAGES)


def test_word_opens_with_the_labels_and_values_in_song_typeface(cast, entered):
    module, row, texts, _typed = entered
    response = cast.client("street_a").get(module.url("word", row.pk))
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote(f'{module.label}_{row}.docx')}" in response["Content-Disposition"]
    text, runs = word_texts(response.content)
    assert text.startswith(module.label)
    assert all(section.title in text for section in module.sheet)
    assert all(module.label_of(path) in text for path in module.sheet_fields)
    assert all(value in text for value in texts)
    assert "填报单位:浆洗街街道工会" in text
    assert runs and all(run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体" for run in runs)
    document = Document(io.BytesIO(response.content))
    assert round(document.sections[0].page_width.mm) == 210 and round(document.sections[0].page_height.mm) == 297


def test_excel_opens_with_typed_values(cast, entered):
    module, row, _texts, typed = entered
    response = cast.client("street_a").get(module.url("excel", row.pk))
    assert response.status_code == 200
    assert quote(f"{module.label}_{row}.xlsx") in response["Content-Disposition"]
    sheet, pairs = excel_pairs(response)
    assert sheet["A1"].value == module.label
    assert pairs["填报单位"].value == "浆洗街街道工会" and pairs["上报状态"].value == "未上报"
    assert all(section.title in pairs for section in module.sheet)
    for label, value in typed.items():
        assert pairs[label].value == value and type(pairs[label].value) is type(value), label
    assert pairs[next(iter(typed))].is_date


def test_a_formula_like_text_stays_text_in_excel_and_word(cast, entered):
    module, row, _texts, _typed = entered
    module.model.objects.filter(pk=row.pk).update(remarks=FORMULA)
    client = cast.client("street_a")
    _sheet, pairs = excel_pairs(client.get(module.url("excel", row.pk)))
    remarks = pairs["备注"]
    assert remarks.data_type == "s" and remarks.value == "'" + FORMULA
    assert FORMULA in word_texts(client.get(module.url("word", row.pk)).content)[0]


@pytest.fixture
def reported_petition(cast):
    """A petition of street_a with an ID number, reported to county_a."""
    number = id_number("19800101")
    row = make_record(get("petitions"), cast.users["street_a"], id_number=number)
    approvals.report_rows(actor=cast.users["street_a"], model=row.__class__, pks=[row.pk])
    return row, number


def page_text(response) -> str:
    if response["Content-Type"].startswith("text/html"):
        return response.content.decode()
    if "wordprocessingml" in response["Content-Type"]:
        return word_texts(response.content)[0]
    return "\n".join(str(cell.value) for cell in excel_pairs(response)[1].values())


@pytest.mark.parametrize("page", PAGES)
def test_the_county_reads_a_masked_id_number_and_writes_no_audit_row(cast, reported_petition, page):
    row, number = reported_petition
    response = cast.client("county_a").get(get("petitions").url(page, row.pk))
    text = page_text(response)
    assert response.status_code == 200
    assert id_numbers.mask(number) in text and number not in text
    assert not AuditLog.objects.filter(event=FileEvent.ID_NUMBERS_VIEWED).exists()
    if page == "print":
        assert "下级上报" in text and "当前所在单位" in text


@pytest.mark.parametrize("page", PAGES)
def test_the_owner_reads_the_full_id_number_and_the_audit_log_says_so(cast, reported_petition, page):
    row, number = reported_petition
    response = cast.client("street_a").get(get("petitions").url(page, row.pk))
    assert number in page_text(response)
    log = AuditLog.objects.get(event=FileEvent.ID_NUMBERS_VIEWED)
    assert (log.user, log.object_id, log.object_type) == (cast.users["street_a"], str(row.pk), "petition")
    assert log.detail == {"page": page, "module": "petitions"}


def test_no_audit_row_when_the_sheet_shows_no_id_number(cast):
    """Legal aid's sheet has no ID number; a petition entered without one shows none either."""
    for module, overrides in (("legal_aid", {}), ("petitions", {"id_number": ""})):
        row = make_record(get(module), cast.users["street_a"], **overrides)
        assert cast.client("street_a").get(get(module).url("print", row.pk)).status_code == 200
    assert not AuditLog.objects.filter(event=FileEvent.ID_NUMBERS_VIEWED).exists()


@pytest.mark.parametrize("page", PAGES)
def test_outside_the_visibility_is_404_and_without_the_module_403(cast, entered, page):
    module, row, _texts, _typed = entered
    approvals.report_rows(actor=cast.users["street_a"], model=module.model, pks=[row.pk])
    url = module.url(page, row.pk)
    assert cast.client("province_b").get(url).status_code == 404
    assert cast.client("street_a2").get(url).status_code == 404
    others = [m for m in Module.values if m not in (module.key, Module.UNIT_ADMIN)]
    cast.users["street_a_other"] = make_user("street_a_other", cast.units["street_a"], others)
    assert cast.client("street_a_other").get(url).status_code == 403
    assert cast.client("county_a").get(url).status_code == 200
