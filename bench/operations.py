"""The timed operations of `make bench`: the real pages of the household-file module and the
reminder inbox, each beside the bare SQL doing the same work — the statements the page itself
sent, replayed — and the services behind the writes."""

import re
import time
from datetime import date
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.db.models import DateField, DecimalField
from django.test import Client

from approvals import reminders, services
from approvals.models import ReportAction
from approvals.selectors import visible_to
from bench.generate import bench_users, load_reminders, sign_in
from bench.posts import edit_form_data
from bench.records import lines_model, record_modules
from bench.timing import in_rollback, machine, timed
from org.models import Code, Module, Unit, code_table_of
from records.households.module import files
from records.kit import batch, declaration
from records.kit.forms import apply_filter
from records.kit.query import CODE
from records.models import FileStatus, WorkerFile

QUICK_REPORT_ROWS = 30_000
MOVE_ROWS = 1_000
DEEP_ROWS = 10_000
TABLE = WorkerFile._meta.db_table
# The three lists of files: what the row says it times, and the page.
LISTS = {
    "hardship": ("household-file list", "/files/"),
    "migrant": ("migrant-file list", "/files/migrant/"),
    "temporary": ("temporary-file list", "/files/temporary/"),
}
NAME_FILTER = "王"  # a surname: one file in thirty (bench.generate.NAME_SQL)


def prepare(rebuild: bool, generate) -> None:
    call_command("migrate", verbosity=0)
    if rebuild or not Unit.objects.exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE approvals_movement, approvals_reportaction, viewflow_task, viewflow_process, "
                "records_familymember, records_workerfile, records_person, records_personevent, "
                "records_workerfileevent, records_familymemberevent, django_session, org_user, org_unit, "
                + ", ".join(module.model._meta.db_table for module in record_modules())
                + " RESTART IDENTITY CASCADE"
            )
        started = time.monotonic()
        print(f"generating… {generate()}", flush=True)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    _hold_at_province(QUICK_REPORT_ROWS)
    if not ReportAction.objects.filter(receiver=bench_users()[2].unit, process__isnull=False).exists():
        print(f"reminders… {load_reminders(Module.FILES):,} report actions", flush=True)
    _collect_static()


def _collect_static() -> None:
    """The pages render with the production settings (DEBUG off): the manifest storage needs
    the collected files."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if isinstance(staticfiles_storage, ManifestFilesMixin):
        call_command("collectstatic", interactive=False, verbosity=0)


def _reportable():
    return WorkerFile.objects.filter(status=FileStatus.ACTIVE, problems=[])


def _hold_at_province(rows: int) -> None:
    """Give the first province up to `rows` files it holds (reported up to it from its subtree)."""
    province = bench_users()[2].unit
    held = WorkerFile.objects.filter(holder=province).count()
    if held >= rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {TABLE} SET holder_id = %s, holder_depth = 2, report_state = 'reported'
                WHERE id IN (SELECT id FROM {TABLE} WHERE unit_path LIKE %s AND holder_depth > 2
                             AND status = 'active' AND problems = '[]' ORDER BY id LIMIT %s)""",
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


def _bare_all(statements: list[tuple[str, list]]):
    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()

    return run


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return response


def page_statements(request, keep) -> list[tuple[str, list]]:
    """The statements one run of the page sends that `keep` selects (by their SQL), with their
    parameters: replayed, the page's bare SQL — the same work, without the Python."""
    statements = []

    def record(execute, sql, params, many, context):
        if keep(sql):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    request()  # warm: a page compiles and keeps some statements on its first run
    with connection.execute_wrapper(record):
        request()
    assert statements, "the page ran none of the statements it is measured against"
    return statements


def _touches_files(sql: str) -> bool:
    return f'"{TABLE}"' in sql or f" {TABLE} " in sql


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _list_rows(kind: str, unit, name: str | None):
    rows = WorkerFile.objects.filter(next(k for k in files.list_kinds if k.key == kind).q)
    if name:
        rows = apply_filter(files, rows, {"head_name": name})
    return visible_to(rows, unit).order_by("-pk")


def _deep_after(client, url: str, rows) -> tuple[int | None, int]:
    """The `after` of the page DEEP_ROWS rows into the list (or of its last page), checked
    against the first page's next link: the cursor a user reaches by following them."""
    first = client.get(url).content.decode()
    pks = rows.values_list("pk", flat=True)
    link = re.search(r"[?&;]after=(\d+)", first)
    if link is None:
        return None, 0
    assert int(link.group(1)) == pks[49], "the next link is not the list's keyset cursor"
    total = rows.count()
    depth = min(DEEP_ROWS, max(50, total - 50))
    return pks[depth - 1], depth


