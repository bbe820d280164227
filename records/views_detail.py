"""What the file's page (the kit's record page of the files module, manual 2.2.1.4–2.2.1.6)
shows that is the files' own, as its parts (records.households.module `extras`): the status and
the life-cycle actions, problems, the records of other modules that refer to the file, and
职工历史信息 with the merged files' snapshots; and the blank form (下载档案表格, 2.2.9).

Full ID numbers and the actions are for the owning unit's clerks only; everyone else reads
masked numbers (DESIGN.md §7).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.views.decorators.http import require_GET

from approvals.models import Movement
from approvals.selectors import last_reported_at
from org.models import Code, Module, Unit, User
from org.permissions import require_module
from records import id_numbers, services
from records.kit import declaration, documents, word
from records.kit.models import shows_changed
from records.kit.sheet import display_text
from records.models import (
    COPIED_FIELDS,
    HARDSHIP_CATEGORIES,
    MOVE_FIELDS,
    FamilyMember,
    FamilyMemberEvent,
    FileSnapshot,
    Person,
    PersonEvent,
    WorkerFile,
    WorkerFileEvent,
)
from records.notices import FileNotice
from records.selectors import snapshots_of

# --- related records (manual 2.2.1.6: 帮扶信息, 法律援助, 人才信息) --------------------------------


@dataclass
class RelatedSection:
    """One tab of records that refer to the file. A later module sets `rows` to a function
    (file, user) → (column labels, rows), a row being {"url": its record's page, "cells": […]};
    until then the tab says 暂无相关信息."""

    key: str
    label: str
    rows: Callable[[WorkerFile, User], tuple[list[str], list[list]]] | None = None


RELATED_SECTIONS: list[RelatedSection] = [
    RelatedSection("assistance", "帮扶救助信息"),
    RelatedSection("legal_aid", "法律援助"),
    RelatedSection("job_seekers", "人才信息"),
]


def register_related_section(section: RelatedSection) -> None:
    """Called by a module's AppConfig.ready: replaces the placeholder of the same key."""
    for index, existing in enumerate(RELATED_SECTIONS):
        if existing.key == section.key:
            RELATED_SECTIONS[index] = section
            return
    RELATED_SECTIONS.append(section)


def related_sections(file: WorkerFile, user: User) -> list[dict]:
    sections = []
    for section in RELATED_SECTIONS:
        columns, rows = section.rows(file, user) if section.rows else ([], [])
        sections.append({"key": section.key, "label": section.label, "columns": columns, "rows": rows})
    return sections


# --- 职工历史信息: the pghistory events of the file, its head and its members ------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryLine:
    subject: str  # 档案 / 户主 张三 / 家庭成员 李四
    action: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class HistoryEntry:
    """What one transaction (one save of the form, one action) changed."""

    at: datetime
    operator: str
    lines: list[HistoryLine] = field(default_factory=list)


EMPTY = "(空)"
# Not content: identities, copies (of the tree position, of what the lists filter on), bookkeeping.
FILE_HISTORY_SKIP = {"id", "head", "unit_path", "created_by", "created_at", *MOVE_FIELDS, *COPIED_FIELDS}
PERSON_HISTORY_SKIP = {"id", "name_sort"}  # the name's sort key: a copy, not in its history
HISTORY_MODELS = [WorkerFileEvent, FamilyMemberEvent, PersonEvent]


def _tracked(model, skip) -> list:
    return [f for f in model._meta.concrete_fields if f.name not in skip]


FILE_HISTORY_FIELDS = _tracked(WorkerFile, FILE_HISTORY_SKIP)
PERSON_HISTORY_FIELDS = _tracked(Person, PERSON_HISTORY_SKIP)
# A membership's file, person and position are not what a clerk changes; its relation is.
MEMBER_HISTORY_FIELDS = [FamilyMember._meta.get_field("relation")]


class _Lookups:
    """Names behind the foreign keys of all snapshots, fetched once per model."""

    def __init__(self, events_by_fields: list[tuple[list, list]]):
        wanted: dict[type, set] = {}
        for fields, events in events_by_fields:
            for f in fields:
                if f.is_relation:
                    ids = {getattr(e, f.attname) for e in events} - {None}
                    wanted.setdefault(f.related_model, set()).update(ids)
        self.names: dict[type, dict] = {}
        for model, ids in wanted.items():
            queryset = model.objects.filter(pk__in=ids)
            if model is Code:
                queryset = queryset.only("value")
            elif model is Unit:
                queryset = queryset.only("name")
            self.names[model] = {obj.pk: str(obj) for obj in queryset} if ids else {}

    def text(self, f, value, full_id: bool) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if f.is_relation:
            return self.names.get(f.related_model, {}).get(value, f"#{value}")
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if f.name == "id_number" and not full_id:
            return id_numbers.mask(value)
        if isinstance(value, list):
            return ";".join(str(item) for item in value)
        if isinstance(value, bool | date | Decimal):
            return display_text(value)
        return str(value)


def _changes(fields, before, after, lookups: _Lookups, full_id: bool) -> list[Change]:
    changes = []
    for f in fields:
        old, new = getattr(before, f.attname), getattr(after, f.attname)
        if old != new:
            changes.append(Change(str(f.verbose_name), lookups.text(f, old, full_id), lookups.text(f, new, full_id)))
    return changes


def _lines(events, fields, lookups, full_id, describe) -> list[tuple[object, HistoryLine]]:
    """(event, line) for each event of one model; an update is compared with the previous
    snapshot of the same object."""
    previous: dict[int, object] = {}
    lines = []
    for event in events:
        before = previous.get(event.pgh_obj_id)
        previous[event.pgh_obj_id] = event
        line = describe(event)
        if line is None:
            continue
        if event.pgh_label == "update":
            if before is None:
                line.action = "修改(此前内容未记录)"
            else:
                line.changes = _changes(fields, before, event, lookups, full_id)
                if not line.changes:
                    continue
        lines.append((event, line))
    return lines


def file_history(file: WorkerFile, *, full_id: bool) -> list[HistoryEntry]:
    """职工历史信息 (manual 2.2.1.6), newest first. At most six queries whatever the history's
    length: the events of the file, of its memberships and of its persons, the code values and
    units behind their foreign keys, and the users named by the events' pghistory contexts."""
    file_events = list(
        WorkerFileEvent.objects.filter(pgh_obj_id=file.pk).select_related("pgh_context").order_by("pgh_id")
    )
    member_events = list(
        FamilyMemberEvent.objects.filter(file_id=file.pk).select_related("pgh_context").order_by("pgh_id")
    )
    head_ids = {file.head_id} | {e.head_id for e in file_events}
    person_ids = head_ids | {e.person_id for e in member_events}
    person_events = list(
        PersonEvent.objects.filter(pgh_obj_id__in=person_ids).select_related("pgh_context").order_by("pgh_id")
    )
    lookups = _Lookups(
        [
            (FILE_HISTORY_FIELDS, file_events),
            (PERSON_HISTORY_FIELDS, person_events),
            (MEMBER_HISTORY_FIELDS, member_events),
        ]
    )
    names = {e.pgh_obj_id: e.name for e in person_events}  # the latest name of each person

    def describe_file(event):
        action = {"insert": "建立档案", "update": "修改档案", "delete": "删除档案"}[event.pgh_label]
        return HistoryLine("档案", action)

    def describe_member(event):
        name = names.get(event.person_id, "")
        action = {"insert": "新增家庭成员", "update": "修改家庭成员", "delete": "删除家庭成员"}[event.pgh_label]
        return HistoryLine(f"家庭成员 {name}", action)

    def describe_person(event):
        if event.pgh_label != "update":  # a person comes and goes with the file or the membership
            return None
        role = "户主" if event.pgh_obj_id in head_ids else "家庭成员"
        return HistoryLine(f"{role} {event.name}", "修改")

    lines = [
        *_lines(file_events, FILE_HISTORY_FIELDS, lookups, full_id, describe_file),
        *_lines(member_events, MEMBER_HISTORY_FIELDS, lookups, full_id, describe_member),
        *_lines(person_events, PERSON_HISTORY_FIELDS, lookups, full_id, describe_person),
    ]
    return _group(lines)


def _group(lines: list[tuple[object, HistoryLine]]) -> list[HistoryEntry]:
    """One entry per transaction: pghistory stamps every event of a transaction with the same
    NOW() and the same context (the request, when HistoryMiddleware is on). Entries of the same
    instant (several actions in one transaction) keep the order of their events' ids."""
    operators = _operators({event.pgh_context for event, _line in lines} - {None})
    entries: dict[tuple, HistoryEntry] = {}
    order: dict[tuple, list[int]] = {}
    for event, line in lines:
        key = (event.pgh_created_at, event.pgh_context_id)
        entry = entries.get(key)
        if entry is None:
            operator = operators.get(event.pgh_context_id, "")
            entry = entries[key] = HistoryEntry(event.pgh_created_at, operator)
            order[key] = [-1] * len(HISTORY_MODELS)
        entry.lines.append(line)
        rank = HISTORY_MODELS.index(type(event))
        order[key][rank] = max(order[key][rank], event.pgh_id)
    newest_first = sorted(entries, key=lambda key: (key[0], *order[key]), reverse=True)
    return [entries[key] for key in newest_first]


def _operators(contexts) -> dict:
    """Context id → its user as "name(unit)". pghistory's HistoryMiddleware records the
    user of each request; events written outside a request have no operator."""
    user_ids = {c.metadata.get("user") for c in contexts if isinstance(c.metadata, dict)} - {None}
    users = User.objects.select_related("unit").only("username", "full_name", "unit__name").in_bulk(user_ids)
    operators = {}
    for context in contexts:
        user = users.get(context.metadata.get("user")) if isinstance(context.metadata, dict) else None
        if user is not None:
            operators[context.id] = f"{user}({user.unit.name})"
    return operators


# --- the household's timeline (modules-spec §3, beyond the manual) -----------------------------

TIMELINE_ROWS = 50  # the newest of each source: a page, not an archive (each source's own list has all)


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    text: str
    url: str = ""  # the entry's page, when the viewer may open it


# (file, user) → the entries of one kind the user may see, at most TIMELINE_ROWS, in a bounded
# number of queries: the files' own below; the kit adds one per module whose PersonLink names
# a timeline_date (assistance, legal aid), the assistance its exits and follow-ups.
TIMELINE_SOURCES: list[Callable[[WorkerFile, User], list[TimelineEntry]]] = []


def register_timeline_source(source: Callable[[WorkerFile, User], list[TimelineEntry]]) -> None:
    TIMELINE_SOURCES.append(source)


def file_timeline(file: WorkerFile, user: User) -> list[TimelineEntry]:
    """Every source's entries in date order (a day's entries in the order of the sources)."""
    return sorted((entry for source in TIMELINE_SOURCES for entry in source(file, user)), key=lambda e: e.on)


def file_life_entries(file: WorkerFile, user: User) -> list[TimelineEntry]:
    entries = [TimelineEntry(timezone.localdate(file.created_at), "建立档案")]
    if file.cancelled_on:
        entries.append(TimelineEntry(file.cancelled_on, f"注销档案({file.cancel_reason or '未填写原因'})"))
    return entries


def transfer_entries(file: WorkerFile, user: User) -> list[TimelineEntry]:
    """转移 (2.9.3–2.9.4): the movement log's rows of the file's transfer actions."""
    moves = Movement.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkerFile), object_id=file.pk, action__kind=FileNotice.TRANSFER
    ).select_related("action", "to_holder")
    return [
        TimelineEntry(timezone.localdate(move.action.at), f"转移档案到{move.to_holder.name}")
        for move in moves.order_by("-action__at")[:TIMELINE_ROWS]
    ]


