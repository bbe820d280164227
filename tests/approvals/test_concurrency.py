"""Two people acting at once on the same rows (DESIGN.md §3, §6): real transactions, two threads
started together. Every move is guarded by `holder = acting unit`, so a row moves at most once;
the loser neither errors nor moves anything twice."""

import threading

import pytest
from django.db import connection

from approvals import services
from approvals.models import Movement, ReportAction, ReportState
from org.models import Module
from records.jobs.models import JobAgency, Recruiter
from tests.approvals.conftest import new_row
from tests.conftest import BUSINESS_MODULES, make_user
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def race(*calls):
    """Run each call in its own thread (its own connection and transaction), started together.
    Returns the results in order; re-raises the first error a thread hit."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as error:  # noqa: BLE001 — handed back to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def people(cast):
    users = dict(cast.users)
    users["street_a_b"] = make_user("street_a_b", cast.units["street_a"], BUSINESS_MODULES)
    users["county_a_b"] = make_user("county_a_b", cast.units["county_a"], BUSINESS_MODULES)
    return users


def moves_per_row(pks, model=SampleRecord):
    counts = dict.fromkeys(pks, 0)
    for object_id in Movement.objects.filter(object_id__in=pks, content_type__model=model._meta.model_name).values_list(
        "object_id", flat=True
    ):
        counts[object_id] += 1
    return counts


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_clerks_report_the_same_rows_at_once(cast, people, round_):
    u = cast.units
    pks = [new_row(SampleRecord, u["street_a"], title=f"同时上报{i}").pk for i in range(40)]
    results = race(
        lambda: services.report_rows(actor=people["street_a"], model=SampleRecord, pks=pks, message="甲"),
        lambda: services.report_rows(actor=people["street_a_b"], model=SampleRecord, pks=list(reversed(pks))),
    )
    assert sum(r.moved for r in results) == len(pks)
    assert Movement.objects.filter(object_id__in=pks).count() == len(pks)
    assert set(moves_per_row(pks).values()) == {1}
    assert set(SampleRecord.objects.values_list("holder_id", "holder_depth", "report_state")) == {
        (u["county_a"].pk, 4, ReportState.REPORTED)
    }
    actions = ReportAction.objects.all()
    assert sum(a.count for a in actions) == len(pks)
    assert all(a.count > 0 and a.process_id for a in actions)  # a loser that moved nothing opens none


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_reviewers_quick_report_at_once(cast, people, round_):
    u = cast.units
    a = [new_row(SampleRecord, u["street_a"], title=f"浆洗街{i}") for i in range(20)]
    a2 = [new_row(SampleRecord, u["street_a2"], title=f"玉林{i}") for i in range(20)]
    services.quick_report(actor=people["street_a"], module_key=Module.PETITIONS, scope=u["street_a"])
    services.quick_report(actor=people["street_a2"], module_key=Module.PETITIONS, scope=u["street_a2"])
    pks = [r.pk for r in a + a2]
    before = Movement.objects.count()
    results = race(
        lambda: services.quick_report(actor=people["county_a"], module_key=Module.PETITIONS, scope=u["county_a"]),
        lambda: services.quick_report(actor=people["county_a_b"], module_key=Module.PETITIONS, scope=u["street_a"]),
    )
    assert sum(r.moved for r in results) == len(pks)
    assert Movement.objects.count() - before == len(pks)
    assert set(moves_per_row(pks).values()) == {2}  # street → county, county → city
    assert set(SampleRecord.objects.values_list("holder_id", "report_state")) == {
        (u["city_a"].pk, ReportState.REPORTED)
    }


def _county_holds_rows_of_two_streets(cast, people, n):
    """Rows of street_a and street_a2, all reported to county_a — street_a2's first, so that a
    table scan meets them first while a return handles street_a's rows first (one UPDATE per
    receiving street): the two actions lock the rows in different orders."""
    u = cast.units
    rows = []
    for i in range(n):
        rows.append(new_row(SampleRecord, u["street_a"], title=f"浆洗街{i}"))
        rows.append(new_row(SampleRecord, u["street_a2"], title=f"玉林{i}"))
    services.quick_report(actor=people["street_a2"], module_key=Module.PETITIONS, scope=u["street_a2"])
    services.quick_report(actor=people["street_a"], module_key=Module.PETITIONS, scope=u["street_a"])
    return rows


def _assert_consistent(cast, rows, moved_total, before):
    """Each row moved at most once after `before`, and sits where its last move put it."""
    u = cast.units
    pks = [r.pk for r in rows]
    new_moves = Movement.objects.filter(object_id__in=pks, pk__gt=before)
    per_row = dict.fromkeys(pks, 0)
    for object_id in new_moves.values_list("object_id", flat=True):
        per_row[object_id] += 1
    assert set(per_row.values()) <= {0, 1}
    assert moved_total == new_moves.count() == sum(per_row.values())
    for row in SampleRecord.objects.filter(pk__in=pks):
        owner_street = row.unit_id
        assert (row.holder_id, row.report_state) in {
            (u["county_a"].pk, ReportState.REPORTED),  # not moved
            (u["city_a"].pk, ReportState.REPORTED),  # reported
            (owner_street, ReportState.RETURNED),  # returned
        }
        assert row.holder_depth == {u["county_a"].pk: 4, u["city_a"].pk: 3}.get(row.holder_id, 5)
        moved = new_moves.filter(object_id=row.pk).first()
        assert (moved is None) == (row.holder_id == u["county_a"].pk)
        if moved:
            assert (moved.from_holder_id, moved.to_holder_id) == (u["county_a"].pk, row.holder_id)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_report_and_return_racing_on_the_same_rows(cast, people, round_):
    rows = _county_holds_rows_of_two_streets(cast, people, 20)
    pks = [r.pk for r in rows]
    before = Movement.objects.order_by("-pk").values_list("pk", flat=True).first()
    results = race(
        lambda: services.report_rows(actor=people["county_a"], model=SampleRecord, pks=pks),
        lambda: services.return_rows(actor=people["county_a_b"], model=SampleRecord, pks=pks),
    )
    moved_total = sum(r.moved for r in results)
    assert moved_total == len(pks)  # every row was held by the county: one of the two moved it
    _assert_consistent(cast, rows, moved_total, before)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_quick_report_and_quick_return_racing(cast, people, round_):
    u = cast.units
    rows = _county_holds_rows_of_two_streets(cast, people, 20)
    before = Movement.objects.order_by("-pk").values_list("pk", flat=True).first()
    results = race(
        lambda: services.quick_report(actor=people["county_a"], module_key=Module.PETITIONS, scope=u["county_a"]),
        lambda: services.quick_return(actor=people["county_a_b"], module_key=Module.PETITIONS, child=u["street_a"]),
    )
    moved_total = sum(r.moved for r in results)
    assert moved_total == len(rows)
    _assert_consistent(cast, rows, moved_total, before)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_jobs_quick_report_and_quick_return_racing(cast, people, round_):
    """Parents first up, children first down: the two actions touch the two tables in opposite
    orders, and must still neither deadlock nor move a row twice or split a pair the wrong way."""
    u = cast.units
    pairs = []
    for i in range(10):
        agency = new_row(JobAgency, u["street_a"], name=f"职介所{i}")
        pairs.append((agency, new_row(Recruiter, u["street_a"], name=f"招聘单位{i}", agency=agency)))
    services.quick_report(actor=people["street_a"], module_key=Module.JOBS, scope=u["street_a"])
    results = race(
        lambda: services.quick_report(actor=people["county_a"], module_key=Module.JOBS, scope=u["street_a"]),
        lambda: services.quick_return(actor=people["county_a_b"], module_key=Module.JOBS, child=u["street_a"]),
    )
    assert sum(r.moved for r in results) == 2 * len(pairs)
    for model, rows in ((JobAgency, [a for a, _ in pairs]), (Recruiter, [r for _, r in pairs])):
        assert set(moves_per_row([r.pk for r in rows], model).values()) == {2}
    for agency, recruiter in pairs:
        a = JobAgency.objects.get(pk=agency.pk)
        r = Recruiter.objects.get(pk=recruiter.pk)
        # A recruiter never sits above its agency.
        assert r.holder_depth >= a.holder_depth
        assert (a.holder_id, a.report_state) in {
            (u["city_a"].pk, ReportState.REPORTED),
            (u["street_a"].pk, ReportState.RETURNED),
        }
