"""The timed operations of `make bench`, each beside the bare SQL that does the same work."""

import time

from django.core.management import call_command
from django.db import connection
from django.test import Client

from approvals import registry, reminders, services
from approvals.lists import PAGE_SIZE, page_keys
from approvals.models import ReportAction
from approvals.registry import ReportingModule
from approvals.selectors import held_and_above, visible_to
from bench.generate import bench_users, load_reminders, sign_in
from bench.timing import in_rollback, machine, timed
from org.models import Code, Module, Unit
from tests.reporting.models import SampleRecord

QUICK_REPORT_ROWS = 30_000
MOVE_ROWS = 1_000
DEEP_ROWS = 10_000
SAMPLE = ReportingModule(Module.PETITIONS, "测试记录", (SampleRecord,))
TABLE = SampleRecord._meta.db_table


def prepare(rebuild: bool, generate) -> None:
    call_command("migrate", verbosity=0)
    registry.register(SAMPLE)
    if rebuild or not Unit.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE approvals_movement, approvals_reportaction, viewflow_task, viewflow_process, "
                f"{TABLE}, records_familymember, records_workerfile, records_person, records_personevent, "
                "records_workerfileevent, records_familymemberevent, org_user, org_unit RESTART IDENTITY CASCADE"
            )
        started = time.monotonic()
        print(f"generating… {generate()}", flush=True)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    _hold_at_province(QUICK_REPORT_ROWS)
    if not ReportAction.objects.filter(receiver=bench_users()[2].unit).exists():
        print(f"reminders… {load_reminders(SAMPLE.key):,} report actions", flush=True)
    _collect_static()


def _collect_static() -> None:
    """The pages render with the production settings (DEBUG off): the manifest storage needs
    the collected files."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if isinstance(staticfiles_storage, ManifestFilesMixin):
        call_command("collectstatic", interactive=False, verbosity=0)


def _hold_at_province(rows: int) -> None:
    """Give the first province `rows` rows it holds (reported up to it from its subtree)."""
    province = bench_users()[2].unit
    held = SampleRecord.objects.filter(holder=province).count()
    if held >= rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {TABLE} SET holder_id = %s, holder_depth = 2, report_state = 'reported'
                WHERE id IN (SELECT id FROM {TABLE} WHERE unit_path LIKE %s AND holder_depth > 2
                             AND complete ORDER BY id LIMIT %s)""",
            [province.pk, province.path + "%", rows - held],
        )
        cursor.execute(f"ANALYZE {TABLE}")


def _bare(sql: str, params) -> callable:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()

    return run


def _bare_page(unit, after):
    """The page's two row queries as bare SQL: the keys of the page, then those rows."""
    _counted, (held, above) = held_and_above(SampleRecord.objects.all(), unit)
    keys_sql, keys_params = page_keys([held, *above], after).query.sql_with_params()
    rows_sql = f"SELECT t.*, u.name FROM {TABLE} t JOIN org_unit u ON u.id = t.unit_id WHERE t.id = ANY(%s)"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(keys_sql, keys_params)
            keys = [row[0] for row in cursor.fetchall()]
            cursor.execute(rows_sql, [keys])
            cursor.fetchall()

    return run


def _deep_key(unit) -> tuple[int | None, int]:
    """The key of the page DEEP_ROWS rows into the unit's list (or as deep as the list goes)."""
    pks = visible_to(SampleRecord.objects.all(), unit).order_by("-pk").values_list("pk", flat=True)
    keys = list(pks[DEEP_ROWS - 1 : DEEP_ROWS])
    if keys:
        return keys[0], DEEP_ROWS
    last = list(pks[max(0, pks.count() - PAGE_SIZE) :][:1])
    return (last[0] if last else None), pks.count()


