"""One scheduler at a time across nodes (issue 14 item 13): the second waits for the first's lock
and takes over when the first dies."""

import threading
import time

import pytest

from approvals import scheduling
from approvals.management.commands import scheduler

pytestmark = pytest.mark.django_db(transaction=True)

KEY = 7_368_290  # not the real scheduler's key: a test must not take a running system's lock


def test_the_second_scheduler_waits_and_takes_over_when_the_first_dies():
    with scheduling.held_lock(KEY) as first:
        assert scheduling.still_held(first, KEY)
        waiting = []
        taken = threading.Event()

        def second():
            with scheduling.held_lock(KEY, poll_seconds=0.05, on_wait=lambda: waiting.append(True)) as lock:
                assert scheduling.still_held(lock, KEY)
                taken.set()

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        assert waiting == [True] and not taken.is_set()
    # the first's session is gone: the lock with it
    thread.join(timeout=5)
    assert taken.is_set()


def test_a_lost_session_is_no_longer_holding():
    with scheduling.held_lock(KEY) as lock:
        lock.close()
        assert not scheduling.still_held(lock, KEY)


def test_the_command_runs_the_cron_scheduler_only_while_it_holds_the_lock(monkeypatch):
    ran = []
    monkeypatch.setattr(scheduling, "SCHEDULER_LOCK", KEY)
    monkeypatch.setattr(
        scheduler.CrontabCommand, "handle", lambda self, *a, **o: ran.append(scheduling.still_held(self._lock))
    )
    scheduler.Command().handle(no_task_loading=True, no_heartbeat=True)
    assert ran == [True]
