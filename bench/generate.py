"""The national-scale data of the benchmark, built with set-based SQL (COPY, generate_series).

SCALE=1: 31 provinces and ~52,000 units over five levels, and 4.7 million reportable rows
(today the engine's sample records; household files replace them when they exist), spread over
the streets and held at every level: drafts, returned rows and rows reported to each level.
"""

import time

from django.db import connection, transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import Module, Unit, User

ALPHABET = Unit.alphabet
STEP = Unit.steplen
FANOUT_FULL = {2: 31, 3: 13, 4: 10, 5: 12}  # children per unit by depth: ~52,000 units
FANOUT_SMALL = {2: 3, 3: 2, 4: 2, 5: 3}
ROWS_AT_SCALE_1 = 4_700_000
BENCH_PASSWORD = "Bench#2026pass"


def segment(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
        if n == 0:
            return digits.rjust(STEP, "0")


def tree_rows(fanout: dict[int, int]):
    """(path, depth, numchild, name) of every unit, national first."""
    yield "0001", 1, fanout[2], "中华全国总工会"
    level = [("0001", "")]
    for depth in (2, 3, 4, 5):
        next_level = []
        for parent_path, parent_name in level:
            for i in range(1, fanout[depth] + 1):
                path = parent_path + segment(i)
                name = f"{parent_name}{'省市区街'[depth - 2]}{i}"
                next_level.append((path, name))
                yield path, depth, fanout.get(depth + 1, 0) if depth < 5 else 0, name + "工会"
        level = next_level


def load_tree(fanout: dict[int, int]) -> int:
    columns = [f.column for f in Unit._meta.concrete_fields if f.column != "id"]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Unit._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for path, depth, numchild, name in tree_rows(fanout):
            values = dict.fromkeys(columns, "")
            values.update(
                path=path, depth=depth, numchild=numchild, name=name, is_help_centre=False,
                details_confirmed=True, display_order=0, created_at="2026-01-01 00:00:00+08", export_download_otp=False,
                sign_in_otp=False,
            )  # fmt: skip
            copy.write_row([values[c] for c in columns])
    return Unit.objects.count()


def load_rows(table: str, rows: int) -> None:
    """`rows` reportable rows over the streets; 40% drafts at the owner (a tenth of them
    returned), then 20/15/20/5% reported up to county, city, province and national."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMP TABLE bench_streets AS
                SELECT id, path, row_number() OVER (ORDER BY path) AS rn FROM {Unit._meta.db_table} WHERE depth = 5;
            INSERT INTO {table} (unit_id, unit_path, holder_id, holder_depth, report_state, title, complete)
            SELECT s.id, s.path, h.id, h.depth,
                   CASE WHEN h.depth < 5 THEN 'reported' WHEN g %% 10 = 0 THEN 'returned' ELSE 'draft' END,
                   '记录' || g, g %% 50 <> 0
            FROM generate_series(1, %s) AS g
            JOIN bench_streets s ON s.rn = g %% (SELECT count(*) FROM bench_streets) + 1
            JOIN {Unit._meta.db_table} h ON h.path = left(s.path, %s * CASE
                WHEN g %% 100 < 40 THEN 5 WHEN g %% 100 < 60 THEN 4 WHEN g %% 100 < 75 THEN 3
                WHEN g %% 100 < 95 THEN 2 ELSE 1 END);
            DROP TABLE bench_streets;
            ANALYZE {table};
            ANALYZE {Unit._meta.db_table};
            """,
            [rows, STEP],
        )


def create_users() -> None:
    """One user with every business module at each level of the first branch."""
    modules = [m for m in Module.values if m != Module.UNIT_ADMIN]
    path = "0001"
    for depth in range(1, 6):
        user = User(username=f"bench{depth}", unit=Unit.objects.get(path=path), modules=modules,
                    must_change_password=False, unit_confirmed=True, profile_confirmed=True)  # fmt: skip
        user.set_password(BENCH_PASSWORD)
        user.save()
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)  # they sign in with one
        path += segment(1)


