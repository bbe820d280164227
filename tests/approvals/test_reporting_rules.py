"""Report (上报) and return (退回) of chosen rows, DESIGN.md §3 and manual 2.2.1.8–9: the worked
example row by row, every refusal, the action/process/reminder of each move, the movement
log and the audit log, and the one-row FSM transitions agreeing with the set-based SQL."""

import pytest
from django.core.exceptions import PermissionDenied
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals import services
from approvals.events import ReportingEvent
from approvals.models import Movement, Reportable, ReportAction, ReportKind, ReportState
from approvals.selectors import ViewerState, visible_to, with_viewer_state
from audit.models import AuditLog
from flows.flows import ReportUpFlow, ReturnDownFlow
from org.errors import DomainError
from org.models import Module, Unit
from records.jobs.models import JobAgency, Recruiter
from tests.approvals.conftest import new_row, reload, where
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db

NOT_HELD = "已不在本单位(可能已被他人上报或退回),请刷新列表"
OWN_ROWS = "本单位填报的数据不能退回"
INCOMPLETE = "信息项没有填写完整"
AGENCY_FIRST = Recruiter.report_parent_message  # 此招聘单位信息不允许先被上报 (manual 7.2.2)
RECRUITERS_UP = JobAgency.return_children_message
VIEWERS = ["national", "province_a", "city_a", "county_a", "street_a", "street_a2", "county_a2", "province_b"]


@pytest.fixture
def people(cast):
    """The cast plus business users at city and province level of branch A, and a second clerk
    of street_a (two people of one unit)."""
    users = dict(cast.users)
    for name in ("city_a", "province_a"):
        users[name] = make_user(name, cast.units[name], BUSINESS_MODULES)
    users["street_a_b"] = make_user("street_a_b", cast.units["street_a"], BUSINESS_MODULES)
    return users


def report(user, *rows, model=SampleRecord, message=""):
    return services.report_rows(actor=user, model=model, pks=[r.pk for r in rows], message=message)


def give_back(user, *rows, model=SampleRecord, message=""):
    return services.return_rows(actor=user, model=model, pks=[r.pk for r in rows], message=message)


def label(row, unit) -> str | None:
    """The ViewerState label `unit` sees on `row`, or None when the row is invisible to it."""
    qs = with_viewer_state(visible_to(type(row).objects.filter(pk=row.pk), unit), unit)
    value = qs.values_list("viewer_state", flat=True).first()
    return None if value is None else ViewerState(value).label


def seen(row, units) -> dict:
    return {key: label(row, units[key]) for key in VIEWERS}


def reasons(result) -> list[tuple[int, str]]:
    return sorted((r.pk, r.reason) for r in result.refused)


def snapshot():
    return (ReportAction.objects.count(), Movement.objects.count(), AuditLog.objects.count(), Task.objects.count())


def open_reminders(action) -> list[Task]:
    return list(Task.objects.filter(process_id=action.process_id, status=STATUS.NEW))


# --- the worked example ---------------------------------------------------------------------


def test_worked_example_row_by_row(cast, people):
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="张三来访")

    def expect(holder, state, **labels):
        assert where(row) == (u[holder].pk, state)
        assert reload(row).holder_depth == u[holder].depth
        assert seen(row, u) == {key: labels.get(key) for key in VIEWERS}

    # S creates: only S sees it, as 未上报.
    expect("street_a", ReportState.DRAFT, street_a="未上报")
    # S reports: C holds it as 下级上报, S sees 已上报.
    assert report(people["street_a"], row).moved == 1
    expect("county_a", ReportState.REPORTED, street_a="已上报", county_a="下级上报")
    # C reports: Y holds it; everything below the holder sees 已上报.
    assert report(people["county_a"], row).moved == 1
    expect("city_a", ReportState.REPORTED, street_a="已上报", county_a="已上报", city_a="下级上报")
    # Y returns: back at C as 被退回; Y no longer sees it; S still sees 已上报.
    assert give_back(people["city_a"], row).moved == 1
    expect("county_a", ReportState.RETURNED, street_a="已上报", county_a="被退回")
    # C returns: back at S as 被退回; C no longer sees it.
    assert give_back(people["county_a"], row).moved == 1
    expect("street_a", ReportState.RETURNED, street_a="被退回")
    # S fixes and reports again.
    assert report(people["street_a"], row).moved == 1
    expect("county_a", ReportState.REPORTED, street_a="已上报", county_a="下级上报")


