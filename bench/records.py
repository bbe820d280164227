"""The rows of every module declared on the kit (records.kit), built set-based from the
declaration's model alone: each column's values come from its field's kind (a code table's
values in turn, dates over two years, numbers, the choices, names), so a module added to the kit
is in the benchmark without a line here. Rows are spread over the streets like the household
files and held at every level (40% at the owner, a tenth of those returned, then 20/15/20/5%
reported to county, city, province and national)."""

import time

from django.db import connection, models, transaction

from bench.generate import NAME_SQL, STEP, _codes_table, _pick
from org.models import Code, Unit, code_table_of
from records.kit import declaration
from records.models import WorkerFile

RECORDS_AT_SCALE_1 = 1_000_000  # per module: the floor for each new module
REPORTING = {"id", "unit", "unit_path", "holder", "holder_depth", "report_state"}
DAY = "DATE '2024-06-01' + (g %% 700)"  # every date of a row the same day: ordered dates hold
CASE_STATES = "(ARRAY['accepted','in_progress','closed'])[g %% 3 + 1]"


def record_modules() -> list:
    """The modules whose rows this loads: every one declared on the kit but the household files,
    which bench.generate builds with their persons, members and history."""
    return [module for module in declaration.all_modules() if module.model is not WorkerFile]


def _value(field: models.Field, n: int) -> str:
    """The SQL of one column for row g (n: the column's position, to spread the code picks)."""
    if field.is_relation:
        if field.related_model is Code:
            return _pick(code_table_of(field), f"(g / {n + 2})")
        if field.related_model is WorkerFile and not field.null:
            return f"((g - 1) %% {WorkerFile.objects.count()}) + 1"  # a file of the row's own street
        return "NULL"
    if field.name == "case_state":
        return CASE_STATES
    if field.name == "closed_on":
        return f"CASE WHEN g %% 3 = 2 THEN {DAY} + 20 END"
    if field.name == "due_on":
        return f"{DAY} + 60"
    if field.choices:
        values = ",".join(f"'{value}'" for value, _label in field.flatchoices if value != "")
        return f"(ARRAY[{values}])[g %% {len(field.flatchoices) - (1 if field.blank else 0)} + 1]"
    if isinstance(field, models.BooleanField):
        return "g %% 7 = 0"
    if isinstance(field, models.DateField):
        return DAY
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return "2 + g %% 5" if isinstance(field, models.IntegerField) else "(g %% 50000)::numeric"
    if field.name == "name":
        return NAME_SQL
    if isinstance(field, models.TextField):
        return f"'{field.verbose_name}:反映拖欠工资,要求协调处理。'"
    if field.name == "id_number":
        return "''"
    return f"left('{field.verbose_name}' || (g %% 97), {field.max_length})"


def generate_records(scale: float) -> dict[str, int]:
    """After bench.generate.generate (it needs the tree and the files): every module's rows."""
    started = time.monotonic()
    with transaction.atomic():
        loaded = load_records(int(RECORDS_AT_SCALE_1 * scale))
    return {**loaded, "records seconds": round(time.monotonic() - started, 1)}


def load_records(rows: int) -> dict[str, int]:
    """`rows` rows of each declared module; files must be loaded first (a legal-aid case is a
    file's: row g belongs to file g, which sits in the same street)."""
    loaded = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _codes_table(cursor)
        cursor.execute(
            f"CREATE TEMP TABLE bench_streets AS SELECT id, path, row_number() OVER (ORDER BY path) AS rn "
            f"FROM {Unit._meta.db_table} WHERE depth = 5"
        )
        for module in record_modules():
            model = module.model
            fields = [f for f in model._meta.concrete_fields if f.name not in REPORTING]
            columns = ", ".join(f.column for f in fields)
            values = ", ".join(_value(field, n) for n, field in enumerate(fields))
            cursor.execute(
                f"""
                INSERT INTO {model._meta.db_table} (id, unit_id, unit_path, holder_id, holder_depth, report_state,
                                                    {columns})
                SELECT g, s.id, s.path, h.id, h.depth,
                       CASE WHEN h.depth < 5 THEN 'reported' WHEN g %% 10 = 0 THEN 'returned' ELSE 'draft' END,
                       {values}
                FROM generate_series(1, %s) AS g
                JOIN bench_streets s ON s.rn = g %% (SELECT count(*) FROM bench_streets) + 1
                JOIN {Unit._meta.db_table} h ON h.path = left(s.path, %s * CASE
                    WHEN g %% 100 < 40 THEN 5 WHEN g %% 100 < 60 THEN 4 WHEN g %% 100 < 75 THEN 3
                    WHEN g %% 100 < 95 THEN 2 ELSE 1 END);
                SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), %s);
                ANALYZE {model._meta.db_table};
                """,
                [rows, STEP, rows],
            )
            loaded[module.key] = rows
        cursor.execute("DROP TABLE bench_streets; DROP TABLE bench_codes; SET LOCAL session_replication_role = DEFAULT")
    return loaded
