"""Quick report (快速上报) and quick return (快速退回), manual 2.6 and DESIGN.md §3: every row of a
subtree held by the acting unit moves at once, invalid rows stay and are listed, parents go up
before their children and come down after them."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals import services
from approvals.events import ReportingEvent
from approvals.models import Movement, ReportAction, ReportKind, ReportState
from approvals.selectors import state_counts, visible_to
from approvals.services import REFUSAL_DETAIL_LIMIT
from audit.models import AuditLog
from flows.flows import ReportUpFlow, ReturnDownFlow
from org.errors import DomainError
from org.models import Module
from records.jobs.models import JobAgency, Recruiter
from tests.approvals.conftest import new_row, where
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db

INCOMPLETE = "信息项没有填写完整"
SCOPE_REFUSED = "只能快速上报本单位或直属下级单位的数据。"
CHILD_REFUSED = "请选择一个直属下级单位进行快速退回;本级单位的数据没有快速退回。"


@pytest.fixture
def people(cast):
    users = dict(cast.users)
    for name in ("city_a", "province_a", "county_a2"):
        users[name] = make_user(name, cast.units[name], BUSINESS_MODULES)
    return users


def quick_report(user, scope, module=Module.PETITIONS, message=""):
    return services.quick_report(actor=user, module_key=module, scope=scope, message=message)


def quick_return(user, child, module=Module.PETITIONS, message=""):
    return services.quick_return(actor=user, module_key=module, child=child, message=message)


def rows_at(unit, n, prefix, **fields):
    return [new_row(SampleRecord, unit, title=f"{prefix}{i}", **fields) for i in range(n)]


def positions(rows):
    return {where(r) for r in rows}


def snapshot():
    return (ReportAction.objects.count(), Movement.objects.count(), AuditLog.objects.count(), Task.objects.count())


@pytest.fixture
def county_inbox(cast, people):
    """County A holds: 3 rows reported by street_a (one since edited into a problem row),
    2 reported by street_a2, 2 of its own drafts; street_a still holds 2 drafts of its own."""
    u = cast.units
    street = rows_at(u["street_a"], 3, "浆洗街")
    street2 = rows_at(u["street_a2"], 2, "玉林")
    own = rows_at(u["county_a"], 2, "武侯")
    kept = rows_at(u["street_a"], 2, "街道未报")
    assert quick_report(people["street_a"], u["street_a"]).moved == 3 + 2  # everything street_a held
    services.return_rows(actor=people["county_a"], model=SampleRecord, pks=[r.pk for r in kept])
    assert positions(kept) == {(u["street_a"].pk, ReportState.RETURNED)}
    assert quick_report(people["street_a2"], u["street_a2"]).moved == 2
    SampleRecord.objects.filter(pk=street[2].pk).update(complete=False)
    return dict(street=street, street2=street2, own=own, kept=kept, bad=street[2])


# --- quick report -----------------------------------------------------------------------------


def test_quick_report_of_a_child_subtree_moves_only_that_subtree(cast, people, county_inbox):
    u, rows = cast.units, county_inbox
    result = quick_report(people["county_a"], u["street_a"], message="浆洗街本月数据")
    assert result.moved == 2
    assert result.refused_total == 1
    assert [(r.pk, r.reason) for r in result.refused] == [(rows["bad"].pk, INCOMPLETE)]
    assert positions(rows["street"][:2]) == {(u["city_a"].pk, ReportState.REPORTED)}
    assert where(rows["bad"]) == (u["county_a"].pk, ReportState.REPORTED)
    assert positions(rows["street2"]) == {(u["county_a"].pk, ReportState.REPORTED)}
    assert positions(rows["own"]) == {(u["county_a"].pk, ReportState.DRAFT)}
    assert positions(rows["kept"]) == {(u["street_a"].pk, ReportState.RETURNED)}
    (action,) = result.actions
    assert (action.kind, action.sender, action.receiver, action.count, action.message) == (
        ReportKind.QUICK_REPORT, u["county_a"], u["city_a"], 2, "浆洗街本月数据",
    )  # fmt: skip
    assert action.process.flow_class is ReportUpFlow
    assert Task.objects.filter(process_id=action.process_id, status=STATUS.NEW).count() == 1
    assert sorted(Movement.objects.filter(action=action).values_list("object_id", flat=True)) == sorted(
        r.pk for r in rows["street"][:2]
    )
    audit = AuditLog.objects.filter(event=ReportingEvent.ROWS_REPORTED).order_by("-pk").first()
    assert audit.detail == {"kind": "quick_report", "module": "petitions", "count": 2, "process": action.process_id}
    # The city receives exactly those two.
    city_counts = state_counts(visible_to(SampleRecord.objects.all(), u["city_a"]), u["city_a"])
    assert city_counts == {"draft": 0, "received": 2, "returned": 0, "reported": 0}


def test_quick_report_of_the_own_unit_moves_everything_held(cast, people, county_inbox):
    u, rows = cast.units, county_inbox
    result = quick_report(people["county_a"], u["county_a"])
    assert result.moved == 2 + 2 + 2  # street_a's valid ones, street_a2's, the county's own
    assert [(r.pk, r.reason) for r in result.refused] == [(rows["bad"].pk, INCOMPLETE)]
    held_at_city = rows["street"][:2] + rows["street2"] + rows["own"]
    assert positions(held_at_city) == {(u["city_a"].pk, ReportState.REPORTED)}
    assert where(rows["bad"]) == (u["county_a"].pk, ReportState.REPORTED)
    assert positions(rows["kept"]) == {(u["street_a"].pk, ReportState.RETURNED)}
    assert len(result.actions) == 1 and result.actions[0].count == 6
    # Nothing left to send: a second quick report moves nothing and opens no action.
    before = snapshot()
    again = quick_report(people["county_a"], u["county_a"])
    assert again.moved == 0 and again.actions == [] and again.refused_total == 1
    assert snapshot() == before


def test_quick_report_at_street_level(cast, people):
    u = cast.units
    good = rows_at(u["street_a"], 3, "好")
    bad = rows_at(u["street_a"], 2, "坏", complete=False)
    other = rows_at(u["street_a2"], 1, "玉林")
    result = quick_report(people["street_a"], u["street_a"])
    assert result.moved == 3 and result.refused_total == 2
    assert {r.reason for r in result.refused} == {INCOMPLETE}
    assert positions(good) == {(u["county_a"].pk, ReportState.REPORTED)}
    assert positions(bad) == {(u["street_a"].pk, ReportState.DRAFT)}
    assert positions(other) == {(u["street_a2"].pk, ReportState.DRAFT)}


def test_quick_report_lists_at_most_the_detail_limit_but_counts_all(cast, people):
    u = cast.units
    bad = []
    for i in range(REFUSAL_DETAIL_LIMIT + 5):
        row = SampleRecord(title=f"缺项{i}", complete=False)
        row.place_at_owner(u["street_a"])
        bad.append(row)
    SampleRecord.objects.bulk_create(bad)
    rows_at(u["street_a"], 1, "完整")
    result = quick_report(people["street_a"], u["street_a"])
    assert result.moved == 1
    assert result.refused_total == REFUSAL_DETAIL_LIMIT + 5
    assert len(result.refused) == REFUSAL_DETAIL_LIMIT


@pytest.mark.parametrize(
    ("username", "scope"),
    [
        ("county_a", "city_a"),  # the parent
        ("county_a", "street_b"),  # another branch
        ("county_a", "county_a2"),  # a sibling
        ("city_a", "street_a"),  # a grandchild
        ("province_a", "county_a"),  # a grandchild, two levels up
    ],
)
def test_quick_report_scope_must_be_own_unit_or_direct_child(cast, people, username, scope):
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="待报")
    for sender in ("street_a", "county_a", "city_a"):
        if sender != username and u[sender].depth > people[username].unit.depth:
            services.report_rows(actor=people[sender], model=SampleRecord, pks=[row.pk])
    position = where(row)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        quick_report(people[username], u[scope])
    assert refused.value.message == SCOPE_REFUSED
    assert where(row) == position and snapshot() == before


def test_quick_report_by_the_national_unit_is_refused(cast):
    u = cast.units
    row = new_row(SampleRecord, u["national"], title="全总")
    with pytest.raises(DomainError, match="全国总工会没有上级单位"):
        quick_report(cast.users["national_admin"], u["national"])
    assert where(row) == (u["national"].pk, ReportState.DRAFT)


# --- quick return -----------------------------------------------------------------------------


@pytest.fixture
def city_inbox(cast, people):
    """City A holds rows from county_a's subtree (two streets and the county itself), from
    county_a2, and its own; county_a still holds one row it has not reported."""
    u = cast.units
    a = rows_at(u["street_a"], 2, "浆洗街")
    a2 = rows_at(u["street_a2"], 1, "玉林")
    county = rows_at(u["county_a"], 1, "武侯")
    other = rows_at(u["county_a2"], 2, "锦江")
    own = rows_at(u["city_a"], 1, "成都")
    quick_report(people["street_a"], u["street_a"])
    quick_report(people["street_a2"], u["street_a2"])
    quick_report(people["county_a"], u["county_a"])
    quick_report(people["county_a2"], u["county_a2"])
    stays = rows_at(u["street_a2"], 1, "玉林留在区县")
    quick_report(people["street_a2"], u["street_a2"])  # this one stays at the county
    return dict(a=a, a2=a2, county=county, other=other, own=own, stays=stays)


def test_quick_return_to_a_child(cast, people, city_inbox):
    u, rows = cast.units, city_inbox
    assert positions(rows["a"] + rows["a2"] + rows["county"] + rows["other"]) == {(u["city_a"].pk, "reported")}
    result = quick_return(people["city_a"], u["county_a"], message="请补充材料")
    assert result.moved == 4 and result.refused == []
    assert positions(rows["a"] + rows["a2"] + rows["county"]) == {(u["county_a"].pk, ReportState.RETURNED)}
    assert positions(rows["other"]) == {(u["city_a"].pk, ReportState.REPORTED)}
    assert positions(rows["own"]) == {(u["city_a"].pk, ReportState.DRAFT)}
    assert positions(rows["stays"]) == {(u["county_a"].pk, ReportState.REPORTED)}
    (action,) = result.actions
    assert (action.kind, action.sender, action.receiver, action.count, action.message) == (
        ReportKind.QUICK_RETURN, u["city_a"], u["county_a"], 4, "请补充材料",
    )  # fmt: skip
    assert action.process.flow_class is ReturnDownFlow
    assert Task.objects.filter(process_id=action.process_id, status=STATUS.NEW).count() == 1
    audit = AuditLog.objects.filter(event=ReportingEvent.ROWS_RETURNED).get()
    assert audit.detail == {"kind": "quick_return", "module": "petitions", "count": 4, "process": action.process_id}
    # County A sees the four returned by the city and the one street_a2 reported since.
    county_counts = state_counts(visible_to(SampleRecord.objects.all(), u["county_a"]), u["county_a"])
    assert county_counts == {"draft": 0, "received": 1, "returned": 4, "reported": 0}
    # County A can return the streets' rows further down in one go per street.
    result = quick_return(people["county_a"], u["street_a"])
    assert result.moved == 2 and positions(rows["a"]) == {(u["street_a"].pk, ReportState.RETURNED)}


def test_quick_return_of_rows_the_unit_does_not_hold_moves_nothing(cast, people, city_inbox):
    u = cast.units
    before = snapshot()
    result = quick_return(people["county_a"], u["street_a"])  # street_a's rows are at the city
    assert (result.moved, result.actions, result.refused_total) == (0, [], 0)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("username", "child"),
    [
        ("city_a", "city_a"),  # the own unit: no quick return of own rows
        ("city_a", "street_a"),  # a grandchild
        ("city_a", "county_b"),  # another branch
        ("county_a", "county_a2"),  # a sibling
        ("county_a", "city_a"),  # the parent
        ("street_a", "street_a"),  # a street has no children
    ],
)
def test_quick_return_needs_a_direct_child(cast, people, city_inbox, username, child):
    u = cast.units
    every = [row for group in city_inbox.values() for row in group]
    before_positions = {row.pk: where(row) for row in every}
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        quick_return(people[username], u[child])
    assert refused.value.message == CHILD_REFUSED
    assert {row.pk: where(row) for row in every} == before_positions
    assert snapshot() == before


# --- parents and children in one quick action (JOBS) -------------------------------------------


def _jobs(unit, n=2):
    pairs = []
    for i in range(n):
        agency = new_row(JobAgency, unit, name=f"职介所{i}")
        recruiter = new_row(Recruiter, unit, name=f"招聘单位{i}", agency=agency)
        pairs.append((agency, recruiter))
    return pairs


def _movement_order(action):
    """Model of each movement row of `action`, in insertion order."""
    return [m.content_type.model_class() for m in Movement.objects.filter(action=action).order_by("pk")]


def test_quick_report_moves_agencies_before_their_recruiters(cast, people):
    u = cast.units
    pairs = _jobs(u["street_a"])
    everything = [row for pair in pairs for row in pair]
    result = quick_report(people["street_a"], u["street_a"], module=Module.JOBS)
    assert (result.moved, result.refused) == (4, [])
    assert positions(everything) == {(u["county_a"].pk, ReportState.REPORTED)}
    (action,) = result.actions
    assert action.module == Module.JOBS and action.count == 4
    assert _movement_order(action) == [JobAgency, JobAgency, Recruiter, Recruiter]
    # One level up, through a child-scoped quick report.
    result = quick_report(people["county_a"], u["street_a"], module=Module.JOBS)
    assert result.moved == 4 and positions(everything) == {(u["city_a"].pk, ReportState.REPORTED)}


def test_quick_return_moves_recruiters_before_their_agencies(cast, people):
    u = cast.units
    pairs = _jobs(u["street_a"])
    everything = [row for pair in pairs for row in pair]
    quick_report(people["street_a"], u["street_a"], module=Module.JOBS)
    quick_report(people["county_a"], u["county_a"], module=Module.JOBS)
    result = quick_return(people["city_a"], u["county_a"], module=Module.JOBS)
    assert (result.moved, result.refused) == (4, [])
    assert positions(everything) == {(u["county_a"].pk, ReportState.RETURNED)}
    (action,) = result.actions
    assert _movement_order(action) == [Recruiter, Recruiter, JobAgency, JobAgency]
    result = quick_return(people["county_a"], u["street_a"], module=Module.JOBS)
    assert result.moved == 4 and positions(everything) == {(u["street_a"].pk, ReportState.RETURNED)}


def test_returned_pair_goes_down_together_and_the_recruiter_waits_for_its_agency(cast, people):
    """After the county returned one pair (recruiter first), the street cannot send the recruiter
    alone; the county's quick report takes only the pair it still holds."""
    u = cast.units
    (agency, recruiter), (agency2, recruiter2) = _jobs(u["street_a"])
    quick_report(people["street_a"], u["street_a"], module=Module.JOBS)
    # The county returns one recruiter and then its agency; the street re-reports only the recruiter.
    services.return_rows(actor=people["county_a"], model=Recruiter, pks=[recruiter.pk])
    services.return_rows(actor=people["county_a"], model=JobAgency, pks=[agency.pk])
    result = services.report_rows(actor=people["street_a"], model=Recruiter, pks=[recruiter.pk])
    assert result.moved == 0 and [r.reason for r in result.refused] == [Recruiter.report_parent_message]
    # The county's quick report takes the other pair; the first pair's rows are not at the county.
    result = quick_report(people["county_a"], u["county_a"], module=Module.JOBS)
    assert result.moved == 2 and result.refused == []
    assert where(agency2) == where(recruiter2) == (u["city_a"].pk, ReportState.REPORTED)
    assert where(agency) == where(recruiter) == (u["street_a"].pk, ReportState.RETURNED)
