"""Interrupted bulk exports (issue 14 item 7): a worker killed mid-export leaves the request
approved, its attempt recorded and its partial file on disk; within minutes the request is sent
again, the next attempt removes the partial file, and after MAX_EXPORT_ATTEMPTS attempts it stops.
A crash with an exception (the partial file removed at once) is tested in test_bulk_export."""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLog
from records import exports
from records.events import FileEvent
from records.models import MAX_EXPORT_ATTEMPTS, BulkExport, ExportState
from records.tasks import produce_export, retry_interrupted_exports, send_export
from tests.conftest import worker_thread
from tests.records.test_bulk_export import approved, reported

pytestmark = pytest.mark.django_db

WAIT_SECONDS = 10


class Killed(BaseException):
    """What SIGKILL is to a worker: no `except Exception` clause of it runs."""


# --- helpers -------------------------------------------------------------------------------------


def interrupted(export: BulkExport, *, minutes_ago: int = 10, attempts: int = 1) -> None:
    """As a killed attempt leaves the request: approved, started a while ago."""
    started_at = timezone.now() - timedelta(minutes=minutes_ago)
    BulkExport.objects.filter(pk=export.pk).update(started_at=started_at, attempts=attempts)


def sent_ids() -> list[int]:
    """The produce_export messages on the stub broker, taken off it."""
    queue = dramatiq.get_broker().queues.get(produce_export.queue_name)
    sent = []
    while queue is not None and not queue.empty():
        sent.append(dramatiq.Message.decode(queue.get()).args[0])
        queue.task_done()  # else a later broker.join() waits for this message forever
    return sent


def retried(export: BulkExport):
    return AuditLog.objects.filter(event=FileEvent.EXPORT_RETRIED, object_id=str(export.pk))


def partials_of(export: BulkExport) -> list[Path]:
    return list(exports.export_dir().glob(f".partial-{export.pk}-*"))


@pytest.fixture(autouse=True)
def _empty_broker():
    dramatiq.get_broker().flush_all()
    yield
    dramatiq.get_broker().flush_all()


