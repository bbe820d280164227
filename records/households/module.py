"""职工档案 declared on the kit (DESIGN.md §4): its lists, its sheet (the paper form of manual
2.2.1.4–2.2.1.5: the head's grid, the family members, then 自救能力 / 零就业 / 致困原因 / 备注)
and its pages. What is the files' own — the form with its members, the ID-number rules, the
life cycle, import, merges, transfers, bulk export, and the parts of the file page they bring —
stays in records, and its services keep their own audit events (FileEvent)."""

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef

from records import selectors, services, views, views_detail
from records.events import FileEvent
from records.kit.declaration import (
    ALWAYS,
    Computed,
    ListAction,
    ListKind,
    RecordModule,
    Section,
    Table,
    count,
    count_related,
    register,
)  # fmt: skip
from records.kit.query import CHOICE, CODE, DECIMALS, Condition
from records.models import HARDSHIP_CATEGORIES, FamilyMember, FileKind, FileStatus, WorkerFile
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


def file_title(file: WorkerFile | None) -> str:
    return "临时救助档案" if file is not None and file.is_temporary else "困难职工档案"


HEAD = [
    "head.name", "head.gender", "head.ethnicity", "head.political_status", "head.birth_date", "head.id_number",
    "head.health", "head.disability_category", "head.identity", "model_worker_type",
    "housing_type", "floor_area", "postal_code", "phone", "work_start_date", "industry",
    "marital_status", "household_registration", "address", "employer", "employer_nature",
    "enterprise_status", "single_parent", "monthly_income", "household_annual_income", "household_size",
    Computed("per_capita_income", "家庭年人均收入(元)"), "registration_area", "medical_insurance", "file_date",
]  # fmt: skip
MEMBERS = Table(
    "家庭成员", "members",
    columns=[
        "person.name", "relation", "person.gender", "person.political_status", "person.birth_date",
        "person.id_number", "person.health", "person.disability_category", "person.monthly_income",
        "person.identity", "person.employer_or_school",
    ],
    empty="无家庭成员(单人户)。",
    blank_rows=6,  # like the paper form
    widths_mm=[14, 14, 9, 14, 19, 33, 13, 14, 15, 12, 23],  # the 18-digit ID number fits on one line
)  # fmt: skip
CLOSING = ["self_help_ability", "zero_employment", "hardship_cause", "remarks"]
LIST_COLUMNS = [
    "code", "head.name", "head.gender", "head.birth_date", "category", "address", "employer", "hardship_cause",
    "file_date",
]  # fmt: skip
# 职工档案统计 (manual 2.2.8): the head's person dimensions, then the file's.
STAT_DIMENSIONS = ["head.gender", "head.political_status", "head.health", "marital_status", "household_registration"]

# 职工档案查询 (manual 2.2.7): every field of a file a clerk enters is a condition (a field added
# to WorkerFile becomes one by itself), the head's fields, and the files' own three below.
HEAD_CONDITIONS = ["head." + name for name in (
    "name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "health", "disability_category",
    "identity",
)]  # fmt: skip
FILE_CONDITIONS = [
    f.name for f in WorkerFile._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in {"unit", "head", "status", "code", "category"}
]  # fmt: skip
ENTERED = "created_at"  # 录入时间: not entered by hand, a condition of the statistics (manual 2.2.8)
PER_CAPITA = ExpressionWrapper(
    F("household_annual_income") / F("household_size"), output_field=DecimalField(max_digits=14, decimal_places=2)
)


def with_member_health(files, health):
    """Files with a family member of that health (the head's is head_health): Exists, so a file
    with two such members is one result."""
    return files.filter(Exists(FamilyMember.objects.filter(file=OuterRef("pk"), person__health=health)))


QUERY_EXTRAS = [
    Condition("kind", "kind", CHOICE, "档案类别", "档案", choices=tuple(FileKind.choices)),
    Condition("per_capita_income", "per_capita_income", DECIMALS, "家庭年人均收入(元)", "户主及家庭情况",
              expression=PER_CAPITA),
    Condition("member_health", "members__person__health", CODE, "成员健康状况", MEMBERS.title, table="health",
              method=with_member_health),
]  # fmt: skip


def counted_files(files, conditions: dict):
    """职工档案统计 (manual 2.2.8) counts the active files; without a 困难类别 condition, those of
    the hardship categories (migrant workers' too), as the 困难职工档案 list shows them."""
    files = files.filter(status=FileStatus.ACTIVE)
    return files if conditions.get("category") else files.filter(category__in=HARDSHIP_CATEGORIES)


files = register(
    RecordModule(
        key="files",
        label="职工档案",
        model=WorkerFile,
        form_fields=(),  # the files' own form (records.forms): a file with its head and members
        list_columns=LIST_COLUMNS,
        sheet=[
            Section("档案", ["code", "category"]),
            Section("户主及家庭情况", HEAD, pairs=3, wide=["address", "registration_area"]),
            MEMBERS,
            Section("其他情况", CLOSING),
        ],
        filter_fields=["code", "head_name", "employer", "category"],
        query_fields=["code", "category", *HEAD_CONDITIONS, *FILE_CONDITIONS, ENTERED],
        query_extras=QUERY_EXTRAS,
        copies={"head.name": "head_name"},  # WorkerFile.head_name, kept by the database
        stat_dimensions=STAT_DIMENSIONS,
        stat_measures=[count("职工人数"), count_related("供养人口数", FamilyMember, "file")],  # members: not the head
        stat_rows=counted_files,
        stat_on_open=False,  # a national table of millions of files waits for 统计
        edit_policy=ALWAYS,
        edit_rule=services.can_edit,  # not a cancelled file
        events=FileEvent,
        title=file_title,
        lists=[
            file_list("hardship", [DELETE, CONVERT], nav=True, new=""),
            file_list("migrant", [DELETE, CONVERT], nav=True, new=""),
            file_list("temporary", [DELETE], nav=True, new="temporary=1"),
            file_list("problems", [DELETE]),
            file_list("migrant_problems", [DELETE]),
            file_list("cancelled", [RESTORE]),
        ],
        pages={"create": views.file_create, "edit": views.file_edit, "delete": views.file_delete},
        extras=[
            views_detail.file_life_cycle,
            views_detail.file_changes_part,
            views_detail.file_related,
            views_detail.file_timeline_part,
            views_detail.file_history_part,
        ],  # fmt: skip
        gone=selectors.refuse_merged_away,
        links=[
            ("修改职工档案", "records:file_modify"),
            ("Excel批量导入", "records:file_import"),
            ("恢复注销档案", "records:file_restore"),
            ("下载档案表格", "records:file_blank_form"),
        ],
    )
)
