"""The cross-tab engine on real household files at several depths of the cast's tree."""

from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from approvals import services as approvals
from approvals.selectors import visible_to
from forms_stats.crosstab import UNFILLED, Dimension, Measure, count_related, count_rows, crosstab, scope, sum_of
from org.models import Gender, Module, Unit
from records import services
from records.models import FamilyMember, WorkerFile
from tests.conftest import make_user
from tests.records.conftest import code, file_data, head_data, id_number, member_data

pytestmark = pytest.mark.django_db

GENDER = Dimension("性别", "head__gender", Gender.choices)
REGISTRATION = Dimension.code_table("家庭户口", "household_registration", "household_registration")
FILES = [count_rows("职工人数")]


def new_file(actor, *, members=0, female=False, **fields) -> WorkerFile:
    head = head_data(id_number=id_number("19700101", female=female))
    member_list = [member_data(name=f"成员{i}") for i in range(members)]
    data = file_data(household_size=members + 1) | fields
    return services.file_create(actor=actor, data=data, head=head, members=member_list)


def report(actor, *files):
    result = approvals.report_rows(actor=actor, model=WorkerFile, pks=[f.pk for f in files])
    assert result.moved == len(files), result


@pytest.fixture
def people(cast):
    users = dict(cast.users)
    users["city_a"] = make_user("city_a_clerk", cast.units["city_a"], [Module.FILES])
    users["county_a2"] = make_user("county_a2_clerk", cast.units["county_a2"], [Module.FILES])
    return users


def table_for(cast, viewer, unit=None, dimension=GENDER, measures=FILES, queryset=None):
    viewer = cast.units[viewer]
    unit = cast.units[unit] if unit else viewer
    return crosstab(
        queryset if queryset is not None else WorkerFile.objects.all(),
        viewer=viewer,
        unit=unit,
        dimension=dimension,
        measures=measures,
    )


def by_label(table):
    return {row.label: row for row in table.all_rows}


def column_index(table, label):
    return [c.label for c in table.columns].index(label)


def test_county_rows_are_its_streets_and_drafts_stay_below(cast, people):
    a1, a2, draft = (
        new_file(people["street_a"]),
        new_file(people["street_a"], female=True),
        new_file(people["street_a"]),
    )
    report(people["street_a"], a1, a2)
    b = new_file(people["street_a2"])
    report(people["street_a2"], b)
    own = new_file(people["county_a"])

    table = table_for(cast, "county_a")

    assert [(r.kind, r.label) for r in table.rows] == [
        ("own", "武侯区总工会(本级)"),
        ("child", "浆洗街街道工会"),
        ("child", "玉林街道工会"),
    ]
    rows = by_label(table)
    male, female = column_index(table, "男"), column_index(table, "女")
    assert rows["浆洗街街道工会"].cells[male] == [1] and rows["浆洗街街道工会"].cells[female] == [1]
    assert rows["浆洗街街道工会"].total == [2]  # the draft is not counted: it has not reached county_a
    assert rows["玉林街道工会"].total == [1]
    assert rows["武侯区总工会(本级)"].total == [1]
    assert table.totals.total == [4]
    assert rows["浆洗街街道工会"].unit_pk == cast.units["street_a"].pk

    street = table_for(cast, "street_a")
    assert [r.kind for r in street.rows] == ["own"]  # a street has no children
    assert street.totals.total == [3]  # its own drafts included
    assert draft.pk and own.pk


def test_province_sees_city_as_one_row_summing_its_subtree(cast, people):
    s = new_file(people["street_a"], members=2)
    report(people["street_a"], s)
    report(people["county_a"], s)
    c2 = new_file(people["county_a2"])
    report(people["county_a2"], c2)
    report(people["city_a"], s, c2)
    held_at_city = new_file(people["city_a"])  # a draft of city_a: province_a does not see it
    other_branch = new_file(people["province_b"])

    table = table_for(cast, "province_a")
    assert [(r.kind, r.label) for r in table.rows] == [("own", "四川省总工会(本级)"), ("child", "成都市总工会")]
    assert by_label(table)["成都市总工会"].total == [2]
    assert table.totals.total == [2]

    # province_a looking at city_a's areas: the counties, with only what reached province_a.
    table = table_for(cast, "province_a", "city_a")
    rows = by_label(table)
    assert rows["武侯区总工会"].total == [1] and rows["锦江区总工会"].total == [1]
    assert rows["成都市总工会(本级)"].total == [0]

    # city_a itself counts its own draft as well.
    assert table_for(cast, "city_a").totals.total == [3]
    # province_b's rows never appear in province_a's statistics, and the national unit sees
    # only what reached it (nothing).
    assert table_for(cast, "province_b").totals.total == [1]
    assert table_for(cast, "national").totals.total == [0]
    assert held_at_city.pk and other_branch.pk


def test_unfilled_column_and_code_table_order(cast, people):
    urban, rural = code("household_registration", "城镇"), code("household_registration", "农村")
    files = [
        new_file(people["county_a"], household_registration=urban),
        new_file(people["county_a"], household_registration=rural),
        new_file(people["county_a"], household_registration=rural),
        new_file(people["county_a"]),
    ]
    assert files
    table = table_for(cast, "county_a", dimension=REGISTRATION)
    assert [c.label for c in table.columns] == [UNFILLED, "城镇", "农村"]
    assert table.header_groups == [(UNFILLED, 1), ("城镇", 1), ("农村", 1), ("总数", 1)]
    assert table.totals.values == [1, 1, 2, 4]


