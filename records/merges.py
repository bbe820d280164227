"""合并重复档案 / 合并不同档案 (manual 2.9.1–2.9.2), for unit admins over their subtree.

Adapted to Bangfu's data model: an ID number is unique nationwide and a person is in at most
one file, so the 2009 system's "several files with the same ID number" cannot exist. What does
happen is the same worker registered twice, by two units, under a mistyped (different, still
valid) ID number. A search therefore lists the file containing the ID number entered and every
file of the subtree containing a person with the same name and birth date.

A merge is one transaction: every involved file is locked in id order and must still carry the
version the edit page was built from; each file's full content is kept as a FileSnapshot on the
kept file; every row of every model that refers to a file moves to the kept file with one UPDATE
per relation (today's import items, tomorrow's assistance, legal aid, job seekers, attachments)
and the counts are checked; the merged files and the persons not copied into the kept file are
deleted. Any failure rolls all of it back. The kept file keeps its place in the reporting flow.
"""

from dataclasses import dataclass

import pghistory.models
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet

from approvals.selectors import sees, visible_to
from audit.services import audit_record
from flows.flows import MergeFlow
from org.errors import DomainError
from org.models import Module, User
from org.permissions import require_module
from org.services.protection import reverse_relations
from records import id_numbers
from records.events import FileEvent
from records.models import FamilyMember, FileSnapshot, Person, TransferRequestFile, TransferState, WorkerFile
from records.services import PERSON_FIELDS, file_problems, save_people


class LinkedRowsLost(RuntimeError):
    """The rows referring to the merged files do not all sit on the kept file afterwards: a
    relation this module does not know how to move. Raised inside the transaction (rollback)."""


NOT_IN_SCOPE = "{what}不存在,或者不属于本单位或下级单位。"
SEVERAL_TARGETS = "请先使用“合并重复档案”合并目标档案,再合并不同档案。"


# --- reads -------------------------------------------------------------------------------------


def files_in_scope(actor: User) -> QuerySet[WorkerFile]:
    """The files an admin may merge or transfer: those of their unit and of the units below it
    (manual 2.9: 本单位以及下属单位) that the reporting model lets the unit see — a subordinate's
    draft or returned file is not yet the unit's to read (DESIGN.md §3)."""
    require_module(actor, Module.UNIT_ADMIN)
    return visible_to(WorkerFile.objects, actor.unit)


def _parse(raw: str, field: str) -> str:
    try:
        return id_numbers.validate((raw or "").strip()).number
    except ValidationError as error:
        raise DomainError(error.messages[0], field) from None


def _containing(scope: QuerySet, persons: QuerySet) -> QuerySet[WorkerFile]:
    """Files of `scope` whose head or one of whose members is among `persons`."""
    members = FamilyMember.objects.filter(person__in=persons).values("file_id")
    return scope.filter(Q(head__in=persons) | Q(pk__in=members))


def _file_of_number(scope: QuerySet, number: str) -> WorkerFile | None:
    return _containing(scope, Person.objects.filter(id_number=number)).first()


def _likely_duplicates(scope: QuerySet, person: Person) -> QuerySet[WorkerFile]:
    same = Person.objects.filter(name=person.name, birth_date=person.birth_date)
    return _containing(scope, same)


def duplicate_candidates(*, actor: User, id_number: str) -> list[WorkerFile]:
    """2.9.1 查询: the file containing the ID number and the subtree's likely duplicates of the
    person, oldest first, each with unit, head and members loaded."""
    scope = files_in_scope(actor)
    number = _parse(id_number, "id_number")
    file = _file_of_number(scope, number)
    if file is None:
        raise DomainError("本单位及下级单位没有包含该身份证号的职工档案。", "id_number")
    person = Person.objects.get(id_number=number)
    found = _likely_duplicates(scope, person) | scope.filter(pk=file.pk)
    return with_people(found.distinct().order_by("pk"))


def pair_for_merge(*, actor: User, source: str, target: str) -> tuple[WorkerFile, WorkerFile]:
    """2.9.2: the source file (containing the source ID number) and the target file; refused as
    the manual says when either is missing or outside the subtree, or when the target person
    has several likely files (merge those first)."""
    scope = files_in_scope(actor)
    source_file = _file_of_number(scope, _parse(source, "source"))
    if source_file is None:
        raise DomainError(NOT_IN_SCOPE.format(what="源职工档案"), "source")
    target_number = _parse(target, "target")
    target_file = _file_of_number(scope, target_number)
    if target_file is None:
        raise DomainError(NOT_IN_SCOPE.format(what="目标职工档案"), "target")
    if source_file.pk == target_file.pk:
        raise DomainError("源身份证号和目标身份证号属于同一份档案,无需合并。", "source")
    target_person = Person.objects.get(id_number=target_number)
    if _likely_duplicates(scope, target_person).exclude(pk=source_file.pk).distinct().count() > 1:
        raise DomainError(SEVERAL_TARGETS, "target")
    return source_file, target_file