def merge_entries(file: WorkerFile, user: User) -> list[TimelineEntry]:
    """合并 (2.9.1–2.9.2): the files merged into this one."""
    return [
        TimelineEntry(
            timezone.localdate(snapshot.at), f"合并档案:{snapshot.source_unit_name} {snapshot.source_code}并入本档案"
        )
        for snapshot in FileSnapshot.objects.filter(file=file).order_by("-at")[:TIMELINE_ROWS]
    ]


TIMELINE_SOURCES += [file_life_entries, transfer_entries, merge_entries]


# --- the file page's parts -----------------------------------------------------------------


def _actions(user: User, file: WorkerFile) -> dict:
    """Which life-cycle actions the page offers; the views and services check again."""
    return {
        "cancel": services.can_cancel(user, file),
        "convert": services.can_convert_to_temporary(user, file),
        "regularize": services.can_regularize(user, file),
        "restore": services.is_owner(user, file) and services.can_restore(user, file),
    }


def file_life_cycle(request, module, file: WorkerFile) -> dict:
    """Above the sheet: the file's status, its problems, its life-cycle actions and the page's tabs."""
    return {
        "template": "records/_file_life_cycle.html",
        "file": file,
        "actions": _actions(request.user, file),
        "hardship_categories": [(c.value, c.label) for c in HARDSHIP_CATEGORIES],
        "related_sections": RELATED_SECTIONS,
    }


