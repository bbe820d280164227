"""职工档案查询 (manual 2.2.7): the file list with the advanced query form as its filter, and
the Excel export of the results in the four print options (page / all × shown / all fields).

The results are the shared list (approvals.lists): the same state labels, counts, unit
selector, checkboxes and report/return, the user's display preferences."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import redirect

from approvals.lists import EXPORT_OPTIONS, Column
from audit.services import audit_record
from org.views.switcher import selected_unit
from records import id_numbers
from records.events import FileEvent
from records.excel import xlsx_response
from records.households.module import files
from records.kit.query import resolved, tokenized
from records.kit.views import list_view
from records.models import Person, WorkerFile
from records.query import FileQueryForm, filter_files
from records.selectors import FILE_KINDS

# "All results" are written while the user waits only up to this many rows; beyond it the
# bulk export (批量导出, run by a worker) is the way.
EXPORT_LIMIT = 50_000
EXPORT_CHUNK = 2_000
ID_NUMBER_FIELD = "head.id_number"


def _all_columns() -> list[Column]:
    """全部字段: the owning unit, every field of the file, and the head's fields."""
    columns = [Column("unit.name", "填报单位")]
    for field in WorkerFile._meta.concrete_fields:
        if field.name in ("unit", "head") or (not field.editable and field.name != "status"):
            continue
        columns.append(Column(field.name, str(field.verbose_name)))
        if field.name == "household_size":
            columns.append(Column("per_capita_income", "家庭年人均收入(元)"))
    for name in ("name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "health",
                 "disability_category", "identity"):  # fmt: skip
        field = Person._meta.get_field(name)
        label = "户主姓名" if name == "name" else str(field.verbose_name)
        columns.append(Column(f"head.{name}", label))
    return columns


ALL_COLUMNS = _all_columns()


def cell_value(column: Column, row):
    """A column's value for a spreadsheet: like the list's (labels for codes and choices), but
    dates and numbers stay typed so Excel can sort and sum them."""
    *path, name = column.field.split(".")
    for step in path:
        row = getattr(row, step)
    display = getattr(row, f"get_{name}_display", None)
    return display() if display else getattr(row, name)


def related_paths(model, columns) -> list[str]:
    """select_related paths for what the columns read through relations (one query per chunk)."""
    paths = set()
    for column in columns:
        current, steps = model, []
        for step in column.field.split("."):
            try:
                field = current._meta.get_field(step)
            except FieldDoesNotExist:  # a property such as per_capita_income
                break
            if not field.is_relation:
                break
            steps.append(step)
            paths.add("__".join(steps))
            current = field.related_model
    return sorted(paths)


# Conditions too personal for a URL (DESIGN.md §7: never an ID number in a URL or a log): the
# query form posts them; the URL carries a short-lived opaque token kept in the session.
PRIVATE_CONDITIONS = ("head_id_number",)


class FileQueryView(list_view(files)):
    title = "职工档案查询"
    template_name = "records/file_query.html"
    filter_form_class = FileQueryForm
    export_options = EXPORT_OPTIONS

    def filter_data(self):
        return resolved(self.request.GET, self.request.session, PRIVATE_CONDITIONS) if self.request.GET else None

    def post(self, request, *args, **kwargs):
        if request.POST.get("q"):  # the query form: its conditions go to the URL, tokenized
            return redirect(
                f"{request.path}?{tokenized(request.POST, request.session, PRIVATE_CONDITIONS).urlencode()}"
            )
        return super().post(request, *args, **kwargs)

    def base_queryset(self):
        return WorkerFile.objects.all()

    def filter_queryset(self, queryset, data):
        if not data.get("q"):
            return self.unfiltered(queryset, None)
        return filter_files(queryset, data, kinds=FILE_KINDS, unit=selected_unit(self.request))

    def unfiltered(self, queryset, form):
        """Before 查询, and for invalid conditions: no results (an always-false id condition,
        which the list's counts and unions can still compile)."""
        return queryset.filter(pk__lt=0)

    # --- Excel ------------------------------------------------------------------------------

    def export(self, option, *, everything, page):
        columns = self.display.columns if option.endswith("_shown") else ALL_COLUMNS
        if option.startswith("page"):
            rows = WorkerFile.objects.filter(pk__in=page).order_by(*self.display.ordering())
        else:
            if everything.order_by().values("pk")[: EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
                messages.error(
                    self.request,
                    f"查询结果超过 {EXPORT_LIMIT} 条,不能在此直接导出。请缩小查询条件,"
                    "或使用“批量导出”功能(由后台生成文件)。",
                )
                return redirect(f"{self.request.path}?{self.query_without('export')}")
            rows = everything
        rows = rows.select_related(*related_paths(WorkerFile, columns))
        user = self.request.user
        full_shown = [0]  # files whose full ID numbers went into the file

        def lines():
            for row in rows.iterator(chunk_size=EXPORT_CHUNK):
                # Full ID numbers only for the owning unit's clerks (the view requires the module).
                full = row.unit_id == user.unit_id
                line = []
                for column in columns:
                    value = cell_value(column, row)
                    if column.field == ID_NUMBER_FIELD and not full:
                        value = id_numbers.mask(value)
                    line.append(value)
                if full and any(c.field == ID_NUMBER_FIELD for c in columns):
                    full_shown[0] += 1
                yield line

        filename = f"{self.title}_{date.today():%Y%m%d}.xlsx"
        response = xlsx_response(filename, title=self.title, headers=[c.label for c in columns], rows=lines())
        if full_shown[0]:
            audit_record(
                event=FileEvent.ID_NUMBERS_VIEWED,
                actor=user,
                request=self.request,
                detail={"page": "file_query_excel", "option": option, "files": full_shown[0]},
            )
        return response
