"""职工档案统计 (manual 2.2.8): the statistics page, its print view and its Excel download."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from forms_stats.excel import xlsx_response
from org.models import Module
from org.permissions import module_required
from org.views.switcher import unit_switcher_context
from records.statistics import TITLE, FileStatisticsForm
from records.statistics import file_statistics as build_file_statistics


@module_required(Module.FILES)
@require_GET
def file_statistics(request):
    """The form; once submitted (any query string), the table for the unit chosen with the
    switcher (`?unit=`, 404 outside the user's subtree); `?format=xlsx` downloads it."""
    switcher = unit_switcher_context(request)
    form = FileStatisticsForm(request.GET or None)
    table = None
    if form.is_bound and form.is_valid():
        table = build_file_statistics(form, viewer=request.user.unit, unit=switcher["selected_unit"])
        if request.GET.get("format") == "xlsx":
            return xlsx_response(table, f"{TITLE}-{table.unit.name}.xlsx", "file-statistics.xlsx")
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "xlsx"
    context = {**switcher, "form": form, "table": table, "excel_url": "?" + query.urlencode(), "title": TITLE}
    return render(request, "records/file_statistics.html", context)