def test_totals_are_the_sum_of_rows_with_several_measures(cast, people):
    for income in (1000, 1500):
        f = new_file(people["street_a"], members=1, monthly_income=income)
        report(people["street_a"], f)
    f = new_file(people["street_a2"], members=3, female=True, monthly_income=800)
    report(people["street_a2"], f)
    new_file(people["county_a"], members=0, monthly_income=700)

    measures = [
        count_rows("职工人数"),
        Measure("月收入", Sum("monthly_income")),
        count_related("成员", FamilyMember, "file"),
    ]
    table = table_for(cast, "county_a", measures=measures)
    assert table.measures == ["职工人数", "月收入", "成员"]
    assert len(table.header_measures) == 3 * (len(table.columns) + 1)
    for i in range(len(table.totals.values)):
        assert table.totals.values[i] == sum(row.values[i] for row in table.rows)
    assert table.totals.total == [4, Decimal("4000.00"), 5]
    for row in table.all_rows:  # 总数 is the sum of the row's columns, per measure
        for m in range(3):
            assert row.total[m] == sum(cell[m] for cell in row.cells)


def test_a_join_measure_would_multiply_rows_which_count_related_avoids(cast, people):
    new_file(people["county_a"], members=3)
    joined = table_for(cast, "county_a", measures=[count_rows("职工人数"), Measure("成员", Count("members"))])
    assert joined.totals.total == [3, 3]  # why measures over related rows are subqueries
    related = table_for(
        cast, "county_a", measures=[count_rows("职工人数"), count_related("成员", FamilyMember, "file")]
    )
    assert related.totals.total == [1, 3]


def test_conditions_narrow_the_base_queryset(cast, people):
    new_file(people["county_a"], single_parent=True)
    new_file(people["county_a"])
    table = table_for(cast, "county_a", queryset=WorkerFile.objects.filter(single_parent=True))
    assert table.totals.total == [1]


def test_scope_is_visible_to_restricted_to_the_unit(cast, people):
    f = new_file(people["street_a"])
    report(people["street_a"], f)
    new_file(people["street_a"])
    new_file(people["street_a2"])
    county, street = cast.units["county_a"], cast.units["street_a"]
    expected = set(visible_to(WorkerFile.objects.all(), county).filter(unit_path__startswith=street.path))
    assert set(scope(WorkerFile.objects.all(), viewer=county, unit=street)) == expected == {f}
    with pytest.raises(ValueError):
        scope(WorkerFile.objects.all(), viewer=county, unit=cast.units["street_b"])
    with pytest.raises(ValueError):
        scope(WorkerFile.objects.all(), viewer=street, unit=county)


def test_one_grouped_query_whatever_the_number_of_units_and_files(cast, people, django_assert_num_queries):
    measures = [count_rows("职工人数"), count_related("供养人口数", FamilyMember, "file")]
    county = cast.units["county_a"]

    def run():
        return crosstab(WorkerFile.objects.all(), viewer=county, unit=county, dimension=REGISTRATION, measures=measures)

    with django_assert_num_queries(3):  # the grouped query, the children's names, the code table
        small = run()
    f = new_file(people["street_a"], members=2)
    report(people["street_a"], f)
    for _ in range(3):
        new_file(people["county_a"], members=1, household_registration=code("household_registration", "农村"))
    for i in range(4):
        street = Unit.objects.add_child(Unit.objects.get(pk=county.pk), {"name": f"新街道{i}", "code": f"1106019{i}"})
        clerk = make_user(f"new_street_{i}", street, [Module.FILES])
        report(clerk, new_file(clerk, members=i))
    with django_assert_num_queries(3):
        big = run()
    assert len(big.rows) == len(small.rows) + 4
    assert big.totals.total == [8, 2 + 3 + (0 + 1 + 2 + 3)]
    assert [row.total for row in big.rows[-4:]] == [[1, 0], [1, 1], [1, 2], [1, 3]]


def test_gender_dimension_needs_no_label_query(cast, people, django_assert_num_queries):
    new_file(people["county_a"], female=True)
    county = cast.units["county_a"]
    with django_assert_num_queries(2):
        table = crosstab(WorkerFile.objects.all(), viewer=county, unit=county, dimension=GENDER, measures=FILES)
    assert table.totals.values == [0, 0, 1, 1]  # (未填), 男, 女, 总数


def test_sum_of_adds_a_number_field_per_cell_and_a_cell_without_rows_is_zero(cast, people):
    for income in (1000, 1500):
        report(people["street_a"], new_file(people["street_a"], monthly_income=income))
    report(people["street_a2"], new_file(people["street_a2"], female=True, monthly_income=800))
    new_file(people["county_a"], monthly_income=0)
    new_file(people["street_a"], monthly_income=9999)  # a draft below: not the county's

    table = table_for(cast, "county_a", measures=[count_rows("职工人数"), sum_of("月收入", "monthly_income")])
    rows, male, female = by_label(table), column_index(table, "男"), column_index(table, "女")
    assert rows["浆洗街街道工会"].cells[male] == [2, Decimal("2500.00")]
    assert rows["浆洗街街道工会"].cells[female] == [0, 0]
    assert rows["玉林街道工会"].cells[female] == [1, Decimal("800.00")]
    assert rows["武侯区总工会(本级)"].total == [1, 0]
    assert table.totals.total == [4, Decimal("3300.00")]


def test_a_measure_over_a_relation_reads_the_related_rows_fields():
    """Measure.over (a dimension `through` a to-many relation): the aggregate's fields re-rooted
    on the relation; a correlated count has no such reading and is refused."""
    # repr: an expression's equality is of its constructor's arguments, which a copy keeps.
    assert repr(sum_of("金额", "amount").over("measures").aggregate) == repr(Sum("measures__amount"))
    assert repr(count_rows("人次").over("measures").aggregate) == repr(Count("measures__pk"))
    with pytest.raises(ValueError, match="不能统计"):
        count_related("人数", FamilyMember, "file").over("members")