def list_pages(table, runs: int) -> None:
    """The three file lists at every level: the first page and a page DEEP_ROWS rows deep
    (as deep as the list goes), and the household-file list with a name filter too."""
    cases = [("hardship", None), ("hardship", NAME_FILTER), ("migrant", None), ("temporary", None)]
    for _depth, user in sorted(bench_users().items()):
        client = _client(user)
        for kind, name in cases:
            label, path = LISTS[kind]
            label += f", name contains {name}" if name else ""
            rows = _list_rows(kind, user.unit, name)
            scope = f"{user.unit.level_name}({rows.count():,} 份可见)"
            query = f"?head_name={name}" if name else ""
            after, depth = _deep_after(client, path + query, rows)
            for where, cursor in (("first", None), (f"{depth:,} rows deep", after)):
                if where != "first" and cursor is None:
                    continue
                url = path + query + (("&" if query else "?") + f"after={cursor}" if cursor else "")
                _page_row(table, f"{label}, {where}", scope, client, url, runs)


def _page_row(table, label, scope, client, url, runs, keep=_touches_files, note=None) -> None:
    request = lambda: _ok(client.get(url))  # noqa: E731
    bare = _bare_all(page_statements(request, keep))
    note = note or "whole request vs its statements on the files (page keys, capped counts, rows)"
    table.add(label, scope, timed(request, runs), timed(bare, runs), note)


def detail_pages(table, runs: int) -> None:
    """The file page (档案详情) of a street's own file and of a file reported to the province:
    the whole page beside its statements on the files, persons, members and their history."""
    users = bench_users()
    for depth in (5, 2):
        user = users[depth]
        file = visible_to(WorkerFile.objects.filter(holder_depth=depth), user.unit).order_by("pk").first()
        keep = lambda sql: "records_" in sql or "approvals_movement" in sql  # noqa: E731
        scope = f"{user.unit.level_name}({'本单位档案' if depth == 5 else '下级上报的档案'})"
        _page_row(table, "file detail page", scope, _client(user), f"/files/{file.pk}/", runs, keep,
                  "whole request vs its statements on files, persons, members, history")  # fmt: skip


def inbox_pages(table, runs: int) -> None:
    """待处理提醒 of a busy province and county: the whole page beside its two queries (the
    total and the first page of rows, with sender, process and who handled it)."""
    users = bench_users()
    for depth in (2, 4):
        user = users[depth]
        client = _client(user)
        pending = reminders.pending_reminders_for_user(user)
        rows = reminders.with_reminder_columns(pending).order_by("-at", "-pk")[: reminders.PAGE_SIZE + 1]
        queries = [q.query.sql_with_params() for q in (pending.order_by().values("pk"), rows)]
        count_sql, count_params = queries[0]
        bare = _bare_all([(f"SELECT count(*) FROM ({count_sql}) AS pending", count_params), queries[1]])
        times = timed(lambda client=client: _ok(client.get("/reminders/")), runs)
        scope = f"{user.unit.level_name}({pending.count():,} 条待处理)"
        table.add(
            "reminder inbox, first", scope, times, timed(bare, runs), "whole request vs its total and row queries"
        )


def statistics_pages(table, runs: int) -> None:
    """职工档案统计 as the page runs it beside the page's own GROUP BY replayed."""
    users = bench_users()
    born = "&head_birth_date_from=1960-01-01&head_birth_date_to=1980-12-31&head_gender=F"
    cases = [(1, "by gender", "dimension=head.gender"), (2, "by gender", "dimension=head.gender"),
             (2, "by health, 女 born 1960–80", "dimension=head.health" + born),
             (4, "by gender", "dimension=head.gender")]  # fmt: skip
    for depth, label, query in cases:
        user = users[depth]
        client = _client(user)
        url = f"/files/statistics/?{query}"
        request = lambda client=client, url=url: _ok(client.get(url))  # noqa: E731
        bare = _bare_all(page_statements(request, lambda sql: "GROUP BY" in sql))
        files = visible_to(WorkerFile.objects.filter(status=FileStatus.ACTIVE), user.unit).count()
        table.add(f"statistics page, {label}", f"{user.unit.level_name}({files:,} 份在档可见)",
                  timed(request, runs), timed(bare, runs), "whole request vs the GROUP BY it runs")  # fmt: skip