def list_pages(table, runs: int) -> None:
    for _depth, user in sorted(bench_users().items()):
        client = Client()
        sign_in(client, user)
        scope = f"{user.unit.level_name}({visible_to(SampleRecord.objects.all(), user.unit).count():,} 行可见)"
        deep_key, depth_rows = _deep_key(user.unit)
        for label, after in (("list page, first", None), (f"list page, {depth_rows:,} rows deep", deep_key)):
            url = "/sample/" + (f"?after={after}" if after else "")
            times = timed(lambda url=url, client=client: _ok(client.get(url)), runs)
            table.add(
                label, scope, times, timed(_bare_page(user.unit, after), runs), "whole request vs its row queries"
            )


def inbox_pages(table, runs: int) -> None:
    """待处理提醒 of a busy province and county: the whole page beside its two queries (the
    total and the first page of rows, with sender, process and who handled it)."""
    users = bench_users()
    for depth in (2, 4):
        user = users[depth]
        client = Client()
        sign_in(client, user)
        pending = reminders.pending_reminders_for_user(user)
        rows = reminders.with_reminder_columns(pending).order_by("-at", "-pk")[: reminders.PAGE_SIZE + 1]
        queries = [q.query.sql_with_params() for q in (pending.order_by().values("pk"), rows)]
        count_sql, count_params = queries[0]
        bare = _bare_all([(f"SELECT count(*) FROM ({count_sql}) AS pending", count_params), queries[1]])
        times = timed(lambda client=client: _ok(client.get("/reminders/")), runs)
        scope = f"{user.unit.level_name}({pending.count():,} 条待处理)"
        table.add("inbox page, first", scope, times, timed(bare, runs), "whole request vs its total and row queries")


def _bare_all(statements: list[tuple[str, list]]):
    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def moves(table, runs: int) -> None:
    users = bench_users()
    province_user, province = users[2], users[2].unit
    national = Unit.objects.get(depth=1)
    held = SampleRecord.objects.filter(holder=province, complete=True).exclude(unit=province).order_by("pk")
    ids = list(held.values_list("pk", flat=True)[:MOVE_ROWS])

    report = in_rollback(lambda: services.report_rows(actor=province_user, model=SampleRecord, pks=ids))
    bare_report = in_rollback(_bare(
        f"UPDATE {TABLE} SET holder_id = %s, holder_depth = 1, report_state = 'reported' "
        "WHERE id = ANY(%s) AND holder_id = %s", [national.pk, ids, province.pk],
    ))  # fmt: skip
    table.add(f"report {len(ids):,} rows", "省 → 全总", timed(report, runs), timed(bare_report, runs))
    vacuum()

    back = in_rollback(lambda: services.return_rows(actor=province_user, model=SampleRecord, pks=ids))
    bare_back = in_rollback(_bare(
        f"UPDATE {TABLE} AS t SET holder_id = u.id, holder_depth = u.depth, report_state = 'returned' "
        "FROM org_unit u WHERE u.path = left(t.unit_path, %s) AND t.id = ANY(%s) AND t.holder_id = %s",
        [len(province.path) + Unit.steplen, ids, province.pk],
    ))  # fmt: skip
    table.add(f"return {len(ids):,} rows", "省 → 各市", timed(back, runs), timed(bare_back, runs))
    vacuum()

    held_total = SampleRecord.objects.filter(holder=province).count()
    quick = in_rollback(lambda: services.quick_report(actor=province_user, module_key=SAMPLE.key, scope=province))
    bare_quick = in_rollback(_bare(
        f"UPDATE {TABLE} SET holder_id = %s, holder_depth = 1, report_state = 'reported' "
        "WHERE holder_id = %s AND unit_path LIKE %s",
        [national.pk, province.pk, province.path + "%"],
    ))  # fmt: skip
    table.add(
        f"quick report ({held_total:,} held)", "省 → 全总", timed(quick, runs), timed(bare_quick, runs),
        "incl. movement log, process, reminder, refusals",
    )  # fmt: skip


