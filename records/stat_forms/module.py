"""报表管理 (ch. 9–13) declared on the kit: one generic record, StatForm, whose six forms are
data (catalogue). The kit gives the lists with report/return, the record's page, query and
delete; the module's own pages are its paper-like entry form, print and Excel (views), the
statistics of a form and period, and completeness (statistics, completeness)."""

from datetime import date

from records.kit.declaration import RecordModule, Section, register
from records.kit.pages import Page
from records.stat_forms import rules_report, services, statistics, views, views_deadlines
from records.stat_forms.models import StatForm

HEADER = ["form_type", "year", "quarter", "reporter", "phone", "reported_on"]


# The demo's forms of one unit, one per form type (one form per unit, type and period): this
# year's, and the last quarter's for the quarterly 培训统计表 — periods not locked yet.
DEMO_FORMS = ["school_aid", "warmth", "journey_home", "journey_back", "centre_stats", "training_stats"]


def demo_row(rng, n: int, codes) -> dict:
    """The n-th form of a unit: 金秋助学 with figures that keep its hard rules, then the other
    types left at zero (a unit that had nothing of them to report)."""
    form_type = DEMO_FORMS[n % len(DEMO_FORMS)]
    row = {
        "form_type": form_type, "year": date.today().year, "quarter": 4 if form_type == "training_stats" else 0,
        "reporter": "统计员", "phone": f"028-{rng.randrange(10**7, 10**8)}", "reported_on": date.today(),
        "values": {},
    }  # fmt: skip
    if form_type == "school_aid":
        raised, children = rng.randrange(4, 40), rng.randrange(10, 200)
        row["values"] = {"1A": raised, "1B": raised // 2, "1D": raised - raised // 2,
                         "3A": children, "3B": children // 2, "3C": children - children // 2}  # fmt: skip
    return row


stat_forms = register(
    RecordModule(
        key="stat_forms",
        label="统计报表",
        model=StatForm,
        form_fields=HEADER,
        list_columns=["form_type", "year", "quarter", "reporter", "phone", "reported_on"],
        sheet=[Section("报表", HEADER)],
        filter_fields=["form_type", "year"],
        query_fields=["form_type", "year", "quarter", "reporter", "reported_on"],
        stat_dimensions=["form_type"],
        demo_row=demo_row,
        pages={
            "create": lambda request: views.stat_form_create(request, stat_forms),
            "edit": lambda request, pk: views.stat_form_edit(request, stat_forms, pk),
            "print": lambda request, pk: views.stat_form_print(request, stat_forms, pk),
            "excel": lambda request, pk: views.stat_form_excel(request, stat_forms, pk),
            "statistics": lambda request: statistics.statistics_page(request, stat_forms),
        },
        extras=[views.paper_part],
        own_pages=[
            Page("completeness", "completeness/", views_deadlines.completeness_page),
            Page("exception", "completeness/exception/", views_deadlines.exception_page, "post"),
            Page("deadlines", "deadlines/", views_deadlines.deadlines_page),
            Page("rules", "rules/", rules_report.rules_page),
        ],
        before_save=services.before_save,
        links=[
            ("报表上报情况", "stat_forms:completeness"),
            ("校验规则", "stat_forms:rules"),
            ("上报截止日期", "stat_forms:deadlines"),
        ],
    )
)