def with_people(files: QuerySet[WorkerFile]) -> list[WorkerFile]:
    return list(files.select_related("unit", "holder", "head").prefetch_related("members__person", "members__relation"))


def version_of(file: WorkerFile) -> str:
    """What the edit page carries for each file: its last content change (file_update saves the
    file, so a change of the head or a member changes it too)."""
    return file.updated_at.isoformat()


# --- snapshots -----------------------------------------------------------------------------------

SNAPSHOT_FILE_SKIP = {"id", "head", "unit_path", "holder", "holder_depth", "created_by", "problems"}
SNAPSHOT_PERSON_SKIP = {"id", "id_number"}


def _text(instance, field) -> str:
    value = getattr(instance, field.name)
    if value is None or value == "":
        return ""
    if field.is_relation or isinstance(value, models.Model):
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _fields(instance, skip) -> list[list[str]]:
    return [
        [str(field.verbose_name), _text(instance, field)]
        for field in instance._meta.concrete_fields
        if field.name not in skip
    ]


def snapshot_data(file: WorkerFile) -> dict:
    """The whole file as labels and display values (code values by name), people with their
    full ID numbers (the page masks them for whoever may not read them)."""
    people = [{"role": "户主", "id_number": file.head.id_number, "fields": _fields(file.head, SNAPSHOT_PERSON_SKIP)}]
    for member in file.members.select_related("person", "relation"):
        people.append(
            {
                "role": str(member.relation),
                "id_number": member.person.id_number,
                "fields": _fields(member.person, SNAPSHOT_PERSON_SKIP),
            }
        )
    return {"file": _fields(file, SNAPSHOT_FILE_SKIP), "people": people, "problems": file.problems}


def _snapshot(file: WorkerFile, *, kept: WorkerFile, actor: User, reason: str) -> FileSnapshot:
    return FileSnapshot.objects.create(
        file=kept,
        source_file_id=file.pk,
        source_unit=file.unit,
        source_unit_name=file.unit.name,
        source_code=file.code,
        data=snapshot_data(file),
        reason=reason,
        by=actor,
    )


# --- linked rows ---------------------------------------------------------------------------------


def linked_relations() -> list:
    """Every reverse relation to WorkerFile whose rows must follow a merged file: hidden ones too
    (related_name="+"), found generically so later modules are covered without code here.
    Not the members (the edit step decides who stays) nor pghistory's events (each file's
    history stays its own; the snapshot carries the merged file's)."""
    return [
        relation
        for relation in reverse_relations(WorkerFile)
        if relation.related_model is not FamilyMember and not issubclass(relation.related_model, pghistory.models.Event)
    ]


def _rows(relation, file_ids) -> QuerySet:
    return relation.related_model._base_manager.filter(**{f"{relation.field.attname}__in": list(file_ids)})


def _count_linked(file_ids) -> dict[str, int]:
    return {relation.related_model._meta.label: _rows(relation, file_ids).count() for relation in linked_relations()}


def _move_linked(merged_ids: list[int], kept: WorkerFile) -> None:
    """One UPDATE per relation, whatever the number of rows. A one-to-one record (one per
    file) that both files have cannot follow: the merge is refused, for a person to decide."""
    for relation in linked_relations():
        try:
            with transaction.atomic():
                _rows(relation, merged_ids).update(**{relation.field.attname: kept.pk})
        except IntegrityError:
            name = relation.related_model._meta.verbose_name
            raise DomainError(f"多份档案都有{name},只能保留一份,请先处理后再合并。") from None


# --- the merge -----------------------------------------------------------------------------------


@dataclass
class MergeInput:
    """What the edit page sends: the kept file's fields, head and members (the kept file's own
    members and the people copied from the other files), and the version of each file."""

    data: dict
    head: dict
    members: list[dict]
    versions: dict[int, str]


