"""批量帮扶 (manual 3.2.4, modules-spec §3.2.4) for every module whose rows belong to a household
file and that asks for it (PersonLink(batch=…)): a simple filter over the formal, active files
the unit sees (its own whatever their state, its subordinates' once reported to it) → check
many, or all that match → one entry form without the person → one row per file, owned and held
by the acting unit.

The rows are written set-based: the form's values are checked once on a sample row (the
declaration's rule across the lines, the model's rules, the parts' hooks), then one statement
inserts the rows from the files' query and their lines from the inserted ids. No Python loop
over rows: 10,000 files are one INSERT … SELECT (bench: "batch assistance")."""

from functools import cache

from django.contrib import messages
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from approvals.lists import capped_counts
from approvals.selectors import from_subtree, visible_to
from audit.models import AuditLog
from audit.services import audit_record, audit_row
from org.errors import DomainError
from org.models import Unit, User
from org.permissions import require_module
from org.selectors import get_unit_in_subtree
from org.views.switcher import switcher_context
from records.kit import declaration, services, wiring
from records.kit.declaration import RecordModule
from records.kit.forms import bound_lines, record_form
from records.kit.pages import Page, add_pages
from records.kit.query import matching, query_filterset, query_form
from records.kit.views import saved_with_lines, valid_with_lines
from records.models import FileKind, WorkerFile

# Formal files (正式职工档案): the hardship and migrant-worker lists; a temporary or a cancelled
# file is not helped in a batch (WorkerFile.kind is active by construction for these two).
FORMAL_ACTIVE = Q(kind__in=[FileKind.HARDSHIP, FileKind.MIGRANT])
# 职工编号, 姓名, 身份证号, 工作单位, 困难类别: the files' own query conditions of these names.
CONDITIONS = ("code", "head_name", "head_id_number", "employer", "category")
SHOWN = 200  # files listed to check; "all that match" takes the rest
FILTER = "filter"
NONE_CHOSEN = "请先勾选要帮扶的职工,或选择“全部符合条件的职工”。"


def batch_files(unit: Unit) -> QuerySet[WorkerFile]:
    """The files a batch may take: formal and active, as `unit` sees them."""
    return visible_to(WorkerFile.objects.filter(FORMAL_ACTIVE), unit)


# --- the service ----------------------------------------------------------------------------


def _columns(instance, skip: set[str]) -> tuple[list[str], list[str], list]:
    """A new instance's columns but `skip`: their names, `CAST(%s AS type)` placeholders (the
    VALUES of a lines' insert have no column to take a type from), and their values as a save
    writes them (auto_now and defaults included)."""
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key and f.attname not in skip]
    names = [connection.ops.quote_name(f.column) for f in fields]
    casts = [f"CAST(%s AS {f.db_type(connection)})" for f in fields]
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    return names, casts, values


def _audit_sql(module: RecordModule, audit: AuditLog) -> tuple[str, list]:
    """The CTE auditing each new row as its own save would (新增<label>, the row, its file's
    head): `audit` is the prototype of every column but the row's own."""
    names, casts, values = _columns(audit, {"object_id", "object_repr"})
    head = connection.ops.quote_name(WorkerFile._meta.get_field("head_name").column)
    sql = (
        f", audit AS (INSERT INTO {connection.ops.quote_name(AuditLog._meta.db_table)} "
        f"({', '.join(names)}, object_id, object_repr) "
        f"SELECT {', '.join(casts)}, new.id::text, left(wf.{head} || ' ' || %s, 200) FROM new "
        f"JOIN {connection.ops.quote_name(WorkerFile._meta.db_table)} wf ON wf.id = new.batch_file)"
    )
    return sql, [*values, module.label]


def _insert_sql(module: RecordModule, row, files: QuerySet, lines: list, audit: AuditLog) -> tuple[str, list]:
    """One statement: the rows, a copy of `row` for each file of `files`, each row's copy of
    `lines` and its audit row; it answers the number of rows."""
    link = row._meta.get_field(module.person.field)
    names, casts, values = _columns(row, {link.attname})
    files_sql, files_params = files.order_by().values(batch_file=F("pk")).query.sql_with_params()
    quoted_link = connection.ops.quote_name(link.column)
    sql = (
        f"WITH new AS (INSERT INTO {connection.ops.quote_name(row._meta.db_table)} "
        f"({', '.join(names)}, {quoted_link}) "
        f"SELECT {', '.join(casts)}, f.batch_file FROM ({files_sql}) AS f RETURNING id, {quoted_link} AS batch_file)"
    )
    params = [*values, *files_params]
    audit_sql, audit_params = _audit_sql(module, audit)
    sql += audit_sql
    params += audit_params
    if lines:
        owner = row._meta.get_field(module.lines.relation).field  # the lines' key to the row
        line_names, line_casts, _values = _columns(lines[0], {owner.attname})
        rows_sql = ", ".join(f"({', '.join(line_casts)})" for _line in lines)
        sql += (
            f", lines AS (INSERT INTO {connection.ops.quote_name(lines[0]._meta.db_table)} "
            f"({connection.ops.quote_name(owner.column)}, {', '.join(line_names)}) "
            f"SELECT new.id, l.* FROM new CROSS JOIN (VALUES {rows_sql}) AS l)"
        )
        params += [value for line in lines for value in _columns(line, {owner.attname})[2]]
    return sql + " SELECT count(*) FROM new", params


