import os
import signal

from apscheduler.triggers.interval import IntervalTrigger
from dramatiq_crontab.management.commands.crontab import Command as CrontabCommand

from approvals.scheduling import held_lock, still_held

LOCK_CHECK_SECONDS = 15


class Command(CrontabCommand):
    help = "定时任务调度器:每个节点都可以启动,同一时间只有取得数据库锁的一个在调度,其余等待接替。"

    def handle(self, *args, **options):
        with held_lock(on_wait=lambda: self.stdout.write("另一个调度器正在运行,等待接替…")) as lock:
            self.stdout.write("已取得调度锁。")
            self._lock = lock
            super().handle(*args, **options)

    def launch_scheduler(self, lock, scheduler):
        scheduler.add_job(self._check_lock, IntervalTrigger(seconds=LOCK_CHECK_SECONDS), name="bangfu.scheduler_lock")
        super().launch_scheduler(lock, scheduler)

    def _check_lock(self):
        """Lost the database session, so maybe the lock: stop (the launcher starts us again, to wait)."""
        if not still_held(self._lock):
            self.stderr.write("调度锁已丢失,调度器停止。")
            os.kill(os.getpid(), signal.SIGTERM)