@contextmanager
def row_locked_elsewhere(export: BulkExport):
    """The request's row locked by another connection for the block, as a running attempt holds it."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                BulkExport.objects.select_for_update().get(pk=export.pk)
                locked.set()
                release.wait(WAIT_SECONDS)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(WAIT_SECONDS)
        yield
    finally:
        release.set()
        thread.join()


def wait_until_gone(backend_pid: int) -> None:
    """pg_terminate_backend only signals: wait until the backend (and its locks) are gone."""
    deadline = time.monotonic() + WAIT_SECONDS
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend_pid])
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {backend_pid} still running")


# --- the tests -----------------------------------------------------------------------------------


def test_an_interrupted_export_is_sent_again_and_its_partial_file_removed(cast, django_capture_on_commit_callbacks):
    reported(cast.users["street_a"])
    export = approved(cast, "street_a_admin", "county_a_admin")
    other = approved(cast, "county_a_admin", "city_a_admin")  # not started: waits for the night run
    interrupted(export)
    stale = exports.export_dir() / f".partial-{export.pk}-x.csv"
    stale.write_bytes(exports.BOM + "身份证号\n".encode())
    others = exports.export_dir() / f".partial-{other.pk}-y.csv"
    others.write_bytes(b"x")

    with django_capture_on_commit_callbacks(execute=True):
        retry_interrupted_exports.fn()
    assert sent_ids() == [export.pk]
    produce_export.fn(export.pk)  # the worker taking the message

    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.attempts == 2
    assert export.started_at > timezone.now() - timedelta(minutes=1)
    assert exports.export_path(export).is_file()
    assert not stale.exists() and others.exists()  # only the request's own leftover
    audit = retried(export).get()
    assert audit.success and audit.detail == {"attempt": 2} and audit.user is None
    assert not retried(other).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_export_is_retried_within_minutes(cast, monkeypatch):
    """A real attempt in its own connection, ended as a kill ends it: its connection terminated
    by the server, no cleanup. What it committed first is what the retry finds."""
    reported(cast.users["street_a"])
    export = approved(cast, "street_a_admin", "county_a_admin")
    writing, killed = threading.Event(), threading.Event()
    backend = {}

    def write_then_die(copy, out) -> None:
        for chunk in copy:
            out.write(chunk)
        out.flush()
        backend["pid"] = connection.connection.info.backend_pid
        writing.set()
        killed.wait(WAIT_SECONDS)
        raise Killed

    def attempt() -> None:
        try:
            exports.export_produce(export_id=export.pk)
        except Killed:
            pass
        finally:
            connection.close()

    later = timezone.now() + timedelta(minutes=settings.BULK_EXPORT_RETRY_AFTER_MINUTES + 1)
    with monkeypatch.context() as patch:
        patch.setattr(exports, "write_rows", write_then_die)
        thread = threading.Thread(target=attempt)
        thread.start()
        assert writing.wait(WAIT_SECONDS)
        running = BulkExport.objects.get(pk=export.pk)  # another connection: committed
        assert running.started_at is not None and running.attempts == 1
        assert exports.exports_retry_interrupted(send_export, now=later) == []  # locked: still running
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend["pid"]])
        killed.set()
        thread.join()
        wait_until_gone(backend["pid"])

    left = BulkExport.objects.get(pk=export.pk)
    assert (left.state, left.attempts, left.last_error) == (ExportState.APPROVED, 1, "")
    assert len(partials_of(export)) == 1  # the killed attempt's personal data, still on disk
    assert exports.exports_retry_interrupted(send_export) == []  # started moments ago: maybe just slow

    with worker_thread() as drain:
        assert exports.exports_retry_interrupted(send_export, now=later) == [export.pk]
        drain(produce_export.queue_name)

    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.attempts == 2
    assert partials_of(export) == [] and exports.export_path(export).is_file()
    assert retried(export).get().detail == {"attempt": 2}


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_row_is_locked_is_not_sent_again(cast):
    export = approved(cast, "street_a_admin", "county_a_admin")
    interrupted(export)

    with row_locked_elsewhere(export):  # an attempt still running, however long ago it started
        assert exports.exports_retry_interrupted(send_export) == []
    assert sent_ids() == [] and not retried(export).exists()

    assert exports.exports_retry_interrupted(send_export) == [export.pk]  # the lock gone with its attempt
    assert sent_ids() == [export.pk]


def test_only_attempts_started_long_enough_ago_are_retried(cast, settings, django_capture_on_commit_callbacks):
    settings.BULK_EXPORT_RETRY_AFTER_MINUTES = 3
    recent = approved(cast, "street_a_admin", "county_a_admin")
    interrupted(recent, minutes_ago=1)
    approved(cast, "street_a_admin", "county_a_admin")  # never started: the night run's
    old = approved(cast, "county_a_admin", "city_a_admin")
    interrupted(old, minutes_ago=4)
    done = approved(cast, "county_a_admin", "city_a_admin")
    exports.export_produce(export_id=done.pk)
    interrupted(done, minutes_ago=60)  # exported long ago: nothing to retry

    with django_capture_on_commit_callbacks(execute=True):
        assert exports.exports_retry_interrupted(send_export) == [old.pk]

    assert sent_ids() == [old.pk]
    assert AuditLog.objects.filter(event=FileEvent.EXPORT_RETRIED).count() == 1


def test_after_five_attempts_it_stops_and_records_why(cast, django_capture_on_commit_callbacks):
    fourth = approved(cast, "street_a_admin", "county_a_admin")
    interrupted(fourth, attempts=4)
    fifth = approved(cast, "county_a_admin", "city_a_admin")
    interrupted(fifth, attempts=MAX_EXPORT_ATTEMPTS)
    BulkExport.objects.filter(pk=fifth.pk).update(last_error="OSError: disk full")

    with django_capture_on_commit_callbacks(execute=True):
        assert exports.exports_retry_interrupted(send_export) == [fourth.pk]  # its fifth attempt

    fifth.refresh_from_db()
    assert fifth.state == ExportState.APPROVED and fifth.attempts == 5
    assert fifth.last_error == "已尝试导出 5 次均未完成,不再自动重试,请联系系统管理员。最近一次错误:OSError: disk full"
    gave_up = retried(fifth).get()
    assert not gave_up.success and gave_up.detail == {"attempt": 5, "gave_up": True}
    assert retried(fourth).get().detail == {"attempt": 5}

    with django_capture_on_commit_callbacks(execute=True):
        exports.exports_retry_interrupted(send_export)
    assert retried(fifth).count() == 1  # given up once, then left alone
    assert fifth.pk not in sent_ids()


def test_an_attempt_is_counted_and_its_partial_file_named_after_the_request(cast, monkeypatch):
    export = approved(cast, "street_a_admin", "county_a_admin")
    names = []

    def crash(copy, out) -> None:
        names.append(Path(out.name).name)
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_rows", crash)
    with pytest.raises(OSError):
        exports.export_produce(export_id=export.pk)

    assert names[0].startswith(f".partial-{export.pk}-") and names[0].endswith(".csv")
    export.refresh_from_db()
    # Recorded outside the transaction the failure rolled back.
    assert export.attempts == 1 and export.started_at is not None
    monkeypatch.undo()
    exports.export_produce(export_id=export.pk)
    exports.export_produce(export_id=export.pk)  # a second delivery: no attempt, nothing to count
    export.refresh_from_db()
    assert export.state == ExportState.EXPORTED and export.attempts == 2


def test_the_retry_runs_every_five_minutes():
    from dramatiq_crontab import scheduler

    jobs = {job.name: str(job.trigger) for job in scheduler.get_jobs()}
    assert "minute='*/5'" in jobs["retry_interrupted_exports"] and "hour='*'" in jobs["retry_interrupted_exports"]


def test_a_request_given_up_is_said_so_and_left_out_of_the_night_run(cast):
    export = exports.export_request(
        actor=cast.users["street_a_admin"], kinds=["hardship"], scope_units=[cast.units["street_a"]], conditions={}
    )
    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)
    assert export.pk in exports.approved_export_ids()
    BulkExport.objects.filter(pk=export.pk).update(attempts=MAX_EXPORT_ATTEMPTS, last_error="OperationalError: x")
    assert export.pk not in exports.approved_export_ids()
    page = cast.client("street_a_admin").get(reverse("records:exports")).content.decode()
    assert "已停止自动重试" in page and "将自动重试" not in page
