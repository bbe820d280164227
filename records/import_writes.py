"""The set-based writes of the Excel import (records.imports): checked rows are COPYed into a
staging table, then persons, files, members, their audit rows and the job's items are each
written by one INSERT … SELECT. The database's own triggers (django-pghistory's history, the
file's kind and head name) run for these rows as for any other; the caller gives the history
its context (pghistory.context: the clerk, as HistoryMiddleware does for the entry form).

The staging table is a session's temporary table, filled in chunks outside the write
transaction so the job's progress can be saved between them; the write itself is one
transaction (records.imports.file_import_run).
"""

import itertools

import pgtrigger
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault

from audit.services import audit_row
from records.events import FileEvent
from records.models import (
    FamilyMember,
    FamilyMemberEvent,
    FileImport,
    FileImportItem,
    Person,
    PersonEvent,
    WorkerFile,
    WorkerFileEvent,
)

STAGING = "records_import_staging"
ACCEPTED = "records_import_accepted"
STAGING_BUFFERS = "128MB"

# The staging table's own columns, before the persons' and the files' (p_… and f_…).
ROW, HOUSEHOLD, POSITION, RELATION = "row_number", "household", "position", "relation_id"


def person_columns(names: list[str]) -> list[str]:
    return [Person._meta.get_field(n).column for n in names]


def file_columns(names: list[str]) -> list[str]:
    return [WorkerFile._meta.get_field(n).column for n in names]


CONTENT_CHUNK = 1024 * 1024


def content_to(job_id: int, out) -> None:
    """An import job's uploaded workbook written to the binary file `out` in slices: the worker
    never holds the whole upload (nor its hex-encoded transfer) in memory."""
    table = FileImport._meta.db_table
    with connection.cursor() as cursor:
        for start in itertools.count(1, CONTENT_CHUNK):
            cursor.execute(
                f"SELECT substring(content FROM %s FOR %s) FROM {table} WHERE id = %s", [start, CONTENT_CHUNK, job_id]
            )
            chunk = cursor.fetchone()[0]
            if not chunk:
                return
            out.write(chunk)


def staging_create(person_fields: list[str], file_fields: list[str]) -> list[str]:
    """A fresh staging table (one per session: the worker's connection); its column names in
    the order a staged row gives them."""
    typed = [(ROW, "integer"), (HOUSEHOLD, "text"), (POSITION, "integer"), (RELATION, "bigint")]
    for prefix, model, names in (("p_", Person, person_fields), ("f_", WorkerFile, file_fields)):
        for name in names:
            field = model._meta.get_field(name)
            typed.append((prefix + field.column, field.db_type(connection)))
    with connection.cursor() as cursor:
        _more_temp_buffers(cursor)
        # The staging chunks and progress saves commit one by one: none needs to wait for its
        # commit to reach the disk (a crash loses only a job the retry redoes); the write's own
        # transaction waits as usual (write_accepted), and staging_drop resets the session.
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"CREATE TEMP TABLE {STAGING} ({', '.join(f'{c} {t}' for c, t in typed)})")
    return [c for c, _t in typed]


def _more_temp_buffers(cursor) -> None:
    """100,000 staged rows take about 40 MB: kept in the backend's memory rather than written to
    disk. PostgreSQL refuses the setting once a session has used a temporary table (a worker's
    connection that imported before): that session keeps the buffers it has."""
    try:
        with transaction.atomic():  # a savepoint, so the refusal leaves the transaction usable
            cursor.execute(f"SET temp_buffers = '{STAGING_BUFFERS}'")
    except DatabaseError:
        pass


def staging_copy(columns: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {STAGING} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def staging_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"DROP TABLE IF EXISTS {ACCEPTED}")
        cursor.execute("RESET synchronous_commit")


def staged_repeats() -> list[tuple[int, int]]:
    """(row, the first row) of every staged row whose ID number an earlier staged row has."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {STAGING}")
        cursor.execute(
            f"SELECT {ROW}, first FROM (SELECT {ROW}, min({ROW}) OVER (PARTITION BY p_id_number) AS first "
            f"FROM {STAGING}) AS numbered WHERE {ROW} <> first"
        )
        return cursor.fetchall()


def staged_codes_taken(unit_id: int) -> list[tuple[int, str]]:
    """(head's row, 职工编号) of every staged household whose code the unit's files already use."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{ROW}, s.{HOUSEHOLD} FROM {STAGING} s JOIN {WorkerFile._meta.db_table} f "
            f"ON f.unit_id = %s AND f.code = s.{HOUSEHOLD} WHERE s.{POSITION} = 0",
            [unit_id],
        )
        return cursor.fetchall()