@transaction.atomic
def record_batch_create(
    *, actor: User, module: RecordModule, files: QuerySet, data: dict, lines: dict | None = None, request=None
) -> int:
    """One new row of `data` (and `lines`) for each of `files` the actor's unit may take
    (re-checked here, whatever the page sent), owned and held by that unit, not reported; the
    same rules as one row. Returns how many were made."""
    require_module(actor, module.permission)
    files = batch_files(actor.unit).filter(pk__in=files.order_by().values("pk"))
    sample_file = files.order_by().first()
    if sample_file is None:
        raise DomainError("没有可帮扶的职工档案:只能为本单位可查看的正式在档职工档案批量填写。")
    row = module.model(**data, **{module.person.field: sample_file})
    row.place_at_owner(actor.unit)
    settled = services.prepared(module, row, actor, data, lines)
    audit = audit_row(event=wiring.EVENTS[module.key].CREATED, actor=actor, request=request)
    audit.object_type = module.model._meta.model_name
    sql, params = _insert_sql(module, row, files, [settled[pos] for pos in sorted(settled)], audit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        made = cursor.fetchone()[0]
    audit_record(
        event=wiring.EVENTS[module.key].BATCH_CREATED,
        actor=actor,
        request=request,
        detail={"module": module.key, "count": made},
    )  # fmt: skip  (and each row's 新增, above)
    return made


# --- the page -------------------------------------------------------------------------------


@cache
def batch_form(module: RecordModule):
    """The entry form without the person's fields and the later facts (PersonLink.batch_skips)."""
    skips = set(module.person.batch_skips)
    meta = type("Meta", (record_form(module).Meta,), {"fields": [f for f in module.form_fields if f not in skips]})
    return type(f"{module.model.__name__}BatchForm", (record_form(module),), {"Meta": meta})


@cache
def filter_form():
    return query_form(declaration.of_model(WorkerFile), CONDITIONS)


def _selected_unit(request) -> Unit:
    pk = request.POST.get("unit")
    return get_unit_in_subtree(request.user, pk) if pk else request.user.unit


def matching_files(request, form, selected: Unit) -> QuerySet[WorkerFile]:
    """The files of a valid filter: 填报单位 `selected`, with its subordinates' when asked."""
    files_module = declaration.of_model(WorkerFile)
    rows = batch_files(request.user.unit)
    if selected != request.user.unit:
        rows = from_subtree(rows, selected)
    return matching(files_module, rows, form.cleaned_data, selected, query_filterset(files_module, CONDITIONS))


def chosen_files(request, files: QuerySet) -> QuerySet[WorkerFile] | None:
    """The checked files, or all that match (`all`); None when nothing was chosen."""
    if request.POST.get("all") == "1":
        return files
    pks = [int(pk) for pk in request.POST.getlist("pks") if pk.isascii() and pk.isdigit()]
    return files.filter(pk__in=pks) if pks else None


def counted(files: QuerySet) -> str:
    """How many, up to COUNT_CAP ("10000+"): a province's files run to 100,000s."""
    ((total, capped),) = capped_counts([files])
    return f"{total}{'+' if capped else ''}"


def _results(files: QuerySet) -> dict:
    shown = list(files.select_related("unit").order_by("pk")[:SHOWN])
    return {"files": shown, "more": len(shown) == SHOWN, "total": counted(files)}


@require_http_methods(["GET", "POST"])
def batch_page(request, module: RecordModule):
    """Filter → check → the entry form → save: every step a POST (an ID number never goes into a
    URL), the filter and the choice carried along as hidden fields."""
    require_module(request.user, module.permission)
    selected = _selected_unit(request)
    form = filter_form()(request.POST or None, prefix=FILTER)  # apart from the entry form: both have 类别
    context = {"module": module, "title": module.person.batch, "filter_form": form,
               **switcher_context(request.user.unit, selected)}  # fmt: skip
    if not form.is_valid():
        return render(request, "kit/batch.html", context)
    files = matching_files(request, form, selected)
    step = request.POST.get("step", "")
    chosen = chosen_files(request, files) if step in ("entry", "save") else None
    if step in ("entry", "save") and chosen is None:
        messages.error(request, NONE_CHOSEN)
    if chosen is None:
        return render(request, "kit/batch.html", context | _results(files))
    entry = batch_form(module)(request.POST if step == "save" else None)
    lines = bound_lines(module, request.POST if step == "save" else None)
    if step == "save" and valid_with_lines(entry, lines):
        made = saved_with_lines(request, module, entry, lines, lambda data, entered: record_batch_create(
            actor=request.user, module=module, files=chosen, data=data, lines=entered, request=request))  # fmt: skip
        if made is not None:
            messages.success(request, f"{module.person.batch}:已为 {made} 名职工增加{module.label}信息。")
            return redirect(module.url("list"))
    context |= {"entry": entry, "lines": lines, "lines_title": module.lines.title if lines else "",
                "all": request.POST.get("all") == "1", "pks": request.POST.getlist("pks"),
                "chosen_total": counted(chosen)}  # fmt: skip
    return render(request, "kit/batch_entry.html", context)


add_pages(Page("batch", "batch/", batch_page, when=wiring.batch_of))
