"""帮扶情况统计 (3.2.6) by the measure lines' dimensions, 帮扶措施 and 帮扶资金类别 (modules-spec §3.2.6:
"帮扶措施 (count per line)"): 人次 is the number of lines in the category and 金额 the sum of the
LINES' amounts — never an assistance's total repeated once per joined line. Every total equals a
bare sum over the lines the viewer sees, and 合计 is the sum of the areas."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from approvals import services as approvals
from forms_stats.crosstab import chart_data
from records.assistance.models import Assistance, AssistanceMeasure
from records.kit.declaration import get
from records.kit.statistics import dimensions_of
from tests.records.assistance.conftest import line, make_assistance

pytestmark = pytest.mark.django_db

BY_MEASURE, BY_SOURCE = "measures.measure", "measures.fund_source"


def report(actor, *rows) -> None:
    result = approvals.report_rows(actor=actor, model=Assistance, pks=[row.pk for row in rows])
    assert result.moved == len(rows), result


@pytest.fixture
def helped(cast):
    """street_a reported a record of three lines (two of 医疗救助) and one of one line, and keeps a
    draft; street_a2 reported one of two lines and a 未帮扶 record; county_a has its own; province_b
    one of its own. The amounts differ line by line, so a record's total counted per line shows."""
    users = cast.users
    rows = {
        "a1": make_assistance(users["street_a"], lines={1: line("300"), 2: line("120.50", "生活救助", "工会经费"),
                                                        3: line("80", "医疗救助", "工会经费")}),
        "a2": make_assistance(users["street_a"], lines={1: line("1000", "助学救助", "地方财政")}),
        "a_draft": make_assistance(users["street_a"], lines={1: line("5000")}),
        "a2_1": make_assistance(users["street_a2"], lines={1: line("40"), 2: line("60.25", "生活救助", "社会捐助")}),
        "a2_none": make_assistance(users["street_a2"], helped="not_helped", form=None, not_helped_reason="收入超标",
                                   lines={}),
        "own": make_assistance(users["county_a"], lines={1: line("700", "生活救助", "中央财政")}),
        "other": make_assistance(users["province_b"], lines={1: line("9999")}),
    }  # fmt: skip
    report(users["street_a"], rows["a1"], rows["a2"])
    report(users["street_a2"], rows["a2_1"], rows["a2_none"])
    return rows


def stats(cast, username="county_a", **params):
    response = cast.client(username).get(get("assistance").url("statistics"), params)
    assert response.status_code == 200
    assert response.context["table"] is not None
    return response.context["table"]


