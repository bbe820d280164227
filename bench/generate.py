"""The national-scale data of the benchmark, built with set-based SQL (COPY, generate_series).

SCALE=1: 31 provinces and ~52,000 units over five levels and 4.7 million household files of
three persons each, spread over the streets and held at every level (drafts, returned files
and files reported to each level), with their history (pghistory events) and the movement log
of their reports and returns. Below SCALE=1 every level has fewer children (fanout_for), so
each scope — a province, a city — holds more files as SCALE grows, about 97 per street.
"""

import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import Code, Module, Unit, User

ALPHABET = Unit.alphabet
STEP = Unit.steplen
FANOUT_FULL = {2: 31, 3: 13, 4: 10, 5: 12}  # children per unit by depth: ~52,000 units
BENCH_PASSWORD = "Bench#2026pass"


def fanout_for(scale: float) -> dict[int, int]:
    """Each level's fanout shrunk by the same factor (scale^¼ over four levels), so the files
    per street stay ~97 and every scope above grows with SCALE: 0.01 → 10 provinces, 480
    streets; 0.1 → 17 provinces, 4,998 streets; 1 → 31 provinces, 48,360 streets."""
    factor = min(1.0, scale) ** 0.25
    return {depth: max(2, round(n * factor)) for depth, n in FANOUT_FULL.items()}


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


def _business_modules() -> list[str]:
    return [m for m in Module.values if m != Module.UNIT_ADMIN]


def create_users() -> None:
    """One user with every business module at each level of the first branch."""
    path = "0001"
    for depth in range(1, 6):
        user = User(username=f"bench{depth}", unit=Unit.objects.get(path=path), modules=_business_modules(),
                    must_change_password=False, unit_confirmed=True, profile_confirmed=True)  # fmt: skip
        user.set_password(BENCH_PASSWORD)
        user.save()
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)  # they sign in with one
        path += segment(1)


def load_users_for(scale: float) -> int:
    """The signed-in users of the realistic load: thousands from SCALE=0.01, a few hundred in
    the test suite's tiny run."""
    return min(3000, max(100, int(300_000 * scale)))


def create_load_users(count: int) -> int:
    """`count` users `load1…` over every level: every national, province and city unit gets
    one, then counties and streets mixed in a fixed shuffled order — about ten streets to a
    county, as the users are (several users per unit when there are fewer units) — each with
    every business module and a confirmed TOTP device, created set-based."""
    units = list(Unit.objects.raw(f"SELECT id, depth FROM {Unit._meta.db_table} ORDER BY depth > 3, md5(path)"))
    password = make_password(BENCH_PASSWORD)  # one hash for all: hashing thousands costs minutes
    users = [
        User(
            username=f"load{i}",
            unit_id=units[i % len(units)].pk,
            modules=_business_modules(),
            password=password,
            must_change_password=False,
            unit_confirmed=True,
            profile_confirmed=True,
        )  # fmt: skip
        for i in range(1, count + 1)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    created = User.objects.filter(username__startswith="load").only("pk")
    TOTPDevice.objects.bulk_create([TOTPDevice(user=u, name="bench", confirmed=True) for u in created], batch_size=1000)
    return count


def signed_in_sessions(users: list[User]) -> dict[int, str]:
    """A session key per user, as sign_in leaves the session (password step, then the TOTP
    device), written set-based: thousands of logins through the pages would take minutes."""
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    devices = {d.user_id: d for d in TOTPDevice.objects.filter(user__in=users, confirmed=True)}
    store, now, rows, keys = SessionStore(), timezone.now(), [], {}
    for user in users:
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "org.auth.ModulePermissionBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: devices[user.pk].persistent_id,
                "_last_refresh": now.timestamp()}  # fmt: skip
        keys[user.pk] = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        rows.append(
            Session(session_key=keys[user.pk], session_data=store.encode(data), expire_date=now + timedelta(days=1))
        )
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def load_users() -> list[User]:
    return list(User.objects.filter(username__regex=r"^load[0-9]+$").select_related("unit").order_by("pk"))


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