def vacuum() -> None:
    """Rolled-back runs leave dead index entries behind; clear them so every operation is
    measured on a table in its normal state."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {TABLE}")


def file_save(table, runs: int) -> None:
    """新增档案 with five members against the national persons table: the form's service with its
    uniqueness checks, problems and audit row, against the bare INSERTs of the same rows."""
    from records import id_numbers, services
    from records.models import Person

    clerk = bench_users()[5]
    serial = iter(range(1, 1_000_000))

    def number():
        first17 = f"110105{19600101 + next(serial) % 28:08d}{next(serial) % 1000:03d}"
        return first17 + id_numbers.check_character(first17)

    def person(name):
        parsed = id_numbers.validate(number())
        return {"id_number": parsed.number, "name": name, "gender": parsed.gender, "birth_date": parsed.birth_date,
                "monthly_income": 0, "employer_or_school": ""}  # fmt: skip

    relation = Code.objects.filter(table__key="relation").first()

    def save():
        data = {"code": f"B{next(serial)}", "category": "subsistence", "file_date": "2026-11-01",
                "address": "测试地址", "household_size": 6}  # fmt: skip
        members = [person(f"成员{i}") | {"relation": relation} for i in range(5)]
        services.file_create(actor=clerk, data=data, head=person("户主"), members=members)

    def bare():
        with connection.cursor() as cursor:
            people = [person(f"p{i}") for i in range(6)]
            cursor.executemany(
                f"INSERT INTO {Person._meta.db_table} (id_number, name, gender, birth_date, monthly_income, "
                "employer_or_school) VALUES (%s, %s, %s, %s, 0, '')",
                [(p["id_number"], p["name"], p["gender"], p["birth_date"]) for p in people],
            )

    persons = Person.objects.count()
    table.add("file save, 5 members", f"街道({persons:,} 人在库)", timed(in_rollback(save), runs),
              timed(in_rollback(bare), runs), "service with uniqueness checks vs 6 bare person INSERTs")  # fmt: skip


def statistics(table, runs: int) -> None:
    """职工档案统计 by gender at province scope: the engine's one grouped query (with the
    dependants' correlated count) against the bare GROUP BY over the same visible files."""
    from forms_stats.crosstab import crosstab
    from records.models import FamilyMember, WorkerFile
    from records.statistics import DIMENSIONS, MEASURES, active_files

    province = bench_users()[2].unit
    child_path = len(province.path) + Unit.steplen

    def engine():
        crosstab(active_files(), viewer=province, unit=province, dimension=DIMENSIONS["gender"], measures=MEASURES)

    bare_sql = f"""
        SELECT left(f.unit_path, %s), p.gender, count(*),
               sum((SELECT count(*) FROM {FamilyMember._meta.db_table} m WHERE m.file_id = f.id))
        FROM {WorkerFile._meta.db_table} f JOIN records_person p ON p.id = f.head_id
        WHERE f.status = 'active' AND f.unit_path LIKE %s AND f.holder_depth <= %s
        GROUP BY 1, 2"""
    files = visible_to(WorkerFile.objects.all(), province).count()
    table.add("statistics, by gender", f"省总({files:,} 份档案可见)", timed(engine, runs),
              timed(_bare(bare_sql, [child_path, province.path + "%", province.depth]), runs),
              "one grouped query incl. dependants; vs the same GROUP BY")  # fmt: skip


def file_query(table, runs: int) -> None:
    """职工档案查询 at province scope: a name condition with 包含下级数据, the whole page."""
    users = bench_users()
    client = Client()
    sign_in(client, users[2])
    url = "/files/query/?head_name=%E8%81%8C%E5%B7%A5123&include_subordinates=on"
    times = timed(lambda: _ok(client.get(url)), runs)
    from records.models import WorkerFile

    bare = WorkerFile.objects.filter(head__name__icontains="职工123")
    sql, params = visible_to(bare, users[2].unit).order_by("-pk").values("pk")[:51].query.sql_with_params()
    table.add("advanced query, name contains", "省总", times, timed(_bare(sql, params), runs),
              "whole request vs the bare filtered page query")  # fmt: skip