def lines_by_sql(field: str, viewer) -> dict:
    """(value's label) → (lines, sum of their amounts): a bare GROUP BY over the lines of the
    records `viewer` sees."""
    sql = (
        f"SELECT code.value, count(*), sum(line.amount) FROM {AssistanceMeasure._meta.db_table} line "
        f"JOIN {Assistance._meta.db_table} a ON a.id = line.assistance_id "
        f"JOIN org_code code ON code.id = line.{field}_id "
        "WHERE a.unit_path LIKE %s AND a.holder_depth <= %s GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [viewer.path + "%", viewer.depth])
        return {value: (n, total) for value, n, total in cursor.fetchall()}


def totals_by_label(table) -> dict:
    return {
        column.label: tuple(cell) for column, cell in zip(table.columns, table.totals.cells, strict=True) if any(cell)
    }


def test_the_line_dimensions_are_offered_by_their_labels(cast):
    page = cast.client("county_a").get(get("assistance").url("statistics")).content.decode()
    for path, label in [(BY_MEASURE, "帮扶措施"), (BY_SOURCE, "帮扶资金类别")]:
        assert f'value="{path}"' in page and dimensions_of(get("assistance"))[path].label == label


@pytest.mark.parametrize(("dimension", "field"), [(BY_MEASURE, "measure"), (BY_SOURCE, "fund_source")])
@pytest.mark.parametrize("viewer", ["county_a", "street_a", "province_b"])
def test_each_category_counts_its_lines_and_sums_their_amounts(cast, helped, dimension, field, viewer):
    table = stats(cast, viewer, dimension=dimension)
    assert totals_by_label(table) == lines_by_sql(field, cast.units[viewer])


def test_the_county_figures_by_hand(cast, helped):
    """county_a sees a1 (3 lines), a2, a2_1 (2 lines) and its own: the street_a draft, the 未帮扶
    record (no line) and province_b's are not counted."""
    table = stats(cast, dimension=BY_MEASURE)
    assert totals_by_label(table) == {
        "医疗救助": (3, Decimal("420")),  # 300 + 80 + 40
        "生活救助": (3, Decimal("880.75")),  # 120.50 + 60.25 + 700
        "助学救助": (1, Decimal("1000")),
    }
    assert table.totals.total == [7, Decimal("2300.75")]
    # The lines' total is the records' amounts (each the sum of its lines), counted once each.
    shown = [helped[key].pk for key in ("a1", "a2", "a2_1", "own")]
    assert sum(Assistance.objects.filter(pk__in=shown).values_list("amount", flat=True)) == Decimal("2300.75")


@pytest.mark.parametrize("dimension", [BY_MEASURE, BY_SOURCE])
def test_the_total_row_is_the_sum_of_the_areas(cast, helped, dimension):
    table = stats(cast, dimension=dimension)
    assert [row.kind for row in table.rows].count("child") >= 2
    for column in range(len(table.columns)):
        for measure in range(2):
            assert table.totals.cells[column][measure] == sum(row.cells[column][measure] for row in table.rows)
    street_a = next(row for row in table.rows if row.unit_pk == cast.units["street_a"].pk)
    assert street_a.total == [4, Decimal("1500.50")]  # a1's three lines and a2's one: its draft not


def test_the_conditions_still_select_the_records(cast, helped):
    """A query condition on the record (是否帮扶, 帮扶金额) selects the records whose lines count."""
    table = stats(cast, dimension=BY_SOURCE, amount_from="600")
    assert totals_by_label(table) == {"中央财政": (1, Decimal("700")), "地方财政": (1, Decimal("1000"))}


def test_excel_and_chart_carry_the_lines(cast, helped):
    table = stats(cast, dimension=BY_MEASURE)
    response = cast.client("county_a").get(
        get("assistance").url("statistics"), {"dimension": BY_MEASURE, "format": "xlsx"}
    )
    assert response.status_code == 200
    values = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert "统计项目:帮扶措施" in values[1][0] and values[3][1:3] == ["人次", "金额(元)"]
    body = values[4:]
    assert [r[0] for r in body] == [r.label for r in table.all_rows]
    assert [[Decimal(str(v)) for v in r[1:]] for r in body] == [r.values for r in table.all_rows]
    assert body[-1][-2:] == [7, 2300.75]
    data = chart_data(table)
    assert data["dimension"] == "帮扶措施"
    assert {share["name"]: share["value"] for share in data["shares"]} == {"医疗救助": 3, "生活救助": 3, "助学救助": 1}


def test_one_grouped_query_with_one_join_of_the_lines(cast, helped):
    """The lines are joined once, an inner join the dimension and both measures share."""
    with CaptureQueriesContext(connection) as queries:
        stats(cast, dimension=BY_MEASURE)
    lines = AssistanceMeasure._meta.db_table
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"] and lines in q["sql"]]
    assert len(grouped) == 1
    assert grouped[0].count("JOIN") == 1 and f'INNER JOIN "{lines}"' in grouped[0]


@pytest.mark.parametrize("dimension", ["measures.amount", "measures__measure", "measures", "file.head.id_number"])
def test_a_dimension_not_declared_is_refused_next_to_its_field(cast, helped, dimension):
    """统计项目 is one of the declared ones: a line's other field, an ORM path or a relation typed
    into the URL is a message next to 统计项目, no table and never a 500."""
    response = cast.client("county_a").get(get("assistance").url("statistics"), {"dimension": dimension})
    assert response.status_code == 200 and response.context["table"] is None
    assert "dimension" in response.context["form"].errors
    assert "stat-field-error" in response.content.decode()
