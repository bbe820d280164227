"""Whose record it is (PersonLink, manual 3.2.1.1 and 6.1.1, modules-spec §0 "ID lookup").

A module whose rows must belong to a household file (legal aid) starts its entry with the
worker's 身份证号: the lookup page finds the file and the entry form follows with `?file=<pk>`;
no file → the new-file form, which comes back with the new file; a cancelled file → restore it
into the own unit and go on. The file is the one whose head (户主) has the number: the record
is about the worker himself, and a family member is not a 职工 of the union's file.

A module whose rows may stand alone (petitions, consultations) keeps the typed number in its
own field; saving checks it and links the visible active file of that head, if there is one.

Every module with a link gets a tab on the household file's page (manual 2.2.1.6) listing its
rows of that file that the viewer sees. The number travels by POST only (DESIGN.md §7).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from approvals.selectors import sees, visible_to
from org.errors import DomainError
from org.models import Module, Unit, User
from org.permissions import require_module
from records import id_numbers
from records import services as file_services
from records.kit import declaration, services, views, wiring
from records.kit.declaration import PersonLink, RecordModule
from records.kit.forms import IdNumberField, upgraded_from_15
from records.kit.pages import Page, add_pages
from records.kit.sheet import as_shown, display_text, field_value, related_paths, unit_chain
from records.models import FileStatus, Person, WorkerFile
from records.selectors import file_of, find_cancelled_file
from records.views_detail import (
    TIMELINE_ROWS,
    RelatedSection,
    TimelineEntry,
    register_related_section,
    register_timeline_source,
)

RELATED_ROWS = 50  # a file's newest rows of a module on its page; the module's list has them all
# The query parameter of the entry form naming the file (records.views.file_create adds it too).
FILE_PARAM = "file"
LOOK_UP_FIRST = "请先输入职工的身份证号查询职工档案。"
CANCELLED_FILE = "该职工档案已注销,请先恢复后再填写。"
NOT_AN_ENTRY_FILE = "只能为本单位可查看的在档职工档案填写,请先按身份证号查询。"


def requires_file(module: RecordModule) -> bool:
    return module.person is not None and module.person.required


# --- the lookup -----------------------------------------------------------------------------

FOUND, NEW, CANCELLED, MEMBER, ELSEWHERE = "found", "new", "cancelled", "member", "elsewhere"


@dataclass(frozen=True)
class Lookup:
    """What an ID number is to the user's unit: `case` is one of the names above."""

    case: str
    file: WorkerFile | None = None
    message: str = ""


def look_up(unit: Unit, number: str) -> Lookup:
    """The household file of a (validated) ID number as `unit` may learn of it: its own or a
    visible active file whose head has the number; none; a cancelled one (anyone may restore
    it, manual 2.2.5); the number of a family member; or another unit's file, of which only
    the unit is named (records.services.existing_person_message)."""
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        return Lookup(NEW)
    file = file_of(person)
    message = file_services.existing_person_message(person, file)
    if file is not None and file.status == FileStatus.CANCELLED:
        return Lookup(CANCELLED, file, message)
    if file is None or not sees(unit, file):
        return Lookup(ELSEWHERE, file, message)
    if file.head_id != person.pk:
        return Lookup(
            MEMBER, file, f"身份证号 {id_numbers.mask(number)} 是档案“{file}”的家庭成员,请输入职工本人的身份证号。"
        )
    return Lookup(FOUND, file)


UPGRADED = "输入的是 15 位旧身份证号,已按国家标准升为 18 位(出生年份补“19”,末尾加校验码)。"


class IdNumberForm(forms.Form):
    id_number = IdNumberField(label="身份证号")  # 15 digits are upgraded, a malformed number refused


def continue_url(module: RecordModule, file: WorkerFile) -> str:
    return f"{module.url('create')}?{urlencode({FILE_PARAM: file.pk})}"


def new_file_links(module: RecordModule) -> list[tuple[str, str]]:
    """The new-file forms, each coming back to this module's entry form with the new file."""
    back = {"next": module.url("create")}
    create = reverse("files:create")
    return [("新增职工档案", f"{create}?{urlencode(back)}"),
            ("新增临时救助档案", f"{create}?{urlencode({'temporary': 1, **back})}")]  # fmt: skip


def _sheet(request, file: WorkerFile) -> list:
    """The found file laid out as its page shows it (the files' declaration), full ID numbers
    for its owner's users."""
    return views.record_sheet(request, declaration.of_model(WorkerFile), file, "person_lookup")


