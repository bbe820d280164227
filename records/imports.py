"""Excel import of household files (beyond the manual).

The workbook has one sheet 档案 in which each row is one person: the head's row carries the
file's own columns and 与户主关系 = 户主; family members follow on rows sharing the head's
职工编号. The same workbook, empty, is the blank Excel form of manual 2.2.9.

An import has no rules of its own, and checks in bulk (issue 17: 200,000 rows per file):
python-calamine reads the sheet; each cell is read by its column's kind (code tables read once,
dates in the legacy forms too) and checked by the entry form's own checks — the model field's
validators, the ID number's GB 11643 check, and the rules records.forms shares with the forms
(complete_person, work_start_fault, household_size_fault). Rows that pass are COPYed into a
staging table; ID numbers twice in the file, ID numbers already registered and 职工编号 the
unit already has are found by joins on it; each household is then taken whole or not at all
and the accepted ones are written set-based (records.import_writes), with their history,
audit rows and problems (services.file_problems) as a file saved from the entry form has.
When the clerk asks for it, a household whose only faults make it a problem file (有问题档案:
household size, disabled without category) is saved anyway, its problems recorded.

The upload is checked while the clerk waits (type, size, sheet, columns, row count); the
households are imported by a worker (records.tasks.import_files), its progress saved as the
rows are checked, the writes in one transaction with the job's items, so a redelivered
message creates nothing twice.
"""

import io
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import pghistory
import python_calamine
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from org.errors import DomainError
from org.forms.account import clean_phone, clean_postal_code
from org.models import Code, CodeTable, Module, User, code_table_of
from org.permissions import require_module
from records import id_numbers, import_writes, services
from records.forms import (
    HeadForm,
    MemberForm,
    WorkerFileForm,
    complete_person,
    household_size_fault,
    not_after_today,
    work_start_fault,
)
from records.models import (
    FamilyMember,
    FileCategory,
    FileImport,
    ImportState,
    Person,
    WorkerFile,
)
from records.name_order import name_sort_key
from records.selectors import files_of
from records.services import PERSON_FIELDS

SHEET = "档案"
CODES_SHEET = "代码"
NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
EXAMPLE_CODE = "示例"  # rows with this 职工编号 show how to fill the sheet and are skipped
HEAD_RELATION = "户主"
REQUIRED_MARK = "*"
YES, NO = "是", "否"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # 200,000 rows of the template take about 18 MB (bench/imports.py)
MAX_ROWS = 200_000
PROGRESS_EVERY = 2_000  # rows between two progress saves (and two COPYs into the staging table)
PROGRESS_FIELDS = ["total_rows", "done_rows", "created_count", "problem_count", "refused_count"]

# Where a column's value goes: KEY and FILE to the file form (read on the head's row), PERSON
# to the head's and the members' forms, HEAD and MEMBER to one of them, RELATION to members.
KEY, RELATION, PERSON, HEAD, MEMBER, FILE = "key", "relation", "person", "head", "member", "file"
TEXT, CODE, CHOICE, DATE, NUMBER, BOOL = "text", "code", "choice", "date", "number", "bool"

NOTE = (
    "填写说明:每行一人。户主一行的“与户主关系”填“户主”,并填写档案各项(困难类别、建档日期、家庭住址、"
    "家庭人口等);家庭成员各占一行,填写与户主相同的职工编号和与户主的关系,档案各项只从户主一行读取。"
    "带 * 的列必须填写;身份证号按文本填写 18 位(旧的 15 位号码自动升位);性别和出生日期不填时由身份证号确定;"
    "家庭人口应为家庭成员人数加 1;健康状况为“残疾”时须填写残疾类别。"
    "职工编号为“示例”的行是填写示例,导入时跳过。本表也可打印作为空白档案表格。"
)


# --- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # columns() makes each once: compared and hashed by identity
class Column:
    name: str  # the form field
    scope: str
    header: str
    kind: str
    table: str = ""  # code table key, for CODE
    choices: tuple = ()  # (label, value) pairs, for CHOICE
    required: bool = False
    default: object = None  # what the entry form shows before the clerk types (empty cell)


