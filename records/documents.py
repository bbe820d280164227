"""A household file laid out like the paper form (manual 2.2.1.4–2.2.1.5, 2.2.9): one layout,
rendered by the detail page, the print page and the Word document.

The paper form reads: 所属单位, 职工编号 and 困难类别; a grid of the head's fields; the table of
family members; then 自救能力, 零就业, 致困原因 and 备注.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import get_language
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from org.selectors import attach_codes
from records import id_numbers
from records.kit import word
from records.models import FamilyMember, Person, WorkerFile

GRID_PAIRS = 3  # label/value pairs per row of the head's grid
CLOSING_PAIRS = 2
# Member columns in mm (name, relation, gender, politics, birth, ID, health, disability,
# income, identity, employer or school): the 18-digit ID number fits on one line.
MEMBER_WIDTHS_MM = [14, 14, 9, 14, 19, 33, 13, 14, 15, 12, 23]
BLANK_MEMBER_ROWS = 6  # the empty form has room for six family members, like the paper one

# Fields in the order of the paper form; "head." and "person." read a Person's fields.
HEAD_FIELDS = [
    "head.name", "head.gender", "head.ethnicity", "head.political_status", "head.birth_date", "head.id_number",
    "head.health", "head.disability_category", "head.identity", "model_worker_type",
    "housing_type", "floor_area", "postal_code", "phone", "work_start_date", "industry",
    "marital_status", "household_registration", "address", "employer", "employer_nature",
    "enterprise_status", "single_parent", "monthly_income", "household_annual_income", "household_size",
    "per_capita_income", "registration_area", "medical_insurance", "file_date",
]  # fmt: skip
WIDE_FIELDS = {"address", "registration_area"}
CLOSING_FIELDS = ["self_help_ability", "zero_employment", "hardship_cause", "remarks"]
MEMBER_FIELDS = [
    "person.name", "relation", "person.gender", "person.political_status", "person.birth_date",
    "person.id_number", "person.health", "person.disability_category", "person.monthly_income",
    "person.identity", "person.employer_or_school",
]  # fmt: skip
PER_CAPITA_LABEL = "家庭年人均收入(元)"


def load_sheet_data(file: WorkerFile) -> list[FamilyMember]:
    """The file's members, and every code value the sheet shows of the file, its head and its
    members, in two queries (org.selectors.attach_codes: no twenty-join query)."""
    members = list(file.members.select_related("person"))
    attach_codes(file, file.head, *members, *(m.person for m in members))
    return members


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    wide: bool = False


@dataclass
class FileSheet:
    """Everything the paper form shows, as text: laid out for the file page and its print view by
    records/_file_fields.jinja ({% jinja %}), for Word by sheet_document."""

    title: str
    unit_chain: str
    code: str
    category: str
    head: list[Cell]
    member_columns: list[str]
    members: list[list[str]]
    closing: list[Cell]
    head_rows: list[list[tuple[str, str, int]]] = field(init=False)
    closing_rows: list[list[tuple[str, str, int]]] = field(init=False)

    def __post_init__(self):
        self.head_rows = grid_rows(self.head)
        self.closing_rows = grid_rows(self.closing, pairs=CLOSING_PAIRS)


def grid_rows(cells: list[Cell], pairs: int = GRID_PAIRS) -> list[list[tuple[str, str, int]]]:
    """Cells as table rows of (label, value, value colspan): `pairs` per row; a wide cell
    takes a row of its own; the last cell of a short row stretches to the end."""
    rows, row = [], []
    for cell in cells:
        if cell.wide and row:
            rows.append(row)
            row = []
        row.append([cell.label, cell.value, 1])
        if cell.wide or len(row) == pairs:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    for row in rows:
        row[-1][2] += 2 * (pairs - len(row))
    return [[tuple(cell) for cell in row] for row in rows]


def _model_field(model, name: str):
    return model._meta.get_field(name)


def _path(name: str) -> tuple[type, str, str]:
    """'head.name' → (Person, 'head', 'name'); 'address' → (WorkerFile, '', 'address');
    'relation' → (FamilyMember, '', 'relation')."""
    prefix, _, attr = name.rpartition(".")
    if prefix:
        return Person, prefix, attr
    return (FamilyMember if attr == "relation" else WorkerFile), "", attr


def label_of(name: str) -> str:
    """A field's label in the active language: looked up once per language (each sheet shows
    45 labels, and translating a lazy label costs what its whole cell costs)."""
    return _label(name, get_language())


@lru_cache(maxsize=512)
def _label(name: str, language: str) -> str:
    model, _prefix, attr = _path(name)
    if attr == "per_capita_income":
        return PER_CAPITA_LABEL
    return str(_model_field(model, attr).verbose_name)


def display(value) -> str:
    """A value as the form prints it: 是/否 for yes/no, ISO dates, empty for nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def field_text(instance, attr: str) -> str:
    getter = getattr(instance, f"get_{attr}_display", None)
    return display(getter() if getter else getattr(instance, attr))


