"""Cut/paste of a unit (manual 18.2.3, DESIGN.md §3): every reportable row of the moved subtree
returns to draft at its owner with unit_path rewritten, in the transaction of the move."""

import pytest

from approvals import services
from approvals.events import ReportingEvent
from approvals.models import Movement, ReportAction, ReportKind, ReportState
from approvals.selectors import visible_to
from audit.models import AuditLog
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Module, Unit
from org.services.units import unit_move
from records.jobs.models import JobAgency, Recruiter
from tests.approvals.conftest import new_row, reload
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast):
    users = dict(cast.users)
    for name in ("city_a", "province_a", "county_a2", "city_b", "county_b", "street_b"):
        users[name] = make_user(name, cast.units[name], BUSINESS_MODULES)
    return users


def up(user, *rows, model=SampleRecord):
    return services.report_rows(actor=user, model=model, pks=[r.pk for r in rows]).moved


def down(user, *rows, model=SampleRecord):
    return services.return_rows(actor=user, model=model, pks=[r.pk for r in rows]).moved


def state(row):
    row = reload(row)
    return (row.unit_id, row.unit_path, row.holder_id, row.holder_depth, row.report_state)


@pytest.fixture
def spread(cast, people):
    """Rows of county_a's subtree in every position, and rows outside it."""
    u = cast.units
    inside = {
        "draft": new_row(SampleRecord, u["street_a"], title="草稿"),
        "at_county": new_row(SampleRecord, u["street_a"], title="在区县"),
        "at_province": new_row(SampleRecord, u["street_a"], title="在省"),
        "returned_at_county": new_row(SampleRecord, u["street_a"], title="退回到区县"),
        "returned_at_street": new_row(SampleRecord, u["street_a"], title="退回到街道"),
        "street2_at_city": new_row(SampleRecord, u["street_a2"], title="玉林在市"),
        "county_own_at_city": new_row(SampleRecord, u["county_a"], title="区县在市"),
        "county_own_draft": new_row(SampleRecord, u["county_a"], title="区县草稿"),
    }
    outside = {
        "county_a2_at_city": new_row(SampleRecord, u["county_a2"], title="锦江在市"),
        "city_own_at_province": new_row(SampleRecord, u["city_a"], title="成都在省"),
        "street_b_at_county": new_row(SampleRecord, u["street_b"], title="石牌在区县"),
        "city_draft": new_row(SampleRecord, u["city_a"], title="成都草稿"),
    }
    i = inside
    up(people["street_a"], i["at_county"], i["at_province"], i["returned_at_county"], i["returned_at_street"])
    up(people["county_a"], i["at_province"], i["returned_at_county"])
    down(people["county_a"], i["returned_at_street"])
    up(people["street_a2"], i["street2_at_city"])
    up(people["county_a"], i["street2_at_city"], i["county_own_at_city"])
    up(people["city_a"], i["at_province"])
    down(people["city_a"], i["returned_at_county"])
    o = outside
    up(people["county_a2"], o["county_a2_at_city"])
    up(people["city_a"], o["city_own_at_province"])
    up(people["street_b"], o["street_b_at_county"])
    assert reload(i["at_province"]).holder_id == u["province_a"].pk
    return inside, outside


@pytest.mark.parametrize("new_parent", ["city_b", "province_b"])
def test_moved_subtree_rows_return_to_draft_at_their_owners(cast, spread, new_parent):
    u = cast.units
    inside, outside = spread
    outside_before = {key: state(row) for key, row in outside.items()}
    changed_holder = {row.pk: reload(row).holder_id for row in inside.values() if reload(row).holder_id != row.unit_id}
    assert len(changed_holder) == 5
    admin = cast.users["national_admin"]

    county = unit_move(actor=admin, unit=u["county_a"], new_parent=u[new_parent])

    parent = Unit.objects.get(pk=u[new_parent].pk)
    county = Unit.objects.get(pk=county.pk)
    assert county.path.startswith(parent.path) and county.depth == parent.depth + 1
    for row in inside.values():
        owner = Unit.objects.get(pk=row.unit_id)
        assert owner.path.startswith(county.path)
        assert state(row) == (owner.pk, owner.path, owner.pk, owner.depth, ReportState.DRAFT)
    assert {key: state(row) for key, row in outside.items()} == outside_before

    (action,) = ReportAction.objects.filter(kind=ReportKind.UNIT_MOVED, module=Module.PETITIONS)
    assert (action.sender, action.receiver, action.actor, action.count) == (county, county, admin, 5)
    assert "数据恢复为未上报" in action.message
    moves = Movement.objects.filter(action=action)
    assert {m.object_id: (m.from_holder_id, m.to_holder_id) for m in moves} == {
        pk: (old_holder, reload(SampleRecord.objects.get(pk=pk)).unit_id) for pk, old_holder in changed_holder.items()
    }
    jobs_action = ReportAction.objects.get(kind=ReportKind.UNIT_MOVED, module=Module.JOBS)
    assert jobs_action.count == 0 and not Movement.objects.filter(action=jobs_action).exists()
    reset = AuditLog.objects.get(event=ReportingEvent.ROWS_RESET)
    assert reset.detail["count"] == 5 and reset.detail["new_path"] == county.path
    assert AuditLog.objects.filter(event=OrgEvent.UNIT_MOVED, object_id=str(county.pk)).count() == 1


