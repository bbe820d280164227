"""The rows of every module declared on the kit (records.kit), built set-based from the
declaration's model alone: each column's values come from its field's kind (a code table's
values in turn, dates over two years, numbers, the choices, names), so a module added to the kit
is in the benchmark without a line here. Rows are spread over the streets like the household
files and held at every level (40% at the owner, a tenth of those returned, then 20/15/20/5%
reported to county, city, province and national)."""

import time
from collections.abc import Callable

from django.db import connection, models, transaction

from bench.generate import NAME_SQL, STEP, _codes_table, _pick
from org.models import Code, Unit, code_table_of
from records.kit import declaration
from records.models import WorkerFile

RECORDS_AT_SCALE_1 = 1_000_000  # per module: the floor for each new module
# Modules with other numbers of rows than the floor: about four assistances per household file
# (issue 18); job placement's (issue 19) as many seekers and vacancies as the issue measures.
ROWS_AT_SCALE_1 = {
    "assistance": 20_000_000,
    "job_agencies": 20_000, "recruiters": 100_000, "vacancies": 200_000, "job_seekers": 1_000_000,
    "recommendations": 500_000,
}  # fmt: skip
REPORTING = {"id", "unit", "unit_path", "holder", "holder_depth", "report_state"}
DAY = "DATE '2024-06-01' + (g %% 700)"  # every date of a row the same day: ordered dates hold
CASE_STATES = "(ARRAY['accepted','in_progress','closed'])[g %% 3 + 1]"
# A record's lines (declaration.Lines): most have one, some two or three (`{row}`: its number).
LINE_COUNT = "(ARRAY[1,1,1,2,2,3])[{row} / 7 %% 6 + 1]"
LINES_TOTAL = object()  # a shape's column that is the sum of the lines' column of that name


# Modules whose rows have a shape no field kind tells (one statistical form per unit, type and
# period, its items in a JSON object): each has a generator of its own (bench/stat_forms.py).
OWN_GENERATOR = {"stat_forms"}


def record_modules() -> list:
    """The modules whose rows this loads: every one declared on the kit but the household files,
    which bench.generate builds with their persons, members and history, and those of
    OWN_GENERATOR."""
    return [
        module for module in declaration.all_modules()
        if module.model is not WorkerFile and module.key not in OWN_GENERATOR
    ]  # fmt: skip


def rows_of(module, scale: float) -> int:
    return int(ROWS_AT_SCALE_1.get(module.key, RECORDS_AT_SCALE_1) * scale)


# --- what a module's own rules decide: its shape ------------------------------------------------
# The columns its database constraints tie together, each the SQL of row g given the generic
# value; "lines": the rows that have lines (a condition on `{row}`; every row if absent).

ASSISTED = "{row} %% 6 <> 5"  # one in six 未帮扶, as the demo rows
EXITED = "{row} %% 4 = 0 AND {row} %% 6 <> 5"  # a quarter left hardship: 已脱困 needs 已帮扶


def _when(condition: str, then: str = "{value}", otherwise: str = "NULL") -> Callable[[str], str]:
    when = condition.format(row="g")
    return lambda value: f"CASE WHEN {when} THEN {then.format(value=value)} ELSE {otherwise} END"


# What the matching (records.jobs.matching) compares: vacancies and seekers of the same trades.
TRADE = "(ARRAY['电工','焊工','钳工','车工','保洁员','保安员','厨师','收银员','叉车司机','育婴员'])[g %% 10 + 1]"
SALARY_FROM = "(3000 + g %% 20 * 100)::numeric"

SHAPES = {
    "vacancies": {
        "title": lambda _value: TRADE,
        "trade": lambda _value: TRADE,
        "age_from": lambda _value: "18",
        "age_to": lambda _value: "(ARRAY[45,50,55,60])[g %% 4 + 1]",
        "salary_from": lambda _value: SALARY_FROM,
        "salary_to": lambda _value: f"{SALARY_FROM} + 2000",
        "valid_until": lambda _value: "NULL",
    },
    # A trainee is once per class (its constraint on class and ID number): a number of its own.
    "trainees": {"id_number": lambda _value: "lpad(g::text, 18, '0')"},
    "job_seekers": {"intention": lambda _value: TRADE, "expected_salary": lambda _value: SALARY_FROM},
    "assistance": {
        "helped": _when(ASSISTED, "'helped'", "'not_helped'"),
        "form": _when(ASSISTED),
        "not_helped_reason": _when(ASSISTED, "''", "'经核实家庭收入已超过当地困难标准。'"),
        "amount": LINES_TOTAL,
        "exited": _when(EXITED, "true", "false"),
        "exit_on": _when(EXITED, "{value} + 30"),  # ≥ 帮扶日期, still in the past
        "exit_method": _when(EXITED),
        "lines": ASSISTED,
    },
    # A summary table's 帮扶项目 runs through the seven choices (g mod 7; 其他帮扶类 the last):
    # 其他帮扶类 is local only (the constraint); its 年份 a real year.
    "funds": {
        "scope": _when("{row} %% 7 <> 6", otherwise="'local'"),
        "year": lambda value: "2020 + g %% 6",
    },
}


