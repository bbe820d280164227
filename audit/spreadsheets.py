"""The one rule against formula injection (OWASP "CSV injection") of every spreadsheet the
system writes — the audit log's sheet, statistics tables (forms_stats.excel), the lists and the
import template of records, and the bulk CSV of records.exports (which applies
`FORMULA_TRIGGERS` in its SQL). It lives on the ground floor so that every app that writes a
spreadsheet, the audit log first, reads it from one place."""

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A text cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets
# (tab and carriage return as well: some of them strip those first), OWASP's list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def spreadsheet_safe(value):
    """A value as a spreadsheet may hold it: text that a spreadsheet would take for a formula
    (`=HYPERLINK(…)`, `+1+1`, `-2`, `@SUM(A1)`) gets a leading single quote and so stays text;
    everything else, numbers and dates included (a negative number stays a number), as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def text_cell(cell, value):
    """Set an openpyxl cell to `value` made safe, text typed as a plain string (data type "s"),
    never as a formula, whatever openpyxl would guess from the text."""
    cell.value = spreadsheet_safe(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def download(content: bytes, filename: str, fallback: str, content_type: str = XLSX):
    """A generated file (a workbook, a Word document) as a download with a Chinese file name:
    RFC 6266 with RFC 5987's filename*, and the ASCII `fallback` for clients that know no
    better. Never cached on the way: it may hold names and full ID numbers."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response