def file_related(request, module, file: WorkerFile) -> dict:
    """Below the sheet: the records of other modules that refer to the file (2.2.1.6)."""
    return {"template": "records/_file_related.html", "below": True, "sections": related_sections(file, request.user)}


def file_changes_part(request, module, file: WorkerFile) -> dict | None:
    """Above the sheet, to the units above the owner: 已修改, what the owner changed since the
    file was last reported (its history after the movement log's last report)."""
    if not shows_changed(file, request.user.unit):
        return None
    reported_at = last_reported_at(file)
    changes = [entry for entry in file_history(file, full_id=False) if reported_at is None or entry.at > reported_at]
    return {"template": "records/_file_changes.html", "reported_at": reported_at, "history": changes}


def file_timeline_part(request, module, file: WorkerFile) -> dict:
    """Below the sheet: the household's timeline."""
    return {"template": "records/_file_timeline.html", "below": True, "entries": file_timeline(file, request.user)}


def file_history_part(request, module, file: WorkerFile) -> dict:
    """Below the sheet: 职工历史信息, full ID numbers for the owner's users as on the sheet."""
    full_id = services.is_owner(request.user, file)
    return {"template": "records/_file_history.html", "below": True, "history": file_history(file, full_id=full_id),
            "snapshots": snapshots_of(file), "full_id": full_id}  # fmt: skip


@require_GET
def blank_file_word(request):
    """下载档案表格 (manual 2.2.9): the files' sheet with nothing filled in."""
    require_module(request.user, Module.FILES)
    blank = documents.word_document(documents.blank_document(declaration.of_model(WorkerFile)))
    return word.docx_response(blank, "困难职工档案表格.docx", "worker-file-form.docx")
