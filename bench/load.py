"""The HTTP load run of `make bench`: gunicorn with the production settings on a loopback port,
and a bounded load generator — requests per second and latency for a mix of list, detail and
statistics pages as a signed-in user.

The generator shares the machine's cores with the server, so it must be light: `wrk` (Debian's
package) when installed, else Python threads in this process (which take a core's worth of
CPU themselves at ~100 requests/s). The table's note gives the CPU each side used."""

import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench.generate import sign_in
from bench.timing import reference_ms

ADDRESS, PORT = "127.0.0.1", 8790
WORKERS = 4  # 2 × cores on this 2-core machine
CLIENTS = 16
# Requests the generator waits for at once beyond the workers' queue raise latency, not
# throughput; 16 keeps every worker busy with a queue behind it.
WARM_UP = 3  # seconds of requests not counted: each worker process loads code and connects first


def _session_cookie(user) -> str:
    client = Client()
    sign_in(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _urls(user) -> list[str]:
    """The mix: half list pages, three in ten file detail pages, two in ten statistics tables."""
    from approvals.selectors import visible_to
    from records.models import WorkerFile

    files = list(visible_to(WorkerFile.objects.all(), user.unit).order_by("-pk").values_list("pk", flat=True)[:50])
    details = [f"/files/{pk}/" for pk in files] or ["/files/"]
    chosen = random.Random(7).sample(details, min(3, len(details)))  # the same files every run
    detail_urls = [chosen[i % len(chosen)] for i in range(3)]
    return ["/sample/"] * 5 + detail_urls + ["/files/statistics/?dimension=gender&q=1"] * 2


def _start_server() -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0"}
    # --preload: the code is imported once, before the workers fork, and shared by them.
    command = [str(Path(sys.executable).with_name("gunicorn")), "project.wsgi", "-w", str(WORKERS), "--preload",
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


def _vacuum_after_timed_moves() -> None:
    """The timed moves ran in rolled-back transactions: their movement rows, processes and
    tasks are dead index entries that autovacuum clears in production but not within this run.
    Left there, the statistics' data stamp (max id of the movement log) walks 1.5 million of
    them backwards: 5 ms instead of 0.1 on every statistics page."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) approvals_movement, approvals_reportaction, viewflow_process, viewflow_task")


RUNS = 3  # measured runs against one server; the table shows the median one


def run(table, user, seconds: int, runs: int = RUNS) -> None:
    """`runs` load runs of `seconds` each against one gunicorn; the table shows the run of
    median rate and its note lists every run's rate. On a shared virtual machine the same
    code measured 104 and 124 requests/s in consecutive runs at the same CPU shares."""
    _vacuum_after_timed_moves()
    cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(user)}"
    urls = _urls(user)
    load_before = os.getloadavg()[0]  # other work on the machine (a load run needs it quiet)
    reference = reference_ms()  # how fast this machine runs Python right now (bench.timing)
    server = _start_server()
    try:
        measured = [_measure(server, urls, cookie, seconds) for _ in range(runs)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    measured.sort(key=lambda m: m["requests"])
    result = measured[len(measured) // 2]
    rates = ", ".join(f"{m['requests'] / seconds:.0f}" for m in measured)
    shares = (f"CPU over the run: gunicorn {result['server_cpu'] / seconds:.0%} of a core, PostgreSQL and the "
              f"rest of the machine {result['database_cpu'] / seconds:.0%}, {result['client']} "
              f"{result['client_cpu'] / seconds:.0%}, stolen by the hypervisor {result['stolen_cpu'] / seconds:.0%}; "
              f"load average {load_before:.2f} before the runs; reference loop {reference:.0f} ms")  # fmt: skip
    note = (f"{result['requests'] / seconds:.0f} requests/s (median of {runs} runs: {rates}), p95 "
            f"{result['p95']:.0f} ms, {result['errors']} errors; {WORKERS} gunicorn workers, {CLIENTS} "
            f"connections ({result['client']}); {shares}")  # fmt: skip
    table.add(f"HTTP load, {seconds} s", "省总: 列表/档案/统计 5:3:2", result["latencies"], None, note)


def _measure(server, urls: list[str], cookie: str, seconds: int) -> dict:
    """One load run after its warm-up, with the CPU the server and the whole machine used in it."""
    cpu = {}

    def measuring() -> None:
        """Called as the measured part starts, after the warm-up: the CPU share is of it alone."""
        cpu["before"], cpu["machine_before"] = _cpu_seconds(server.pid), _machine_cpu()

    generate = _wrk if shutil.which("wrk") else _threads
    result = generate(urls, cookie, seconds, measuring)
    result["server_cpu"] = _cpu_seconds(server.pid) - cpu["before"]
    busy, stolen = (after - before for after, before in zip(_machine_cpu(), cpu["machine_before"], strict=True))
    # PostgreSQL's share is what the machine did besides the server and the generator. Summing
    # its processes instead lost every backend that ended within the run: the server's
    # connections last CONN_MAX_AGE (60 s), shorter than the runs against one server.
    result["database_cpu"] = max(0.0, busy - result["server_cpu"] - result["client_cpu"])
    result["stolen_cpu"] = stolen
    return result


def _machine_cpu() -> tuple[float, float]:
    """All cores' busy CPU seconds since boot, and the seconds the hypervisor gave to other
    machines while this one wanted to run (steal)."""
    import psutil

    times = psutil.cpu_times()
    busy = times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)
    return busy, getattr(times, "steal", 0.0)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children (the gunicorn master and workers)."""
    import psutil

    process = psutil.Process(pid)
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


WRK_SCRIPT = """
local urls = %(urls)s
local cookie = %(cookie)s
init = function(args) math.randomseed(os.time()) end
request = function()
  return wrk.format("GET", urls[math.random(#urls)], {["Cookie"] = cookie, ["Host"] = "localhost"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "errors": %%d, "p50": %%.2f, "p95": %%.2f}\\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def _wrk(urls: list[str], cookie: str, seconds: int, measuring) -> dict:
    """wrk with one thread: a warm-up run (each worker loads code and connects), then the
    measured run. Its own CPU is read from the kernel's account of finished children."""
    import resource

    lua = "{" + ", ".join(json.dumps(u) for u in urls) + "}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"urls": lua, "cookie": json.dumps(cookie)})
    base = ["wrk", "-t1", f"-c{CLIENTS}", "-s", script.name, f"http://{ADDRESS}:{PORT}/"]
    try:
        subprocess.run([*base[:3], f"-d{WARM_UP}s", *base[3:]], capture_output=True, check=True)
        measuring()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = subprocess.run([*base[:3], f"-d{seconds}s", *base[3:]], capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(script.name)
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"wrk gave no result: {output.stdout} {output.stderr}")
    line = lines[0]
    result = json.loads(line.removeprefix("RESULT "))
    print(output.stdout, flush=True)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # wrk gives percentiles, not each latency: the table's median and p95 columns are its own.
    latencies = [result["p50"]] * 18 + [result["p95"]] * 2
    return {**result, "latencies": latencies, "client": "wrk", "client_cpu": client_cpu}


def _threads(urls: list[str], cookie: str, seconds: int, measuring) -> dict:
    """The fallback generator: CLIENTS threads in this process, each on one connection."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    count_from = time.perf_counter() + WARM_UP
    stop_at = count_from + seconds
    client_cpu = {}

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

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]

    def warmed_up() -> None:
        client_cpu["before"] = time.process_time()
        measuring()

    timer = threading.Timer(WARM_UP, warmed_up)
    timer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1] if latencies else 0
    print(f"median {statistics.median(latencies):.1f} ms" if latencies else "no requests", flush=True)
    return {"requests": len(latencies), "errors": errors[0], "p95": p95, "latencies": latencies or [0.0],
            "client": "Python threads", "client_cpu": time.process_time() - client_cpu["before"]}  # fmt: skip