def _value(field: models.Field, n: int) -> str:
    """The SQL of one column for row g (n: the column's position, to spread the code picks)."""
    if field.is_relation:
        if field.related_model is Code:
            return _pick(code_table_of(field), f"(g / {n + 2})")
        if field.related_model is WorkerFile and not field.null:
            return _own_street_file()
        if parent := _parent_of(field):
            return _own_street_row(parent)
        return "NULL"
    if field.name == "case_state":
        return CASE_STATES
    if field.name == "closed_on":
        return f"CASE WHEN g %% 3 = 2 THEN {DAY} + 20 END"
    if field.name == "due_on":
        return f"{DAY} + 60"
    if isinstance(field, models.BooleanField):
        return "g %% 7 = 0"
    if field.choices:
        values = ",".join(f"'{value}'" for value, _label in field.flatchoices if value != "")
        return f"(ARRAY[{values}])[g %% {len(field.flatchoices) - (1 if field.blank else 0)} + 1]"
    if isinstance(field, models.DateField):
        return DAY
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return "2 + g %% 5" if isinstance(field, models.IntegerField) else "(g %% 50000)::numeric"
    if field.name == "name":
        return NAME_SQL
    if not field.editable and field.blank:
        return "''"  # what the system writes later (已汇总 of a measure line) starts empty
    if isinstance(field, models.TextField):
        return f"'{field.verbose_name}:反映拖欠工资,要求协调处理。'"
    if field.name == "id_number":
        return "''"
    return f"left('{field.verbose_name}' || (g %% 97), {field.max_length})"


def _own_street_file() -> str:
    """A household file of row g's own street, about as many rows for each of its files: file f
    sits in street f mod N (bench.generate.load_files) and row g in street g mod N, so f is
    g mod N plus a multiple of N, one of the street's F div N files in turn."""
    streets = Unit.objects.filter(depth=5).count()
    per_street = WorkerFile.objects.count() // streets
    assert per_street >= 1, "load the household files before the records"
    return f"(g %% {streets} + {streets} * ((g / {streets}) %% {per_street} + (g %% {streets} = 0)::int))"


def _parent_of(field: models.Field):
    """The parent module when the field is its declaration's Parent (a recruiter's agency): its
    rows are loaded first (record_modules keeps the declarations' order)."""
    module = next((m for m in declaration.all_modules() if m.model is field.model), None)
    return module.parent_module if module and module.parent and module.parent.field == field.name else None