def _value(root, name: str, full_id: bool) -> str:
    _model, prefix, attr = _path(name)
    instance = getattr(root, prefix) if prefix else root
    text = field_text(instance, attr)
    if attr == "id_number" and not full_id:
        return id_numbers.mask(text)
    return text


def file_title(file: WorkerFile | None) -> str:
    return "临时救助档案" if file is not None and file.is_temporary else "困难职工档案"


def file_sheet(file: WorkerFile, members: list[FamilyMember], *, unit_chain: list, full_id: bool) -> FileSheet:
    """The sheet of one file. `members` come with their person and code values loaded;
    `unit_chain` is the owning unit's ancestors and the unit itself, national first."""
    return FileSheet(
        title=file_title(file),
        unit_chain="→".join(unit.name for unit in unit_chain),
        code=file.code,
        category=file.get_category_display(),
        head=[Cell(label_of(name), _value(file, name, full_id), name in WIDE_FIELDS) for name in HEAD_FIELDS],
        member_columns=[label_of(name) for name in MEMBER_FIELDS],
        members=[[_value(member, name, full_id) for name in MEMBER_FIELDS] for member in members],
        closing=[Cell(label_of(name), _value(file, name, full_id), name == "remarks") for name in CLOSING_FIELDS],
    )


def blank_sheet() -> FileSheet:
    """The empty form (下载档案表格, manual 2.2.9)."""
    return FileSheet(
        title="困难职工档案",
        unit_chain="_" * 40,
        code="_" * 16,
        category="□低保户  □低保边缘户  □意外致困户  □临时救助",
        head=[Cell(label_of(name), "", name in WIDE_FIELDS) for name in HEAD_FIELDS],
        member_columns=[label_of(name) for name in MEMBER_FIELDS],
        members=[[""] * len(MEMBER_FIELDS) for _ in range(BLANK_MEMBER_ROWS)],
        closing=[Cell(label_of(name), "", name == "remarks") for name in CLOSING_FIELDS],
    )


# --- Word (python-docx) ---------------------------------------------------------------------


def _members_table(document, sheet: FileSheet) -> None:
    table = word.fixed_table(document, 1 + len(sheet.members), MEMBER_WIDTHS_MM)
    for cell, label in zip(table.rows[0].cells, sheet.member_columns, strict=True):
        word.fill(cell, label, bold=True, size=9)
    for row, values in zip(table.rows[1:], sheet.members, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            word.fill(cell, value, size=9)


def sheet_document(sheet: FileSheet) -> bytes:
    document = word.a4_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    word.add_run(title, sheet.title, bold=True, size=18)
    word.add_run(document.add_paragraph(), f"所属单位:{sheet.unit_chain}")
    word.add_run(document.add_paragraph(), f"职工编号:{sheet.code}        困难类别:{sheet.category}")
    word.grid_table(document, sheet.head_rows, GRID_PAIRS)
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(8)
    word.add_run(heading, "家庭成员", bold=True)
    _members_table(document, sheet)
    document.add_paragraph()
    word.grid_table(document, sheet.closing_rows, CLOSING_PAIRS)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def blank_file_document() -> bytes:
    """下载档案表格 (manual 2.2.9): the empty form to fill in by hand."""
    return sheet_document(blank_sheet())
