"""查询 of every declared module with `query_fields` (manual 2.2.7 and modules-spec §0): the
module's list (same state tabs, counts, report/return, display preferences) with the query form
(records.kit.query) as its filter, the four print options and the same four as Excel
(records.kit.results), and the page of a worker's export with its progress and download.

The query form is posted; its conditions go to the URL with ID numbers swapped for tokens of
the session. Print and Excel are links on the results (GET, the same tokens)."""

from functools import cache

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from approvals.lists import EXPORT_OPTIONS
from approvals.selectors import visible_to
from org.errors import DomainError
from org.views.switcher import selected_unit
from records import excel
from records.kit import results, tasks
from records.kit.events import KitEvent
from records.kit.pages import Page, add_pages
from records.kit.query import matching, private_conditions, query_form, resolved, tokenized
from records.kit.sheet import display_text
from records.kit.views import list_view

PRINT = "print"  # ?export=<option>&print=1: the option as a print view instead of Excel
CONFIRMED = "confirmed"  # the POST of the confirmation that starts a worker's export


class QueryListMixin:
    """Mixed before a module's list class (query_view): the list with the query as its filter."""

    template_name = "kit/query.html"
    export_options = EXPORT_OPTIONS

    @property
    def private(self) -> tuple[str, ...]:
        return private_conditions(self.module)

    def base_queryset(self):
        """Every row of the module, whichever of its lists the query is made on (a file's
        档案类别 is one of its conditions)."""
        return self.model.objects.all()

    def filter_data(self):
        return resolved(self.request.GET, self.request.session, self.private) if self.request.GET else None

    def post(self, request, *args, **kwargs):
        if request.POST.get("q"):  # the query form: its conditions go to the URL, tokenized
            return redirect(f"{request.path}?{tokenized(request.POST, request.session, self.private).urlencode()}")
        if request.GET.get("export") and request.POST.get(CONFIRMED):  # 后台生成 confirmed: the list's GET
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def filter_queryset(self, queryset, data):
        if not data.get("q"):
            return self.unfiltered(queryset, None)
        return matching(self.module, queryset, data, selected_unit(self.request))

    def unfiltered(self, queryset, form):
        """Before 查询, and for invalid conditions: no results (an always-false id condition,
        which the list's counts and unions can still compile)."""
        return queryset.filter(pk__lt=0)

    def list_actions(self):
        """Back to the list instead of the link to this page."""
        module = self.module
        own = module.url("query")
        return [(f"{module.label}列表", module.url("list")), *(a for a in super().list_actions() if a[1] != own)]

    # --- print and Excel ----------------------------------------------------------------------

    def export(self, option, *, everything, page):
        unit = self.request.user.unit
        if option in results.PAGE_OPTIONS:
            rows = visible_to(self.model.objects.filter(pk__in=page), unit).order_by(*self.display.ordering())
        else:
            rows = everything
        columns = results.columns_for(self.module, option, self.display.columns)
        if self.request.GET.get(PRINT):
            return self.print_results(option, rows, columns)
        return self.excel(option, rows, columns)

    def print_results(self, option, rows, columns):
        module, unit = self.module, self.request.user.unit
        capped = option not in results.PAGE_OPTIONS  # a page is at most 200 rows
        lines = results.ResultLines(module, rows[: results.PRINT_LIMIT + 1] if capped else rows, columns, unit=unit)
        printed = list(lines)
        too_many = capped and len(printed) > results.PRINT_LIMIT
        if not too_many:
            results.audit_results(KitEvent.RESULTS_PRINTED, request=self.request, module=module, option=option,
                                  lines=lines)  # fmt: skip
        form = query_form(module)(self.filter_data())
        context = {
            "title": results.file_title(module),
            "option": dict(EXPORT_OPTIONS)[option],
            "conditions": form.described() if form.is_valid() else [],
            "selected_unit": selected_unit(self.request),
            "headers": results.headers_of(columns, reported=module.reported),
            "lines": [] if too_many else [[display_text(value) for value in line] for line in printed],
            "too_many": too_many,
            "limit": results.PRINT_LIMIT,
            "back_url": f"{self.request.path}?{self.query_without('export', PRINT)}",
        }
        return render(self.request, "kit/query_print.html", context)

    def excel(self, option, rows, columns):
        module = self.module
        if option not in results.PAGE_OPTIONS and results.more_than(rows, results.EXCEL_LIMIT):
            if results.more_than(rows, results.WORKER_LIMIT):
                messages.error(self.request, f"查询结果超过 {results.WORKER_LIMIT} 条,请缩小查询条件后再导出。")
                return redirect(f"{self.request.path}?{self.query_without('export')}")
            if self.request.method != "POST":  # a job is a write: asked for by the confirmation's POST
                context = {"module": module, "title": f"{module.label}查询", "limit": results.EXCEL_LIMIT,
                           "option": dict(EXPORT_OPTIONS)[option],
                           "back_url": f"{self.request.path}?{self.query_without('export')}"}  # fmt: skip
                return render(self.request, "kit/query_export_confirm.html", context)
            return self.export_later(option, columns)
        lines = results.ResultLines(module, rows, columns, unit=self.request.user.unit)
        title, headers = results.file_title(module), results.headers_of(columns, reported=module.reported)
        response = excel.xlsx_response(results.download_name(module), title=title, headers=headers, rows=lines)
        results.audit_results(
            KitEvent.RESULTS_EXPORTED, request=self.request, module=module, option=option, lines=lines
        )
        return response

    def export_later(self, option, columns):
        """All results beyond EXCEL_LIMIT: a job for the worker, and its progress page."""
        data = self.filter_data()
        conditions = {name: data.get(name) for name in data if name not in ("export", PRINT, "after")}
        sort = self.display.sort.stored() if self.display.sort else ""
        job = results.result_export_request(
            actor=self.request.user, module=self.module, conditions=conditions, option=option,
            columns=columns, sort=sort, request=self.request,
        )  # fmt: skip
        tasks.send_result_export(job.pk)
        messages.info(
            self.request, f"查询结果超过 {results.EXCEL_LIMIT} 条,已转入后台生成Excel文件,完成后可在本页下载。"
        )
        return redirect(self.module.url("query_export", job.pk))


@cache
def query_view(module) -> type:
    attrs = {"title": f"{module.label}查询", "filter_form_class": query_form(module)}
    return type(f"{module.model.__name__}QueryView", (QueryListMixin, list_view(module)), attrs)


def query_page(request, module):
    return query_view(module).as_view()(request)


# --- a worker's export ---------------------------------------------------------------------------


@require_GET
def result_export_page(request, module, pk):
    """The job's progress (the page refreshes itself while it runs), then its download
    (`?download=1`). Only the requesting user sees it."""
    if request.GET.get("download"):
        try:
            job, path = results.result_export_download(actor=request.user, module=module, pk=pk, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(module.url("query_export", pk))
        name = results.download_name(module, job.finished_at)
        return excel.private(FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=excel.XLSX))
    job = results.get_result_export_for_user(request.user, module, pk)
    context = {
        "module": module,
        "job": job,
        "title": f"{results.file_title(module)}导出",
        "option": dict(EXPORT_OPTIONS).get(job.option, job.option),
        "query_url": module.url("query"),
    }
    return render(request, "kit/query_export.html", context)


add_pages(
    Page("query", "query/", query_page, when=lambda module: bool(module.query_fields)),
    Page("query_export", "query/exports/<int:pk>/", result_export_page, target="result_export",
         when=lambda module: bool(module.query_fields)),
)  # fmt: skip
