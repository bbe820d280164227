"""The one visibility rule (DESIGN.md §3): unit U sees row r ⇔ r.unit_path starts with U.path and
r.holder_depth ≤ U.depth; the label and per-state counts are relative to the viewer."""

import pytest
from django.http import Http404

from approvals import services
from approvals.selectors import (
    ViewerState,
    from_subtree,
    get_visible_or_404,
    state_counts,
    visible_to,
    with_viewer_state,
)
from tests.approvals.conftest import new_row
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db

ALL_UNITS = [
    "national", "province_a", "city_a", "county_a", "street_a", "street_a2", "county_a2",
    "province_b", "city_b", "county_b", "street_b",
]  # fmt: skip
ZERO = {"draft": 0, "received": 0, "returned": 0, "reported": 0}


@pytest.fixture
def people(cast):
    users = dict(cast.users)
    for name in ("city_a", "province_a", "city_b", "county_b", "street_b"):
        users[name] = make_user(name, cast.units[name], BUSINESS_MODULES)
    return users


def up(user, *rows):
    assert services.report_rows(actor=user, model=SampleRecord, pks=[r.pk for r in rows]).moved == len(rows)


def down(user, *rows):
    assert services.return_rows(actor=user, model=SampleRecord, pks=[r.pk for r in rows]).moved == len(rows)


@pytest.fixture
def scene(cast, people):
    """Rows in every position of the worked example, spread over branch A, plus branch B.

    street_a: d1, d2 drafts; r3 reported to county_a; r1 reported and returned by the city to
    county_a; r2 returned by county_a to street_a. county_a: c1 draft, c2 reported to city_a.
    street_a2: s2 reported to county_a. street_b: b1 reported up to province_b."""
    u = cast.units
    rows = {}
    for key in ("d1", "d2", "r1", "r2", "r3"):
        rows[key] = new_row(SampleRecord, u["street_a"], title=key)
    for key in ("c1", "c2"):
        rows[key] = new_row(SampleRecord, u["county_a"], title=key)
    rows["s2"] = new_row(SampleRecord, u["street_a2"], title="s2")
    rows["b1"] = new_row(SampleRecord, u["street_b"], title="b1")
    up(people["street_a"], rows["r1"], rows["r2"], rows["r3"])
    up(people["county_a"], rows["r1"], rows["c2"])
    down(people["city_a"], rows["r1"])
    down(people["county_a"], rows["r2"])
    up(people["street_a2"], rows["s2"])
    for sender in ("street_b", "county_b", "city_b"):
        up(people[sender], rows["b1"])
    return rows


# Who sees what, and as what (ViewerState labels).
EXPECTED = {
    "street_a": {"d1": "未上报", "d2": "未上报", "r1": "已上报", "r2": "被退回", "r3": "已上报"},
    "street_a2": {"s2": "已上报"},
    "county_a": {"r1": "被退回", "r3": "下级上报", "c1": "未上报", "c2": "已上报", "s2": "下级上报"},
    "county_a2": {},
    "city_a": {"c2": "下级上报"},
    "province_a": {},
    "national": {},
    "street_b": {"b1": "已上报"},
    "county_b": {"b1": "已上报"},
    "city_b": {"b1": "已上报"},
    "province_b": {"b1": "下级上报"},
}


@pytest.mark.parametrize("viewer", ALL_UNITS)
def test_each_unit_sees_exactly_its_rows_with_its_labels(cast, scene, viewer):
    unit = cast.units[viewer]
    names = {row.pk: key for key, row in scene.items()}
    visible = with_viewer_state(visible_to(SampleRecord.objects.all(), unit), unit)
    seen = {names[row.pk]: ViewerState(row.viewer_state).label for row in visible}
    assert seen == EXPECTED[viewer]


@pytest.mark.parametrize("viewer", ALL_UNITS)
def test_state_counts_follow_the_viewer(cast, scene, viewer, django_assert_num_queries):
    unit = cast.units[viewer]
    expected = dict(ZERO)
    label_to_value = {choice.label: choice.value for choice in ViewerState}
    for label in EXPECTED[viewer].values():
        expected[label_to_value[label]] += 1
    with django_assert_num_queries(1):
        counts = state_counts(visible_to(SampleRecord.objects.all(), unit), unit)
    assert counts == expected


def test_state_counts_of_a_subordinate_unit_filter(cast, scene):
    """The subordinate-unit selector of list pages narrows the scope, the labels stay the viewer's."""
    county = cast.units["county_a"]
    scope = from_subtree(visible_to(SampleRecord.objects.all(), county), cast.units["street_a"])
    assert state_counts(scope, county) == {"draft": 0, "received": 1, "returned": 1, "reported": 0}
    scope = from_subtree(visible_to(SampleRecord.objects.all(), county), cast.units["street_a2"])
    assert state_counts(scope, county) == {"draft": 0, "received": 1, "returned": 0, "reported": 0}


def test_state_counts_of_nothing_are_all_zero(cast):
    assert state_counts(SampleRecord.objects.none(), cast.units["county_a"]) == ZERO
    assert set(ZERO) == set(ViewerState.values)


def test_a_row_returned_below_a_unit_disappears_from_it(cast, people):
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="退回后消失")
    up(people["street_a"], row)
    up(people["county_a"], row)
    up(people["city_a"], row)
    assert [k for k in ALL_UNITS if visible_to(SampleRecord.objects.filter(pk=row.pk), u[k]).exists()] == [
        "province_a", "city_a", "county_a", "street_a",
    ]  # fmt: skip
    down(people["province_a"], row)
    down(people["city_a"], row)
    assert [k for k in ALL_UNITS if visible_to(SampleRecord.objects.filter(pk=row.pk), u[k]).exists()] == [
        "county_a", "street_a",
    ]  # fmt: skip


def test_one_row_is_found_only_where_it_is_visible(cast, scene):
    rows = SampleRecord.objects.all()
    u = cast.units
    county = u["county_a"]
    assert get_visible_or_404(rows, county, scene["s2"].pk) == scene["s2"]
    for invisible in (scene["d1"], scene["r2"], scene["b1"]):  # below it, returned below it, other branch
        with pytest.raises(Http404):
            get_visible_or_404(rows, county, invisible.pk)
    for nonsense in (999_999_999, "abc", None, 2**70):
        with pytest.raises(Http404):
            get_visible_or_404(rows, county, nonsense)
    # Every row of branch B is invisible to the whole of branch A, and vice versa.
    for key in ("province_a", "city_a", "county_a", "street_a"):
        with pytest.raises(Http404):
            get_visible_or_404(rows, u[key], scene["b1"].pk)
    with pytest.raises(Http404):
        get_visible_or_404(rows, u["province_b"], scene["c2"].pk)


def test_national_sees_everything_that_reached_it(cast, people, scene):
    u = cast.units
    up(people["province_b"], scene["b1"])
    up(people["city_a"], scene["c2"])
    up(people["province_a"], scene["c2"])
    visible = with_viewer_state(visible_to(SampleRecord.objects.all(), u["national"]), u["national"])
    assert {(row.title, row.viewer_state) for row in visible} == {("b1", "received"), ("c2", "received")}


def test_from_subtree_is_by_owner_not_by_holder(cast, scene):
    u = cast.units
    titles = set(from_subtree(SampleRecord.objects.all(), u["county_a"]).values_list("title", flat=True))
    assert titles == {"d1", "d2", "r1", "r2", "r3", "c1", "c2", "s2"}
    assert set(from_subtree(SampleRecord.objects.all(), u["street_a2"]).values_list("title", flat=True)) == {"s2"}