def generate(scale: float, files: int | None = None) -> dict:
    files = int(FILES_AT_SCALE_1 * scale) if files is None else files
    started = time.monotonic()
    with transaction.atomic():
        units = load_tree(fanout_for(scale))
        load_files(files)
        load_history()
        movements = load_movements()
        create_users()
        users = create_load_users(load_users_for(scale))
    seconds = round(time.monotonic() - started, 1)
    return {"units": units, "files": files, "persons": files * PERSONS_PER_FILE,
            "movements": movements, "load users": users, "seconds": seconds}  # fmt: skip


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


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏飞宇浩"
# A person's name from a hash of g (Knuth's multiplicative hash: plain g mod 30 would tie the
# surname to the file's level and kind, which are g's residues too): surname h mod 30, then one
# or two given characters — common names repeat as in life (a surname matches 1 in 30 heads,
# 王芳 about 1 in 1,800).
_H = "((g::bigint * 2654435761) %% 4294967296)"
NAME_SQL = (
    f"substr('{SURNAMES}', ({_H} %% {len(SURNAMES)})::int + 1, 1)"
    f" || substr('{GIVEN}', ({_H} / {len(SURNAMES)} %% {len(GIVEN)})::int + 1, 1)"
    f" || CASE WHEN {_H} %% 3 = 0 THEN '' "
    f"ELSE substr('{GIVEN}', ({_H} / {len(SURNAMES) * len(GIVEN)} %% {len(GIVEN)})::int + 1, 1) END"
)
# Every file's code-table fields and its head's, a value picked from the table by the row's
# number, so the statistics' dimensions and the query's conditions find real spreads.
FILE_CODES = ("hardship_cause", "marital_status", "household_registration", "housing_type", "industry",
              "medical_insurance")  # fmt: skip
PERSON_CODES = ("ethnicity", "political_status", "health")
MIGRANT_EVERY = 7  # one head in seven is a migrant worker (农民工档案)
CANCELLED_EVERY = 25  # 4% of files are cancelled (注销职工档案库)
# File f's category and status (temporary files are never cancelled), in the load's SQL.
CATEGORY_SQL = "(ARRAY['subsistence','near_subsistence','accident','temporary'])[f %% 4 + 1]"
STATUS_SQL = f"CASE WHEN f %% {CANCELLED_EVERY} = 0 AND f %% 4 <> 3 THEN 'cancelled' ELSE 'active' END"


# The forms refuse 健康状况 残疾 without a 残疾类别 (records.forms): persons the load made
# disabled get one, so every generated file saves through its edit page unchanged.
DISABLED_HAVE_CATEGORY_SQL = (
    "UPDATE records_person p SET disability_category_id = c.ids[p.id %% cardinality(c.ids) + 1] "
    "FROM bench_codes c, org_code h JOIN org_codetable ht ON ht.id = h.table_id "
    "WHERE c.key = 'disability_category' AND ht.key = 'health' AND h.value = '残疾' "
    "AND p.health_id = h.id AND p.disability_category_id IS NULL"
)


def _codes_table(cursor) -> None:
    """bench_codes(key, ids): each code table's ids, for picking values set-based."""
    cursor.execute(
        "CREATE TEMP TABLE bench_codes AS SELECT t.key, array_agg(c.id ORDER BY c.id) AS ids "
        "FROM org_code c JOIN org_codetable t ON t.id = c.table_id GROUP BY t.key"
    )


def _pick(key: str, number: str) -> str:
    """A code of table `key` by `number`. The table's ids are an uncorrelated subquery, read once
    per statement (a subquery naming the row's number would run for every row: 13× slower)."""
    ids = f"(SELECT ids FROM bench_codes WHERE key = '{key}')"
    return f"({ids})[{number} %% cardinality({ids}) + 1]"