def query_pages(table, runs: int) -> None:
    """职工档案查询 through its POST form (the conditions posted, then the results page it
    redirects to) beside the statements of the results page on the files."""
    users = bench_users()
    city = {"file_date_from": "2023-01-01", "file_date_to": "2023-06-30", "category": "subsistence"}
    cases = [(2, "name contains 王芳", {"head_name": "王芳"}), (1, "name contains 王芳", {"head_name": "王芳"}),
             (3, "category + date range", city)]  # fmt: skip
    for depth, label, conditions in cases:
        user = users[depth]
        client = _client(user)
        data = {"q": "1", "include_subordinates": "on", **conditions}
        request = lambda client=client, data=data: _ok(client.post("/files/query/", data, follow=True))  # noqa: E731
        bare = _bare_all(page_statements(request, _touches_files))
        table.add(f"advanced query, {label}", str(user.unit.level_name), timed(request, runs), timed(bare, runs),
                  "POST + the results page vs the results' statements on the files")  # fmt: skip


def moves(table, runs: int) -> None:
    users = bench_users()
    province_user, province = users[2], users[2].unit
    national = Unit.objects.get(depth=1)
    held = _reportable().filter(holder=province).exclude(unit=province).order_by("pk")
    ids = list(held.values_list("pk", flat=True)[:MOVE_ROWS])

    report = in_rollback(lambda: services.report_rows(actor=province_user, model=WorkerFile, pks=ids))
    bare_report = in_rollback(_bare(
        f"UPDATE {TABLE} SET holder_id = %s, holder_depth = 1, report_state = 'reported' "
        "WHERE id = ANY(%s) AND holder_id = %s", [national.pk, ids, province.pk],
    ))  # fmt: skip
    table.add(f"report {len(ids):,} files", "省 → 全总", timed(report, runs), timed(bare_report, runs))
    vacuum()

    back = in_rollback(lambda: services.return_rows(actor=province_user, model=WorkerFile, pks=ids))
    bare_back = in_rollback(_bare(
        f"UPDATE {TABLE} AS t SET holder_id = u.id, holder_depth = u.depth, report_state = 'returned' "
        "FROM org_unit u WHERE u.path = left(t.unit_path, %s) AND t.id = ANY(%s) AND t.holder_id = %s",
        [len(province.path) + Unit.steplen, ids, province.pk],
    ))  # fmt: skip
    table.add(f"return {len(ids):,} files", "省 → 各市", timed(back, runs), timed(bare_back, runs))
    vacuum()

    held_total = WorkerFile.objects.filter(holder=province).count()
    quick = in_rollback(lambda: services.quick_report(actor=province_user, module_key=Module.FILES, scope=province))
    bare_quick = in_rollback(_bare(
        f"UPDATE {TABLE} SET holder_id = %s, holder_depth = 1, report_state = 'reported' "
        "WHERE holder_id = %s AND unit_path LIKE %s",
        [national.pk, province.pk, province.path + "%"],
    ))  # fmt: skip
    table.add(
        f"quick report ({held_total:,} held)", "省 → 全总", timed(quick, runs), timed(bare_quick, runs),
        "incl. movement log, process, reminder, refusals",
    )  # fmt: skip


BATCH_FILES = 10_000
BATCH_CODES = ("assistance_category", "assistance_form", "assistance_measure", "fund_source")
# The bare statement of a batch: the same rows and their two lines, from the files' ids.
BARE_BATCH = """
WITH new AS (
    INSERT INTO assistance_assistance (unit_id, unit_path, holder_id, holder_depth, report_state, file_id,
        category_id, assisted_on, helped, form_id, amount, details, not_helped_reason, exited, remarks)
    SELECT %s, %s, %s, %s, 'draft', id, %s, %s, 'helped', %s, 500, '走访慰问。', '', false, ''
      FROM records_workerfile WHERE id = ANY(%s) RETURNING id)
INSERT INTO assistance_assistancemeasure (assistance_id, position, measure_id, amount, fund_source_id, summarized_in)
SELECT new.id, l.position, l.measure, l.amount, l.source, ''
  FROM new CROSS JOIN (VALUES (1, %s::bigint, 300::numeric, %s::bigint), (2, %s, 200, %s)) AS l(position, measure,
       amount, source)
"""


