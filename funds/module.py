"""实名制汇总表 declared on the kit (manual 14.2–14.4, modules-spec §14.2): the `funds` module of
the reporting engine (list, page, print, Excel, report/return, quick report, display
preferences). Its two lists are the menu's 中央财政资金帮扶情况 and 地方帮扶资金情况; its rows are
the assistance measure lines the picker adds (funds.views_summary)."""

from datetime import date

from django import forms
from django.db.models import Q

from funds import reconcile, services, views_summary
from funds.models import Category, FundSummary, Scope
from records.kit.declaration import ListKind, RecordModule, Section, count, register, sum_of
from records.kit.pages import RECORD, Page

HEADER = ["year", "scope", "category", "reporter", "phone", "filled_on"]
FIRST_YEAR = 2008  # the system's first year of use (the manual's sample tables)


def year_choices() -> list[tuple[str, str]]:
    """年份: this year first, back to FIRST_YEAR (a table is of a year that has begun)."""
    return [("", "请选择年份"), *((str(y), f"{y}年") for y in range(date.today().year, FIRST_YEAR - 1, -1))]


CENTRAL_CATEGORIES = [c for c in Category if c != Category.OTHER]


def demo_row(rng, n: int, codes) -> dict:
    """This year's table of one of the six central categories (the lines come from the picker)."""
    return {
        "scope": Scope.CENTRAL, "category": CENTRAL_CATEGORIES[n % len(CENTRAL_CATEGORIES)],
        "year": date.today().year, "reporter": "财务科", "phone": f"028-{rng.randrange(10**7, 10**8)}",
        "filled_on": date.today(),
    }  # fmt: skip


funds = register(
    RecordModule(
        key="funds",
        label="实名制汇总表",
        model=FundSummary,
        form_fields=[*HEADER, "remarks"],
        list_columns=["year", "scope", "category", "reporter", "filled_on", "total"],
        sheet=[Section("汇总表", [*HEADER, "total", "remarks"])],
        filter_fields=["year", "category"],
        query_fields=["year", "scope", "category", "reporter", "filled_on", "total"],
        stat_dimensions=["category", "scope"],
        stat_measures=[count("张数"), sum_of("帮扶资金总额(元)", "total")],
        lists=[
            ListKind("list", "中央财政资金帮扶情况", Q(scope=Scope.CENTRAL), new=f"scope={Scope.CENTRAL}"),
            ListKind("local", "地方帮扶资金情况", Q(scope=Scope.LOCAL), new=f"scope={Scope.LOCAL}"),
        ],
        widgets={
            "scope": forms.RadioSelect,
            "year": forms.Select(choices=year_choices),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        },
        demo_row=demo_row,
        extras=[views_summary.lines_part],
        pages={
            "print": lambda request, pk: views_summary.summary_print(request, funds, pk),
            "excel": lambda request, pk: views_summary.summary_excel(request, funds, pk),
        },
        own_pages=[
            Page("lines", "<int:pk>/lines/", views_summary.lines_pick, target=RECORD),
            Page("line_remove", "<int:pk>/lines/remove/", views_summary.line_remove, "post", target=RECORD),
            Page("summary_statistics", "summary-statistics/", views_summary.summary_statistics),
            Page("reconcile", "reconcile/", reconcile.reconcile_page),
        ],
        links=[
            ("收支明细", "ledger:entries"),
            ("资金情况统计", "ledger:statistics"),
            ("实名制汇总表人数金额统计", "funds:summary_statistics"),
        ],  # fmt: skip
        before_delete=services.summary_release,
    )
)