def _outcome(request, module: RecordModule, found: Lookup) -> dict:
    """What the page shows of a lookup, and the ways on it offers."""
    user = request.user
    context = {"found": found, "may_open_files": user.has_module(Module.FILES)}
    if found.case == FOUND:
        context |= {"sheet": _sheet(request, found.file), "unit_chain": unit_chain(found.file.unit),
                    "continue_url": continue_url(module, found.file)}  # fmt: skip
    elif found.case == NEW:
        context["new_file_links"] = new_file_links(module)
    elif found.case == CANCELLED:
        context["may_restore"] = file_services.can_restore(user, found.file)
    return context


def _restored(request, number: str) -> WorkerFile | None:
    """恢复 (2.2.5.1) of the cancelled file of the number into the user's unit."""
    file, error = find_cancelled_file(number)
    if file is None:
        messages.error(request, error)
        return None
    try:
        return file_services.file_restore(actor=request.user, file=file, request=request)
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return None


@require_http_methods(["GET", "POST"])
def person_lookup(request, module: RecordModule):
    """身份证号 + 查询 before the entry form of a module whose rows belong to a household file."""
    require_module(request.user, module.permission)
    form = IdNumberForm(request.POST or None)
    context = {"module": module, "form": form, "title": f"新增{module.label}:查询职工档案"}
    if form.is_valid():
        number = form.cleaned_data["id_number"]
        if upgraded_from_15(form):
            messages.info(request, UPGRADED)
        if request.POST.get("action") == "restore" and (file := _restored(request, number)) is not None:
            messages.success(request, f"档案“{file}”已恢复为本单位的职工档案,请继续填写{module.label}。")
            return redirect(continue_url(module, file))
        context |= _outcome(request, module, look_up(request.user.unit, number))
    return render(request, "kit/person_lookup.html", context)


add_pages(Page("person", "person/", person_lookup, when=requires_file))


# --- the entry form's gate and the save hook --------------------------------------------------


def entry_file(user: User, raw_pk: str) -> WorkerFile | None:
    """The file `?file=` names, if the user's unit sees it."""
    if not (raw_pk.isascii() and raw_pk.isdigit()):  # "²" is a digit to str.isdigit, not to int()
        return None
    return visible_to(WorkerFile.objects.select_related("head"), user.unit).filter(pk=raw_pk).first()


def require_entry_file(request, module: RecordModule):
    """records.kit.views.ENTRY_GATES: no entry without the file the lookup found."""
    if not requires_file(module):
        return None
    raw = request.GET.get(FILE_PARAM, "")
    file = entry_file(request.user, raw)
    if file is None or file.status != FileStatus.ACTIVE:
        if raw:
            messages.error(request, LOOK_UP_FIRST if file is None else CANCELLED_FILE)
        return redirect(module.url("person"))
    return {module.person.field: file}


def active_file_headed_by(number: str, unit: Unit) -> WorkerFile | None:
    files = WorkerFile.objects.filter(head__id_number=number, status=FileStatus.ACTIVE)
    return visible_to(files, unit).first()


def _link_by_number(link: PersonLink, row, actor: User) -> None:
    raw = getattr(row, link.id_field)
    number = ""
    if raw.strip():
        try:
            number = id_numbers.validate(raw).number
        except ValidationError as error:
            raise DomainError(error.messages[0], link.id_field) from None
    setattr(row, link.id_field, number)
    setattr(row, link.field, active_file_headed_by(number, actor.unit) if number else None)


def _check_entry_file(link: PersonLink, row, actor: User) -> None:
    """A new row of a required link: the same rule as the gate, under the service."""
    file_id = getattr(row, row._meta.get_field(link.field).attname)
    active = WorkerFile.objects.filter(pk=file_id, status=FileStatus.ACTIVE)
    if file_id is None or not visible_to(active, actor.unit).exists():
        raise DomainError(NOT_AN_ENTRY_FILE)


def link_person(module: RecordModule, row, actor: User) -> None:
    """records.kit.services.BEFORE_SAVE: normalize the typed number and link its file; a new
    row of a required link must have a visible active file."""
    link = module.person
    if link is None:
        return
    if link.id_field:
        _link_by_number(link, row, actor)
    if link.required and row._state.adding:
        _check_entry_file(link, row, actor)


views.ENTRY_GATES.append(require_entry_file)
services.BEFORE_SAVE.append(link_person)


# --- the record's page: its household file ------------------------------------------------------


