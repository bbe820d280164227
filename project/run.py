"""`make run`: migrate, load the demo data once, then run the web server, one dramatiq worker
and the scheduler together until Ctrl-C, which stops all of them.

The launcher itself starts the embedded PostgreSQL and Redis (when DATABASE_URL /
DRAMATIQ_BROKER_URL are unset) and hands their URLs to the three processes, so all share
one instance and the servers stop when the launcher does. Migrations run as the database's
owner (DATABASE_OWNER_URL, or the embedded server's superuser), which then grants the app role
(audit.database_roles); the three processes connect as that role. A child that dies is started again
after a back-off that doubles up to a minute (logged), so one failed part does not take the
site down with it.
"""

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from project import embedded

APP_ROLE = "bangfu_app"  # audit.database_roles.APP_ROLE (not imported: Django is not set up here)

MANAGE = [sys.executable, "manage.py"]
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 60.0
STEADY_SECONDS = 60.0  # a child that ran this long before dying starts again at the first back-off

log = logging.getLogger("bangfu.run")


def _prepare_environment() -> None:
    if not os.environ.get("DATABASE_URL"):
        owner = embedded.postgres_url()
        os.environ["DATABASE_OWNER_URL"] = owner
        os.environ["DATABASE_URL"] = embedded.as_role(owner, APP_ROLE)
        print("使用内置 PostgreSQL,数据目录 var/pgdata")
    if not os.environ.get("DRAMATIQ_BROKER_URL"):
        os.environ["DRAMATIQ_BROKER_URL"] = embedded.redis_url()
        print("使用内置 Redis,数据目录 var/redis")


def _manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)


def _manage_as_owner(*args: str) -> None:
    """Schema changes and grants run as the owner of the tables, when one is configured."""
    owner = os.environ.get("DATABASE_OWNER_URL")
    env = {**os.environ, "DATABASE_URL": owner} if owner else None
    subprocess.run([*MANAGE, *args], check=True, env=env)


@dataclass
class Child:
    """One supervised process: its command, the running process, and when to start it again."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF
    restart_at: float | None = None
    restarts: int = 0

    def start(self, now: float) -> None:
        # Own process group: Ctrl-C reaches only the launcher, which then stops each child in order.
        self.process = subprocess.Popen(self.command, start_new_session=True)
        self.started_at, self.restart_at = now, None

    def check(self, now: float) -> None:
        """Start the child again once its back-off has passed; notice when it died."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                log.warning("重新启动 %s(第 %d 次)", self.name, self.restarts)
                self.start(now)
            return
        code = self.process.poll()
        if code is None:
            return
        if now - self.started_at >= STEADY_SECONDS:
            self.backoff = FIRST_BACKOFF
        log.error("%s 意外退出(返回码 %s),%.0f 秒后重新启动", self.name, code, self.backoff)
        self.restart_at = now + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)


def _role_of(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).username or APP_ROLE


def children(address: str) -> list[Child]:
    return [
        Child("web", [*MANAGE, "runserver", address, "--noreload"]),
        Child("worker", [*MANAGE, "rundramatiq", "--processes", "1", "--threads", "2"]),
        Child("scheduler", [*MANAGE, "scheduler"]),
    ]


def watch(supervised: list[Child], should_stop, tick: float = 0.5) -> None:
    """Until `should_stop()` says so, start each started child again when it dies."""
    while not should_stop():
        time.sleep(tick)
        for child in supervised:
            child.check(time.monotonic())


def stop(supervised: list[Child]) -> None:
    running = [c.process for c in supervised if c.process is not None and c.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    _prepare_environment()
    _manage_as_owner("migrate", "--no-input", "-v", "0")
    if os.environ.get("DATABASE_OWNER_URL"):
        _manage_as_owner("grant_app_role", "--role", _role_of(os.environ["DATABASE_URL"]))
    _manage("collectstatic", "--no-input", "-v", "0")
    _manage("seed_demo")
    address = os.environ.get("BANGFU_ADDRESS", "127.0.0.1:8000")
    supervised = children(address)
    stopping = []

    def _request_stop(signum, frame):
        stopping.append(signum)

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    try:
        for child in supervised:
            child.start(time.monotonic())
        print(f"\n帮扶系统已启动: http://{address}/   (按 Ctrl-C 停止全部进程)\n")
        _manage("seed_demo", "--logins")
        watch(supervised, lambda: bool(stopping))
    finally:
        stop(supervised)
    return 0


if __name__ == "__main__":
    sys.exit(main())
