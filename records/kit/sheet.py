"""A record laid out by its declared sheet: the one layout the detail page, the print view, the
Word document and the Excel sheet of one record draw (DESIGN.md §2a), and the blank form to fill
in by hand. A Section is a grid of label/value pairs, a Table the rows of a related manager."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from approvals.selectors import ViewerState
from org.models import Code
from org.selectors import ancestors_of, attach_codes
from records import id_numbers
from records.kit.declaration import Computed, RecordModule, Section, Table

ID_NUMBER = "id_number"
CHAIN = "→"
BLANK_LINE = "_" * 40  # a header line of the blank form, written in by hand
TICK_BOX = "□"


@dataclass(frozen=True)
class Item:
    label: str
    value: object  # typed (a date, a number) for Excel; `text` for pages and Word
    wide: bool  # takes a row of its own (a long text)
    private: bool = False  # an ID number (masked unless the viewer may read it whole)

    @property
    def text(self) -> str:
        return display_text(self.value)


@dataclass(frozen=True)
class SheetSection:
    title: str
    items: list[Item]
    pairs: int = 2
    is_table = False

    @property
    def private(self) -> bool:
        return any(item.private for item in self.items)

    @property
    def pair_range(self) -> range:
        return range(self.pairs)

    @property
    def rows(self) -> list[list[tuple[str, str, int]]]:
        """The grid: rows of (label, text, value colspan), for the pages and Word."""
        return grid_rows([(item.label, item.text, item.wide) for item in self.items], self.pairs)


@dataclass(frozen=True)
class SheetTable:
    title: str
    columns: list[str]
    rows: list[list]  # typed values, one list a row
    empty: str
    widths_mm: tuple = ()
    private: bool = False  # it shows an ID number
    is_table = True

    @property
    def text_rows(self) -> list[list[str]]:
        return [[display_text(value) for value in row] for row in self.rows]


def grid_rows(cells: list[tuple[str, str, bool]], pairs: int) -> list[list[tuple[str, str, int]]]:
    """(label, text, wide) cells as table rows of (label, text, value colspan): `pairs` to a row;
    a wide cell takes a row of its own; the last cell of a short row stretches to the end."""
    rows, row = [], []
    for label, text, wide in cells:
        if wide and row:
            rows.append(row)
            row = []
        row.append([label, text, 1])
        if wide or len(row) == pairs:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    for row in rows:
        row[-1][2] += 2 * (pairs - len(row))
    return [[tuple(cell) for cell in row] for row in rows]


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
    """The value a declared path shows: a code's value, a choice's label, a related row's text
    (a property's value as it is)."""
    *steps, name = path.split(".")
    for step in steps:
        row = getattr(row, step)
        if row is None:
            return None
    value = getattr(row, name)
    try:
        field = row._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def relations_on(module: RecordModule, path: str, model=None) -> list[str]:
    """Every relation a declared path goes through or ends at: "head.ethnicity" → head,
    head__ethnicity."""
    steps = path.split(".")
    return [
        "__".join(steps[:end])
        for end in range(1, len(steps) + 1)
        if module.field(".".join(steps[:end]), model).is_relation
    ]


def related_paths(module: RecordModule, paths=None, *, model=None, codes: bool = True) -> list[str]:
    """select_related for every relation the paths read (by default the sheet's); without the
    code tables' when `codes` is False (attach_codes reads them in one query instead)."""
    related = set()
    for path in module.sheet_fields if paths is None else paths:
        if module.computed_named(path) is not None and model is None:
            continue  # a worked-out value: its prefetch (RecordModule.prefetch_for) reads its relations
        for relation in relations_on(module, path, model):
            if codes or module.field(relation.replace("__", "."), model).related_model is not Code:
                related.add(relation)
    return sorted(related)


def unit_chain(unit) -> str:
    """全国总工会→…→the unit."""
    return CHAIN.join(each.name for each in [*ancestors_of(unit), unit])


def header_lines(row) -> list[tuple[str, str]]:
    """Who filled the record in, where that unit belongs, and where the record stands."""
    lines = [("填报单位", row.unit.name)]
    if row.unit.depth > 1:
        lines.append(("所属单位", unit_chain(row.unit)))
    if not row.viewer_state:  # never reported (approvals.models.Unreported)
        return lines
    lines.append(("上报状态", str(ViewerState(row.viewer_state).label)))
    if row.holder_id != row.unit_id:
        lines.append(("当前所在单位", row.holder.name))
    return lines


def _wide(module: RecordModule, section: Section, path: str) -> bool:
    return path in section.wide or isinstance(module.field(path), models.TextField)


def _reached(row, paths) -> list:
    """The row and every related row its paths go through (whose code values the sheet shows)."""
    reached = [row]
    for path in paths:
        instance = row
        for step in path.split(".")[:-1]:
            instance = getattr(instance, step, None)
            if instance is None:
                break
            reached.append(instance)
    return reached


def sheet_of(module: RecordModule, row, *, full_id: bool) -> list[SheetSection | SheetTable]:
    """The sections of `row` (loaded with related_paths(module, codes=False)); ID numbers
    masked unless `full_id` (the owner's users, DESIGN §7). The code values of the row, of what
    its paths reach and of its tables' rows come in one query (org.selectors.attach_codes: a
    household file shows fifteen code tables, a twenty-join query to plan)."""

    def shown(path: str, value):
        return as_shown(path, value, full_id=full_id)

    tables = {block.relation: _table_rows(module, row, block) for block in module.sheet if isinstance(block, Table)}
    reached = [one for block in module.sheet if isinstance(block, Table) for r in tables[block.relation]
               for one in _reached(r, block.columns)]  # fmt: skip
    attach_codes(*_reached(row, module.sheet_fields), *reached)
    sheet = []
    for block in module.sheet:
        if isinstance(block, Table):
            values = [[field_value(one, path) for path in block.columns] for one in tables[block.relation]]
            private = any(is_private(path, line[n]) for line in values for n, path in enumerate(block.columns))
            lines = [[shown(path, line[n]) for n, path in enumerate(block.columns)] for line in values]
            sheet.append(_table(module, block, lines, private))
            continue
        items = []
        for entry in block.fields:
            if isinstance(entry, Computed):
                items.append(Item(entry.label, getattr(row, entry.name), False))
            else:
                value = field_value(row, entry)
                label, wide = module.label_of(entry), _wide(module, block, entry)
                items.append(Item(label, shown(entry, value), wide, is_private(entry, value)))
        sheet.append(SheetSection(block.title, items, block.pairs))
    return sheet


def _table_rows(module: RecordModule, row, table: Table) -> list:
    model = module.rows_model(table)
    return list(
        getattr(row, table.relation).select_related(*related_paths(module, table.columns, model=model, codes=False))
    )


def _table(module: RecordModule, table: Table, rows: list[list], private: bool = False) -> SheetTable:
    labels = [module.label_of(path, module.rows_model(table)) for path in table.columns]
    return SheetTable(table.title, labels, rows, table.empty, tuple(table.widths_mm), private)


def is_private(path: str, value) -> bool:
    """An ID number with a value: masked for other units, audited when shown whole."""
    return path.endswith(ID_NUMBER) and bool(value)


def as_shown(path: str, value, *, full_id: bool):
    """The value a viewer reads: an ID number masked unless `full_id` (DESIGN.md §7)."""
    return id_numbers.mask(value) if is_private(path, value) and not full_id else value


def blank_sheet(module: RecordModule) -> list[SheetSection | SheetTable]:
    """The sheet with nothing filled in (the blank form): a choice offers its choices to tick,
    a table its empty rows."""

    def blank(path: str) -> str:
        field = module.field(path)
        if field.choices and not field.is_relation:
            return "  ".join(f"{TICK_BOX}{label}" for value, label in field.flatchoices if value != "")
        return ""

    sheet = []
    for block in module.sheet:
        if isinstance(block, Table):
            empty_rows = [[""] * len(block.columns) for _ in range(block.blank_rows)]
            sheet.append(_table(module, block, empty_rows))
            continue
        items = [
            Item(entry.label, "", False)
            if isinstance(entry, Computed)
            else Item(module.label_of(entry), blank(entry), _wide(module, block, entry))
            for entry in block.fields
        ]
        sheet.append(SheetSection(block.title, items, block.pairs))
    return sheet