def batch_assistance(table, runs: int) -> None:
    """批量帮扶 of BATCH_FILES files (records.kit.batch: the rules on a sample row, the
    visibility re-check, one INSERT … SELECT of the rows and their lines, the audit row) by the
    bench user who sees the most formal active files, beside the bare INSERT … SELECT of the
    same rows and lines."""
    user = max(bench_users().values(), key=lambda u: batch.batch_files(u.unit)[:BATCH_FILES].count())
    ids = list(batch.batch_files(user.unit).order_by("pk").values_list("pk", flat=True)[:BATCH_FILES])
    if not ids:  # a tiny scale (tests/bench) whose users see no formal file
        return
    category, form, measure, source = (Code.objects.filter(table__key=key).first() for key in BATCH_CODES)
    data = {"category": category, "assisted_on": date(2026, 1, 5), "helped": "helped", "form": form,
            "details": "走访慰问。"}  # fmt: skip
    lines = {1: {"measure": measure, "amount": Decimal(300), "fund_source": source},
             2: {"measure": measure, "amount": Decimal(200), "fund_source": source}}  # fmt: skip
    # All that match (the page's 全部符合条件的职工): a range the service narrows to the same ids.
    files = WorkerFile.objects.filter(pk__range=(ids[0], ids[-1]))
    service = in_rollback(lambda: batch.record_batch_create(
        actor=user, module=declaration.get("assistance"), files=files, data=data, lines=lines))  # fmt: skip
    unit = user.unit
    bare = in_rollback(_bare(BARE_BATCH, [unit.pk, unit.path, unit.pk, unit.depth, category.pk, date(2026, 1, 5),
                                          form.pk, ids, measure.pk, source.pk, measure.pk, source.pk]))  # fmt: skip
    table.add(f"batch assistance, {len(ids):,} files", str(unit.level_name), timed(service, runs), timed(bare, runs),
              "service (rules, visibility, audit) vs the bare INSERT … SELECT of the rows and their lines")  # fmt: skip


def vacuum(modules=None) -> None:
    """Rolled-back runs leave dead index entries behind, and a freshly loaded table has no page
    marked all-visible (this machine runs without autovacuum), so no index-only scan would be
    chosen: vacuum the files, persons and members and the kit modules' tables (`modules`: only
    theirs) so every operation is measured on tables in their normal state. The units and
    codes too: loaded with COPY and never analyzed, the planner took their 52,825 units for a
    few hundred and hashed them all to join a list page's 50 rows."""
    tables = ["org_unit", "org_codetable", "org_code", "org_user"]
    tables += [TABLE, "records_person", "records_familymember"] if modules is None else []
    for module in record_modules() if modules is None else modules:
        tables += [module.model._meta.db_table] + ([_lines_table(module)] if module.lines else [])
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def edit_page(table, runs: int) -> None:
    """编辑档案 saved through its page by the owning street's clerk: the POST (forms, service,
    history) and its redirect, against the bare UPDATEs of the file and its three persons."""
    from records.models import Person

    clerk = bench_users()[5]
    file = _reportable().filter(unit=clerk.unit).select_related("head").order_by("pk").first()
    client = _client(clerk)
    serial = iter(range(1_000_000))
    url = f"/files/{file.pk}/edit/"

    def save():
        response = client.post(url, dict(edit_form_data(file, remarks=f"第{next(serial)}次修改")))
        assert response.status_code == 302, response.content.decode()[:3000]

    persons = [file.head_id, *file.members.values_list("person_id", flat=True)]

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET remarks = %s, updated_at = now() WHERE id = %s", [str(next(serial)), file.pk]
            )
            cursor.execute(f"UPDATE {Person._meta.db_table} SET name = name WHERE id = ANY(%s)", [persons])

    table.add("file save, edit page", f"街道({len(persons)} 人)", timed(in_rollback(save), runs),
              timed(in_rollback(bare), runs), "POST of the whole form vs the bare UPDATEs of file and persons")  # fmt: skip


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


