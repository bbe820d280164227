"""Excel import of household files (beyond the manual).

The workbook has one sheet 档案 in which each row is one person: the head's row carries the
file's own columns and 与户主关系 = 户主; family members follow on rows sharing the head's
职工编号. The same workbook, empty, is the blank Excel form of manual 2.2.9.

An import never has rules of its own: each household is turned into the data of the entry form
(WorkerFileForm, HeadForm, MemberForm) and checked by those forms, then saved by
services.file_create, which checks ID numbers nationwide. When the clerk asks for it, a
household whose only faults make it a problem file (有问题档案: household size, disabled
without category) is saved anyway; file_create records its problems.

The upload is checked while the clerk waits (type, size, sheet, columns); the households are
imported by a worker (records.tasks.import_files), one transaction each, and the job records
which households it created so a redelivered message creates nothing twice.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from org.errors import DomainError
from org.models import Code, CodeTable, Module, User, code_table_of
from org.permissions import require_module
from records import id_numbers, services
from records.forms import HeadForm, MemberForm, WorkerFileForm
from records.models import (
    FamilyMember,
    FileCategory,
    FileImport,
    FileImportItem,
    ImportState,
    Person,
    WorkerFile,
)
from records.selectors import file_of

SHEET = "档案"
CODES_SHEET = "代码"
NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
EXAMPLE_CODE = "示例"  # rows with this 职工编号 show how to fill the sheet and are skipped
HEAD_RELATION = "户主"
REQUIRED_MARK = "*"
YES, NO = "是", "否"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
PROGRESS_EVERY = 20  # households between two progress saves
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


@dataclass(frozen=True)
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


def _columns_for(*scopes: str) -> list[Column]:
    return [c for c in columns() if c.scope in scopes]


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


@dataclass
class SheetRow:
    number: int  # the row number Excel shows
    cells: dict[Column, object]  # normalized: "" for empty, str, date, or a number as str

    def text(self, column: Column | None) -> str:
        value = self.cells.get(column, "") if column is not None else ""
        return value if isinstance(value, str) else str(value)


def _normalize(value) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    return str(value).strip()


def read_rows(content: bytes) -> list[SheetRow]:
    """The data rows of an uploaded workbook (examples and empty rows left out). Raises
    DomainError when it is not a workbook made from the template."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl raises errors of many kinds (BadZipFile, KeyError, ValueError…) for files
        # that are not workbooks or are damaged; all mean the same to the clerk.
        raise DomainError("无法读取该文件:请上传用本系统导入模板填写的 Excel(.xlsx)文件。") from error
    try:
        if SHEET not in workbook.sheetnames:
            raise DomainError(f"文件中没有“{SHEET}”工作表:请使用本系统的导入模板。")
        rows = workbook[SHEET].iter_rows(min_row=HEADER_ROW, values_only=True)
        positions = _positions(next(rows, ()))
        code_column = columns()[0]
        found = []
        for number, values in enumerate(rows, start=HEADER_ROW + 1):
            cells = {c: _normalize(values[i]) if i < len(values) else "" for c, i in positions.items()}
            if all(v == "" for v in cells.values()) or cells.get(code_column) == EXAMPLE_CODE:
                continue
            found.append(SheetRow(number, cells))
            if len(found) > MAX_ROWS:
                raise DomainError(f"一次最多导入 {MAX_ROWS} 行,请把文件分成几个再导入。")
        return found
    finally:
        workbook.close()


def _positions(header: tuple) -> dict[Column, int]:
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


def check_upload(name: str, size: int, content: bytes) -> list[SheetRow]:
    """What the upload page checks while the clerk waits."""
    if not name.lower().endswith(".xlsx"):
        raise DomainError("请上传 .xlsx 格式的 Excel 文件(.xls、.csv 等格式请先在 Excel 中另存为 .xlsx)。")
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(f"文件太大:最大 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB,请分成几个文件导入。")
    rows = read_rows(content)
    if not rows:
        raise DomainError("文件中没有要导入的数据行(示例行不计)。")
    return rows


# --- checking a household with the entry forms --------------------------------------------------


@dataclass(frozen=True)
class Fault:
    row: int
    column: str
    message: str
    problem: bool = False  # a fault that makes a problem file (有问题档案), not a refusal

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Household:
    code: str
    rows: list[SheetRow] = field(default_factory=list)