def _column(model, name: str, scope: str, form) -> Column:
    model_field = model._meta.get_field(name)
    form_field = form.fields.get(name)
    kind, table, choices = TEXT, "", ()
    if isinstance(model_field, models.ForeignKey):
        kind, table = CODE, code_table_of(model_field)
    elif model_field.choices:
        kind, choices = CHOICE, tuple((str(label), value) for value, label in model_field.choices)
    elif isinstance(model_field, models.BooleanField):
        kind = BOOL
    elif isinstance(model_field, models.DateField):
        kind = DATE
    elif isinstance(model_field, models.DecimalField | models.IntegerField):
        kind = NUMBER
    default = model_field.get_default() if model_field.has_default() else None
    required = bool(form_field is not None and form_field.required and default is None)
    return Column(name, scope, str(model_field.verbose_name), kind, table, choices, required, default)


@cache
def columns() -> tuple[Column, ...]:
    """The sheet's columns, in order: the person's, then the file's. Headers are the models'
    field names (in Chinese whatever the user's language, so every template reads the same);
    kinds, required marks and defaults come from the entry forms."""
    with translation.override("zh-hans"):
        file_form, head_form, member_form = WorkerFileForm(temporary=False), HeadForm(), MemberForm()
        head_only = [n for n in HeadForm.Meta.fields if n not in MemberForm.Meta.fields]
        member_only = [n for n in MemberForm.Meta.fields if n not in HeadForm.Meta.fields and n != "relation"]
        both = [n for n in HeadForm.Meta.fields if n in MemberForm.Meta.fields]
        key = _column(WorkerFile, "code", KEY, file_form)
        relation = _column(FamilyMember, "relation", RELATION, member_form)
        people = [_column(Person, n, HEAD if n in head_only else PERSON, head_form) for n in both + head_only]
        people.sort(key=lambda c: HeadForm.Meta.fields.index(c.name))
        members = [_column(Person, n, MEMBER, member_form) for n in member_only]
        files = [_column(WorkerFile, n, FILE, file_form) for n in WorkerFileForm.Meta.fields if n != "code"]
        return (key, relation, *people, *members, *files)


@cache
def _columns_for(*scopes: str) -> tuple[Column, ...]:
    return tuple(c for c in columns() if c.scope in scopes)


def _column_named(name: str, scopes: tuple[str, ...]) -> Column | None:
    return next((c for c in columns() if c.name == name and c.scope in scopes), None)


# --- the template (and blank form) -------------------------------------------------------------


def _dropdown(column: Column, codes: dict[str, list[str]]) -> list[str]:
    if column.scope == RELATION:
        return [HEAD_RELATION, *codes.get(column.table, [])]
    if column.kind == CODE:
        return codes.get(column.table, [])
    if column.kind == CHOICE:
        return [label for label, _value in column.choices]
    if column.kind == BOOL:
        return [YES, NO]
    return []


def _example_rows() -> list[dict[str, object]]:
    head_id = "51010719750315001"
    member_id = "51010719780520002"
    today = timezone.localdate()
    head = {
        "code": EXAMPLE_CODE, "relation": HEAD_RELATION, "name": "张三", "id_number": head_id + id_numbers.check_character(head_id),
        "gender": "男", "birth_date": date(1975, 3, 15), "ethnicity": "汉族", "political_status": "群众", "health": "健康",
        "identity": "职工", "category": str(FileCategory.SUBSISTENCE.label), "file_date": today,
        "address": "成都市武侯区浆洗街 1 号", "employer": "成都机床厂", "household_size": 2,
        "household_annual_income": 30000, "monthly_income": 1200, "hardship_cause": "家属大病",
        "single_parent": NO, "zero_employment": NO,
    }  # fmt: skip
    member = {
        "code": EXAMPLE_CODE, "relation": "妻子", "name": "李四", "id_number": member_id + id_numbers.check_character(member_id),
        "gender": "女", "birth_date": date(1978, 5, 20), "political_status": "群众", "health": "患大病",
        "identity": "下岗职工", "monthly_income": 0, "employer_or_school": "",
    }  # fmt: skip
    return [head, member]


