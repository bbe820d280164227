"""Word documents (python-docx) as every record is printed: A4, 15 mm margins, 宋体 for Latin
and CJK text alike, bordered tables of fixed widths, label/value grids. The record of every kit
module (records.kit.documents) and its blank form use these."""

from django.http import HttpResponse
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from audit.spreadsheets import download

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"
CONTENT_WIDTH_MM = 180  # A4 less 15 mm margins
LABEL_WIDTH_MM = 28


def east_asian_font(element, name: str = FONT) -> None:
    """Word picks CJK glyphs from w:eastAsia; python-docx's font.name sets only ascii/hAnsi."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def a4_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    east_asian_font(normal.element)
    east_asian_font(document.styles["Table Grid"].element)
    return document


def add_run(paragraph, text: str, *, bold: bool = False, size: float | None = None):
    run = paragraph.add_run(text)  # a "\n" of a long text becomes a line break
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    east_asian_font(run._element)
    return run


def fill(cell, text: str, *, bold: bool = False, size: float | None = None) -> None:
    add_run(cell.paragraphs[0], text, bold=bold, size=size)


def fixed_table(document, rows: int, widths_mm: list[float]):
    """A bordered table of fixed column widths (set before any cell is merged: a merged cell
    keeps the widths it spans)."""
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def grid_table(document, rows: list[list[tuple[str, str, int]]], pairs: int, label_mm: float = LABEL_WIDTH_MM) -> None:
    """Label/value pairs, `pairs` to a row; a value's span merges the cells it covers."""
    table = fixed_table(document, len(rows), [label_mm, CONTENT_WIDTH_MM / pairs - label_mm] * pairs)
    for table_row, cells in zip(table.rows, rows, strict=True):
        column = 0
        for label, value, span in cells:
            fill(table_row.cells[column], label, bold=True)
            target = table_row.cells[column + 1]
            if span > 1:
                target = target.merge(table_row.cells[column + span])
            fill(target, value)
            column += 1 + span


def docx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    """An attachment with a Chinese file name: RFC 6266 with RFC 5987's filename*, and an
    ASCII name for clients that know no better. Never cached: it may hold full ID numbers."""
    return download(content, filename, fallback, DOCX)
