"""The assistance list's 帮扶措施 column (L1196): each row's lines as text, worked out in the page's
own query of its rows (records.assistance.models.measures_text), so the page reads no line and no
code row by row and its queries do not grow with its rows; the query's exports and the file
page's section read it the same way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.selectors import visible_to
from records.assistance.models import Assistance, AssistanceMeasure
from records.assistance.services import lines_summarize
from records.kit.declaration import get
from records.kit.results import ResultLines
from records.kit.views import columns_of
from tests.records.assistance.conftest import line, make_assistance

pytestmark = pytest.mark.django_db

LINES = AssistanceMeasure._meta.db_table


def test_each_row_shows_its_lines_in_order_and_a_summarized_one_says_so(cast, assistance):
    clerk = cast.users["street_a"]
    row = make_assistance(clerk, lines={1: line("300"), 2: line("120.50", "生活救助", "工会经费")})
    lines_summarize(AssistanceMeasure.objects.filter(assistance=row, position=2), "地方帮扶资金实名制汇总表")
    make_assistance(clerk, helped="not_helped", form=None, not_helped_reason="收入超标", lines={})
    page = cast.client("street_a").get(assistance.url("list")).content.decode()
    assert "<th>帮扶措施</th>" in page
    assert "医疗救助(中央财政)、生活救助(工会经费) 已汇总" in page


def test_the_page_reads_no_line_and_no_more_queries_with_more_rows(cast, assistance):
    clerk, client = cast.users["street_a"], cast.client("street_a")
    make_assistance(clerk)
    client.get(assistance.url("list"))
    with CaptureQueriesContext(connection) as few:
        client.get(assistance.url("list"))
    for n in range(4):
        make_assistance(clerk, lines={1: line("10"), 2: line(str(n + 1), "生活救助"), 3: line("5", "助学救助")})
    with CaptureQueriesContext(connection) as more:
        page = client.get(assistance.url("list")).content.decode()
    assert len(more) == len(few)
    assert page.count("医疗救助(中央财政)、生活救助(中央财政)、助学救助(中央财政)") == 4
    # The lines are read inside the rows' query (a subquery), never on their own.
    assert not [q for q in more.captured_queries if q["sql"].startswith(f'SELECT "{LINES}"')]


def test_the_query_exports_read_the_column_in_their_rows_query(cast, assistance):
    clerk = cast.users["street_a"]
    make_assistance(clerk, lines={1: line("300"), 2: line("100", "生活救助", "工会经费")})
    columns = [c for c in columns_of(assistance) if c.field in ("file.head_name", "measures_text", "amount")]
    rows = visible_to(Assistance.objects.all(), clerk.unit)
    with CaptureQueriesContext(connection) as queries:
        lines = list(ResultLines(get("assistance"), rows, columns, unit=clerk.unit))
    assert [cell for cell in lines[0][1:-1] if isinstance(cell, str) and "(" in cell] == [
        "医疗救助(中央财政)、生活救助(工会经费)"
    ]
    assert len(queries) == 1