def linked_file(request, module: RecordModule, row) -> dict | None:
    """records.kit.views.DETAIL_EXTRAS: the file of the row, a link for whoever may open it."""
    if module.person is None or (file := getattr(row, module.person.field)) is None:
        return None
    opens = request.user.has_module(Module.FILES) and sees(request.user.unit, file)
    return {"template": "kit/_person.html", "file": file, "url": file.get_absolute_url() if opens else ""}


views.DETAIL_EXTRAS.append(linked_file)


# --- the entry offered wherever a file is shown (PersonLink.offer_on_files, manual 3.2.1.1) ------


def offering_modules(user: User) -> list[RecordModule]:
    """The modules whose entry the files' lists, query results, form and page offer to `user`."""
    return [
        module for module in declaration.all_modules()
        if module.person is not None and module.person.offer_on_files and user.has_module(module.permission)
    ]  # fmt: skip


def entry_offers(user: User, file: WorkerFile) -> list[tuple[str, str]]:
    """(label, URL of the module's entry form for the file) of each offering module; none for a
    file that is not active (the entry gate would refuse it)."""
    if file.status != FileStatus.ACTIVE:
        return []
    return [(module.person.offer_on_files, continue_url(module, file)) for module in offering_modules(user)]


def file_page_offers(request, module: RecordModule, row) -> dict | None:
    """records.kit.views.DETAIL_EXTRAS: the offers on a household file's page."""
    offers = entry_offers(request.user, row) if module.model is WorkerFile else []
    return {"template": "kit/_entry_offers.html", "offers": offers} if offers else None


def offered_after_save(user: User, file: WorkerFile, key: str) -> str:
    """The entry form a file form's 保存并增加… button (`key`: its module) goes on to, or ''."""
    module = next((module for module in offering_modules(user) if module.key == key), None)
    return continue_url(module, file) if module is not None and file.status == FileStatus.ACTIVE else ""


views.DETAIL_EXTRAS.append(file_page_offers)
views.ROW_LINKS.append(views.RowLinks(lambda module: module.model is WorkerFile, entry_offers, fields=("status",)))


# --- the household file's page: the module's rows of the file (manual 2.2.1.6) ------------------


def _cell(row, path: str, full_id: bool) -> str:
    return display_text(as_shown(path, field_value(row, path), full_id=full_id))


def related_rows(module: RecordModule):
    """RelatedSection.rows of a module: its rows of the file the viewer's unit sees, newest
    first, in its list columns, each with its record's page (its first cell opens it). Nothing for a user without
    the module, whose record pages would refuse them."""
    columns = list(module.list_columns)
    labels = [module.label_of(path) for path in columns]

    def rows(file: WorkerFile, user: User) -> tuple[list[str], list[list]]:
        if not user.has_module(module.permission):
            return labels, []
        records = (
            module.model.objects.filter(**{module.person.field: file})
            .select_related(*related_paths(module, columns))
            .prefetch_related(*module.prefetch_for(columns))
            .annotate(**module.annotations_for(columns))
        )
        cells = []
        for row in visible_to(records, user.unit).order_by("-pk")[:RELATED_ROWS]:
            texts = [_cell(row, path, services.is_owner(user, row)) for path in columns]
            cells.append({"url": module.url("detail", row.pk), "cells": texts})
        return labels, cells

    return rows


def timeline_entries(module: RecordModule):
    """A timeline source (records.views_detail): the module's rows of the file the viewer's unit
    sees, on their declared date, each opening its record's page; none without the module."""
    on = module.person.timeline_date

    def entries(file: WorkerFile, user: User) -> list[TimelineEntry]:
        if not user.has_module(module.permission):
            return []
        rows = module.model.objects.filter(**{module.person.field: file}).select_related(*module.label_relations)
        newest = visible_to(rows, user.unit).order_by(f"-{on}", "-pk")[:TIMELINE_ROWS]
        return [
            TimelineEntry(getattr(row, on), f"{module.label}:{row}", module.url("detail", row.pk)) for row in newest
        ]

    return entries


def add_related_section(module: RecordModule) -> None:
    """wiring.ON_CONNECT: a tab on the file page for every module with a person link (legal
    aid's replaces its placeholder, same key), and its rows on the household's timeline when
    the link names their date."""
    if module.person is not None:
        register_related_section(RelatedSection(module.key, module.label, rows=related_rows(module)))
    if module.person is not None and module.person.timeline_date:
        register_timeline_source(timeline_entries(module))


wiring.ON_CONNECT.append(add_related_section)