def test_report_climbs_every_level_to_national(cast, people):
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="一路上报")
    steps = [("street_a", "county_a"), ("county_a", "city_a"), ("city_a", "province_a"), ("province_a", "national")]
    for sender, receiver in steps:
        result = report(people[sender], row)
        assert (result.moved, result.refused) == (1, [])
        assert where(row) == (u[receiver].pk, ReportState.REPORTED)
        assert reload(row).holder_depth == u[receiver].depth
        assert label(row, u[receiver]) == "下级上报"
        assert label(row, u[sender]) == "已上报"
    assert seen(row, u) == {
        "national": "下级上报", "province_a": "已上报", "city_a": "已上报", "county_a": "已上报",
        "street_a": "已上报", "street_a2": None, "county_a2": None, "province_b": None,
    }  # fmt: skip
    # The national unit returns it to the province on the path to the owner.
    assert give_back(people["national_admin"], row).moved == 1
    assert where(row) == (u["province_a"].pk, ReportState.RETURNED)
    assert label(row, u["province_a"]) == "被退回" and label(row, u["national"]) is None


def test_national_unit_cannot_report(cast):
    national = cast.units["national"]
    row = new_row(SampleRecord, national, title="全总自己的记录")
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        report(cast.users["national_admin"], row)
    assert refused.value.message == "全国总工会没有上级单位,无需上报。"
    assert where(row) == (national.pk, ReportState.DRAFT)
    assert snapshot() == before


def test_province_reports_its_own_rows_to_national(cast):
    u = cast.units
    row = new_row(SampleRecord, u["province_b"], title="省总记录")
    result = report(cast.users["province_b"], row)
    assert result.moved == 1
    assert where(row) == (u["national"].pk, ReportState.REPORTED)
    assert label(row, u["national"]) == "下级上报" and label(row, u["province_b"]) == "已上报"
    # Province A never sees branch B's rows.
    assert label(row, u["province_a"]) is None


# --- return ---------------------------------------------------------------------------------


def test_city_returns_to_county_which_reports_again_or_returns_further(cast, people):
    u = cast.units
    again, further = (new_row(SampleRecord, u["street_a"], title=t) for t in ("再报", "再退"))
    report(people["street_a"], again, further)
    report(people["county_a"], again, further)
    result = give_back(people["city_a"], again, further, message="请核实家庭收入")
    assert (result.moved, result.refused) == (2, [])
    for row in (again, further):
        assert where(row) == (u["county_a"].pk, ReportState.RETURNED)
        assert visible_to(SampleRecord.objects.filter(pk=row.pk), u["city_a"]).count() == 0
        assert label(row, u["county_a"]) == "被退回"
    # County reports one again: the city receives it as 下级上报.
    assert report(people["county_a"], again).moved == 1
    assert where(again) == (u["city_a"].pk, ReportState.REPORTED)
    assert label(again, u["city_a"]) == "下级上报"
    # County returns the other to the street: the owner sees 被退回 and reports again.
    assert give_back(people["county_a"], further).moved == 1
    assert where(further) == (u["street_a"].pk, ReportState.RETURNED)
    assert label(further, u["street_a"]) == "被退回" and label(further, u["county_a"]) is None
    assert report(people["street_a"], further).moved == 1
    assert where(further) == (u["county_a"].pk, ReportState.REPORTED)