def template_workbook() -> bytes:
    """导入模板 / 空白档案表格: the sheet 档案 with a note row, the header row, two example rows
    and dropdowns fed by the hidden sheet 代码 (the current code tables)."""
    codes: dict[str, list[str]] = {}
    for table_key, value in Code.objects.order_by("table_id", "display_order", "id").values_list("table__key", "value"):
        codes.setdefault(table_key, []).append(value)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    lists = workbook.create_sheet(CODES_SHEET)
    lists.sheet_state = "hidden"
    last = get_column_letter(len(columns()))

    sheet.merge_cells(f"A{NOTE_ROW}:{last}{NOTE_ROW}")
    note = sheet.cell(NOTE_ROW, 1, NOTE)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    note.font = Font(color="8C1D17")
    sheet.row_dimensions[NOTE_ROW].height = 75

    header_fill = PatternFill("solid", fgColor="F1F3F4")
    example_font = Font(italic=True, color="808080")
    list_column = 0
    for index, column in enumerate(columns(), start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(HEADER_ROW, index, (REQUIRED_MARK if column.required else "") + column.header)
        cell.font = Font(bold=True, color="B3261E" if column.required else "1F2328")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        dimension = sheet.column_dimensions[letter]
        dimension.width = 22 if column.name == "id_number" else max(10, min(30, 2.2 * len(column.header) + 2))
        if column.kind == DATE:
            dimension.number_format = "yyyy-mm-dd"
        elif column.kind == TEXT:
            dimension.number_format = "@"  # ID numbers, postal codes and phones stay text
        values = _dropdown(column, codes)
        if values:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(1, list_column, column.header)
            for row, value in enumerate(values, start=2):
                # A code value is data the import matches exactly: written as it is, but typed as
                # a plain string, so a value such as "=HYPERLINK(…)" is never a formula.
                lists.cell(row, list_column, value).data_type = "s"
            validation = DataValidation(
                type="list",
                formula1=f"'{CODES_SHEET}'!${list_letter}$2:${list_letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header,
                error=f"请从下拉列表中选择{column.header}。",
            )
            validation.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + MAX_ROWS - 1}")
            sheet.add_data_validation(validation)

    for offset, example in enumerate(_example_rows()):
        for index, column in enumerate(columns(), start=1):
            if column.scope in ((MEMBER,) if offset == 0 else (FILE, HEAD)):
                continue
            value = example.get(column.name, "")
            if value == "":
                continue
            cell = sheet.cell(FIRST_ROW + offset, index, value)
            cell.font = example_font
            if column.kind == DATE:
                cell.number_format = "yyyy-mm-dd"
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = f"C{FIRST_ROW}"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading the sheet -------------------------------------------------------------------------

UNREADABLE = "无法读取该文件:请上传用本系统导入模板填写的 Excel(.xlsx)文件。"
DATE_EXAMPLES = "1995-07-01、1995年7月1日、1995.7.1、1995/7/1 或 19950701"
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (past the 1900 leap-year bug)
LAST_SERIAL = 2_958_465  # 9999-12-31
DATE_TEXTS = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"),
    re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


@dataclass
class Sheet:
    """The sheet 档案 of an upload: where each column is, and its data rows as (the row number
    Excel shows, the cell values), examples and empty rows left out, read as they are used."""

    positions: dict[Column, int]
    rows: Iterator[tuple[int, list]]


def open_sheet(source: bytes | str) -> Sheet:
    """The sheet of a workbook's bytes or of its file's path (calamine then reads the file as
    it needs, without a copy of it in memory). Raises DomainError when the upload is not a
    workbook made from the template."""
    try:
        workbook = python_calamine.load_workbook(source if isinstance(source, str) else io.BytesIO(source))
        sheet = workbook.get_sheet_by_name(SHEET) if SHEET in workbook.sheet_names else None
    except Exception as error:
        # calamine raises errors of several kinds (zip, XML, …) for files that are not
        # workbooks or are damaged; all mean the same to the clerk.
        raise DomainError(UNREADABLE) from error
    if sheet is None:
        raise DomainError(f"文件中没有“{SHEET}”工作表:请使用本系统的导入模板。")
    first = sheet.start[0] + 1 if sheet.start else 1  # calamine's range starts at the first used row
    numbered = enumerate(sheet.iter_rows(), start=first)
    header = next((values for number, values in numbered if number >= HEADER_ROW), [])
    positions = _positions(header)
    return Sheet(positions, _data_rows(numbered, positions))