# The export actor's code path in a worker process of its own: the time it takes and its peak
# memory, reported as JSON on stdout.
_EXPORT_CHILD = """
import json, resource, sys, time
import django
django.setup()
from records.tasks import produce_export
started = time.perf_counter()
produce_export.fn(int(sys.argv[1]))
print(json.dumps({"ms": (time.perf_counter() - started) * 1000,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def export_throughput(table, runs: int) -> None:
    """批量导出 of every file the national unit sees (all kinds, self-approved): the export
    actor's code path (row lock, ORM-built SELECT, COPY streamed into a temporary file, fsync,
    rename, flow completed, reminder) in a worker subprocess, whose peak RSS is the worker's
    memory, against the bare `COPY (same SELECT) TO STDOUT` read into a discarding sink."""
    import json
    import os
    import subprocess
    import sys
    import tempfile

    from django.conf import settings

    from org.models import User
    from records import exports
    from records.models import BulkExport, ExportKind

    national = Unit.objects.get(depth=1)
    admin = User.objects.filter(unit=national, modules__contains=[Module.UNIT_ADMIN]).first()
    admin = admin or User.objects.create(username="bench_export_admin", unit=national, modules=[Module.UNIT_ADMIN])

    def request():
        return exports.export_request(actor=admin, kinds=ExportKind.values, scope_units=[national], conditions={})

    files = exports.export_queryset(request())
    rows = files.count()
    statement = exports.copy_statement(files, national)

    def bare():
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for _chunk in copy:
                pass

    results = []
    with tempfile.TemporaryDirectory() as directory:
        env = {**os.environ, "BULK_EXPORT_DIR": directory, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        env["BENCH_DATABASE_NAME"] = settings.DATABASES["default"]["NAME"]
        for _ in range(runs):
            export = request()
            done = subprocess.run([sys.executable, "-c", _EXPORT_CHILD, str(export.pk)], env=env, cwd=settings.BASE_DIR,
                                  capture_output=True, text=True, check=True)  # fmt: skip
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            megabytes = BulkExport.objects.get(pk=export.pk).file_size / 1e6
            os.unlink(exports.Path(directory) / BulkExport.objects.get(pk=export.pk).file_name)
    BulkExport.objects.filter(unit=national).delete()
    bare_times = timed(bare, runs)
    times = [r["ms"] for r in results]
    rss = max(r["rss_mb"] for r in results)
    per_second = rows / (sorted(times)[len(times) // 2] / 1000)
    bare_per_second = rows / (sorted(bare_times)[len(bare_times) // 2] / 1000)
    table.add(
        "export throughput", f"全总({rows:,} 份档案, {megabytes:.1f} MB CSV)", times, bare_times,
        f"{per_second:,.0f} rows/s = {per_second / bare_per_second:.2f}× bare COPY ({bare_per_second:,.0f} rows/s); "
        f"worker peak RSS {rss:.0f} MB",
    )  # fmt: skip


def run_all(table, runs: int) -> None:
    vacuum()
    list_pages(table, runs)
    inbox_pages(table, runs)
    statistics(table, runs)
    file_query(table, runs)
    file_save(table, runs)
    moves(table, runs)
    export_throughput(table, runs)
    vacuum()


def describe(scale: float) -> str:
    from records.models import Person, WorkerFile

    rows, units = SampleRecord.objects.count(), Unit.objects.count()
    files, persons = WorkerFile.objects.count(), Person.objects.count()
    return (
        f"# Benchmark — {time.strftime('%Y-%m-%d %H:%M')}\n\nMachine: {machine()}; PostgreSQL "
        f"{connection.cursor().connection.info.server_version}; SCALE={scale}: {units:,} units, "
        f"{rows:,} reportable rows of the engine's sample module (lists, report, return, quick report), "
        f"{files:,} household files with {persons:,} persons (statistics, query, file save)."
    )