def test_return_goes_one_level_down_towards_the_owner(cast, people):
    """A city holding rows of a street and of a county returns each to the county on its path."""
    u = cast.units
    street_row = new_row(SampleRecord, u["street_a"], title="街道的")
    county_row = new_row(SampleRecord, u["county_a"], title="区县的")
    other_county = new_row(SampleRecord, u["county_a2"], title="锦江的")
    report(people["street_a"], street_row)
    report(people["county_a"], street_row, county_row)
    services.report_rows(actor=make_user("county_a2_clerk", u["county_a2"], [Module.PETITIONS]),
                         model=SampleRecord, pks=[other_county.pk])  # fmt: skip
    result = give_back(people["city_a"], street_row, county_row, other_county)
    assert result.moved == 3
    assert where(street_row) == (u["county_a"].pk, ReportState.RETURNED)
    assert where(county_row) == (u["county_a"].pk, ReportState.RETURNED)
    assert where(other_county) == (u["county_a2"].pk, ReportState.RETURNED)
    assert sorted(a.receiver.name for a in result.actions) == sorted([u["county_a"].name, u["county_a2"].name])
    assert sorted(a.count for a in result.actions) == [1, 2]


# --- one action, one process, one reminder ---------------------------------------------------


def test_report_is_one_action_with_one_process_and_one_open_reminder(cast):
    u = cast.units
    rows = [new_row(SampleRecord, u["street_a"], title=f"来访{i}") for i in range(3)]
    result = report(cast.users["street_a"], *rows, message="  请审核本月来访  ")
    assert result.moved == 3 and len(result.actions) == 1
    action = ReportAction.objects.get()
    assert action.pk == result.actions[0].pk
    assert (action.kind, action.module, action.count) == (ReportKind.REPORT, Module.PETITIONS, 3)
    assert (action.sender, action.receiver, action.actor) == (u["street_a"], u["county_a"], cast.users["street_a"])
    assert action.message == "请审核本月来访"
    process = action.process
    assert process.flow_class is ReportUpFlow and process.artifact == action
    reminders = open_reminders(action)
    assert len(reminders) == 1 and reminders[0].flow_task == ReportUpFlow.remind
    assert process.task_set.count() == 2  # the finished start and the open reminder
    assert ReportAction.objects.count() == 1


def test_return_of_rows_from_two_streets_is_one_action_per_street(cast, people):
    u = cast.units
    a_rows = [new_row(SampleRecord, u["street_a"], title=f"浆洗街{i}") for i in range(2)]
    a2_rows = [new_row(SampleRecord, u["street_a2"], title=f"玉林{i}") for i in range(3)]
    report(people["street_a"], *a_rows)
    report(people["street_a2"], *a2_rows)
    before = ReportAction.objects.count()
    result = give_back(people["county_a"], *a_rows, *a2_rows, message="材料不全")
    assert result.moved == 5 and result.refused == []
    actions = ReportAction.objects.filter(kind=ReportKind.RETURN).order_by("receiver__path")
    assert ReportAction.objects.count() == before + 2
    assert [(a.receiver, a.count, a.sender, a.message) for a in actions] == [
        (u["street_a"], 2, u["county_a"], "材料不全"),
        (u["street_a2"], 3, u["county_a"], "材料不全"),
    ]
    for action in actions:
        assert action.process.flow_class is ReturnDownFlow
        reminders = open_reminders(action)
        assert len(reminders) == 1 and reminders[0].flow_task == ReturnDownFlow.remind
        assert Movement.objects.filter(action=action, to_holder=action.receiver).count() == action.count
    for row in a_rows:
        assert where(row) == (u["street_a"].pk, ReportState.RETURNED)
    for row in a2_rows:
        assert where(row) == (u["street_a2"].pk, ReportState.RETURNED)


# --- movement log and audit log --------------------------------------------------------------


