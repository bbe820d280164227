"""The HTTP load run of `make bench`: gunicorn with the production settings on a loopback port,
and a bounded load generator in this process — requests per second and latency for a mix of
list, detail and statistics pages as a signed-in user."""

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.test import Client

ADDRESS, PORT = "127.0.0.1", 8790
WORKERS = 4  # 2 × cores on this 2-core machine
CLIENTS = 16
WARM_UP = 3  # seconds of requests not counted: each worker process loads code and connects first


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="org.auth.ModulePermissionBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _urls(user) -> list[str]:
    """The mix: half list pages, three in ten file detail pages, two in ten statistics tables."""
    from approvals.selectors import visible_to
    from records.models import WorkerFile

    files = list(visible_to(WorkerFile.objects.all(), user.unit).order_by("-pk").values_list("pk", flat=True)[:50])
    details = [f"/files/{pk}/" for pk in files] or ["/files/"]
    return (
        ["/sample/"] * 5 + [random.choice(details) for _ in range(3)] + ["/files/statistics/?dimension=gender&q=1"] * 2
    )


def _start_server() -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0"}
    command = [str(Path(sys.executable).with_name("gunicorn")), "project.wsgi", "-w", str(WORKERS),
               "-b", f"{ADDRESS}:{PORT}", "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection(ADDRESS, PORT, timeout=1).request("GET", "/login/")
            return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def run(table, user, seconds: int) -> None:
    cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(user)}"
    urls = _urls(user)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection(ADDRESS, PORT, timeout=30)
        while time.perf_counter() < stop_at:
            url = random.choice(urls)
            started = time.perf_counter()
            try:
                connection.request("GET", url, headers={"Cookie": cookie, "Host": "localhost"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection = http.client.HTTPConnection(ADDRESS, PORT, timeout=30)
                ok = False
            if started >= count_from:
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
                    errors[0] += 0 if ok else 1

    server = _start_server()
    count_from = time.perf_counter() + WARM_UP
    stop_at = count_from + seconds
    try:
        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = len(latencies) / seconds
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1] if latencies else 0
    note = f"{rate:.0f} requests/s, p95 {p95:.0f} ms, {errors[0]} errors; {WORKERS} gunicorn workers, {CLIENTS} clients"
    table.add(f"HTTP load, {seconds} s", "省总: 列表/档案/统计 5:3:2", latencies, None, note)
    print(f"median {statistics.median(latencies):.1f} ms" if latencies else "no requests", flush=True)
