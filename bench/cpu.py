"""Per-request CPU of the pages, in process: `DJANGO_SETTINGS_MODULE=bench.settings python -m
bench.cpu [page …] [--requests N]` on the built bench database, signed in as the province user.

`--module assistance --depth 4`: a kit module's list, 已上报 tab, statistics and query results
instead, at that level (module_pages).

time.process_time() over N requests through django.test.Client with the production settings
(no server, no network): far less sensitive to other work on the machine than a load run, and
what decides how many requests a core serves. Prints CPU and wall time per request, the part of
the CPU spent rendering templates, and the page's queries."""

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["DJANGO_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.template.backends import django as django_backend  # noqa: E402
from django.test import Client  # noqa: E402

from approvals.selectors import visible_to  # noqa: E402
from bench.generate import bench_users, sign_in  # noqa: E402
from org.models import Code  # noqa: E402
from records.models import WorkerFile  # noqa: E402

RENDERING = {"seconds": 0.0, "depth": 0}
_render = django_backend.Template.render


def _timed_render(self, context=None, request=None):
    RENDERING["depth"] += 1
    started = time.process_time()
    try:
        return _render(self, context, request)
    finally:
        RENDERING["depth"] -= 1
        if RENDERING["depth"] == 0:
            RENDERING["seconds"] += time.process_time() - started


def pages(user) -> dict[str, str]:
    files = visible_to(WorkerFile.objects.all(), user.unit).order_by("-pk").values_list("pk", flat=True)
    return {
        "list": "/files/",
        "detail": f"/files/{files[:1][0]}/",
        "statistics": "/files/statistics/?dimension=head.gender",
        "query": "/files/query/?q=1&head_name=%E7%8E%8B%E8%8A%B3&include_subordinates=on",
        "inbox": "/reminders/",
        "home": "/",
        "files": "/files/",
    }


def module_pages(key: str) -> dict[str, str]:
    """A kit module's list, its 已上报 tab, its statistics by its first dimension and its query's
    results page (the GET the query's POST redirects to) by its first code condition."""
    from records.kit.declaration import get
    from records.kit.query import CODE, conditions_of

    module = get(key)
    code = next(c for c in conditions_of(module) if c.kind == CODE)
    first = Code.objects.filter(table__key=code.table).order_by("display_order", "pk").first()
    return {
        f"{key}-list": module.url("list"),
        f"{key}-reported": module.url("list") + "?state=reported",
        f"{key}-statistics": f"{module.url('statistics')}?dimension={module.stat_dimensions[0]}",
        f"{key}-query": f"{module.url('query')}?q=1&include_subordinates=on&{code.name}={first.pk}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--depth", type=int, default=2, help="the bench user's level: 1 national … 5 street")
    parser.add_argument("--module", action="append", default=[], help="a kit module's pages too (its key)")
    args = parser.parse_args()
    django_backend.Template.render = _timed_render
    user = bench_users()[args.depth]
    client = Client()
    sign_in(client, user)
    urls = pages(user)
    for key in args.module:
        urls |= module_pages(key)
    if args.module and not args.pages:
        args.pages = [name for key in args.module for name in module_pages(key)]
    for name in args.pages or ["list", "detail", "statistics", "query", "inbox"]:
        url = urls[name]
        for _ in range(5):  # warm: code, templates, caches
            assert client.get(url).status_code == 200, url
        queries = []

        def record(execute, sql, *rest, queries=queries):
            queries.append(sql)
            return execute(sql, *rest)

        with connection.execute_wrapper(record):
            client.get(url)
        RENDERING["seconds"] = 0.0
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            client.get(url)
        cpu, wall = (time.process_time() - cpu) / args.requests, (time.perf_counter() - wall) / args.requests
        rendering = RENDERING["seconds"] / args.requests
        print(f"{name:22s} CPU {cpu * 1000:6.2f} ms  wall {wall * 1000:6.2f} ms  "
              f"rendering {rendering * 1000:5.2f} ms  {len(queries)} queries", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