def test_movement_rows_and_audit_rows(cast, people):
    u = cast.units
    rows = [new_row(SampleRecord, u["street_a"], title=f"记录{i}") for i in range(4)]
    up = report(people["street_a"], *rows).actions[0]
    moves = Movement.objects.filter(action=up)
    assert sorted(moves.values_list("object_id", flat=True)) == sorted(r.pk for r in rows)
    assert set(moves.values_list("from_holder_id", "to_holder_id")) == {(u["street_a"].pk, u["county_a"].pk)}
    assert {m.content_type.model_class() for m in moves} == {SampleRecord}

    down = give_back(people["county_a"], *rows[:2]).actions[0]
    assert sorted(Movement.objects.filter(action=down).values_list("object_id", "from_holder_id", "to_holder_id")) == [
        (rows[0].pk, u["county_a"].pk, u["street_a"].pk),
        (rows[1].pk, u["county_a"].pk, u["street_a"].pk),
    ]
    # The history of one record: up, then down.
    history = Movement.objects.filter(object_id=rows[0].pk).order_by("pk")
    assert [(m.action.kind, m.to_holder_id) for m in history] == [
        (ReportKind.REPORT, u["county_a"].pk),
        (ReportKind.RETURN, u["street_a"].pk),
    ]

    reported = AuditLog.objects.get(event=ReportingEvent.ROWS_REPORTED)
    assert (reported.user, reported.unit, reported.object_id) == (people["street_a"], u["street_a"], str(up.pk))
    assert reported.detail == {"kind": "report", "module": "petitions", "count": 4, "process": up.process_id}
    returned = AuditLog.objects.get(event=ReportingEvent.ROWS_RETURNED)
    assert (returned.user, returned.unit, returned.object_id) == (people["county_a"], u["county_a"], str(down.pk))
    assert returned.detail == {"kind": "return", "module": "petitions", "count": 2, "process": down.process_id}


# --- refusals ---------------------------------------------------------------------------------


def test_row_already_reported_by_a_colleague_is_refused(cast, people):
    u = cast.units
    rows = [new_row(SampleRecord, u["street_a"], title=f"同一批{i}") for i in range(2)]
    assert report(people["street_a"], *rows).moved == 2
    before = snapshot()
    result = report(people["street_a_b"], *rows)
    assert result.moved == 0 and result.actions == []
    assert reasons(result) == sorted((r.pk, NOT_HELD) for r in rows)
    assert result.refused_total == 2
    assert snapshot() == before
    for row in rows:
        assert where(row) == (u["county_a"].pk, ReportState.REPORTED)


def test_rows_not_held_are_refused_for_return_too(cast, people):
    """The county returned a row already; returning it again (or reporting it) is refused."""
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="已退回")
    report(people["street_a"], row)
    report(people["county_a"], row)
    before = snapshot()
    for act in (give_back, report):
        result = act(people["county_a"], row)
        assert result.moved == 0 and reasons(result) == [(row.pk, NOT_HELD)]
    assert snapshot() == before
    assert where(row) == (u["city_a"].pk, ReportState.REPORTED)


def test_rows_below_the_unit_are_neither_moved_nor_listed(cast, people):
    """A county cannot report a street's draft (it does not even see it)."""
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="未上报")
    before = snapshot()
    result = report(people["county_a"], row)
    assert (result.moved, result.refused, result.refused_total) == (0, [], 0)
    assert snapshot() == before and where(row) == (u["street_a"].pk, ReportState.DRAFT)


def test_invalid_row_stays_while_valid_rows_of_the_same_request_move(cast, people):
    u = cast.units
    good = [new_row(SampleRecord, u["street_a"], title=f"完整{i}") for i in range(2)]
    bad = new_row(SampleRecord, u["street_a"], title="缺项", complete=False)
    result = report(people["street_a"], good[0], bad, good[1])
    assert result.moved == 2 and result.refused_total == 1
    assert [(r.pk, r.label, r.reason) for r in result.refused] == [(bad.pk, "缺项", INCOMPLETE)]
    assert where(bad) == (u["street_a"].pk, ReportState.DRAFT)
    for row in good:
        assert where(row) == (u["county_a"].pk, ReportState.REPORTED)
    (action,) = result.actions
    assert action.count == 2
    assert Movement.objects.filter(object_id=bad.pk).count() == 0
    assert Movement.objects.filter(action=action).count() == 2


def test_invalid_row_at_county_level_is_refused(cast, people):
    """A row edited into a problem row after it went up stops at the county."""
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="上报后改坏")
    report(people["street_a"], row)
    SampleRecord.objects.filter(pk=row.pk).update(complete=False)
    before = snapshot()
    result = report(people["county_a"], row)
    assert result.moved == 0 and reasons(result) == [(row.pk, INCOMPLETE)]
    assert snapshot() == before
    assert where(row) == (u["county_a"].pk, ReportState.REPORTED)
    # It can still be returned to be fixed.
    assert give_back(people["county_a"], row).moved == 1


