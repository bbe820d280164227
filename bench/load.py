"""The HTTP load runs of `make bench`: gunicorn with the production settings on a loopback port,
and a bounded load generator — requests per second and latency of

- the realistic load: thousands of signed-in users of all five levels, each on their own
  unit's pages (lists with varied filters and cursors, file pages, queries, statistics with
  varied conditions, the reminder inbox) and one request in ten a write (file saves, report,
  return), with each page kind's p95 (from the server's access log), errors and deadlocks;
- the old single-user mix (one province user: lists, file pages, statistics 5:3:2), for
  comparison with earlier tables.

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


def _warm_up(seconds: int) -> int:
    """No longer than the measured part: the test suite's one-second runs need no more."""
    return min(WARM_UP, seconds)


def _session_cookie(user) -> str:
    client = Client()
    sign_in(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _urls(user) -> list[str]:
    """The single-user mix: half list pages, three in ten file pages, two in ten statistics."""
    from approvals.selectors import visible_to
    from records.models import WorkerFile

    files = list(visible_to(WorkerFile.objects.all(), user.unit).order_by("-pk").values_list("pk", flat=True)[:50])
    details = [f"/files/{pk}/" for pk in files] or ["/files/"]
    chosen = random.Random(7).sample(details, min(3, len(details)))  # the same files every run
    detail_urls = [chosen[i % len(chosen)] for i in range(3)]
    return ["/files/"] * 5 + detail_urls + ["/files/statistics/?dimension=head.gender"] * 2


def _start_server(access_log: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0"}
    # --preload: the code is imported once, before the workers fork, and shared by them. The
    # access log gives each request's time in the worker, by page kind (realistic.kind_of).
    command = [str(Path(sys.executable).with_name("gunicorn")), "project.wsgi", "-w", str(WORKERS), "--preload",
               "-b", f"{ADDRESS}:{PORT}", "--log-level", "warning", "--access-logfile", access_log,
               "--access-logformat", "%(m)s %(U)s %(q)s %(s)s %(D)s"]  # fmt: skip
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
    tasks are dead index entries that autovacuum clears in production but not within this run:
    left there, the inbox and the movement log's reads walk through them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) approvals_movement, approvals_reportaction, viewflow_process, viewflow_task")


RUNS = 3  # measured runs against one server; the table shows the median one


def run_all(table, scale: float, seconds: int, runs: int = RUNS) -> None:
    """The realistic load, then the old single-user mix, each `runs` runs of `seconds` against
    one gunicorn, taking turns; each row shows its run of median rate and lists every run's."""
    from bench import realistic
    from bench.generate import bench_users

    _vacuum_after_timed_moves()
    realistic_plan = realistic.plan()
    province = bench_users()[2]
    single_plan = [
        (f"{settings.SESSION_COOKIE_NAME}={_session_cookie(province)}", [("GET", u, None) for u in _urls(province)])
    ]
    load_before = os.getloadavg()[0]  # other work on the machine (a load run needs it quiet)
    reference = reference_ms()  # how fast this machine runs Python right now (bench.timing)
    with tempfile.TemporaryDirectory() as directory:
        access_log = os.path.join(directory, "access.log")
        server = _start_server(access_log)
        measured = {"realistic": [], "single": []}
        try:
            for _ in range(runs):
                measured["realistic"].append(_measure(server, realistic_plan, seconds, access_log))
                measured["single"].append(_measure(server, single_plan, seconds, access_log))
        finally:
            server.terminate()
            server.wait(timeout=30)
    context = f"load average {load_before:.2f} before the runs; reference loop {reference:.0f} ms"
    users = len(realistic_plan)
    _add(table, f"realistic load, {seconds} s", f"{users:,} users of all levels, 10% writes",
         measured["realistic"], seconds, context, kinds=True)  # fmt: skip
    _add(table, f"HTTP load, {seconds} s", "省总: 列表/档案/统计 5:3:2", measured["single"], seconds, context)


def _add(table, label: str, scope: str, measured: list[dict], seconds: int, context: str, kinds=False) -> None:
    from bench import realistic

    measured.sort(key=lambda m: m["requests"])
    result = measured[len(measured) // 2]
    rates = ", ".join(f"{m['requests'] / seconds:.0f}" for m in measured)
    shares = (f"CPU over the run: gunicorn {result['server_cpu'] / seconds:.0%} of a core, PostgreSQL and the "
              f"rest of the machine {result['database_cpu'] / seconds:.0%}, {result['client']} "
              f"{result['client_cpu'] / seconds:.0%}, stolen by the hypervisor {result['stolen_cpu'] / seconds:.0%}; "
              f"{context}")  # fmt: skip
    deadlocks = sum(m["deadlocks"] for m in measured)
    note = (f"{result['requests'] / seconds:.0f} requests/s (median of {len(measured)} runs: {rates}), p95 "
            f"{result['p95']:.0f} ms, {result['errors']} errors; {deadlocks} deadlocks over all runs; "
            f"{WORKERS} gunicorn workers, {CLIENTS} connections ({result['client']}); {shares}")  # fmt: skip
    if kinds:
        note += "; per page kind, in the worker (count, p95 ms, errors): " + realistic.kinds_note(result["access"])
    table.add(label, scope, result["latencies"], None, note)


def _deadlocks() -> int:
    """Deadlocks PostgreSQL detected in this database so far (pg_stat_database)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _measure(server, plan, seconds: int, access_log: str) -> dict:
    """One load run after its warm-up, with the CPU the server and the whole machine used in
    it, the access log's lines of it and the deadlocks in it."""
    cpu = {}

    def measuring() -> None:
        """Called as the measured part starts, after the warm-up: the CPU share is of it alone."""
        cpu["before"], cpu["machine_before"] = _cpu_seconds(server.pid), _machine_cpu()
        cpu["log_from"], cpu["deadlocks"] = os.path.getsize(access_log), _deadlocks()

    generate = _wrk if shutil.which("wrk") else _threads
    result = generate(plan, seconds, measuring)
    result["server_cpu"] = _cpu_seconds(server.pid) - cpu["before"]
    busy, stolen = (after - before for after, before in zip(_machine_cpu(), cpu["machine_before"], strict=True))
    # PostgreSQL's share is what the machine did besides the server and the generator. Summing
    # its processes instead lost every backend that ended within the run: the server's
    # connections last CONN_MAX_AGE (60 s), shorter than the runs against one server.
    result["database_cpu"] = max(0.0, busy - result["server_cpu"] - result["client_cpu"])
    result["stolen_cpu"] = stolen
    result["deadlocks"] = _deadlocks() - cpu["deadlocks"]
    with open(access_log, encoding="utf-8", errors="replace") as log:
        log.seek(cpu["log_from"])
        result["access"] = log.read().splitlines()
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
local users = {}
%(users)s
local sequence = 0
init = function(args) math.randomseed(os.time()) end
request = function()
  local user = users[math.random(#users)]
  local r = user[2][math.random(#user[2])]
  local headers = {["Cookie"] = user[1], ["Host"] = "localhost"}
  if r[1] == "POST" then
    sequence = sequence + 1
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", r[2], headers, string.gsub(r[3], "BENCHSEQ", tostring(sequence)))
  end
  return wrk.format("GET", r[2], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "errors": %%d, "p50": %%.2f, "p95": %%.2f}\\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


LUA_CHUNK = 500  # users per Lua function: one function holds at most 65,536 constants


def _lua(plan) -> str:
    """The plan filling the Lua table `users`: {{cookie, {{method, path, body}, …}}, …} (all
    ASCII: paths and bodies are URL-encoded), a function per LUA_CHUNK users, as 3,000 users'
    requests are more strings than one Lua function may hold."""

    def request(method, path, body):
        return "{" + ", ".join(json.dumps(v) for v in (method, path, body or "")) + "}"

    def user(cookie, requests):
        return "{" + json.dumps(cookie) + ", {" + ", ".join(request(*r) for r in requests) + "}}"

    chunks = [plan[i : i + LUA_CHUNK] for i in range(0, len(plan), LUA_CHUNK)]
    return "\n".join(
        f"local function add_{n}() for _, u in ipairs({{" + ",\n".join(user(*u) for u in chunk)
        + f"}}) do users[#users + 1] = u end end\nadd_{n}()"
        for n, chunk in enumerate(chunks)
    )  # fmt: skip


def _wrk(plan, seconds: int, measuring) -> dict:
    """wrk with one thread: a warm-up run (each worker loads code and connects), then the
    measured run. Its own CPU is read from the kernel's account of finished children."""
    import resource

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"users": _lua(plan)})
    # A request still unanswered after 10 s counts as an error (wrk's own 2 s cut off slow
    # national statistics on a busy machine, which are slow answers, not failed ones).
    base = ["wrk", "-t1", f"-c{CLIENTS}", "-s", script.name, "--timeout", "10s", f"http://{ADDRESS}:{PORT}/"]
    try:
        subprocess.run([*base[:3], f"-d{_warm_up(seconds)}s", *base[3:]], capture_output=True, check=True)
        measuring()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = subprocess.run([*base[:3], f"-d{seconds}s", *base[3:]], capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(script.name)
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"wrk gave no result: {output.stdout} {output.stderr}")
    result = json.loads(lines[0].removeprefix("RESULT "))
    print(output.stdout, flush=True)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # wrk gives percentiles, not each latency: the table's median and p95 columns are its own.
    latencies = [result["p50"]] * 18 + [result["p95"]] * 2
    return {**result, "latencies": latencies, "client": "wrk", "client_cpu": client_cpu}


def _threads(plan, seconds: int, measuring) -> dict:
    """The fallback generator: CLIENTS threads in this process, each on one connection."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    count_from = time.perf_counter() + _warm_up(seconds)
    stop_at = count_from + seconds
    client_cpu = {}
    sequence = iter(range(10**9))

    def client():
        connection = http.client.HTTPConnection(ADDRESS, PORT, timeout=30)
        while time.perf_counter() < stop_at:
            cookie, requests = random.choice(plan)
            method, url, body = random.choice(requests)
            headers = {"Cookie": cookie, "Host": "localhost"}
            if body:
                body = body.replace("BENCHSEQ", str(next(sequence)))
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                connection.request(method, url, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
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

    timer = threading.Timer(_warm_up(seconds), warmed_up)
    timer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    p95 = sorted(latencies)[int(0.95 * len(latencies)) - 1] if latencies else 0
    print(f"median {statistics.median(latencies):.1f} ms" if latencies else "no requests", flush=True)
    return {"requests": len(latencies), "errors": errors[0], "p95": p95, "latencies": latencies or [0.0],
            "client": "Python threads", "client_cpu": time.process_time() - client_cpu["before"]}  # fmt: skip
