"""法律援助 declared on the kit (modules-spec §6): the entry starts with the worker's ID number
and every case belongs to a household file (PersonLink)."""

from datetime import date, timedelta
from decimal import Decimal

from records.kit.declaration import CaseProgress, PersonLink, RecordModule, Section, count, register, sum_of
from records.legal_aid.models import LegalAid

CASE = ["applied_on", "case_type", "aid_form", "opponent", "summary", "people", "amount"]
HANDLING = ["handler", "accepted_on", "outcome", "recovered", "remarks"]


def demo_row(rng, n: int, codes) -> dict:
    applied = date.today() - timedelta(days=rng.randrange(5, 150))
    return {
        "applied_on": applied,
        "accepted_on": applied + timedelta(days=rng.randrange(0, 5)),
        "case_type": rng.choice(codes["legal_case_type"]),
        "aid_form": rng.choice(codes["legal_aid_form"]),
        "opponent": rng.choice(["某建筑劳务公司", "某物流公司", "某餐饮公司"]),
        "summary": "用人单位未签订劳动合同且拖欠工资,申请法律援助。",
        "people": rng.randrange(1, 6),
        "amount": Decimal(rng.randrange(2_000, 80_000)),
        "handler": "工会法律援助律师",
    }


legal_aid = register(
    RecordModule(
        key="legal_aid",
        label="法律援助",
        model=LegalAid,
        form_fields=[*CASE, *HANDLING],
        list_columns=["applied_on", "file.head_name", "case_type", "aid_form", "case_state"],
        sheet=[
            Section("受援职工", ["file.head_name", "file.employer", "file.phone"]),
            Section("案件", CASE),
            Section("办理", [*HANDLING[:3], "case_state", "due_on", "closed_on", *HANDLING[3:]]),
        ],
        filter_fields=["case_type", "case_state"],
        query_fields=["applied_on", "case_type", "aid_form", "outcome", "case_state", "opponent", "handler"],
        stat_dimensions=["case_type", "aid_form", "outcome", "case_state"],
        stat_measures=[count("件数"), sum_of("涉及人数", "people"), sum_of("挽回经济损失(元)", "recovered")],
        person=PersonLink(timeline_date="applied_on"),
        cases=CaseProgress(),
        demo_row=demo_row,
    )
)