def test_only_invalid_rows_create_no_action(cast, people):
    bad = new_row(SampleRecord, cast.units["street_a"], title="缺项", complete=False)
    before = snapshot()
    result = report(people["street_a"], bad)
    assert result.moved == 0 and result.actions == [] and reasons(result) == [(bad.pk, INCOMPLETE)]
    assert snapshot() == before


def test_recruiter_cannot_go_up_before_its_agency(cast, people):
    u = cast.units
    agency = new_row(JobAgency, u["street_a"], name="浆洗街职介所")
    recruiter = new_row(Recruiter, u["street_a"], name="某招聘单位", agency=agency)
    before = snapshot()
    result = report(people["street_a"], recruiter, model=Recruiter)
    assert result.moved == 0 and reasons(result) == [(recruiter.pk, AGENCY_FIRST)]
    assert snapshot() == before and where(recruiter) == (u["street_a"].pk, ReportState.DRAFT)

    assert report(people["street_a"], agency, model=JobAgency).moved == 1
    assert report(people["street_a"], recruiter, model=Recruiter).moved == 1
    assert where(recruiter) == (u["county_a"].pk, ReportState.REPORTED)
    # One level up the same rule holds: both at the county, the recruiter still waits.
    result = report(people["county_a"], recruiter, model=Recruiter)
    assert result.moved == 0 and reasons(result) == [(recruiter.pk, AGENCY_FIRST)]
    assert report(people["county_a"], agency, model=JobAgency).moved == 1
    assert report(people["county_a"], recruiter, model=Recruiter).moved == 1
    assert where(agency)[0] == where(recruiter)[0] == u["city_a"].pk


def test_agency_cannot_be_returned_while_its_recruiter_is_at_or_above_the_unit(cast, people):
    u = cast.units
    agency = new_row(JobAgency, u["street_a"], name="职介所")
    recruiter = new_row(Recruiter, u["street_a"], name="招聘单位", agency=agency)
    for sender in ("street_a", "county_a"):
        report(people[sender], agency, model=JobAgency)
        report(people[sender], recruiter, model=Recruiter)
    # Both at the city: the agency may not go down before its recruiter.
    before = snapshot()
    result = give_back(people["city_a"], agency, model=JobAgency)
    assert result.moved == 0 and reasons(result) == [(agency.pk, RECRUITERS_UP)]
    assert snapshot() == before and where(agency) == (u["city_a"].pk, ReportState.REPORTED)
    # The recruiter goes down first; then the agency may follow.
    assert give_back(people["city_a"], recruiter, model=Recruiter).moved == 1
    assert give_back(people["city_a"], agency, model=JobAgency).moved == 1
    assert where(agency) == where(recruiter) == (u["county_a"].pk, ReportState.RETURNED)
    # At the county (recruiter at the returning unit itself) the same rule applies.
    result = give_back(people["county_a"], agency, model=JobAgency)
    assert result.moved == 0 and reasons(result) == [(agency.pk, RECRUITERS_UP)]


def test_a_unit_cannot_return_its_own_rows(cast, people):
    u = cast.units
    own = new_row(SampleRecord, u["county_a"], title="区县自己的")
    from_street = new_row(SampleRecord, u["street_a"], title="街道报来的")
    report(people["street_a"], from_street)
    before_moves = Movement.objects.count()
    result = give_back(people["county_a"], own, from_street)
    assert result.moved == 1 and reasons(result) == [(own.pk, OWN_ROWS)]
    assert where(own) == (u["county_a"].pk, ReportState.DRAFT)
    assert Movement.objects.count() == before_moves + 1
    # The street now holds its own returned row: it cannot return it either.
    before = snapshot()
    result = give_back(people["street_a"], from_street)
    assert result.moved == 0 and reasons(result) == [(from_street.pk, OWN_ROWS)]
    assert snapshot() == before and where(from_street) == (u["street_a"].pk, ReportState.RETURNED)