def sign_in(client, user) -> None:
    """Signed in as a user who entered their second factor (a `files` holder must), as the
    real sign-in leaves the session: the password step, then the device in the session."""
    client.force_login(user, backend="org.auth.ModulePermissionBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


FILES_AT_SCALE_1 = 4_700_000


def generate(scale: float, rows: int | None = None, files: int | None = None) -> dict:
    from tests.reporting.models import SampleRecord

    rows = int(ROWS_AT_SCALE_1 * scale) if rows is None else rows
    files = int(FILES_AT_SCALE_1 * scale) if files is None else files
    fanout = FANOUT_FULL if scale >= 0.1 else FANOUT_SMALL
    started = time.monotonic()
    with transaction.atomic():
        units = load_tree(fanout)
        load_rows(SampleRecord._meta.db_table, rows)
        load_files(files)
        create_users()
    seconds = round(time.monotonic() - started, 1)
    return {"units": units, "rows": rows, "files": files, "persons": files * PERSONS_PER_FILE, "seconds": seconds}


def bench_users() -> dict[int, User]:
    """The generated users bench1…bench5, one per level (not other users the operations add,
    such as the export's admin)."""
    users = User.objects.filter(username__regex=r"^bench[0-9]+$").select_related("unit")
    return {user.unit.depth: user for user in users}


# --- household files: persons with valid, unique ID numbers ------------------------------------

PERSONS_PER_FILE = 3  # a head and two family members: 15 million persons for 4.7 million files

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# GB 11643's check character as a plain SQL expression of `first17`: a function with a
# subquery per row costs minutes over millions of persons.
CHECK_SQL = "substr('10X98765432', (({}) %% 11) + 1, 1)".format(
    " + ".join(f"substr(n.first17, {i}, 1)::int * {w}" for i, w in enumerate(WEIGHTS, start=1))
)


def load_files(files: int) -> None:
    """`files` household files of three persons each, spread over the streets like the
    reportable rows. Person g gets the ID number 510107 + (1940-01-01 + g mod 25,000 days)
    + a three-digit sequence (g div 25,000) + its GB 11643 check character, unique for g up to
    25 million. History triggers are off during the load (session_replication_role)."""
    from records.models import FamilyMember, Person, WorkerFile

    persons = files * PERSONS_PER_FILE
    relation = "(SELECT id FROM org_code WHERE value = '配偶' OR value = '妻子' ORDER BY id LIMIT 1)"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"""
            INSERT INTO {Person._meta.db_table} (id, id_number, name, gender, birth_date, monthly_income,
                                                 employer_or_school)
            SELECT g, n.first17 || {CHECK_SQL}, '职工' || g,
                   CASE WHEN substr(n.first17, 17, 1)::int %% 2 = 1 THEN 'M' ELSE 'F' END, n.birth, g %% 3000, ''
            FROM generate_series(1, %s) AS g,
                 LATERAL (SELECT DATE '1940-01-01' + (g %% 25000) AS birth) AS b,
                 LATERAL (SELECT '510107' || to_char(b.birth, 'YYYYMMDD') || lpad((g / 25000)::text, 3, '0')
                          AS first17, b.birth) AS n;
            SELECT setval(pg_get_serial_sequence('{Person._meta.db_table}', 'id'), %s);
            CREATE TEMP TABLE bench_streets AS
                SELECT id, path, row_number() OVER (ORDER BY path) AS rn FROM {Unit._meta.db_table} WHERE depth = 5;
            INSERT INTO {WorkerFile._meta.db_table} (
                id, unit_id, unit_path, holder_id, holder_depth, report_state, code, category, status, head_id,
                postal_code, phone, address, employer, single_parent, monthly_income, household_annual_income,
                household_size, registration_area, zero_employment, remarks, file_date, problems, cancel_reason,
                created_at, updated_at)
            SELECT f, s.id, s.path, h.id, h.depth,
                   CASE WHEN h.depth < 5 THEN 'reported' WHEN f %% 10 = 0 THEN 'returned' ELSE 'draft' END,
                   'F' || f, (ARRAY['subsistence','near_subsistence','accident','temporary'])[f %% 4 + 1], 'active',
                   (f - 1) * {PERSONS_PER_FILE} + 1, '', '', '街道' || f || '号', '', false, 1000, 24000,
                   {PERSONS_PER_FILE}, '', false, '', DATE '2025-01-01' + (f %% 600), '[]', '', now(), now()
            FROM generate_series(1, %s) AS f
            JOIN bench_streets s ON s.rn = f %% (SELECT count(*) FROM bench_streets) + 1
            JOIN {Unit._meta.db_table} h ON h.path = left(s.path, %s * CASE
                WHEN f %% 100 < 40 THEN 5 WHEN f %% 100 < 60 THEN 4 WHEN f %% 100 < 75 THEN 3
                WHEN f %% 100 < 95 THEN 2 ELSE 1 END);
            SELECT setval(pg_get_serial_sequence('{WorkerFile._meta.db_table}', 'id'), %s);
            INSERT INTO {FamilyMember._meta.db_table} (file_id, person_id, relation_id, position)
            SELECT (p - 1) / {PERSONS_PER_FILE} + 1, p, {relation}, (p - 1) %% {PERSONS_PER_FILE}
            FROM generate_series(1, %s) AS p WHERE (p - 1) %% {PERSONS_PER_FILE} <> 0;
            DROP TABLE bench_streets;
            SET LOCAL session_replication_role = DEFAULT;
            ANALYZE {Person._meta.db_table};
            ANALYZE {WorkerFile._meta.db_table};
            ANALYZE {FamilyMember._meta.db_table};
            """,
            [persons, persons, files, STEP, files, persons],
        )


