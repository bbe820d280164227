"""The audit log as an Excel file: openpyxl in write-only mode fed by a server-side cursor, so
memory stays flat; one sheet, capped at what Excel holds. Every text cell goes through
audit.spreadsheets.text_cell (a user name typed at the sign-in page may be `=HYPERLINK(…)`)."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from audit.events import choices as event_choices
from audit.models import AuditLog
from audit.selectors import detail_text, object_type_label
from audit.spreadsheets import text_cell

HEADERS = ["时间", "登录名", "单位", "事件", "对象类型", "对象标识", "对象", "成功", "IP", "详情"]
MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows per sheet, less the header row
SHEET_TITLE = "审计日志"
CAP_NOTE = (
    f"符合条件的记录超过 {MAX_ROWS:,} 条(Excel 一个工作表的上限),只导出了其中最新的 {MAX_ROWS:,} 条。"
    "请缩小时间范围后分次导出其余记录。"
)


@dataclass
class Written:
    rows: int
    capped: bool  # more rows matched than the sheet holds


def write_audit_workbook(target, rows: QuerySet[AuditLog]) -> Written:
    """Write `rows`, newest first, to `target` (a path or a binary file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append([_text(sheet, header) for header in HEADERS])
    # The labels once: looking each row's lazy label up again was most of the time a sheet took.
    events = dict(event_choices())
    count, capped = 0, False
    for row in rows.order_by("-at", "-pk").iterator(chunk_size=2000):
        if count == MAX_ROWS:
            capped = True
            break
        sheet.append(_cells(sheet, row, events))
        count += 1
    if capped:
        note = workbook.create_sheet("说明")
        note.append([_text(note, CAP_NOTE)])
    workbook.save(target)
    return Written(rows=count, capped=capped)


def _cells(sheet, row: AuditLog, events: dict[str, str]) -> list:
    texts = [
        row.username,
        row.unit_name,
        events.get(row.event, row.event),
        object_type_label(row.object_type),
        row.object_id,
        row.object_repr,
        "是" if row.success else "否",
        row.ip or "",
        detail_text(row),
    ]
    # Excel keeps no time zone: the local time, as the page shows it.
    at = timezone.localtime(row.at).replace(tzinfo=None)
    return [at, *(_text(sheet, value) for value in texts)]


def _text(sheet, value: str) -> WriteOnlyCell:
    """A text cell: control characters (which openpyxl refuses) dropped, made safe, typed as text."""
    return text_cell(WriteOnlyCell(sheet), ILLEGAL_CHARACTERS_RE.sub("", value))