def test_a_reported_then_returned_own_row_cannot_be_returned_at_county(cast, people):
    """A county's own row returned by the city sits at the county as 被退回: no further return."""
    u = cast.units
    own = new_row(SampleRecord, u["county_a"], title="区县自己的")
    report(people["county_a"], own)
    give_back(people["city_a"], own)
    assert where(own) == (u["county_a"].pk, ReportState.RETURNED)
    result = give_back(people["county_a"], own)
    assert result.moved == 0 and reasons(result) == [(own.pk, OWN_ROWS)]


@pytest.mark.parametrize("username", ["county_a_admin", "street_a_admin", "no_petitions", "inactive"])
def test_user_without_the_module_is_denied(cast, username):
    u = cast.units
    if username == "no_petitions":
        user = make_user(username, u["street_a"], [Module.FILES])
    elif username == "inactive":
        user = make_user(username, u["street_a"], BUSINESS_MODULES, is_active=False)
    else:
        user = cast.users[username]
    row = new_row(SampleRecord, user.unit, title="无权限")
    before = snapshot()
    for call in (
        lambda: report(user, row),
        lambda: give_back(user, row),
        lambda: services.quick_report(actor=user, module_key=Module.PETITIONS, scope=user.unit),
        lambda: services.quick_return(actor=user, module_key=Module.PETITIONS, child=u["street_a"]),
    ):
        with pytest.raises(PermissionDenied, match="需要“测试记录”权限"):
            call()
    assert snapshot() == before and where(row) == (user.unit_id, ReportState.DRAFT)


def test_other_branch_cannot_touch_rows(cast, people):
    """province_b holds the business modules but branch A's rows are out of its reach."""
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="四川的")
    for sender in ("street_a", "county_a", "city_a"):
        report(people[sender], row)
    before = snapshot()
    for act in (report, give_back):
        result = act(cast.users["province_b"], row)
        assert (result.moved, result.refused) == (0, [])
    assert snapshot() == before and where(row) == (u["province_a"].pk, ReportState.REPORTED)


# --- the FSM transitions agree with the SQL ----------------------------------------------------

# Where a row stands before the move: (holder key, state), reached through real moves.
POSITIONS = {
    "draft at owner": [],
    "reported at county": [("report", "street_a")],
    "reported at city": [("report", "street_a"), ("report", "county_a")],
    "returned at county": [("report", "street_a"), ("report", "county_a"), ("return", "city_a")],
    "returned at owner": [("report", "street_a"), ("return", "county_a")],
}


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("move", ["report", "return"])
def test_single_row_transition_agrees_with_the_service(cast, people, position, move):
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="状态机")
    for step, sender in POSITIONS[position]:
        (report if step == "report" else give_back)(people[sender], row)
    one = reload(row)
    holder = one.holder
    target = holder.parent_unit() if move == "report" else _child_towards(holder, one.unit)
    try:
        (one.report_to if move == "report" else one.return_to)(target)
        fsm_allows = True
    except TransitionNotAllowed:
        fsm_allows = False

    actor = next(p for p in people.values() if p.unit_id == holder.pk and p.has_module(Module.PETITIONS))
    before = where(row)
    result = (report if move == "report" else give_back)(actor, row)
    assert fsm_allows == (result.moved == 1)
    if fsm_allows:
        assert where(row) == (one.holder_id, one.report_state)
        assert reload(row).holder_depth == one.holder_depth
    else:
        assert where(row) == before
        assert reasons(result) == [(row.pk, OWN_ROWS)]


def _child_towards(holder, owner):
    if holder.pk == owner.pk:
        return owner  # nowhere to go: the transition must refuse
    return Unit.objects.get(path=owner.path[: len(holder.path) + Unit.steplen])


def may(move, row) -> bool:
    """Whether the row, as stored, may make the move by its FSM transition (source state and
    conditions)."""
    row = reload(row)
    return (row.report_to if move == "report" else row.return_to).can_proceed()


