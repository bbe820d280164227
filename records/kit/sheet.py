"""A record laid out by its declared sections: the one layout the detail page, the print view,
the Word document and the Excel sheet of one record draw (DESIGN.md §2a)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from audit.services import audit_record
from records import id_numbers
from records.events import FileEvent
from records.kit.services import is_owner

ID_NUMBER = "id_number"


@dataclass(frozen=True)
class Item:
    label: str
    value: object  # typed (a date, a number) for Excel; `text` for pages and Word
    wide: bool  # a long text takes the whole width of the sheet

    @property
    def text(self) -> str:
        return display_text(self.value)


@dataclass(frozen=True)
class SheetSection:
    title: str
    items: list[Item]


def display_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def field_value(row, path: str):
    """The value a declared path shows: a code's value, a choice's label, a related row's text."""
    *steps, name = path.split(".")
    for step in steps:
        row = getattr(row, step)
        if row is None:
            return None
    field = row._meta.get_field(name)
    value = getattr(row, name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def relations_on(module, path: str) -> list[str]:
    """Every relation a declared path goes through or ends at: "head.ethnicity" → head,
    head__ethnicity."""
    steps = path.split(".")
    return [
        "__".join(steps[:end]) for end in range(1, len(steps) + 1) if module.field(".".join(steps[:end])).is_relation
    ]


def related_paths(module, paths=None) -> list[str]:
    """select_related for every relation the paths read (by default the sheet's: one query for a
    record's sheet)."""
    return sorted({r for path in (module.sheet_fields if paths is None else paths) for r in relations_on(module, path)})


def sheet_of(module, row, *, full_id: bool) -> list[SheetSection]:
    """The sections of `row`; ID numbers masked unless `full_id` (the owner's users, DESIGN §7)."""

    def item(path: str) -> Item:
        value = field_value(row, path)
        if path.endswith(ID_NUMBER) and value and not full_id:
            value = id_numbers.mask(value)
        return Item(module.label_of(path), value, isinstance(module.field(path), models.TextField))

    return [SheetSection(section.title, [item(path) for path in section.fields]) for section in module.sheet]


def shows_id_numbers(module, row) -> bool:
    """Whether the sheet has an ID number with a value (sheet_of masks the same paths)."""
    return any(path.endswith(ID_NUMBER) and field_value(row, path) for path in module.sheet_fields)


def full_ids_shown(request, module, row, page: str) -> bool:
    """Whether this user reads the row's full ID numbers (the owning unit's users of the
    module); each time they do, the audit log says who saw them where (DESIGN.md §7)."""
    full = is_owner(request.user, row)
    if full and shows_id_numbers(module, row):
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=request.user, request=request, obj=row,
                     detail={"page": page, "module": module.key})  # fmt: skip
    return full
