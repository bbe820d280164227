"""What every statistics page does with its cross-tab (the kit's statistics, 退回原因统计,
帮扶中心信息统计): its Excel when `?format=xlsx` asks, else the page's table with its chart and
its links."""

from django.http import HttpResponse

from forms_stats.crosstab import CrossTab, chart_data
from forms_stats.excel import xlsx_response

OUTPUTS = ("format", "print")  # query parameters that choose an output of the page, not its table


def url_with(request, **params) -> str:
    """This page's query with another output chosen."""
    query = request.GET.copy()
    for name in OUTPUTS:
        query.pop(name, None)
    query.update(params)
    return "?" + query.urlencode()


def excel_answer(request, table: CrossTab | None, fallback: str) -> HttpResponse | None:
    """The table's Excel file when the page's query asks for it; `fallback` is its ASCII name."""
    if table is None or request.GET.get("format") != "xlsx":
        return None
    return xlsx_response(table, f"{table.title}-{table.unit.name}.xlsx", fallback)


def table_context(request, table: CrossTab | None) -> dict:
    """templates/forms_stats/_table_and_chart.html's: the table, its chart, its Excel link."""
    return {
        "table": table,
        "chart": chart_data(table) if table else None,
        "excel_url": url_with(request, format="xlsx"),
    }
