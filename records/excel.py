"""Excel (xlsx) files of lists (DESIGN.md §7): openpyxl in write-only mode, rows streamed from
an iterator into a temporary file, so memory stays flat however many rows there are; a new
sheet starts when one reaches Excel's 1,048,576-row limit. Text never becomes a formula: every
cell goes through audit.spreadsheets.spreadsheet_safe, the one rule against formula injection."""

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from audit.spreadsheets import spreadsheet_safe

MAX_SHEET_ROWS = 1_048_576  # Excel's limit per sheet, header row included
SHEET_TITLE_LENGTH = 31
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value):
    """A value as openpyxl stores it: numbers and dates as such, anything else as text
    (code-table values and choices arrive as their labels), without control characters and
    made safe (`=HYPERLINK(…)` is written as the text `'=HYPERLINK(…)`, never as a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    return spreadsheet_safe(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _typed(sheet, value):
    """What `sheet.append` takes for `value`. Text is a plain string (data type "s") anyway, as
    none starts with "=" any more, except text that openpyxl would store as an error value
    (`#N/A`): that one goes as a cell typed as a string."""
    if isinstance(value, str) and value in ERROR_CODES:
        typed = WriteOnlyCell(sheet, value)
        typed.data_type = "s"
        return typed
    return value


def sheet_title(title: str, number: int = 1) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, "")
    suffix = f"({number})" if number > 1 else ""
    return (title or "Sheet")[: SHEET_TITLE_LENGTH - len(suffix)] + suffix


def write_workbook(target, *, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write `headers` and `rows` to `target` (a path or a binary file); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet, in_sheet, sheets, count = None, MAX_SHEET_ROWS, 0, 0
    for row in rows:
        if in_sheet >= MAX_SHEET_ROWS:
            sheets += 1
            sheet = workbook.create_sheet(sheet_title(title, sheets))
            sheet.append([_typed(sheet, cell(header)) for header in headers])
            in_sheet = 1
        sheet.append([_typed(sheet, cell(value)) for value in row])
        in_sheet += 1
        count += 1
    if sheet is None:
        sheet = workbook.create_sheet(sheet_title(title, 1))
        sheet.append([_typed(sheet, cell(header)) for header in headers])
    workbook.save(target)
    return count


def xlsx_response(filename: str, *, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    """The workbook as a download. FileResponse names it with RFC 5987 (filename*=utf-8''…), so
    Chinese file names survive."""
    file = tempfile.TemporaryFile()  # closed by the response once sent
    write_workbook(file, title=title, headers=headers, rows=rows)
    file.seek(0)
    return private(FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX))


def private(response):
    """A download of personal data is kept by no cache on the way (ID numbers, names)."""
    response["Cache-Control"] = "private, no-store"
    return response