def load_files(files: int) -> None:
    """`files` household files of three persons each, spread over the streets; 40% drafts at
    the owner (a tenth of them returned), then 20/15/20/5% reported up to county, city,
    province and national. Person g gets the ID number 510107 + (1940-01-01 + g mod 25,000
    days) + a three-digit sequence (g div 25,000) + its GB 11643 check character, unique for g
    up to 25 million. Triggers are off during the load (session_replication_role): history
    comes from load_history, set-based."""
    from records.models import FamilyMember, Person, WorkerFile, file_kind_sql

    persons = files * PERSONS_PER_FILE
    relation = "(SELECT id FROM org_code WHERE value = '配偶' OR value = '妻子' ORDER BY id LIMIT 1)"
    identity = ("CASE WHEN g %% 3 = 1 AND (g / 3) %% {every} = 0 THEN {migrant} ELSE {worker} END").format(
        every=MIGRANT_EVERY, migrant="(SELECT id FROM org_code WHERE value = '农民工' LIMIT 1)",
        worker="(SELECT id FROM org_code WHERE value = '职工' LIMIT 1)")  # fmt: skip
    person_codes = ", ".join(_pick(key, "(g / 7)") for key in PERSON_CODES)
    file_codes = ", ".join(_pick(key, f"(f / {i + 2})") for i, key in enumerate(FILE_CODES))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _codes_table(cursor)
        cursor.execute(
            f"""
            INSERT INTO {Person._meta.db_table} (id, id_number, name, gender, birth_date, monthly_income,
                                                 employer_or_school, identity_id, {", ".join(f"{k}_id" for k in PERSON_CODES)})
            SELECT g, n.first17 || {CHECK_SQL}, {NAME_SQL},
                   CASE WHEN substr(n.first17, 17, 1)::int %% 2 = 1 THEN 'M' ELSE 'F' END, n.birth, g %% 3000, '',
                   {identity}, {person_codes}
            FROM generate_series(1, %s) AS g,
                 LATERAL (SELECT DATE '1940-01-01' + (g %% 25000) AS birth) AS b,
                 LATERAL (SELECT '510107' || to_char(b.birth, 'YYYYMMDD') || lpad((g / 25000)::text, 3, '0')
                          AS first17, b.birth) AS n;
            SELECT setval(pg_get_serial_sequence('{Person._meta.db_table}', 'id'), %s);
            {DISABLED_HAVE_CATEGORY_SQL};
            CREATE TEMP TABLE bench_streets AS
                SELECT id, path, row_number() OVER (ORDER BY path) AS rn FROM {Unit._meta.db_table} WHERE depth = 5;
            INSERT INTO {WorkerFile._meta.db_table} (
                id, unit_id, unit_path, holder_id, holder_depth, report_state, code, category, status, head_id,
                postal_code, phone, address, employer, single_parent, monthly_income, household_annual_income,
                household_size, registration_area, zero_employment, remarks, file_date, problems, cancel_reason,
                cancelled_on, created_at, updated_at, kind, head_name, changed_since_report, {", ".join(f"{k}_id" for k in FILE_CODES)})
            SELECT f, s.id, s.path, h.id, h.depth,
                   CASE WHEN h.depth < 5 THEN 'reported' WHEN f %% 10 = 0 THEN 'returned' ELSE 'draft' END,
                   'F' || f, {CATEGORY_SQL}, {STATUS_SQL},
                   (f - 1) * {PERSONS_PER_FILE} + 1, '', '', '街道' || f || '号',
                   (ARRAY['纺织厂','机械厂','煤矿','建筑公司','商贸公司','环卫所'])[f %% 6 + 1], f %% 17 = 0,
                   f %% 3000, 12000 + f %% 40000, {PERSONS_PER_FILE}, '', f %% 23 = 0, '',
                   DATE '2020-01-01' + (f %% 2000), '[]', '',
                   CASE WHEN f %% {CANCELLED_EVERY} = 0 AND f %% 4 <> 3 THEN DATE '2026-01-01' END,
                   TIMESTAMPTZ '2020-01-01 09:00+08' + (f %% 2000) * interval '1 day',
                   TIMESTAMPTZ '2020-01-01 09:00+08' + (f %% 2000) * interval '1 day',
                   {file_kind_sql(STATUS_SQL, CATEGORY_SQL, "ic.value")}, hp.name, false, {file_codes}
            FROM generate_series(1, %s) AS f
            JOIN {Person._meta.db_table} hp ON hp.id = (f - 1) * {PERSONS_PER_FILE} + 1
            LEFT JOIN {Code._meta.db_table} ic ON ic.id = hp.identity_id
            JOIN bench_streets s ON s.rn = f %% (SELECT count(*) FROM bench_streets) + 1
            JOIN {Unit._meta.db_table} h ON h.path = left(s.path, %s * CASE
                WHEN f %% 100 < 40 THEN 5 WHEN f %% 100 < 60 THEN 4 WHEN f %% 100 < 75 THEN 3
                WHEN f %% 100 < 95 THEN 2 ELSE 1 END);
            SELECT setval(pg_get_serial_sequence('{WorkerFile._meta.db_table}', 'id'), %s);
            INSERT INTO {FamilyMember._meta.db_table} (file_id, person_id, relation_id, position)
            SELECT (p - 1) / {PERSONS_PER_FILE} + 1, p, {relation}, (p - 1) %% {PERSONS_PER_FILE}
            FROM generate_series(1, %s) AS p WHERE (p - 1) %% {PERSONS_PER_FILE} <> 0;
            DROP TABLE bench_streets;
            DROP TABLE bench_codes;
            SET LOCAL session_replication_role = DEFAULT;
            ANALYZE {Person._meta.db_table};
            ANALYZE {WorkerFile._meta.db_table};
            ANALYZE {FamilyMember._meta.db_table};
            """,
            [persons, persons, files, STEP, files, persons],
        )


UPDATED_EVERY = 3  # a third of the files were edited once after entry (an update event each)