def staged_persons_taken() -> list[tuple[int, int]]:
    """(row, person id) of every staged ID number already registered: one join."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.{ROW}, p.id FROM {STAGING} s JOIN {Person._meta.db_table} p ON p.id_number = s.p_id_number"
        )
        return cursor.fetchall()


def _insert_select(model: type[Model], prototype: Model, given: dict[str, str], source: str) -> tuple[str, list]:
    """INSERT INTO model's table … SELECT: the columns in `given` from SQL expressions over
    `source`, every other column the prototype's value (defaults, auto_now, the unit's place)."""
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        value = None if field.column in given else field.pre_save(prototype, add=True)
        if isinstance(value, DatabaseDefault):
            continue  # the database's default (a name's sort key a trigger copies) stands
        columns.append(field.column)
        if field.column in given:
            expressions.append(given[field.column])
        else:
            expressions.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    unknown = set(given) - set(columns)
    assert not unknown, unknown
    table = model._meta.db_table
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}", params


# The history triggers (django-pghistory) of the tables an import fills: ignored while it
# writes, their events written by one INSERT … SELECT per table instead (history_sql).
INSERT_EVENTS = (
    "records.Person:insert_insert",
    "records.WorkerFile:insert_insert",
    "records.FamilyMember:insert_insert",
)


def history_sql(insert: str, model: type[Model]) -> str:
    """`insert` (an INSERT … SELECT into model's table) with, in the same statement, one insert
    event per new row, as the model's pghistory trigger writes it: the row's tracked columns,
    NOW(), the label "insert" and the context (pghistory.context's, stored once: an InitPlan)."""
    event = next(e for e in (PersonEvent, WorkerFileEvent, FamilyMemberEvent) if e.pgh_tracked_model is model)
    own = {
        "pgh_created_at": "NOW()",
        "pgh_label": "'insert'",
        "pgh_obj_id": "t.id",
        "pgh_context_id": "(SELECT _pgh_attach_context())",
    }
    columns = [f.column for f in event._meta.concrete_fields if f.column != "pgh_id"]
    values = [own.get(c, f"t.{c}") for c in columns]
    return (
        f"WITH t AS ({insert} RETURNING *) "
        f"INSERT INTO {event._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM t"
    )


def write_accepted(*, job, actor, accepted: list[tuple[str, str]], person_fields, file_fields) -> None:
    """Create the accepted households — (household code, problems as JSON) — from the staged
    rows, in the caller's transaction: persons, then files with their heads, then members, each
    with its history events; then an audit row per file and the job's items."""
    unit = actor.unit
    with connection.cursor() as cursor, pgtrigger.ignore(*INSERT_EVENTS):
        cursor.execute("SET LOCAL synchronous_commit = on")  # the files themselves: durable
        # Every pgtrigger trigger first reads the setting pgtrigger.ignore inside an exception
        # block: unset, each row's read fails into a subtransaction, and 200,000 of them in one
        # transaction cost minutes (20,000 person rows: 43 s instead of 3.7 s). Set (here, by
        # pgtrigger.ignore for each statement), the read succeeds.
        cursor.execute(f"DROP TABLE IF EXISTS {ACCEPTED}")
        cursor.execute(f"CREATE TEMP TABLE {ACCEPTED} (household text PRIMARY KEY, problems jsonb)")
        with cursor.cursor.copy(f"COPY {ACCEPTED} (household, problems) FROM STDIN") as copy:
            for row in accepted:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {ACCEPTED}")
        accepted_rows = f"{STAGING} s JOIN {ACCEPTED} a USING ({HOUSEHOLD})"

        people = {c: f"s.p_{c}" for c in person_columns(person_fields)}
        sql, params = _insert_select(Person, Person(), people, f"{accepted_rows} ORDER BY s.{ROW}")
        cursor.execute(history_sql(sql, Person), params)

        prototype = WorkerFile(created_by=actor)
        prototype.place_at_owner(unit)
        files = {c: f"s.f_{c}" for c in file_columns(file_fields)} | {"head_id": "p.id", "problems": "a.problems"}
        heads = f"{accepted_rows} JOIN {Person._meta.db_table} p ON p.id_number = s.p_id_number"
        sql, params = _insert_select(WorkerFile, prototype, files, f"{heads} WHERE s.{POSITION} = 0 ORDER BY s.{ROW}")
        cursor.execute(history_sql(sql, WorkerFile), params)

        new_files = (
            f"{WorkerFile._meta.db_table} f JOIN {ACCEPTED} a ON a.household = f.code AND f.unit_id = {int(unit.pk)}"
        )
        member = {"file_id": "f.id", "person_id": "p.id", "relation_id": f"s.{RELATION}", "position": f"s.{POSITION}"}
        sql, params = _insert_select(
            FamilyMember,
            FamilyMember(),
            member,
            f"{heads} JOIN {WorkerFile._meta.db_table} f ON f.unit_id = {int(unit.pk)} AND f.code = s.{HOUSEHOLD} "
            f"WHERE s.{POSITION} > 0 ORDER BY s.{ROW}",
        )
        cursor.execute(history_sql(sql, FamilyMember), params)

        # What audit_record writes for a file, one row per new file: str(file) is "name(code)".
        audit = audit_row(event=FileEvent.FILE_CREATED, actor=actor)
        audit.object_type = WorkerFile._meta.model_name
        given = {"object_id": "f.id::text", "object_repr": "left(f.head_name || '(' || f.code || ')', 200)"}
        sql, params = _insert_select(type(audit), audit, given, f"{new_files} ORDER BY f.id")
        cursor.execute(sql, params)

        item = {"job_id": str(int(job.pk)), "code": "f.code", "file_id": "f.id", "problem": "a.problems <> '[]'"}
        sql, params = _insert_select(FileImportItem, FileImportItem(), item, f"{new_files} ORDER BY f.id")
        cursor.execute(sql, params)
