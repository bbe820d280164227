"""Excel output (另存为Excel) of any statistics table built by forms_stats.crosstab.

The sheet is what the page shows: a title row naming the unit, a row of the conditions, the
two header rows (each dimension value merged over its measures, then 总数), one row per area
and the 合计 row. A cross-tab has at most a few thousand rows (one per child unit), so an
ordinary workbook is used: write-only mode would save nothing here and cannot style merged
headers as simply. Big row-level exports use write-only mode elsewhere (DESIGN.md §7).

Every text cell goes through audit.spreadsheets.text_cell, the system's one rule against
formula injection.
"""

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from audit.spreadsheets import download, text_cell
from forms_stats.crosstab import CrossTab

AREA_HEADER = "地区"

_thin = Side(style="thin", color="808080")
_BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="F1F3F4")
_BOLD = Font(bold=True)

# Rows of the sheet before the table: title, conditions, then the two header rows.
TITLE_ROW, CONDITIONS_ROW, HEADER_ROW, MEASURE_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5


def crosstab_workbook(table: CrossTab) -> bytes:
    """The table as an .xlsx file's bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = (table.title or "统计")[:31]
    width = 1 + len(table.header_measures)
    last = get_column_letter(width)

    text_cell(sheet["A1"], f"{table.title}({table.unit.name})" if table.title else table.unit.name)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    conditions = f"；统计条件:{'；'.join(table.conditions)}" if table.conditions else ""
    text_cell(sheet[f"A{CONDITIONS_ROW}"], f"统计项目:{table.dimension}{conditions}")
    sheet.merge_cells(f"A{CONDITIONS_ROW}:{last}{CONDITIONS_ROW}")

    text_cell(sheet.cell(HEADER_ROW, 1), AREA_HEADER)
    sheet.merge_cells(start_row=HEADER_ROW, start_column=1, end_row=MEASURE_ROW, end_column=1)
    column = 2
    for label, span in table.header_groups:
        text_cell(sheet.cell(HEADER_ROW, column), label)
        if span > 1:
            sheet.merge_cells(
                start_row=HEADER_ROW, start_column=column, end_row=HEADER_ROW, end_column=column + span - 1
            )
        column += span
    for offset, label in enumerate(table.header_measures):
        text_cell(sheet.cell(MEASURE_ROW, 2 + offset), label)
    for row in sheet.iter_rows(min_row=HEADER_ROW, max_row=MEASURE_ROW, max_col=width):
        for cell in row:
            cell.font, cell.alignment, cell.fill, cell.border = _BOLD, _CENTRE, _HEADER_FILL, _BORDER

    for index, row in enumerate(table.all_rows):
        number = FIRST_DATA_ROW + index
        text_cell(sheet.cell(number, 1), row.label)
        for offset, value in enumerate(row.values):
            text_cell(sheet.cell(number, 2 + offset), value)
        for cell in sheet[number][:width]:
            cell.border = _BORDER
            if row.kind == "total":
                cell.font = _BOLD

    sheet.column_dimensions["A"].width = max(12, *(len(r.label) * 2 + 2 for r in table.all_rows))
    for c in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 11
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2)
    sheet.print_title_rows = f"{HEADER_ROW}:{MEASURE_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(table: CrossTab, filename: str, fallback: str = "statistics.xlsx") -> HttpResponse:
    """The table as a download with a Chinese file name: RFC 6266 with RFC 5987's filename*,
    and an ASCII name for clients that know no better."""
    return download(crosstab_workbook(table), filename, fallback)
