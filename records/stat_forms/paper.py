"""A form as the manual's paper lays it out — numbered lines with the blanks inline — filled
with one unit's values or a statistics row's sums: the record's page, its print view, the
statistics' drill-down and Excel all draw `paper_lines`."""

import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from audit.spreadsheets import download, text_cell
from records.stat_forms.layout import FormType, number


def shown(value, decimal: bool) -> str:
    """A value as the paper shows it: blank when not entered, two places for a decimal item."""
    if value is None or value == "":
        return ""
    value = number(value)
    return f"{Decimal(value):,.2f}" if decimal else f"{int(value):,}"


def paper_lines(form: FormType, values: dict) -> list[dict]:
    return [
        {
            "number": line.title,
            "heading": form.text(line.heading),
            "items": [
                {
                    "letter": item.letter if line.lettered else "",
                    "code": item.code,
                    "text": form.text(item.text),
                    "unit": item.unit,
                    "value": shown(values.get(item.code), item.decimal),
                }
                for item in line.items
            ],
        }
        for line in form.lines
    ]


def paper_workbook(title: str, header: list[tuple[str, str]], form: FormType, values: dict) -> bytes:
    """One sheet: the title, the header lines, then a row per line — its number, and for each
    blank its text, its value and its unit side by side, as the paper prints them."""
    book = Workbook()
    sheet = book.active
    sheet.title = form.key
    text_cell(sheet.cell(1, 1), title).font = Font(bold=True, size=14)
    row = 2
    for label, text in header:
        text_cell(sheet.cell(row, 1), label)
        text_cell(sheet.cell(row, 2), text)
        row += 1
    for line in paper_lines(form, values):
        row += 1
        text_cell(sheet.cell(row, 1), line["number"]).font = Font(bold=True)
        column = 2
        if line["heading"]:
            text_cell(sheet.cell(row, column), line["heading"])
            column += 1
        for item in line["items"]:
            letter = f"({item['letter']})" if item["letter"] else ""
            text_cell(sheet.cell(row, column), f"{letter}{item['text']}").alignment = Alignment(wrap_text=True)
            value = values.get(item["code"])
            sheet.cell(row, column + 1, Decimal(value) if isinstance(value, str) else value).font = Font(
                underline="single"
            )
            text_cell(sheet.cell(row, column + 2), item["unit"])
            column += 3
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    return download(content, filename, "stat-form.xlsx")
