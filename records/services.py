"""Writes of worker household files (manual 2.2–2.4, DESIGN.md §4).

Every write is one transaction: a file, its head and its members are saved together or not at
all, the problems that keep a file from being reported are recomputed, and the audit log gets
a row. Only the owning unit edits a file; household files stay editable after reporting,
keeping their place in the tree (manual 2.2.1.3).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from approvals.models import ReportState
from audit.services import audit_record
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module
from org.services.protection import describe, protected_references
from records import id_numbers
from records.events import FileEvent
from records.models import (
    DISABLED_HEALTH,
    HARDSHIP_CATEGORIES,
    FamilyMember,
    FileCategory,
    FileSnapshot,
    FileStatus,
    Person,
    WorkerFile,
)
from records.selectors import file_of, history_mark

PERSON_FIELDS = [
    "id_number", "name", "gender", "birth_date", "ethnicity", "political_status", "health",
    "disability_category", "monthly_income", "identity", "employer_or_school",
]  # fmt: skip


class ExistingPerson(DomainError):
    """The ID number belongs to a person already in a file (manual 2.2.1.1, three cases)."""

    def __init__(self, person: Person, file: WorkerFile | None):
        self.person, self.file = person, file
        super().__init__(existing_person_message(person, file), "id_number")

    @property
    def case(self) -> str:
        """'cancelled' (restore into my unit), 'temporary' (convert) or 'active' (another unit's)."""
        if self.file is None:
            return "active"
        if self.file.status == FileStatus.CANCELLED:
            return "cancelled"
        return "temporary" if self.file.is_temporary else "active"


def existing_person_message(person: Person, file: WorkerFile | None) -> str:
    if file is None:
        return f"身份证号 {id_numbers.mask(person.id_number)} 已登记在其他档案中。"
    where = f"“{file.unit.name}”"
    if file.status == FileStatus.CANCELLED:
        return f"身份证号 {id_numbers.mask(person.id_number)} 属于{where}已注销的档案,可将其恢复为本单位的档案。"
    if file.is_temporary:
        return f"身份证号 {id_numbers.mask(person.id_number)} 属于{where}的临时救助档案,可将其转为困难职工档案。"
    return f"身份证号 {id_numbers.mask(person.id_number)} 已是{where}的困难职工档案(或其家庭成员),请与该单位联系。"


# --- problems (有问题档案, manual 2.8) -----------------------------------------------------------


def file_problems(file: WorkerFile, people: list[Person]) -> list[str]:
    """Why the file may not be reported: malformed ID numbers, missing required details,
    a household size that is not members + 1, a disabled person without disability category."""
    problems = []
    for person in people:
        try:
            id_numbers.validate(person.id_number)
        except ValidationError as error:
            problems.append(f"{person.name}的身份证号有误:{error.messages[0]}")
        if person.health_id and person.health.value == DISABLED_HEALTH and not person.disability_category_id:
            problems.append(f"{person.name}的健康状况为残疾,须填写残疾类别")
    if file.household_size != len(people):
        problems.append(f"家庭人口({file.household_size})应等于家庭成员人数加 1({len(people)})")
    missing = [str(WorkerFile._meta.get_field(name).verbose_name) for name in ("address",) if not getattr(file, name)]
    if missing:
        problems.append("未填写:" + "、".join(missing))
    return problems


# --- create / update / delete ---------------------------------------------------------------


def _require_owner(actor: User, file: WorkerFile) -> None:
    require_module(actor, Module.FILES)
    if file.unit_id != actor.unit_id:
        raise DomainError("只能修改本单位的职工档案。")


# What a file's page offers is what its service accepts: each action's predicate below is the
# guard its service checks (after the owner, whose refusal has its own message).


def is_owner(actor: User, file: WorkerFile) -> bool:
    """A user of the owning unit with the files module: edits the file, reads its full ID numbers."""
    return actor.has_module(Module.FILES) and file.unit_id == actor.unit_id


def can_delete(actor: User, file: WorkerFile) -> bool:
    """删除: the owner, while it holds the file unreported or returned (file_delete checks the
    references besides)."""
    return is_owner(actor, file) and file.holder_id == file.unit_id and file.report_state != ReportState.REPORTED


def can_cancel(actor: User, file: WorkerFile) -> bool:
    """注销: the owner, when the file's cancel transition may run (an active file, not temporary)."""
    return is_owner(actor, file) and file.cancel.can_proceed()


def can_convert_to_temporary(actor: User, file: WorkerFile) -> bool:
    """转为临时救助: the owner, an active hardship file."""
    return is_owner(actor, file) and file.status == FileStatus.ACTIVE and not file.is_temporary


def can_regularize(actor: User, file: WorkerFile) -> bool:
    """转正: the owner, a temporary file (another unit's is asked for: records.transfers)."""
    return is_owner(actor, file) and file.is_temporary


def can_restore(actor: User, file: WorkerFile) -> bool:
    """恢复: any unit with the files module takes a cancelled file in (2.2.5); the file's page
    offers it to its owner."""
    return actor.has_module(Module.FILES) and file.restore.can_proceed()


CANCELLED_NOT_EDITABLE = "已注销的档案不能编辑,请先恢复该档案。"


def can_edit(actor: User, file: WorkerFile) -> bool:
    """编辑 is offered and accepted for a file of the actor's own unit that is not cancelled:
    the page's button asks this, file_update refuses the rest."""
    return is_owner(actor, file) and file.status == FileStatus.ACTIVE


def _check_ids_free(numbers: list[str], own: set[int]) -> None:
    """One query for all the household's ID numbers: any that belongs to a person outside this
    file (`own` are its current persons) raises ExistingPerson for the first of them."""
    repeated = {n for n in numbers if numbers.count(n) > 1}
    if repeated:
        raise DomainError(f"同一档案中身份证号重复:{'、'.join(id_numbers.mask(n) for n in repeated)}", "id_number")
    taken = Person.objects.filter(id_number__in=numbers).exclude(pk__in=own).first()
    if taken is not None:
        raise ExistingPerson(taken, file_of(taken))


def _person(data: dict, person: Person | None = None) -> Person:
    person = person or Person()
    for name in PERSON_FIELDS:
        if name in data:  # a member's form has no ethnicity, for one
            setattr(person, name, data[name])
    return person


def _add_members(file: WorkerFile, members_data: list[dict], first_position: int = 1) -> list[Person]:
    """New members: their persons and memberships in two bulk INSERTs."""
    people = Person.objects.bulk_create([_person(data) for data in members_data])
    FamilyMember.objects.bulk_create(
        FamilyMember(file=file, person=person, relation=data["relation"], position=position)
        for position, (person, data) in enumerate(zip(people, members_data, strict=True), start=first_position)
    )
    return people


def save_people(file: WorkerFile, head_data: dict, members_data: list[dict]) -> list[Person]:
    """Update the head and the members of an existing file: kept members (same ID number) are
    updated, new ones added, missing ones removed with their persons."""
    kept = {m.person.id_number: m for m in file.members.select_related("person")}
    numbers = [head_data["id_number"], *(m["id_number"] for m in members_data)]
    _check_ids_free(numbers, own={file.head_id, *(m.person_id for m in kept.values())})
    head = _person(head_data, file.head)
    head.save()
    people, new = [head], []
    for position, data in enumerate(members_data, start=1):
        member = kept.pop(data["id_number"], None)
        if member is None:
            new.append((position, data))
            continue
        _person(data, member.person).save()
        member.relation, member.position = data["relation"], position
        member.save(update_fields=["relation", "position"])
        people.append(member.person)
    for gone in kept.values():  # members removed from the household
        gone.delete()
        gone.person.delete()
    for position, data in new:
        people += _add_members(file, [data], first_position=position)
    return people


@transaction.atomic
def file_create(*, actor: User, data: dict, head: dict, members: list[dict], request=None) -> WorkerFile:
    """增加新的职工档案 (2.2.1.1) in the actor's unit. An ID number already in a file raises
    ExistingPerson, which names the case; nothing is saved then."""
    require_module(actor, Module.FILES)
    if WorkerFile.objects.filter(unit=actor.unit, code=data["code"]).exists():
        raise DomainError(f"本单位已有职工编号为“{data['code']}”的档案。", "code")
    _check_ids_free([head["id_number"], *(m["id_number"] for m in members)], own=set())
    file = WorkerFile(**data, created_by=actor)
    file.place_at_owner(actor.unit)
    file.head = _person(head)
    file.head.save()
    member_persons = [_person(m) for m in members]
    file.problems = file_problems(file, [file.head, *member_persons])
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:
        raise DomainError(f"本单位已有职工编号为“{data['code']}”的档案。", "code") from None
    _add_members(file, members)
    audit_record(event=FileEvent.FILE_CREATED, actor=actor, request=request, obj=file)
    return file


def _locked_or_gone(pk: int) -> WorkerFile:
    """The file's row, locked; a file merged into another (or deleted) while the form was open
    is a refusal that says where it went, not an error page."""
    file = WorkerFile.objects.select_for_update().filter(pk=pk).first()
    if file is not None:
        return file
    snapshot = FileSnapshot.objects.filter(source_file_id=pk).exclude(file_id=pk).select_related("file__head").first()
    if snapshot is not None:
        raise DomainError(f"该档案已被合并到档案“{snapshot.file}”,不能再修改,请修改合并后的档案。")
    raise DomainError("该档案已被删除,不能再修改。")


@transaction.atomic
def file_update(*, actor: User, file: WorkerFile, data: dict, head: dict, members: list[dict], request=None):
    """编辑 (2.2.1.3): the owning unit edits; the file keeps its holder and report state."""
    file = _locked_or_gone(file.pk)
    _require_owner(actor, file)
    if file.status != FileStatus.ACTIVE:
        raise DomainError(CANCELLED_NOT_EDITABLE)
    if data["code"] != file.code and WorkerFile.objects.filter(unit=file.unit, code=data["code"]).exists():
        raise DomainError(f"本单位已有职工编号为“{data['code']}”的档案。", "code")
    above = file.holder_id != file.unit_id  # a superior holds it: what changes is 已修改 to them
    before = history_mark(file.pk) if above else None
    for name, value in data.items():
        setattr(file, name, value)
    people = save_people(file, head, members)
    file.problems = file_problems(file, people)
    file.save()
    if above and not file.changed_since_report and history_mark(file.pk) != before:
        file.changed_since_report = True
        file.save(update_fields=["changed_since_report"])
    audit_record(event=FileEvent.FILE_CHANGED, actor=actor, request=request, obj=file)
    return file


@transaction.atomic
def file_delete(*, actor: User, file: WorkerFile, request=None) -> None:
    """删除 (2.2.1.2): only the owner, only while it holds the file unreported (or returned),
    and only when nothing else (assistance, legal aid, job seekers…) refers to it."""
    file = WorkerFile.objects.select_for_update().get(pk=file.pk)
    _require_owner(actor, file)
    if not can_delete(actor, file):
        raise DomainError(f"“{file}”已上报,不能删除。")
    held = protected_references(WorkerFile.objects.filter(pk=file.pk))
    if held:
        raise DomainError(f"“{file}”已有{describe(held)},不能删除。")
    people = [file.head, *(m.person for m in file.members.select_related("person"))]
    audit_record(event=FileEvent.FILE_DELETED, actor=actor, request=request, obj=file)
    file.delete()
    for person in people:
        person.delete()


# --- life cycle: cancel, restore, convert, regularize --------------------------------------------


@transaction.atomic
def file_cancel(*, actor: User, file: WorkerFile, reason: str, on: date | None = None, request=None) -> None:
    """注销 (2.2.1.7): only the owning unit; temporary files have no cancel."""
    file = WorkerFile.objects.select_for_update().get(pk=file.pk)
    _require_owner(actor, file)
    if not can_cancel(actor, file):
        raise DomainError("临时救助档案没有注销功能。" if file.is_temporary else f"“{file}”已经注销。")
    file.cancel(on=on or date.today(), reason=reason.strip())
    file.save(update_fields=["status", "cancelled_on", "cancel_reason", "updated_at"])
    audit_record(event=FileEvent.FILE_CANCELLED, actor=actor, request=request, obj=file, detail={"reason": reason})


@transaction.atomic
def file_restore(*, actor: User, file: WorkerFile, request=None) -> WorkerFile:
    """恢复 (2.2.5): a cancelled file, from anywhere in the country, becomes an active file of
    the actor's unit, unreported."""
    require_module(actor, Module.FILES)
    file = WorkerFile.objects.select_for_update().get(pk=file.pk)
    if not can_restore(actor, file):
        raise DomainError(f"“{file}”没有注销,不需要恢复。")
    if file.unit_id != actor.unit_id and WorkerFile.objects.filter(unit=actor.unit, code=file.code).exists():
        raise DomainError(f"本单位已有职工编号为“{file.code}”的档案,请先修改其中一个编号。")
    previous_unit = file.unit
    file.restore()
    file.place_at_owner(Unit.objects.get(pk=actor.unit_id))
    file.save()
    detail = {"from_unit": previous_unit.pk}
    audit_record(event=FileEvent.FILE_RESTORED, actor=actor, request=request, obj=file, detail=detail)
    return file


@transaction.atomic
def file_convert_to_temporary(*, actor: User, file: WorkerFile, request=None) -> None:
    """转为临时救助档案 (2.2.4): an active hardship file of the own unit."""
    file = WorkerFile.objects.select_for_update().get(pk=file.pk)
    _require_owner(actor, file)
    if not can_convert_to_temporary(actor, file):
        raise DomainError(f"“{file}”不是在档的困难职工档案。")
    previous = file.category
    file.category = FileCategory.TEMPORARY
    file.save(update_fields=["category", "updated_at"])
    detail = {"from": previous, "to": file.category}
    audit_record(event=FileEvent.FILE_CATEGORY_CHANGED, actor=actor, request=request, obj=file, detail=detail)


CHOOSE_HARDSHIP_CATEGORY = "请选择困难类别(低保户、低保边缘户或意外致困户)。"


@transaction.atomic
def file_regularize(*, actor: User, file: WorkerFile, category: str, request=None) -> WorkerFile:
    """临时救助档案转正 (2.4.1): a temporary file of the own unit becomes a hardship file. Another
    unit's temporary file is asked for, not taken (records.transfers.file_claim)."""
    file = WorkerFile.objects.select_for_update().get(pk=file.pk)
    _require_owner(actor, file)
    if category not in HARDSHIP_CATEGORIES:
        raise DomainError(CHOOSE_HARDSHIP_CATEGORY, "category")
    if not can_regularize(actor, file):
        raise DomainError(f"“{file}”不是临时救助档案。")
    file.category = category
    file.save(update_fields=["category", "updated_at"])
    detail = {"from": FileCategory.TEMPORARY, "to": category}
    audit_record(event=FileEvent.FILE_CATEGORY_CHANGED, actor=actor, request=request, obj=file, detail=detail)
    return file
