"""`make run`: migrate, load the demo data once, then run the web server, one dramatiq worker
and the scheduler together until Ctrl-C, which stops all of them.

The launcher itself starts the embedded PostgreSQL and Redis (when DATABASE_URL /
DRAMATIQ_BROKER_URL are unset) and hands their URLs to the three processes, so all share
one instance and the servers stop when the launcher does.
"""

import os
import signal
import subprocess
import sys
import time

from project import embedded

MANAGE = [sys.executable, "manage.py"]


def _prepare_environment() -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url()
        print("使用内置 PostgreSQL,数据目录 var/pgdata")
    if not os.environ.get("DRAMATIQ_BROKER_URL"):
        os.environ["DRAMATIQ_BROKER_URL"] = embedded.redis_url()
        print("使用内置 Redis,数据目录 var/redis")


def _manage(*args: str) -> None:
    subprocess.run([*MANAGE, *args], check=True)


def _start_processes(address: str) -> list[subprocess.Popen]:
    commands = [
        [*MANAGE, "runserver", address, "--noreload"],
        [*MANAGE, "rundramatiq", "--processes", "1", "--threads", "2"],
        [*MANAGE, "crontab"],
    ]
    # Own process groups: Ctrl-C reaches only the launcher, which then stops each child in order.
    return [subprocess.Popen(cmd, start_new_session=True) for cmd in commands]


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> int:
    _prepare_environment()
    _manage("migrate", "--no-input", "-v", "0")
    _manage("collectstatic", "--no-input", "-v", "0")
    _manage("seed_demo")
    address = os.environ.get("BANGFU_ADDRESS", "127.0.0.1:8000")
    processes = _start_processes(address)
    print(f"\n帮扶系统已启动: http://{address}/   (按 Ctrl-C 停止全部进程)\n")
    _manage("seed_demo", "--logins")
    stop = False

    def _request_stop(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)
    try:
        while not stop and all(p.poll() is None for p in processes):
            time.sleep(0.5)
    finally:
        _stop(processes)
    failed = [p.args[2] for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
    if failed and not stop:
        print(f"进程意外退出: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