# --- reminders: report actions with their processes and tasks ---------------------------------

# Reminders received per unit above the streets: the measured users' units are the busy ones
# (a county hears from a dozen streets several times a month, and handled reminders stay).
REMINDERS_BUSY = 300  # pending, and as many handled, for each unit of bench_users()
REMINDERS_OTHER = 10  # pending, and as many handled, for every other unit above the streets


def load_reminders(module: str) -> int:
    """Report actions in `module` received by every unit above the streets, each with its
    reminder process: two real ones made by the flow and the service (one left pending, one
    handled), then copied set-based — processes, tasks and actions — for every receiver, each
    copy a little older than the last. Returns the number of actions."""
    from approvals.models import ReportAction, ReportKind
    from approvals.reminders import reminders_mark_handled
    from flows.flows import ReportUpFlow

    user = bench_users()[2]
    sender = Unit.objects.filter(path__startswith=user.unit.path, depth=3).order_by("path").first()
    templates = []
    for _state in ("pending", "handled"):
        action = ReportAction.objects.create(kind=ReportKind.REPORT, module=module, sender=sender,
                                             receiver=user.unit, actor=user, message="请审核本月上报的数据。", count=12)  # fmt: skip
        action.process = ReportUpFlow.start.run(action=action)
        action.save(update_fields=["process"])
        templates.append(action)
    reminders_mark_handled(actor=user, action_ids=[templates[1].pk])
    busy = [u.unit_id for u in bench_users().values()]
    with connection.cursor() as cursor:
        for template in templates:
            cursor.execute(_clone_reminders_sql(), {"template_action": template.pk, "template_process": template.process_id,
                                                  "busy": busy, "many": REMINDERS_BUSY, "few": REMINDERS_OTHER})  # fmt: skip
        cursor.execute("ANALYZE approvals_reportaction; ANALYZE viewflow_process; ANALYZE viewflow_task")
    return ReportAction.objects.count()


def _copy(model, ids: str, overrides: dict[str, str]) -> str:
    """`SELECT` of every column of `model`'s template row `t`, with `overrides` (column → SQL)
    and each timestamp moved back by the copy's number `i.g` hours."""
    from django.db import models

    columns, values = [], []
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        if f.column in overrides:
            values.append(overrides[f.column])
        elif isinstance(f, models.DateTimeField):
            values.append(f"t.{f.column} - i.g * interval '1 hour'")
        else:
            values.append(f"t.{f.column}")
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {ids} i"


def _clone_reminders_sql() -> str:
    from viewflow.workflow.models import Process, Task

    from approvals.models import ReportAction

    process = _copy(Process, "ids", {"id": "i.process_id", "artifact_object_id": "i.action_id"})
    task = _copy(Task, "ids", {"id": "nextval(pg_get_serial_sequence('viewflow_task', 'id'))",
                               "process_id": "i.process_id"})  # fmt: skip
    action = _copy(ReportAction, "ids", {"id": "i.action_id", "process_id": "i.process_id",
                                         "sender_id": "i.sender_id", "receiver_id": "i.receiver_id",
                                         "count": "1 + i.g %% 40"})  # fmt: skip
    return f"""
        WITH ids AS MATERIALIZED (
            SELECT r.id AS receiver_id, s.id AS sender_id, g,
                   nextval(pg_get_serial_sequence('approvals_reportaction', 'id')) AS action_id,
                   nextval(pg_get_serial_sequence('viewflow_process', 'id')) AS process_id
            FROM org_unit r
            CROSS JOIN LATERAL (SELECT c.id FROM org_unit c WHERE c.path LIKE r.path || '%%'
                                AND c.depth = r.depth + 1 ORDER BY c.path LIMIT 1) s
            CROSS JOIN LATERAL generate_series(1, CASE WHEN r.id = ANY(%(busy)s) THEN %(many)s
                                                      ELSE %(few)s END) g
            WHERE r.depth < 5
        ), processes AS (
            {process} JOIN viewflow_process t ON t.id = %(template_process)s
        ), tasks AS (
            {task} JOIN viewflow_task t ON t.process_id = %(template_process)s
        )
        {action} JOIN approvals_reportaction t ON t.id = %(template_action)s"""
