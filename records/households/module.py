"""职工档案 declared on the kit (DESIGN.md §4): its lists, sheet and pages. What is the files'
own — the form with its members, the ID-number rules, the life cycle, import, merges, transfers,
bulk export — stays in records, and its services keep their own audit events (FileEvent)."""

from records import documents, services, views, views_detail
from records.events import FileEvent
from records.kit.declaration import ALWAYS, ListAction, ListKind, RecordModule, Section, register
from records.models import WorkerFile
from records.selectors import FILE_KINDS


def file_action(key: str, label: str, confirm: str, service) -> ListAction:
    return ListAction(key, label, confirm, service=service, argument="file", done="{action}:已完成 {n} 份。")


DELETE = file_action("delete", "删除选中的档案", "确定删除选中的档案吗?删除后不能恢复。", services.file_delete)
CONVERT = file_action(
    "convert", "将选中的档案转为临时救助档案", "确定将选中的档案转为临时救助档案吗?", services.file_convert_to_temporary
)
RESTORE = file_action(
    "restore", "恢复选中的档案", "确定将选中的注销档案恢复为本单位的困难职工档案吗?", services.file_restore
)


def file_list(key: str, row_actions, *, nav: bool = False, new: str | None = None) -> ListKind:
    title, q = FILE_KINDS[key]
    return ListKind(key, title, q, row_actions=row_actions, nav=nav, new=new)


# The paper form's fields (records.documents): the head's grid, then 自救能力 / 零就业 / 致困原因 /
# 备注. 家庭年人均收入 is worked out from two of them, no field of its own.
HEAD = [name for name in documents.HEAD_FIELDS if name != "per_capita_income"]

files = register(
    RecordModule(
        key="files",
        label="职工档案",
        model=WorkerFile,
        form_fields=(),  # the files' own form (records.forms): a file with its head and members
        list_columns=[
            "code",
            "head.name",
            "head.gender",
            "head.birth_date",
            "category",
            "address",
            "employer",
            "hardship_cause",
            "file_date",
        ],  # fmt: skip
        sheet=[
            Section("档案", ["code", "category"]),
            Section("户主及家庭情况", HEAD),
            Section("其他情况", documents.CLOSING_FIELDS),
        ],
        filter_fields=["code", "head_name", "employer", "category"],
        edit_policy=ALWAYS,
        events=FileEvent,
        lists=[
            file_list("hardship", [DELETE, CONVERT], nav=True, new=""),
            file_list("migrant", [DELETE, CONVERT], nav=True, new=""),
            file_list("temporary", [DELETE], nav=True, new="temporary=1"),
            file_list("problems", [DELETE]),
            file_list("cancelled", [RESTORE]),
        ],
        pages={
            "create": views.file_create,
            "edit": views.file_edit,
            "delete": views.file_delete,
            "detail": views_detail.file_detail,
            "print": views_detail.file_print,
            "word": views_detail.file_word,
        },
        links=[
            ("职工档案查询", "records:file_query"),
            ("职工档案统计", "records:file_statistics"),
            ("Excel批量导入", "records:file_import"),
            ("恢复注销档案", "records:file_restore"),
            ("下载档案表格", "records:file_blank_form"),
        ],
    )
)