def _lock(actor: User, ids: list[int]) -> list[WorkerFile]:
    """Every involved file row, locked in id order (two merges never wait on each other in a
    circle), then the checks that need the lock: still there, in scope, unchanged."""
    locked = list(WorkerFile.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise DomainError("要合并的档案已被合并或删除,请重新查询。")
    if not all(sees(actor.unit, file) for file in locked):
        raise DomainError(NOT_IN_SCOPE.format(what="职工档案"))
    return locked


def _check_versions(files: list[WorkerFile], versions: dict[int, str]) -> None:
    changed = [file for file in files if versions.get(file.pk) != version_of(file)]
    if changed:
        names = "、".join(f"“{file}”" for file in changed)
        raise DomainError(f"档案{names}在打开本页之后已被修改,请重新打开合并页面核对后再合并。")


def _check_no_open_transfer(ids: list[int]) -> None:
    open_items = TransferRequestFile.objects.filter(file_id__in=ids, request__state=TransferState.PENDING)
    if open_items.exists():
        raise DomainError("有档案正在等待其他单位接收转移,对方接收或拒绝、或本方撤回申请之后才能合并。")


def _attach_copied(kept: WorkerFile, members: list[dict], freed: dict[str, Person]) -> None:
    """The people of the merged files the admin kept become members of the kept file, as the
    same person rows (an ID number is one person); save_people then updates them like any
    member."""
    FamilyMember.objects.bulk_create(
        FamilyMember(file=kept, person=freed[data["id_number"]], relation=data["relation"], position=position)
        for position, data in enumerate(members, start=1)
        if data["id_number"] in freed
    )


def _release_merged(merged: list[WorkerFile], members: list[dict]) -> dict[str, Person]:
    """Delete the merged files and their memberships; delete their persons not copied into the
    kept file. Returns the copied ones by ID number."""
    people = {file.head.id_number: file.head for file in merged}
    for member in FamilyMember.objects.filter(file__in=merged).select_related("person"):
        people[member.person.id_number] = member.person
    FamilyMember.objects.filter(file__in=merged).delete()
    WorkerFile.objects.filter(pk__in=[file.pk for file in merged]).delete()
    wanted = {data["id_number"] for data in members}
    Person.objects.filter(pk__in=[p.pk for number, p in people.items() if number not in wanted]).delete()
    return {number: person for number, person in people.items() if number in wanted}


@transaction.atomic
def files_merge(
    *, actor: User, kept_id: int, merged_ids: list[int], form: MergeInput, kind: str = "duplicates", request=None
) -> WorkerFile:
    """合并当前档案: merge the files `merged_ids` into `kept_id` (see the module docstring)."""
    require_module(actor, Module.UNIT_ADMIN)
    merged_ids = sorted(set(merged_ids) - {kept_id})
    if not merged_ids:
        raise DomainError("请至少选择一份要并入的档案。")
    ids = sorted({kept_id, *merged_ids})
    locked = _lock(actor, ids)
    _check_versions(locked, form.versions)
    _check_no_open_transfer(ids)
    by_pk = {file.pk: file for file in locked}
    kept, merged = by_pk[kept_id], [by_pk[pk] for pk in merged_ids]
    if form.data["code"] != kept.code and WorkerFile.objects.filter(unit=kept.unit, code=form.data["code"]).exists():
        raise DomainError(f"“{kept.unit.name}”已有职工编号为“{form.data['code']}”的档案。", "code")

    for file in locked:
        reason = "合并前的保留档案" if file is kept else f"并入档案“{kept}”"
        _snapshot(file, kept=kept, actor=actor, reason=reason)
    before = _count_linked(ids)
    _move_linked(merged_ids, kept)
    freed = _release_merged(merged, form.members)
    _attach_copied(kept, form.members, freed)
    _apply_edit(kept, form)
    after = _count_linked([kept.pk])
    if before != after:
        raise LinkedRowsLost(f"合并前后关联数据不一致:{before} → {after}")
    _record(actor, kept, merged, kind, request)
    return kept


def _apply_edit(kept: WorkerFile, form: MergeInput) -> None:
    for name, value in form.data.items():
        setattr(kept, name, value)
    people = save_people(kept, form.head, form.members)
    kept.problems = file_problems(kept, people)
    kept.save()


def _record(actor: User, kept: WorkerFile, merged: list[WorkerFile], kind: str, request) -> None:
    """The audit row naming the merged files, and the process that records the merge."""
    merged_desc = [{"id": f.pk, "code": f.code, "unit": f.unit.name, "head": f.head.name} for f in merged]
    detail = {"kind": kind, "kept": kept.pk, "merged": merged_desc}
    process = MergeFlow.start.run(kept=kept, data={**detail, "actor": actor.pk})
    audit_record(
        event=FileEvent.FILES_MERGED, actor=actor, request=request, obj=kept, detail={**detail, "process": process.pk}
    )


def person_member_data(person: Person, relation) -> dict:
    """A person of another file as a member row of the kept file (the copy of the edit page)."""
    return {name: getattr(person, name) for name in PERSON_FIELDS} | {"relation": relation}