@dataclass
class Checked:
    """A household checked by the entry forms: what file_create needs, or why not."""

    faults: list[Fault] = field(default_factory=list)
    data: dict | None = None
    head: dict | None = None
    members: list[dict] = field(default_factory=list)
    rows_by_number: dict[str, int] = field(default_factory=dict)  # ID number → sheet row

    def acceptable(self, keep_problems: bool) -> bool:
        if self.data is None:
            return False
        return not self.faults or (keep_problems and all(f.problem for f in self.faults))


class Lookups:
    """The code tables, read once per import."""

    def __init__(self):
        self.codes: dict[str, dict[str, int]] = {}
        for table_key, value, pk in Code.objects.values_list("table__key", "value", "pk"):
            self.codes.setdefault(table_key, {})[value] = pk
        self.table_names = dict(CodeTable.objects.values_list("key", "name"))


def group_households(rows: list[SheetRow]) -> tuple[list[Household], list[Fault]]:
    """Rows grouped by 职工编号, in order of first appearance; rows without one are faults."""
    code_column = columns()[0]
    households: dict[str, Household] = {}
    orphans = []
    for row in rows:
        code = row.text(code_column)
        if not code:
            orphans.append(Fault(row.number, code_column.header, "未填写职工编号,无法确定属于哪一户。"))
            continue
        households.setdefault(code, Household(code)).rows.append(row)
    return list(households.values()), orphans


def _form_data(row: SheetRow, scopes: tuple[str, ...], lookups: Lookups, faults: list[Fault]) -> dict:
    data = {}
    for column in _columns_for(*scopes):
        raw = row.cells.get(column, "")
        if raw == "":
            data[column.name] = "" if column.default is None else column.default
        elif column.kind == CODE:
            data[column.name] = lookups.codes.get(column.table, {}).get(row.text(column), raw)
        elif column.kind == CHOICE:
            data[column.name] = dict(column.choices).get(row.text(column), raw)
        elif column.kind == BOOL:
            if raw not in (YES, NO):
                faults.append(Fault(row.number, column.header, f"应填“{YES}”或“{NO}”,现在是“{raw}”。"))
            data[column.name] = raw == YES
        else:
            data[column.name] = raw
    return data


def _form_faults(form, row: SheetRow, scopes: tuple[str, ...], lookups: Lookups, *, problem_fields=()) -> list[Fault]:
    """The form's errors as faults of the row, in the column they belong to. Fields in
    `problem_fields` carry problem faults (decided by the caller)."""
    faults = []
    for name, errors in form.errors.as_data().items():
        column = _column_named(name, scopes)
        for error in errors:
            message = error.messages[0]
            if column is not None and error.code == "invalid_choice":
                raw = row.text(column)
                if column.kind == CODE:
                    table = lookups.table_names.get(column.table, column.header)
                    message = f"“{raw}”不在代码表“{table}”中。"
                else:
                    message = f"“{raw}”不是有效的{column.header}。"
            faults.append(Fault(row.number, column.header if column else "", message, problem=name in problem_fields))
    return faults