def _own_street_row(parent) -> str:
    """A row of the parent module of row g's own street: parent row p sits in street p mod N like
    row g in g mod N (_insert_rows), so p is g mod N plus a multiple of N below the parent's rows."""
    streets = Unit.objects.filter(depth=5).count()
    per_street = max(parent.model.objects.count() // streets, 1)
    return f"(g %% {streets} + {streets} * ((g / {streets}) %% {per_street} + (g %% {streets} = 0)::int))"


def generate_records(scale: float, modules: list | None = None) -> dict[str, int]:
    """After bench.generate.generate (it needs the tree and the files): the rows of `modules`
    (every declared one by default)."""
    started = time.monotonic()
    with transaction.atomic():
        loaded = load_records({module: rows_of(module, scale) for module in modules or record_modules()})
    return {**loaded, "records seconds": round(time.monotonic() - started, 1)}


def load_records(rows: dict) -> dict[str, int]:
    """`rows[module]` rows of each module, and their lines; files must be loaded first (a
    record of a file is a file of its own street). Each module's indexes are built after its
    rows, far faster than kept up row by row."""
    loaded = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica; SET LOCAL maintenance_work_mem = '1GB'")
        _codes_table(cursor)
        cursor.execute(
            f"CREATE TEMP TABLE bench_streets AS SELECT id, path, row_number() OVER (ORDER BY path) AS rn "
            f"FROM {Unit._meta.db_table} WHERE depth = 5"
        )
        for module, count in rows.items():
            tables = [model._meta.db_table for model in (module.model, lines_model(module)) if model]
            indexes = _drop_indexes(cursor, tables)
            _insert_rows(cursor, module, count)
            if module.lines:
                loaded[f"{module.key} lines"] = _insert_lines(cursor, module)
            for statement in indexes:
                cursor.execute(statement)
            cursor.execute("".join(f"ANALYZE {table};" for table in tables))
            loaded[module.key] = count
        cursor.execute("DROP TABLE bench_streets; DROP TABLE bench_codes; SET LOCAL session_replication_role = DEFAULT")
    return loaded


def _insert_rows(cursor, module, rows: int) -> None:
    """Row g: a street's in turn, held at every level (40% at the owner, a tenth of those
    returned, then 20/15/20/5% reported to county, city, province and national); a module never
    reported (approvals.models.Unreported) has its owner only."""
    table = module.model._meta.db_table
    columns, values = zip(*_record_columns(module), strict=True)
    if not module.reported:
        cursor.execute(
            f"""
            INSERT INTO {table} (id, unit_id, unit_path, {", ".join(columns)})
            SELECT g, s.id, s.path, {", ".join(values)}
            FROM generate_series(1, %s) AS g
            JOIN bench_streets s ON s.rn = g %% (SELECT count(*) FROM bench_streets) + 1;
            SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(%s, 1));
            """,
            [rows, rows],
        )
        return
    cursor.execute(
        f"""
        INSERT INTO {table} (id, unit_id, unit_path, holder_id, holder_depth, report_state, {", ".join(columns)})
        SELECT g, s.id, s.path, h.id, h.depth,
               CASE WHEN h.depth < 5 THEN 'reported' WHEN g %% 10 = 0 THEN 'returned' ELSE 'draft' END,
               {", ".join(values)}
        FROM generate_series(1, %s) AS g
        JOIN bench_streets s ON s.rn = g %% (SELECT count(*) FROM bench_streets) + 1
        JOIN {Unit._meta.db_table} h ON h.path = left(s.path, %s * CASE
            WHEN g %% 100 < 40 THEN 5 WHEN g %% 100 < 60 THEN 4 WHEN g %% 100 < 75 THEN 3
            WHEN g %% 100 < 95 THEN 2 ELSE 1 END);
        SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest(%s, 1));
        """,
        [rows, STEP, rows],
    )


def _record_columns(module) -> list[tuple[str, str]]:
    """(column, SQL of row g) of the record's own fields: the generic value, or the module's
    shape of it."""
    shape = SHAPES.get(module.key, {})
    fields = [f for f in module.model._meta.concrete_fields if f.name not in REPORTING]
    columns = []
    for n, field in enumerate(fields):
        shaped = shape.get(field.name)
        if shaped is LINES_TOTAL:
            value = _lines_total(module, field.name)
        else:
            value = shaped(_value(field, n)) if shaped else _value(field, n)
        columns.append((field.column, value))
    return columns


# --- a record's lines (declaration.Lines) --------------------------------------------------------
# Line p of record r is row r × rows + p of the lines model, its values from its fields' kinds.


def lines_model(module):
    """The model of the rows a module enters with its records (declaration.Lines), if any."""
    return module.model._meta.get_field(module.lines.relation).related_model if module.lines else None


def _line_count(module, row: str) -> str:
    """How many lines record `row` has: none where the module's shape says so."""
    condition = SHAPES.get(module.key, {}).get("lines", "true").format(row=row)
    return f"CASE WHEN {condition} THEN least({LINE_COUNT.format(row=row)}, {module.lines.rows}) ELSE 0 END"


def _line_columns(module) -> list[tuple[str, str]]:
    """(column, SQL of line g) of the lines model's own fields (not its record, nor `position`)."""
    parent = module.model._meta.get_field(module.lines.relation).field
    fields = [f for f in lines_model(module)._meta.concrete_fields if f not in (parent,) and not f.primary_key]
    return [(f.column, _value(f, n)) for n, f in enumerate(fields) if f.name != "position"]


def _lines_total(module, name: str) -> str:
    """The sum of the lines' `name` for record g, as _insert_lines will write them."""
    value = dict(_line_columns(module))[lines_model(module)._meta.get_field(name).column]
    return (
        f"(SELECT coalesce(sum({value}), 0) FROM generate_series(1, {_line_count(module, 'g.g')}) AS p, "
        f"LATERAL (SELECT g.g * {module.lines.rows} + p AS g) AS l)"
    )


def _insert_lines(cursor, module) -> int:
    table = module.model._meta.db_table
    parent = module.model._meta.get_field(module.lines.relation).field.column
    columns, values = zip(*_line_columns(module), strict=True)
    cursor.execute(
        f"""
        INSERT INTO {lines_model(module)._meta.db_table} ({parent}, position, {", ".join(columns)})
        SELECT r.id, p, {", ".join(values)}
        FROM {table} r
        CROSS JOIN LATERAL generate_series(1, {_line_count(module, "r.id")}) AS p
        CROSS JOIN LATERAL (SELECT r.id * {module.lines.rows} + p AS g) AS l
        """,
        [],
    )
    return cursor.rowcount


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; returns the statements that build them."""
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = ANY(%s::regclass[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""",
        [tables],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]
