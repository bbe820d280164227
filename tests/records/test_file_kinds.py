"""Which list a file is on (manual 2.2–2.5): 困难职工档案, 农民工档案 (its head's identity is
农民工), 临时救助档案, 注销职工档案库 — the file's kind and its head's name, copies the database
keeps on the file itself so that lists and name searches need not join the heads."""

import pghistory.models
import pytest
from django.db import connection

from org.models import Code
from org.services.codes import code_rename
from records import services
from records.models import MIGRANT_IDENTITY, FileKind, Person, WorkerFile
from records.selectors import FILE_KINDS
from tests.records.conftest import code, file_data, head_data, make_file

pytestmark = pytest.mark.django_db


def _stored(file) -> tuple[str, str]:
    return WorkerFile.objects.values_list("kind", "head_name").get(pk=file.pk)


def _on_list(kind: str, file) -> bool:
    return WorkerFile.objects.filter(FILE_KINDS[kind][1], pk=file.pk).exists()


def _migrant_head(**overrides) -> dict:
    return head_data(identity=code("identity", MIGRANT_IDENTITY), **overrides)


def test_a_new_file_is_hardship_or_migrant_by_its_heads_identity(clerk):
    worker = make_file(clerk)
    migrant = services.file_create(
        actor=clerk, data=file_data(household_size=1), head=_migrant_head(name="王五"), members=[]
    )
    assert _stored(worker) == (FileKind.HARDSHIP, "张三")
    assert _stored(migrant) == (FileKind.MIGRANT, "王五")
    assert _on_list("hardship", worker) and not _on_list("migrant", worker)
    assert _on_list("migrant", migrant) and not _on_list("hardship", migrant)


def test_editing_the_heads_identity_and_name_moves_the_file_between_lists(clerk):
    file = make_file(clerk, members=0)
    services.file_update(actor=clerk, file=file, data=file_data(code=file.code, household_size=1),
                         head=_migrant_head(id_number=file.head.id_number, name="张三丰"), members=[])  # fmt: skip
    assert _stored(file) == (FileKind.MIGRANT, "张三丰")
    services.file_update(actor=clerk, file=WorkerFile.objects.get(pk=file.pk), data=file_data(code=file.code, household_size=1),
                         head=head_data(id_number=file.head.id_number), members=[])  # fmt: skip
    assert _stored(file) == (FileKind.HARDSHIP, "张三")


def test_a_set_based_write_to_the_heads_reaches_their_files(clerk):
    """Not only the services: any write to a head (an import, a merge's SQL) keeps the copies."""
    file = make_file(clerk, members=0)
    Person.objects.filter(pk=file.head_id).update(identity=code("identity", MIGRANT_IDENTITY), name="赵六")
    assert _stored(file) == (FileKind.MIGRANT, "赵六")


def test_cancel_restore_and_temporary_change_the_kind(clerk, cast):
    file = make_file(clerk)
    services.file_cancel(actor=clerk, file=file, reason="已脱困")
    assert _stored(file)[0] == FileKind.CANCELLED and _on_list("cancelled", file)
    restored = services.file_restore(actor=cast.users["street_a"], file=WorkerFile.objects.get(pk=file.pk))
    assert _stored(restored)[0] == FileKind.HARDSHIP
    services.file_convert_to_temporary(actor=clerk, file=WorkerFile.objects.get(pk=file.pk))
    assert _stored(file)[0] == FileKind.TEMPORARY and _on_list("temporary", file)


def test_renaming_the_migrant_identity_value_moves_its_files(clerk, cast):
    migrant = services.file_create(actor=clerk, data=file_data(household_size=1), head=_migrant_head(), members=[])
    value = code("identity", MIGRANT_IDENTITY)
    admin = cast.users["national_admin"]
    code_rename(actor=admin, code=value, value="进城务工人员")
    assert _stored(migrant)[0] == FileKind.HARDSHIP
    code_rename(actor=admin, code=Code.objects.get(pk=value.pk), value=MIGRANT_IDENTITY)
    assert _stored(migrant)[0] == FileKind.MIGRANT


def test_the_copies_are_not_history(clerk):
    """职工历史信息 shows what a clerk changed; the copies changing with the head add no file event."""
    file = make_file(clerk, members=0)
    events = pghistory.models.Events.objects.tracks(WorkerFile.objects.get(pk=file.pk))
    before = events.count()
    Person.objects.filter(pk=file.head_id).update(name="钱七")
    assert pghistory.models.Events.objects.tracks(WorkerFile.objects.get(pk=file.pk)).count() == before


def test_the_lists_do_not_join_the_heads(clerk):
    sql = str(WorkerFile.objects.filter(FILE_KINDS["migrant"][1], head_name__icontains="张").query)
    assert connection.ops.quote_name(Person._meta.db_table) not in sql
