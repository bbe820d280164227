"""Reads of household files, scoped by the acting user (DESIGN.md §5.3)."""

from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from approvals.selectors import get_visible_or_404, visible_to
from org.models import Module, User
from org.permissions import require_module
from org.selectors import text_contains
from records import id_numbers
from records.models import (
    FamilyMember,
    FamilyMemberEvent,
    FileKind,
    FileSnapshot,
    FileStatus,
    Person,
    PersonEvent,
    WorkerFile,
    WorkerFileEvent,
)


class FileMergedAway(Http404):
    """A file merged into another (records.merges): its old links say so instead of a bare 404."""

    user_message = True


# The file lists (manual 2.2–2.8) by kind: title and which files. The lists, the advanced query
# and bulk exports all read them here, so an export holds exactly what the lists show.
FILE_KINDS = {
    "hardship": ("困难职工档案", Q(kind=FileKind.HARDSHIP)),
    "migrant": ("农民工档案", Q(kind=FileKind.MIGRANT)),
    "temporary": ("临时救助档案", Q(kind=FileKind.TEMPORARY)),
    "cancelled": ("注销职工档案库", Q(kind=FileKind.CANCELLED)),
    "problems": ("有问题档案", Q(status=FileStatus.ACTIVE) & ~Q(problems=[])),
    # 2.8.2: the problem files of migrant workers, by the same rule as their list's.
    "migrant_problems": ("农民工问题档案", Q(kind=FileKind.MIGRANT) & ~Q(problems=[])),
}


def get_file_for_user(user: User, pk, related: tuple[str, ...] = ("head", "unit")) -> WorkerFile:
    """A file the user's unit sees, with its viewer_state and the `related` rows its page reads
    (404 otherwise, as if missing); 403 without the files module."""
    try:
        file = get_visible_or_404(WorkerFile.objects.select_related(*related), user.unit, pk)
    except Http404:
        refuse_merged_away(pk)
        raise
    require_module(user, Module.FILES)
    return file


def refuse_merged_away(pk) -> None:
    """The 404 of a file that is not there says so when it was merged into another (its old
    links: the file pages, the kit's too)."""
    if str(pk).isdigit() and FileSnapshot.objects.filter(source_file_id=pk).exclude(file_id=pk).exists():
        raise FileMergedAway("该档案已被合并到另一份档案,合并前的内容保存在合并后档案的“职工历史信息”中。")


def file_of(person: Person) -> WorkerFile | None:
    """The file a person belongs to, as its head or as a family member."""
    headed = WorkerFile.objects.select_related("unit").filter(head=person).first()
    if headed is not None:
        return headed
    membership = FamilyMember.objects.select_related("file__unit").filter(person=person).first()
    return membership.file if membership else None


def find_cancelled_file(raw_id_number: str) -> tuple[WorkerFile | None, str | None]:
    """按身份证恢复 (2.2.5.1): the cancelled file of a head's ID number, anywhere in the country —
    restoring is open to every unit — or why there is none."""
    try:
        number = id_numbers.validate(raw_id_number).number
    except ValidationError as error:
        return None, error.messages[0]
    person = Person.objects.filter(id_number=number).first()
    file = file_of(person) if person else None
    if file is None or file.status != FileStatus.CANCELLED:
        return None, "没有找到该身份证号的已注销档案。"
    return file, None


MODIFY_LIMIT = 50  # results of 修改职工档案: a quick search, narrowed rather than paged


def own_files_matching(user: User, *, code="", name="", id_number="", employer="") -> QuerySet[WorkerFile]:
    """修改职工档案 (manual 2.2.3): the own unit's active files by 职工编号, 职工姓名, the head's
    身份证号 (already validated and normalized) and 工作单位, newest first."""
    files = visible_to(WorkerFile.objects.filter(unit=user.unit, status=FileStatus.ACTIVE), user.unit)
    if code:
        files = files.filter(text_contains("code", code))
    if name:
        files = files.filter(text_contains("head_name", name))
    if id_number:
        files = files.filter(head__id_number=id_number)
    if employer:
        files = files.filter(text_contains("employer", employer))
    return files.select_related("head").order_by("-pk")[:MODIFY_LIMIT]


def snapshots_of(file: WorkerFile) -> QuerySet[FileSnapshot]:
    """What the files merged into this one were before (职工历史信息), newest first."""
    return FileSnapshot.objects.filter(file=file).select_related("by")


def history_mark(file_id: int) -> tuple:
    """The newest history event of the file, of its memberships and of its people: a save
    that changed any content (pghistory writes events only for real changes) changes it."""
    people = Q(pgh_obj_id__in=FamilyMember.objects.filter(file_id=file_id).values("person_id")) | Q(
        pgh_obj_id__in=WorkerFile.objects.filter(pk=file_id).values("head_id")
    )
    return tuple(
        events.aggregate(newest=Max("pgh_id"))["newest"]
        for events in (
            WorkerFileEvent.objects.filter(pgh_obj_id=file_id),
            FamilyMemberEvent.objects.filter(file_id=file_id),
            PersonEvent.objects.filter(people),
        )
    )