def _event_insert(model, label: str, where: str = "") -> str:
    """INSERT of one pghistory event per row of `model` (copying its tracked columns), as its
    trigger would have written: the event dated like the row's entry, without a context."""
    event = next(m for m in _event_models() if m.pgh_tracked_model is model)
    columns, values = [], []
    for field in event._meta.concrete_fields:
        if field.column == "pgh_id":
            continue
        columns.append(field.column)
        values.append({
            "pgh_created_at": "TIMESTAMPTZ '2020-01-01 09:00+08' + (t.id %% 2000) * interval '1 day'"
                              + (" + interval '30 days'" if label == "update" else ""),
            "pgh_label": f"'{label}'", "pgh_obj_id": "t.id", "pgh_context_id": "NULL",
        }.get(field.column, f"t.{field.column}"))  # fmt: skip
    return (f"INSERT INTO {event._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {model._meta.db_table} t {where}")  # fmt: skip


def _event_models():
    from records.models import FamilyMemberEvent, PersonEvent, WorkerFileEvent

    return (PersonEvent, WorkerFileEvent, FamilyMemberEvent)


def load_history() -> None:
    """职工历史信息: an insert event for every person, file and member, and for a third of the
    files an edit (a new phone number) with its update event."""
    from records.models import FamilyMember, Person, WorkerFile

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for model in (Person, WorkerFile, FamilyMember):
            cursor.execute(_event_insert(model, "insert"), [])  # [] : its %% are placeholders' escapes
        table = WorkerFile._meta.db_table
        cursor.execute(f"UPDATE {table} SET phone = '1380000' || lpad((id %% 10000)::text, 4, '0') "
                       f"WHERE id %% {UPDATED_EVERY} = 0", [])  # fmt: skip
        cursor.execute(_event_insert(WorkerFile, "update", f"WHERE t.id %% {UPDATED_EVERY} = 0"), [])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for event in _event_models():
            cursor.execute(f"ANALYZE {event._meta.db_table}")


def load_movements() -> int:
    """The movement log of the files' reports and returns: one report action per unit to its
    parent, one return action per street from its county, and a movement row per file and
    step — a file held at the city moved street → county → city; a returned one went up to
    its county and back. Returns the number of movement rows."""
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import Movement, ReportAction
    from records.models import WorkerFile

    content_type = ContentType.objects.get_for_model(WorkerFile).pk
    actions, units, files = ReportAction._meta.db_table, Unit._meta.db_table, WorkerFile._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {actions} (kind, module, sender_id, receiver_id, message, count, at, pending)
            SELECT 'report', %(module)s, c.id, p.id, '', 50, TIMESTAMPTZ '2025-12-01 10:00+08', false
            FROM {units} c JOIN {units} p ON p.path = left(c.path, length(c.path) - %(step)s) WHERE c.depth > 1
            UNION ALL
            SELECT 'return', %(module)s, p.id, c.id, '', 5, TIMESTAMPTZ '2025-12-02 10:00+08', false
            FROM {units} c JOIN {units} p ON p.path = left(c.path, length(c.path) - %(step)s) WHERE c.depth = 5;
            CREATE TEMP TABLE bench_actions AS SELECT id, kind, sender_id, receiver_id FROM {actions};
            CREATE INDEX ON bench_actions (sender_id, kind);
            CREATE INDEX ON bench_actions (receiver_id, kind);
            INSERT INTO {Movement._meta.db_table} (action_id, content_type_id, object_id, from_holder_id, to_holder_id)
            SELECT a.id, %(ct)s, f.id, a.sender_id, a.receiver_id
            FROM {files} f
            CROSS JOIN LATERAL generate_series(f.holder_depth + 1, 5) AS d
            JOIN {units} s ON s.path = left(f.unit_path, %(step)s * d)
            JOIN bench_actions a ON a.sender_id = s.id AND a.kind = 'report'
            WHERE f.holder_depth < 5;
            INSERT INTO {Movement._meta.db_table} (action_id, content_type_id, object_id, from_holder_id, to_holder_id)
            SELECT a.id, %(ct)s, f.id, a.sender_id, a.receiver_id
            FROM {files} f
            CROSS JOIN (VALUES ('report'), ('return')) AS k(kind)
            JOIN bench_actions a ON a.kind = k.kind AND (CASE k.kind WHEN 'report' THEN a.sender_id
                                                         ELSE a.receiver_id END) = f.unit_id
            WHERE f.report_state = 'returned'
            ORDER BY f.id, k.kind;
            DROP TABLE bench_actions;
            ANALYZE {actions};
            ANALYZE {Movement._meta.db_table};
            """,
            {"module": Module.FILES, "step": STEP, "ct": content_type},
        )
    return Movement.objects.count()


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