def record_list_pages(table, runs: int, modules=None) -> None:
    """Each kit module's list at every level: the first page, and the 已上报 tab (the rows the
    unit has reported, read from its ancestors' branches)."""
    for module in modules or record_modules():
        keep = _module_table(module)
        for _depth, user in sorted(bench_users().items()):
            client = _client(user)
            page = _ok(client.get(module.url("list"))).content.decode()
            missing = [column.label for column in module.list_extras if f">{column.label}<" not in page]
            assert not missing, f"{module.label}: the measured list lacks its columns {missing}"
            rows = visible_to(module.model.objects.all(), user.unit).count()
            scope = f"{user.unit.level_name}({rows:,} 条可见)"
            for where, query in (("first", ""), ("已上报 tab", "?state=reported")):
                url = module.url("list") + query
                _page_row(table, f"{module.label} list, {where}", scope, client, url, runs, keep,
                          "whole request vs its statements on the module's table")  # fmt: skip


def _module_table(module):
    """The statements on the module's table, and on its lines' (a list's column of them)."""
    names = [module.model._meta.db_table] + ([_lines_table(module)] if module.lines else [])
    return lambda sql: any(f'"{name}"' in sql for name in names)


def _lines_table(module) -> str:
    return lines_model(module)._meta.db_table


def record_statistics_pages(table, runs: int, modules=None) -> None:
    """Each kit module's statistics at the national, a province and a county unit, by its first
    dimension and by its second over a date range, beside the GROUP BY it runs, replayed."""
    users = bench_users()
    for module in modules or record_modules():
        date_field = next((p for p in module.query_fields if isinstance(module.field(p), DateField)), None)
        second = module.stat_dimensions[1 % len(module.stat_dimensions)]
        dates = f"&{date_field}_from=2024-06-01&{date_field}_to=2025-01-31" if date_field else ""  # the query's
        cases = [(1, module.stat_dimensions[0], ""), (2, module.stat_dimensions[0], ""),
                 (2, second, dates), (4, module.stat_dimensions[0], "")]  # fmt: skip
        # A dimension of the lines (an assistance's 帮扶措施): the GROUP BY joins them.
        through = [d for d in module.stat_dimensions if module.lines and d.split(".")[0] == module.lines.relation]
        cases += [(2, through[0], dates), (4, through[0], "")] if through else []
        for depth, dimension, dates in cases:
            user = users[depth]
            client = _client(user)
            url = f"{module.url('statistics')}?dimension={dimension}{dates}"
            request = lambda client=client, url=url: _ok(client.get(url))  # noqa: E731
            bare = _bare_all(page_statements(request, lambda sql: "GROUP BY" in sql))
            rows = visible_to(module.model.objects.all(), user.unit).count()
            label = f"{module.label} statistics, by {module.label_of(dimension)}{', ' + module.label_of(date_field) + ' range' if dates else ''}"
            table.add(label, f"{user.unit.level_name}({rows:,} 条可见)", timed(request, runs), timed(bare, runs),
                      "whole request vs the GROUP BY it runs")  # fmt: skip


def record_query_pages(table, runs: int, modules=None) -> None:
    """Each kit module's 查询 through its POST form (包含下级数据 and _query_cases' conditions)
    beside the results page's statements on the module's table."""
    users = bench_users()
    for module in modules or record_modules():
        for label, conditions in _query_cases(module):
            data = {"q": "1", "include_subordinates": "on", **conditions}
            for depth in (1, 2, 4):
                user = users[depth]
                client = _client(user)
                url = module.url("query")
                request = lambda client=client, url=url, data=data: _ok(client.post(url, data, follow=True))  # noqa: E731
                bare = _bare_all(page_statements(request, _module_table(module)))
                table.add(f"{module.label} query, {label}", str(user.unit.level_name), timed(request, runs),
                          timed(bare, runs), "POST + the results page vs its statements on the table")  # fmt: skip


def _query_cases(module) -> list[tuple[str, dict]]:
    """(label, conditions): a code condition and a date range; and where the module has amounts
    or a code condition of its own (an assistance's 帮扶措施), those with the date range."""
    fields = {path: module.field(path) for path in module.query_fields}
    code = next((p for p, f in fields.items() if code_table_of(f)), None)
    date_path = next((p for p, f in fields.items() if isinstance(f, DateField)), None)
    if code is None or date_path is None:  # no query, or none of these conditions (推荐信息)
        return []
    dates = {f"{date_path}_from": "2024-06-01", f"{date_path}_to": "2025-06-30"}
    cases = [(f"{module.label_of(code)} + date range", {code: _first_code(code_table_of(fields[code])), **dates})]
    amounts = [p for p, f in fields.items() if isinstance(f, DecimalField)][:1]
    extras = [c for c in module.query_extras if c.kind == CODE][:1]
    if amounts or extras:
        conditions = {**{c.name: _first_code(c.table) for c in extras}, **dates}
        for path in amounts:
            conditions |= {f"{path}_from": "1000", f"{path}_to": "20000"}
        labels = [*(f"{module.label_of(p)} 1000–20000" for p in amounts), *(c.label for c in extras)]
        cases.append((" + ".join([*labels, "date range"]), conditions))
    return cases


