"""Exports speak Chinese (issue 17 item 8): no export has the internal id as an English "ID"
column — the query's full-field Excel of every module, a record's own Excel, the bulk export."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from records import exports
from records.kit import declaration
from records.kit.results import all_columns, headers_of
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db


def _english(headers) -> list[str]:
    return [h for h in headers if isinstance(h, str) and h.strip() and h.isascii()]


def test_full_field_excel_headers_are_chinese_for_every_module():
    with translation.override("zh-hans"):
        for module in declaration.all_modules():
            assert _english(headers_of(all_columns(module))) == [], module.key


def test_bulk_export_headers_are_chinese(cast):
    assert _english(header for header, _expression in exports.export_columns(cast.units["street_a"])) == []


def test_a_files_own_excel_has_no_id_column(cast):
    file = make_file(cast.users["street_a"])
    module = declaration.of_model(type(file))
    response = cast.client("street_a").get(module.url("excel", file.pk))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "ID" not in values and file.head.id_number in values
