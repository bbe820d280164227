"""`make run`'s launcher keeps the site up when one of its parts dies (issue 14 item 7)."""

import sys
import time

from project import run


def test_a_dead_child_is_started_again_with_a_growing_back_off(monkeypatch, caplog):
    monkeypatch.setattr(run, "FIRST_BACKOFF", 0.2)
    dying = run.Child("worker", [sys.executable, "-c", "raise SystemExit(3)"])
    steady = run.Child("web", [sys.executable, "-c", "import time; time.sleep(30)"])
    dying.backoff = run.FIRST_BACKOFF
    for child in (dying, steady):
        child.start(time.monotonic())
    deadline = time.monotonic() + 3
    try:
        run.watch([dying, steady], lambda: dying.restarts >= 2 or time.monotonic() > deadline, tick=0.05)
        assert dying.restarts >= 2 and dying.backoff > run.FIRST_BACKOFF * 2
        assert steady.process.poll() is None and steady.restarts == 0  # the others go on
        assert "worker 意外退出(返回码 3)" in caplog.text and "重新启动 worker" in caplog.text
    finally:
        run.stop([dying, steady])
    assert steady.process.poll() is not None


def test_a_child_that_ran_steadily_restarts_at_the_first_back_off(monkeypatch):
    child = run.Child("scheduler", [sys.executable, "-c", "pass"], backoff=run.MAX_BACKOFF)
    child.start(time.monotonic() - run.STEADY_SECONDS)
    child.process.wait()
    child.check(time.monotonic())
    assert child.restart_at is not None and child.restart_at - time.monotonic() <= run.FIRST_BACKOFF