def _first_code(table_key: str) -> int:
    return Code.objects.filter(table__key=table_key).order_by("display_order", "pk").first().pk


def job_matching(table, runs: int) -> None:
    """职位匹配 of a job seeker and 匹配人才 of a vacancy (records.jobs.matching) at a province and a
    county, beside the page's statements on the vacancies' and seekers' tables, replayed."""
    from records.jobs.models import JobSeeker, Vacancy

    seekers, vacancies = declaration.get("job_seekers"), declaration.get("vacancies")
    keep = lambda sql: '"jobs_vacancy"' in sql or '"jobs_jobseeker"' in sql  # noqa: E731
    for depth in (2, 4):
        user = bench_users()[depth]
        client = _client(user)
        seeker = visible_to(JobSeeker.objects.all(), user.unit).order_by("pk").first()
        vacancy = visible_to(Vacancy.objects.all(), user.unit).order_by("pk").first()
        visible = visible_to(Vacancy.objects.all(), user.unit).count()
        for label, url, rows in (("职位匹配 (vacancies for a seeker)", seekers.url("matches", seeker.pk), visible),
                                 ("匹配人才 (seekers for a vacancy)", vacancies.url("matches", vacancy.pk),
                                  visible_to(JobSeeker.objects.all(), user.unit).count())):  # fmt: skip
            _page_row(table, label, f"{user.unit.level_name}({rows:,} 条可见)", client, url, runs, keep,
                      "whole request vs its statements on the vacancies' and seekers' tables")  # fmt: skip


def reload_records(scale: float, keys: list[str]) -> dict:
    """The rows of the modules `keys` loaded again into a built database (the rest kept: a
    SCALE=1 base takes half an hour to build)."""
    from bench.records import generate_records

    modules = _modules(keys)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(m.model._meta.db_table for m in modules)} RESTART IDENTITY CASCADE")
    return generate_records(scale, modules)


def _modules(keys: list[str]) -> list:
    modules = [module for module in record_modules() if module.key in keys]
    assert len(modules) == len(set(keys)), f"not kit modules: {set(keys) - {m.key for m in modules}}"
    return modules


def module_operations(table, runs: int, keys: list[str]) -> None:
    """Only the operations of the kit modules `keys` (bench.run --only)."""
    modules = _modules(keys)
    vacuum(modules)
    record_list_pages(table, runs, modules)
    record_query_pages(table, runs, modules)
    record_statistics_pages(table, runs, modules)
    if {"vacancies", "job_seekers"} & set(keys):
        job_matching(table, runs)


def run_all(table, runs: int, only: list[str] = ()) -> None:
    if only:
        return module_operations(table, runs, only)
    vacuum()
    list_pages(table, runs)
    record_list_pages(table, runs)
    record_query_pages(table, runs)
    record_statistics_pages(table, runs)
    job_matching(table, runs)
    detail_pages(table, runs)
    query_pages(table, runs)
    statistics_pages(table, runs)
    inbox_pages(table, runs)
    edit_page(table, runs)
    file_save(table, runs)
    moves(table, runs)
    batch_assistance(table, runs)
    export_throughput(table, runs)
    vacuum()


def describe(scale: float) -> str:
    from approvals.models import Movement
    from records.models import Person, WorkerFileEvent

    units, files, persons = Unit.objects.count(), WorkerFile.objects.count(), Person.objects.count()
    provinces = Unit.objects.filter(depth=2).count()
    return (
        f"# Benchmark — {time.strftime('%Y-%m-%d %H:%M')}\n\nMachine: {machine()}; PostgreSQL "
        f"{connection.cursor().connection.info.server_version}; SCALE={scale}: {units:,} units ({provinces} provinces), "
        f"{files:,} household files with {persons:,} persons, {WorkerFileEvent.objects.count():,} file history "
        f"events, {Movement.objects.count():,} movement log rows."
    )