def check_household(household: Household, lookups: Lookups) -> Checked:
    """Check one household with the entry form's rules (WorkerFileForm, HeadForm, MemberForm)
    and against the persons already registered (services.ExistingPerson)."""
    checked = Checked()
    relation_column = _column_named("relation", (RELATION,))
    heads = [r for r in household.rows if r.text(relation_column) == HEAD_RELATION]
    if len(heads) != 1:
        message = (
            f"职工编号“{household.code}”没有户主行(户主一行的与户主关系填“{HEAD_RELATION}”)。"
            if not heads
            else f"职工编号“{household.code}”有 {len(heads)} 行户主,每户只能有一行。"
        )
        checked.faults = [Fault(r.number, relation_column.header, message) for r in (heads or household.rows[:1])]
        return checked
    head_row = heads[0]
    member_rows = [r for r in household.rows if r is not head_row]

    faults = checked.faults
    file_data = _form_data(head_row, (KEY, FILE), lookups, faults)
    temporary = head_row.text(_column_named("category", (FILE,))) == str(FileCategory.TEMPORARY.label)
    file_form = WorkerFileForm(file_data, temporary=temporary)
    head_form = HeadForm(_form_data(head_row, (PERSON, HEAD), lookups, faults))
    member_forms = [
        (row, MemberForm(_form_data(row, (PERSON, MEMBER, RELATION), lookups, faults))) for row in member_rows
    ]
    file_form.is_valid()
    size = file_form.cleaned_data.get("household_size")
    if size is not None:
        file_form.check_household_size(len(member_rows))
    size_problem = ("household_size",) if size is not None else ()
    faults += _form_faults(file_form, head_row, (KEY, FILE), lookups, problem_fields=size_problem)

    people = [(head_row, head_form, (PERSON, HEAD)), *((r, f, (PERSON, MEMBER, RELATION)) for r, f in member_forms)]
    for row, form, scopes in people:
        form.is_valid()
        # With no category typed, the only fault a disability category can have is the
        # entry form's "残疾 needs a category": a problem file, not a refusal.
        blank = row.text(_column_named("disability_category", (PERSON,))) == ""
        faults += _form_faults(form, row, scopes, lookups, problem_fields=("disability_category",) if blank else ())
        number = form.cleaned_data.get("id_number")
        if number:
            checked.rows_by_number[number] = row.number
    for person in Person.objects.filter(id_number__in=checked.rows_by_number):
        error = services.ExistingPerson(person, file_of(person))
        faults.append(Fault(checked.rows_by_number[person.id_number], _id_header(), error.message))

    if not all(f.problem for f in faults):
        return checked
    file_form.cleaned_data.setdefault("household_size", size)
    checked.data = file_form.file_data()
    checked.head = _person_data(head_form) | {
        "monthly_income": checked.data["monthly_income"],  # the head's income and employer are the file's
        "employer_or_school": checked.data["employer"],
    }
    checked.members = [_person_data(form) for _row, form in member_forms]
    return checked


def _person_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.setdefault("disability_category", None)  # left out by the problem fault, if any
    return data


def _id_header() -> str:
    return _column_named("id_number", (PERSON,)).header


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
    job = FileImport.objects.select_related("created_by__unit").get(pk=job_id)
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
        rows = read_rows(bytes(job.content))
        households, refusals = group_households(rows)
        lookups = Lookups()
        done = dict(job.items.values_list("code", "problem"))
        job.total_rows, job.done_rows = len(rows), len(refusals)
        job.created_count, job.problem_count = len(done), sum(done.values())
        job.refused_count = len(refusals)
        for count, household in enumerate(households, start=1):
            if household.code not in done:
                faults = _import_household(job, actor, household, lookups)
                if faults:
                    job.refused_count += 1
                    refusals += faults
            job.done_rows += len(household.rows)
            if count % PROGRESS_EVERY == 0:
                job.save(update_fields=PROGRESS_FIELDS)
    job.created_count = job.items.count()
    job.problem_count = job.items.filter(problem=True).count()
    job.refusals = [f.as_dict() for f in sorted(refusals, key=lambda f: f.row)]
    job.state, job.finished_at = ImportState.DONE, timezone.now()
    job.save(update_fields=[*PROGRESS_FIELDS, "refusals", "state", "finished_at"])


def _import_household(job: FileImport, actor: User, household: Household, lookups: Lookups) -> list[Fault]:
    """Create one household in its own transaction; its faults when it is refused."""
    checked = check_household(household, lookups)
    if not checked.acceptable(job.keep_problems):
        return checked.faults
    head_row = next(r.number for r in household.rows if r.text(_column_named("relation", (RELATION,))) == HEAD_RELATION)
    try:
        with transaction.atomic():
            # One household at a time per job: a second delivery running at once waits here,
            # then finds the household done instead of refusing it as a duplicate.
            FileImport.objects.select_for_update().filter(pk=job.pk).values_list("pk").get()
            if FileImportItem.objects.filter(job=job, code=household.code).exists():
                return []
            file = services.file_create(actor=actor, data=checked.data, head=checked.head, members=checked.members)
            FileImportItem.objects.create(job=job, code=household.code, file=file, problem=bool(file.problems))
    except services.ExistingPerson as error:
        return [Fault(checked.rows_by_number.get(error.person.id_number, head_row), _id_header(), error.message)]
    except DomainError as error:
        column = _column_named(error.field, (KEY, FILE, PERSON, HEAD)) if error.field else None
        return [Fault(head_row, column.header if column else "", error.message)]
    job.created_count += 1
    job.problem_count += bool(file.problems)
    return []