def test_after_the_move_rows_travel_up_the_new_branch(cast, people, spread):
    u = cast.units
    inside, _outside = spread
    unit_move(actor=cast.users["national_admin"], unit=u["county_a"], new_parent=u["city_b"])
    # The old branch no longer sees anything of the moved subtree.
    for key in ("city_a", "province_a"):
        assert not visible_to(SampleRecord.objects.filter(pk__in=[r.pk for r in inside.values()]), u[key]).exists()
    row = inside["at_province"]
    county_a = Unit.objects.get(pk=u["county_a"].pk)
    street_a = Unit.objects.get(pk=u["street_a"].pk)
    assert visible_to(SampleRecord.objects.filter(pk=row.pk), street_a).exists()
    people["street_a"].unit = street_a
    people["county_a"].unit = county_a
    assert up(people["street_a"], row) == 1
    assert up(people["county_a"], row) == 1
    assert reload(row).holder_id == u["city_b"].pk
    assert visible_to(SampleRecord.objects.filter(pk=row.pk), Unit.objects.get(pk=u["city_b"].pk)).exists()


def test_moving_a_street_changes_depths_and_jobs_rows(cast, people):
    """A street moved under a city becomes a county-level unit: holder_depth follows."""
    u = cast.units
    agency = new_row(JobAgency, u["street_a"], name="职介所")
    recruiter = new_row(Recruiter, u["street_a"], name="招聘单位", agency=agency)
    up(people["street_a"], agency, model=JobAgency)
    up(people["street_a"], recruiter, model=Recruiter)
    up(people["county_a"], agency, model=JobAgency)
    sibling = new_row(SampleRecord, u["street_a2"], title="玉林")
    up(people["street_a2"], sibling)

    street = unit_move(actor=cast.users["national_admin"], unit=u["street_a"], new_parent=u["city_b"])
    street = Unit.objects.get(pk=street.pk)
    assert street.depth == 4
    for row in (agency, recruiter):
        assert state(row) == (street.pk, street.path, street.pk, 4, ReportState.DRAFT)
    action = ReportAction.objects.get(kind=ReportKind.UNIT_MOVED, module=Module.JOBS)
    assert action.count == 2
    assert sorted(Movement.objects.filter(action=action).values_list("from_holder_id", "to_holder_id")) == sorted(
        [(u["city_a"].pk, street.pk), (u["county_a"].pk, street.pk)]
    )
    assert ReportAction.objects.get(kind=ReportKind.UNIT_MOVED, module=Module.PETITIONS).count == 0
    # The sibling street's row is untouched.
    assert state(sibling)[2:] == (u["county_a"].pk, 4, ReportState.REPORTED)


def test_a_refused_move_touches_no_row(cast, people, spread):
    u = cast.units
    inside, _outside = spread
    before = {key: state(row) for key, row in inside.items()}
    with pytest.raises(DomainError):
        unit_move(actor=cast.users["county_a_admin"], unit=u["county_a"], new_parent=u["city_b"])
    with pytest.raises(DomainError):
        unit_move(actor=cast.users["national_admin"], unit=u["county_a"], new_parent=u["street_a"])
    assert {key: state(row) for key, row in inside.items()} == before
    assert not ReportAction.objects.filter(kind=ReportKind.UNIT_MOVED).exists()
    assert not AuditLog.objects.filter(event=ReportingEvent.ROWS_RESET).exists()


def test_the_set_reset_leaves_each_row_where_its_reset_transition_would(cast, spread):
    """Reportable.reset for one row (a row before the move, its owner reloaded with the new
    path) and the unit move's one UPDATE agree on every position of the spread."""
    u = cast.units
    before = {key: reload(row) for key, row in spread[0].items()}
    unit_move(actor=cast.users["national_admin"], unit=u["county_a"], new_parent=u["city_b"])
    for key, row in before.items():
        row.unit = Unit.objects.get(pk=row.unit_id)
        row.reset()
        assert state(row) == (row.unit_id, row.unit_path, row.holder_id, row.holder_depth, row.report_state), key