def test_a_problem_row_is_refused_by_the_transition_and_by_the_set_moves(cast, people):
    u = cast.units
    problem = new_row(SampleRecord, u["street_a"], title="缺项", complete=False)
    assert not may("report", problem)
    assert reasons(report(people["street_a"], problem)) == [(problem.pk, INCOMPLETE)]
    quick = services.quick_report(actor=people["street_a"], module_key=Module.PETITIONS, scope=u["street_a"])
    assert (quick.moved, reasons(quick)) == (0, [(problem.pk, INCOMPLETE)])
    SampleRecord.objects.filter(pk=problem.pk).update(complete=True)
    assert may("report", problem)
    assert report(people["street_a"], problem).moved == 1


def test_a_row_returned_from_above_may_go_up_again_or_further_down(cast, people):
    u = cast.units
    again, further = (new_row(SampleRecord, u["street_a"], title=t) for t in ("再报", "再退"))
    for sender, act in (("street_a", report), ("county_a", report), ("city_a", give_back)):
        act(people[sender], again, further)
    for row in (again, further):
        assert where(row) == (u["county_a"].pk, ReportState.RETURNED)
        assert may("report", row) and may("return", row)
    assert report(people["county_a"], again).moved == 1
    assert give_back(people["county_a"], further).moved == 1
    assert where(again) == (u["city_a"].pk, ReportState.REPORTED)
    assert where(further) == (u["street_a"].pk, ReportState.RETURNED)


def test_the_owner_cannot_return_its_own_row_draft_or_returned(cast, people):
    u = cast.units
    draft = new_row(SampleRecord, u["street_a"], title="草稿")
    returned = new_row(SampleRecord, u["street_a"], title="被退回")
    report(people["street_a"], returned)
    give_back(people["county_a"], returned)
    assert where(returned) == (u["street_a"].pk, ReportState.RETURNED)
    for row in (draft, returned):
        assert not may("return", row) and may("report", row)
    result = give_back(people["street_a"], draft, returned)
    assert result.moved == 0 and reasons(result) == sorted([(draft.pk, OWN_ROWS), (returned.pk, OWN_ROWS)])


def test_a_child_row_waits_for_its_parent_row_both_ways(cast, people):
    u = cast.units
    agency = new_row(JobAgency, u["street_a"], name="职介所")
    recruiter = new_row(Recruiter, u["street_a"], name="招聘方", agency=agency)
    # Up: the recruiter only after its agency, refused alike by the transition and the set move.
    assert not may("report", recruiter)
    assert reasons(report(people["street_a"], recruiter, model=Recruiter)) == [(recruiter.pk, AGENCY_FIRST)]
    assert report(people["street_a"], agency, model=JobAgency).moved == 1
    assert may("report", recruiter)
    assert report(people["street_a"], recruiter, model=Recruiter).moved == 1
    # Down: the agency only after its recruiter.
    assert not may("return", agency)
    assert reasons(give_back(people["county_a"], agency, model=JobAgency)) == [(agency.pk, RECRUITERS_UP)]
    assert may("return", recruiter)
    assert give_back(people["county_a"], recruiter, model=Recruiter).moved == 1
    assert may("return", agency)
    assert give_back(people["county_a"], agency, model=JobAgency).moved == 1
    assert where(agency) == where(recruiter) == (u["street_a"].pk, ReportState.RETURNED)


@pytest.mark.parametrize("state", ReportState.values)
@pytest.mark.parametrize("move", ["report", "return"])
def test_the_set_moves_leave_exactly_the_states_the_transition_declares(cast, people, move, state):
    """A street's row at the county in each state (forced: a draft above its owner does not
    arise, but a declaration must not rely on that): the set move takes it exactly when the
    transition declares that state a source."""
    u = cast.units
    row = new_row(SampleRecord, u["street_a"], title="任意状态")
    SampleRecord.objects.filter(pk=row.pk).update(holder=u["county_a"], holder_depth=4, report_state=state)
    method = Reportable.report_to if move == "report" else Reportable.return_to
    declared = {transition.source for transition in method.get_transitions()}
    allowed = may(move, row)
    result = (report if move == "report" else give_back)(people["county_a"], row)
    assert allowed == (state in declared) == (result.moved == 1)
    if state not in declared:
        label = ReportState(state).label
        assert reasons(result) == [(row.pk, f"{label}的数据不能{'上报' if move == 'report' else '退回'}")]
        assert where(row) == (u["county_a"].pk, state)
