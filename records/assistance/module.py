"""帮扶救助 declared on the kit (manual ch. 3, modules-spec §3): every record belongs to a
household file (the entry starts with the ID number) and carries up to three measure lines."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.db.models import Exists, OuterRef, Q

from approvals.selectors import visible_to
from records.assistance import follow_ups, rules, services
from records.assistance import views as assistance_views
from records.assistance.models import MEASURE_LINES, Assistance, AssistanceMeasure, Helped, measures_text
from records.kit import services as kit_services
from records.kit import views as kit_views
from records.kit.declaration import (
    Computed,
    Lines,
    ListKind,
    PersonLink,
    RecordModule,
    Section,
    count,
    register,
    sum_of,
)
from records.kit.query import CODE, Condition

PERSON = ["file.code", "file.head_name", "file.employer", "file.phone"]
ASSISTANCE = ["category", "assisted_on", "helped", "form", "amount", "details", "not_helped_reason"]
EXIT = ["exited", "exit_on", "exit_method"]
MEASURES = Lines(
    "帮扶措施", "measures",
    columns=["position", "measure", "fund_source", "amount", "summarized_in"],
    empty="无帮扶措施(未帮扶)。",
    fields=["measure", "amount", "fund_source"],
    rows=MEASURE_LINES,
    settle=rules.settle_measures,
    locked=rules.line_locked,
    stat_measures=[count("人次"), sum_of("金额(元)", "amount")],  # by 帮扶措施 / 资金类别: one 人次 a line
)  # fmt: skip
MEASURES_TEXT = Computed("measures_text", "帮扶措施", expression=measures_text())


def with_measure(rows, measure):
    """帮扶措施 (3.2.5): the records with a line of that measure, each once."""
    return rows.filter(Exists(AssistanceMeasure.objects.filter(assistance=OuterRef("pk"), measure=measure)))


def own_unit(user) -> Q:
    """The rows the user's own unit entered (a superior's view of them is not its to change)."""
    return Q(unit=user.unit_id)


QUERY_EXTRAS = [
    Condition("measure", "measures__measure", CODE, "帮扶措施", MEASURES.title, table="assistance_measure",
              method=with_measure),
]  # fmt: skip


def times_helped(request, module, row, given) -> str:
    """records.kit.views.FORM_NOTES: a new record's form says how often the household was helped
    before, as far as the viewer's unit sees (modules-spec §3.2.1.1)."""
    if module.model is not Assistance or row is not None or "file" not in given:
        return ""
    helped = Assistance.objects.filter(file=given["file"], helped=Helped.HELPED)
    n = visible_to(helped, request.user.unit).count()
    return f"该户已帮扶 {n} 次。" if n else "第一次帮扶。"


kit_views.FORM_NOTES.append(times_helped)


def demo_row(rng, n: int, codes) -> dict:
    assisted = date.today() - timedelta(days=rng.randrange(10, 300))
    helped = n % 6 != 5
    row = {
        "category": rng.choice(codes["assistance_category"]),
        "assisted_on": assisted,
        "helped": Helped.HELPED if helped else Helped.NOT_HELPED,
        "form": rng.choice(codes["assistance_form"]) if helped else None,
        "details": "走访慰问,发放救助金。" if helped else "",
        "not_helped_reason": "" if helped else "经核实家庭收入已超过当地困难标准。",
        "lines": {
            position: {
                "measure": rng.choice(codes["assistance_measure"]),
                "amount": Decimal(rng.randrange(2, 60) * 100),
                "fund_source": rng.choice(codes["fund_source"]),
            }
            for position in range(1, (rng.randrange(1, MEASURE_LINES + 1) if helped else 0) + 1)
        },
    }
    if helped and n % 4 == 0:
        row |= {"exited": True, "exit_on": assisted + timedelta(days=rng.randrange(1, 9)),
                "exit_method": rng.choice(codes["exit_method"])}  # fmt: skip
    return row


assistance = register(
    RecordModule(
        key="assistance",
        label="帮扶救助",
        model=Assistance,
        form_fields=[*ASSISTANCE[:4], *ASSISTANCE[5:], *EXIT, "remarks"],
        list_columns=["file.code", "file.head_name", "category", "assisted_on", MEASURES_TEXT.name, "amount"],
        list_extras=[MEASURES_TEXT],
        sheet=[
            Section("帮扶对象", PERSON),
            Section("帮扶情况", ASSISTANCE, wide=["details", "not_helped_reason"]),
            MEASURES,
            Section("脱困情况", EXIT),
            Section("其他", ["remarks"]),
        ],
        filter_fields=["file.head_name", "category", "helped", "exited"],
        query_fields=[
            "file.head_name",
            "file.head.id_number",
            "helped",
            "category",
            "form",
            "amount",
            "assisted_on",
            "exited",
            "exit_method",
            "exit_on",
        ],  # fmt: skip
        query_extras=QUERY_EXTRAS,
        stat_dimensions=[
            "helped",
            "category",
            "form",
            "measures.measure",
            "measures.fund_source",
            "exited",
            "exit_method",
        ],  # fmt: skip
        stat_measures=[count("人次"), sum_of("金额(元)", "amount")],
        person=PersonLink(
            offer_on_files="增加帮扶救助信息", batch="批量帮扶", batch_skips=EXIT, timeline_date="assisted_on"
        ),
        lists=[
            ListKind("list", "帮扶情况填报"),
            # 3.2.3: the own unit's records it may still edit (held unreported: a subordinate's row
            # that reached this unit is held by it but owned below, so holder = unit excludes it).
            ListKind("editable", "修改帮扶救助信息", kit_services.held_unreported(), nav=False),
            # 3.2.2: the own unit's records, whatever their state; a row opens its exit form.
            ListKind("exits", "填写脱困信息", own_unit, row_actions=(), nav=False, new=None, opens="exit"),
        ],
        widgets={"helped": forms.RadioSelect, "exited": forms.RadioSelect},
        demo_row=demo_row,
        delete_refusal=rules.delete_refusal,
        extras=[assistance_views.exit_part],
        own_pages=assistance_views.PAGES,
        after_save=services.exit_saved,
        before_delete=follow_ups.drop_with_deleted,
    )
)
