"""One record on paper and in office files (打印, 另存为Word, 另存为Excel), for every declared
module: the record laid out by its declared sheet (records.kit.sheet), the same sections the
record's page shows, under the module's title and the lines of who filled it in and where it
stands. Read through the one visibility selector (404 outside it, 403 without the module); full
ID numbers only for the owning unit's users, and each time they see them the audit log says so
(DESIGN.md §7)."""

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from audit.spreadsheets import XLSX, text_cell
from records import excel
from records.kit import word
from records.kit.pages import RECORD, Page, add_pages
from records.kit.sheet import BLANK_LINE, SheetSection, SheetTable, blank_sheet, display_text, header_lines
from records.kit.views import get_record_for_user, record_sheet


@dataclass(frozen=True)
class RecordDocument:
    """What the three outputs show: the title, the header lines (label, text) and the sheet."""

    title: str
    header: list[tuple[str, str]]
    sections: list[SheetSection | SheetTable]


def record_document(request, module, pk, page: str):
    """The row the user sees and its document; full ID numbers for the owner, audited."""
    row = get_record_for_user(module, request.user, pk)
    sheet = record_sheet(request, module, row, page)
    return row, RecordDocument(module.record_title(row), header_lines(row), sheet)


def blank_document(module) -> RecordDocument:
    """The module's form with nothing filled in, to fill in by hand (下载档案表格, manual 2.2.9)."""
    header = [(label, BLANK_LINE) for label in ("填报单位", "所属单位")]
    return RecordDocument(module.record_title(), header, blank_sheet(module))


def _filename(module, row, extension: str) -> str:
    return f"{module.record_title(row)}_{row}.{extension}"


# --- Word (python-docx) ---------------------------------------------------------------------

TABLE_FONT_SIZE = 9  # a table's many columns (a household's members: eleven)


def _table(docx, table: SheetTable) -> None:
    widths = list(table.widths_mm) or [word.CONTENT_WIDTH_MM / len(table.columns)] * len(table.columns)
    grid = word.fixed_table(docx, 1 + len(table.rows), widths)
    for cell, label in zip(grid.rows[0].cells, table.columns, strict=True):
        word.fill(cell, label, bold=True, size=TABLE_FONT_SIZE)
    for grid_row, values in zip(grid.rows[1:], table.text_rows, strict=True):
        for cell, value in zip(grid_row.cells, values, strict=True):
            word.fill(cell, value, size=TABLE_FONT_SIZE)
    if not table.rows:
        word.add_run(docx.add_paragraph(), table.empty)


def word_document(document: RecordDocument) -> bytes:
    docx = word.a4_document()
    title = docx.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_run(title, document.title, bold=True, size=18)
    for label, text in document.header:
        word.add_run(docx.add_paragraph(), f"{label}:{text}")
    for section in document.sections:
        heading = docx.add_paragraph()
        heading.paragraph_format.space_before = Pt(8)
        word.add_run(heading, section.title, bold=True, size=12)
        if section.is_table:
            _table(docx, section)
        else:
            word.grid_table(docx, section.rows, section.pairs)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


# --- Excel (openpyxl) -----------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SECTION_FILL = PatternFill("solid", fgColor="F1F3F4")
_WRAP = Alignment(vertical="top", wrap_text=True)
NUMBER_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", Decimal: "#,##0.00"}


def _typed(value):
    """A value as Excel should hold it: numbers and dates as such (a zone-aware time as local
    time, which Excel cannot hold otherwise), anything else as its text, control characters
    dropped (openpyxl refuses them)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    if isinstance(value, int | float | Decimal | date) and not isinstance(value, bool):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", display_text(value))


def _number_format(value) -> str:
    return next((f for kind, f in NUMBER_FORMATS.items() if isinstance(value, kind)), "General")


def _put(sheet, row: int, column: int, value):
    """Text through audit.spreadsheets.text_cell (never a formula), numbers and dates typed;
    nothing leaves the cell empty."""
    cell = sheet.cell(row, column)
    value = _typed(value)
    if value == "":
        return cell
    if isinstance(value, str):
        return text_cell(cell, value)
    cell.value = value
    cell.number_format = _number_format(value)
    return cell


def excel_workbook(document: RecordDocument) -> bytes:
    """One sheet: the title row, the header lines, then per section its title row and one
    label/value row per field, per table its header row and one row per row."""
    book = Workbook()
    sheet = book.active
    sheet.title = excel.sheet_title(document.title)
    title = _put(sheet, 1, 1, document.title)
    title.font, title.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    sheet.merge_cells("A1:B1")
    number = 1
    for label, text in document.header:
        number += 1
        _put(sheet, number, 1, label).font = Font(bold=True)
        _put(sheet, number, 2, text)
    for section in document.sections:
        number += 2  # a blank row before each section
        heading = _put(sheet, number, 1, section.title)
        heading.font, heading.fill = Font(bold=True), _SECTION_FILL
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=2)
        lines = [section.columns, *section.rows] if section.is_table else [[i.label, i.value] for i in section.items]
        for index, line in enumerate(lines):
            number += 1
            for column, value in enumerate(line, start=1):
                cell = _put(sheet, number, column, value)
                cell.border, cell.alignment = _BORDER, _WRAP
                if column == 1 and not section.is_table or index == 0 and section.is_table:
                    cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 64
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- pages ----------------------------------------------------------------------------------


@require_GET
def record_print(request, module, pk):
    row, document = record_document(request, module, pk, "print")
    return render(request, "kit/print.html", {"module": module, "row": row, "document": document})


@require_GET
def record_word(request, module, pk):
    row, document = record_document(request, module, pk, "word")
    fallback = f"{module.url_prefix}-{row.pk}.docx"  # for clients that know no RFC 5987 name
    return word.docx_response(word_document(document), _filename(module, row, "docx"), fallback)


@require_GET
def record_excel(request, module, pk):
    row, document = record_document(request, module, pk, "excel")
    # FileResponse names the download with RFC 5987 (filename*=utf-8''…): the Chinese name survives.
    content = io.BytesIO(excel_workbook(document))
    response = FileResponse(content, as_attachment=True, filename=_filename(module, row, "xlsx"), content_type=XLSX)
    response["Cache-Control"] = "private, no-store"  # full ID numbers must not sit in a cache
    return response


add_pages(
    Page("print", "<int:pk>/print/", record_print, target=RECORD),
    Page("word", "<int:pk>/word/", record_word, target=RECORD),
    Page("excel", "<int:pk>/excel/", record_excel, target=RECORD),
)