def _data_rows(numbered, positions: dict[Column, int]):
    code_index = positions[columns()[0]]
    indexes = list(positions.values())
    count = 0
    for number, values in numbered:
        if (
            all(values[i] in ("", None) for i in indexes if i < len(values))
            or cell_text(values[code_index]) == EXAMPLE_CODE
        ):
            continue
        count += 1
        if count > MAX_ROWS:
            raise DomainError(f"一次最多导入 {MAX_ROWS} 行,请把文件分成几个再导入。")
        yield number, values


def _positions(header) -> dict[Column, int]:
    by_header = {c.header: c for c in columns()}
    positions = {}
    for index, text in enumerate(header):
        column = by_header.get(str(text or "").strip().lstrip(REQUIRED_MARK).strip())
        if column is not None and column not in positions:
            positions[column] = index
    missing = [c.header for c in columns() if c.required and c not in positions]
    if missing:
        raise DomainError(f"第 {HEADER_ROW} 行缺少必填列:{'、'.join(missing)}。请使用本系统的导入模板,不要改动表头。")
    return positions


def check_upload(name: str, size: int, content: bytes) -> int:
    """What the upload page checks while the clerk waits; the number of data rows."""
    if not name.lower().endswith(".xlsx"):
        raise DomainError("请上传 .xlsx 格式的 Excel 文件(.xls、.csv 等格式请先在 Excel 中另存为 .xlsx)。")
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(f"文件太大:最大 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB,请分成几个文件导入。")
    count = sum(1 for _row in open_sheet(content).rows)
    if not count:
        raise DomainError("文件中没有要导入的数据行(示例行不计)。")
    return count


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value) -> date:
    """A date as legacy workbooks hold it: a date cell, an Excel serial number (34881), or
    the text 1995-07-01, 1995年7月1日, 1995.7.1, 1995/7/1 or 19950701 (also typed as a number)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= LAST_SERIAL:
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = cell_text(value)
    for pattern in DATE_TEXTS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                break
    raise ValidationError(f"“{text}”不是有效的日期,请填写如 {DATE_EXAMPLES}。")


# --- checking the rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    row: int
    column: str
    message: str
    problem: bool = False  # a fault that makes a problem file (有问题档案), not a refusal

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class Lookups:
    """The code tables, read once per import."""

    def __init__(self):
        self.codes: dict[str, dict[str, Code]] = {}
        for code in Code.objects.select_related("table"):
            self.codes.setdefault(code.table.key, {})[code.value] = code
        self.table_names = dict(CodeTable.objects.values_list("key", "name"))
        self.today = timezone.localdate()  # once, not once per date and ID number


# The entry form's own checks of single fields (records.forms), by field; the ID number's is
# in cell_value.
FIELD_CLEANERS = {"phone": clean_phone, "postal_code": clean_postal_code}
HEAD_SCOPES = (KEY, PERSON, HEAD, FILE)
MEMBER_SCOPES = (KEY, RELATION, PERSON, MEMBER)
FILE_FIELDS = list(WorkerFileForm.Meta.fields)
NO_FAULTS = ()


@cache
def _model_field(column: Column):
    model = WorkerFile if column.scope in (KEY, FILE) else FamilyMember if column.scope == RELATION else Person
    return model._meta.get_field(column.name)


@cache
def _choice_values(column: Column) -> dict[str, str]:
    return dict(column.choices)


def _empty(column: Column):
    if column.default is not None:
        return column.default
    return "" if column.kind == TEXT else None


def cell_value(column: Column, raw, lookups: Lookups):
    """A filled cell as its field holds it (a Code for a code table); ValidationError with the
    message the clerk reads when it cannot be."""
    if column.kind == DATE:
        return not_after_today(parse_date(raw), column.header, lookups.today)
    text = cell_text(raw)
    if column.name == "id_number":
        text = id_numbers.validate(text, today=lookups.today).number
    if column.kind == CODE:
        code = lookups.codes.get(column.table, {}).get(text)
        if code is None:
            raise ValidationError(f"“{text}”不在代码表“{lookups.table_names.get(column.table, column.header)}”中。")
        return code
    if column.kind == CHOICE:
        if text not in _choice_values(column):
            raise ValidationError(f"“{text}”不是有效的{column.header}。")
        return _choice_values(column)[text]
    if column.kind == BOOL:
        if text not in (YES, NO):
            raise ValidationError(f"应填“{YES}”或“{NO}”,现在是“{text}”。")
        return text == YES
    cleaner = FIELD_CLEANERS.get(column.name)
    return _model_field(column).clean(cleaner(text) if cleaner else text, None)


@dataclass(slots=True)
class CheckedRow:
    """What the import keeps of a row once checked, to decide its household; its values are
    in the staging table (records.import_writes)."""

    number: int
    code: str
    head: bool
    faults: tuple | list = NO_FAULTS
    id_number: str = ""
    name: str = ""
    health: Code | None = None
    disability_category_id: int | None = None
    size: int | None = None  # the head's 家庭人口
    address: str = ""  # the head's

    @property
    def refused(self) -> bool:
        return any(not f.problem for f in self.faults)


def check_row(number: int, values: list, positions: dict[Column, int], lookups: Lookups) -> tuple[CheckedRow, dict]:
    """One row checked by the entry form's rules (records.forms): the row, and its values by
    field name (a head's row has the file's fields, a member's row the relation)."""
    relation = _column_named("relation", (RELATION,))
    head = cell_text(_raw(values, positions, relation)) == HEAD_RELATION
    faults, cleaned = [], {}
    for column in _columns_for(*(HEAD_SCOPES if head else MEMBER_SCOPES)):
        raw = _raw(values, positions, column)
        if raw is None or raw == "" or (isinstance(raw, str) and not raw.strip()):
            cleaned[column.name] = _empty(column)
            if column.required and column.scope != KEY:  # a row without 职工编号 has its own fault
                faults.append(Fault(number, column.header, REQUIRED))
            continue
        try:
            cleaned[column.name] = cell_value(column, raw, lookups)
        except ValidationError as error:
            faults.append(Fault(number, column.header, error.messages[0]))
    if head:  # the head's income and employer are the file's
        cleaned["employer_or_school"] = cleaned.get("employer", "")
    for name, message in complete_person(cleaned, lookups.today).items():
        faults.append(Fault(number, _header(name), message, problem=name == "disability_category"))
    if head:
        message = work_start_fault(cleaned.get("work_start_date"), cleaned.get("birth_date"))
        if message:
            faults.append(Fault(number, _header("work_start_date"), message))
    row = CheckedRow(
        number, sys.intern(cleaned.get("code", "")), head, faults or NO_FAULTS, cleaned.get("id_number") or ""
    )
    if any(f.problem for f in faults):  # what file_problems names: kept only where a problem is
        row.name = cleaned.get("name", "")
        row.health, row.disability_category_id = cleaned.get("health"), _pk(cleaned.get("disability_category"))
    if head:
        row.size, row.address = cleaned.get("household_size"), cleaned.get("address") or ""
    return row, cleaned


def _raw(values: list, positions: dict[Column, int], column: Column):
    index = positions.get(column)
    return values[index] if index is not None and index < len(values) else None


def _header(name: str) -> str:
    return next(c.header for c in columns() if c.name == name)


# What the import writes of a person: the entered fields and the name's pinyin sort key, which
# Person.save would set (records.name_order) and an INSERT … SELECT must carry itself.
STAGED_PERSON_FIELDS = [*PERSON_FIELDS, "name_sort"]


def _pk(value):
    return value.pk if isinstance(value, Model) else value


def staged_row(row: CheckedRow, position: int, cleaned: dict) -> tuple:
    """The row as the staging table holds it (records.import_writes.staging_create's order)."""
    cleaned = {**cleaned, "name_sort": name_sort_key(cleaned.get("name", ""))}
    person = [_pk(cleaned.get(name)) for name in STAGED_PERSON_FIELDS]
    file = [_pk(cleaned[name]) for name in FILE_FIELDS] if row.head else [None] * len(FILE_FIELDS)
    return (row.number, row.code, position, _pk(cleaned.get("relation")), *person, *file)


REQUIRED = str(forms.Field.default_error_messages["required"])


# --- the households ---------------------------------------------------------------------------------


def group_households(rows: list[CheckedRow]) -> tuple[dict[str, list[CheckedRow]], list[Fault]]:
    """Rows grouped by 职工编号, in order of first appearance; rows without one are faults."""
    households: dict[str, list[CheckedRow]] = {}
    orphans = []
    for row in rows:
        if not row.code:
            orphans.append(Fault(row.number, columns()[0].header, "未填写职工编号,无法确定属于哪一户。"))
            continue
        households.setdefault(row.code, []).append(row)
    return households, orphans


def household_faults(code: str, rows: list[CheckedRow]) -> list[Fault]:
    """The faults of one household: its rows', one head, and 家庭人口 = members + 1."""
    faults = [f for row in rows for f in row.faults]
    heads = [r for r in rows if r.head]
    if len(heads) != 1:
        message = (
            f"职工编号“{code}”没有户主行(户主一行的与户主关系填“{HEAD_RELATION}”)。"
            if not heads
            else f"职工编号“{code}”有 {len(heads)} 行户主,每户只能有一行。"
        )
        header = _column_named("relation", (RELATION,)).header
        return [Fault(r.number, header, message) for r in (heads or rows[:1])] + faults
    if heads[0].size is not None and heads[0].size < 1:  # the table's constraint: never saved
        return [Fault(heads[0].number, _header("household_size"), "家庭人口数至少为 1。"), *faults]
    message = household_size_fault(heads[0].size, len(rows) - 1)
    if message:
        faults.append(Fault(heads[0].number, _header("household_size"), message, problem=True))
    return faults


def household_problems(rows: list[CheckedRow]) -> list[str]:
    """The problems the new file will have (services.file_problems), from the checked rows: a
    row keeps its name and health only when it has a problem fault (check_row), the others
    stand for a person of no problem."""
    head = next(r for r in rows if r.head)
    people = [
        Person(name=r.name, id_number=r.id_number, health=r.health, disability_category_id=r.disability_category_id)
        for r in (head, *(r for r in rows if not r.head))
    ]
    return services.file_problems(WorkerFile(household_size=head.size, address=head.address), people)


def faults_against_database(by_number: dict[int, CheckedRow], unit, skipped: set[str]) -> list[Fault]:
    """The staged rows' ID numbers already registered, and the staged heads' 职工编号 the unit
    already has: two joins. Households in `skipped` (done by this job before) are left out."""
    taken = import_writes.staged_persons_taken()
    files = files_of([person_id for _row, person_id in taken])
    persons = Person.objects.in_bulk([person_id for _row, person_id in taken])
    faults = []
    for number, person_id in taken:
        if by_number[number].code not in skipped:
            message = services.existing_person_message(persons[person_id], files.get(person_id))
            faults.append(Fault(number, _header("id_number"), message))
    for number, code in import_writes.staged_codes_taken(unit.pk):
        if code not in skipped:
            faults.append(Fault(number, columns()[0].header, services.code_taken_message(code)))
    return faults


# --- the job ------------------------------------------------------------------------------------


@transaction.atomic
def file_import_create(*, actor: User, file_name: str, content: bytes, keep_problems: bool, total_rows: int):
    """Store an uploaded workbook as an import job of the actor's unit; the worker is told on
    commit, with the job's id only."""
    require_module(actor, Module.FILES)
    job = FileImport.objects.create(
        unit_id=actor.unit_id,
        created_by=actor,
        file_name=file_name[:200],
        content=content,
        keep_problems=keep_problems,
        total_rows=total_rows,
    )
    return job


def imports_of_unit(unit, limit: int = 10):
    return FileImport.objects.defer("content").filter(unit=unit).select_related("created_by").order_by("-pk")[:limit]


def get_import_for_user(user: User, pk: int) -> FileImport:
    """A job of the user's own unit (404 for any other), then the files module (403)."""
    job = FileImport.objects.defer("content").select_related("created_by").filter(pk=pk, unit_id=user.unit_id).first()
    if job is None:
        raise Http404("没有这个导入任务。")
    require_module(user, Module.FILES)
    return job


def file_import_run(*, job_id: int) -> FileImport:
    """Import a job's households. Idempotent: a finished job returns at once, and households
    this job already created are skipped, so a redelivered message does no harm."""
    job = FileImport.objects.defer("content").select_related("created_by__unit").get(pk=job_id)
    if job.state == ImportState.DONE:
        return job
    job.state, job.started_at, job.error = ImportState.RUNNING, timezone.now(), ""
    job.save(update_fields=["state", "started_at", "error"])
    try:
        _import(job)
    except (DomainError, PermissionDenied) as error:
        job.state, job.error, job.finished_at = ImportState.FAILED, str(error), timezone.now()
        job.save(update_fields=["state", "error", "finished_at"])
    except Exception:
        job.state, job.error = ImportState.FAILED, "导入时发生系统错误,系统将自动重试;如仍失败,请联系系统管理员。"
        job.save(update_fields=["state", "error"])
        raise  # dramatiq retries; the retry skips what is done
    return job


def _import(job: FileImport) -> None:
    actor = job.created_by
    if actor is None or not actor.has_module(Module.FILES) or actor.unit_id != job.unit_id:
        raise PermissionDenied("上传人已不在本单位或已没有“困难职工档案”权限,导入没有进行。")
    with translation.override("zh-hans"):
        staging = import_writes.staging_create(STAGED_PERSON_FIELDS, FILE_FIELDS)
        try:
            # calamine's copy of the sheet (about 150 MB for 100,000 rows of the template) lives
            # only while the rows are checked; the workbook goes to a file a megabyte at a time.
            with tempfile.NamedTemporaryFile(suffix=".xlsx") as upload:
                import_writes.content_to(job.pk, upload)
                upload.flush()
                rows = _check_and_stage(job, open_sheet(upload.name), staging)
            with transaction.atomic(), pghistory.context(user=actor.pk, file_import=job.pk):
                # One write per job at a time: a second delivery running at once waits here,
                # then finds the households done instead of refusing them as duplicates.
                FileImport.objects.select_for_update().filter(pk=job.pk).values_list("pk").get()
                _write(job, actor, rows)
        finally:
            import_writes.staging_drop()


def _check_and_stage(job: FileImport, sheet: Sheet, staging: list[str]) -> list[CheckedRow]:
    """Every row checked and, unless refused, COPYed to the staging table in chunks; the
    job's progress saved between two chunks."""
    lookups = Lookups()
    rows, pending, positions = [], [], {}
    for number, values in sheet.rows:
        row, cleaned = check_row(number, values, sheet.positions, lookups)
        rows.append(row)
        if not row.head:  # members are numbered in the order of their rows
            positions[row.code] = positions.get(row.code, 0) + 1
        position = 0 if row.head else positions[row.code]
        if row.code and not row.refused:
            pending.append(staged_row(row, position, cleaned))
        if len(rows) % PROGRESS_EVERY == 0:
            import_writes.staging_copy(staging, pending)
            pending = []
            job.done_rows = len(rows)
            job.save(update_fields=["done_rows"])
    import_writes.staging_copy(staging, pending)
    job.total_rows = job.done_rows = len(rows)
    return rows


def _write(job: FileImport, actor: User, rows: list[CheckedRow]) -> None:
    """Decide each household (all its rows, or none) and create the accepted ones set-based."""
    households, refusals = group_households(rows)
    done = set(job.items.values_list("code", flat=True))
    by_number = {r.number: r for r in rows}
    repeated = [
        Fault(
            number,
            _header("id_number"),
            f"身份证号 {id_numbers.mask(by_number[number].id_number)} 与第 {first} 行重复。",
        )
        for number, first in import_writes.staged_repeats()
    ]
    for fault in repeated + faults_against_database(by_number, actor.unit, done):
        row = by_number[fault.row]
        row.faults = [*row.faults, fault]
    refused_households, accepted = len(refusals), []
    for code, members in households.items():
        if code in done:
            continue
        faults = household_faults(code, members)
        if faults and not (job.keep_problems and all(f.problem for f in faults)):
            refused_households += 1
            refusals += faults
            continue
        # A household without faults has no problems (each problem is a fault first).
        problems = household_problems(members) if faults else []
        accepted.append((code, json.dumps(problems, ensure_ascii=False)))
    import_writes.write_accepted(
        job=job, actor=actor, accepted=accepted, person_fields=STAGED_PERSON_FIELDS, file_fields=FILE_FIELDS
    )
    job.created_count = job.items.count()
    job.problem_count = job.items.filter(problem=True).count()
    job.refused_count = refused_households
    job.refusals = [f.as_dict() for f in sorted(refusals, key=lambda f: f.row)]
    job.state, job.finished_at = ImportState.DONE, timezone.now()
    job.save(update_fields=[*PROGRESS_FIELDS, "refusals", "state", "finished_at"])
