"""政策咨询 declared on the kit (modules-spec §5)."""

from datetime import date, timedelta

from records.consultations.models import Consultation
from records.kit.declaration import PersonLink, RecordModule, Section, count, register

ASKED = ["consulted_on", "name", "id_number", "gender", "phone", "employer"]


def demo_row(rng, n: int, codes) -> dict:
    return {
        "consulted_on": date.today() - timedelta(days=rng.randrange(0, 200)),
        "name": rng.choice("周吴郑孙马朱胡郭") + rng.choice(["丽", "强", "敏", "军", "芳"]),
        "gender": rng.choice("MF"),
        "channel": rng.choice(codes["consultation_channel"]),
        "category": rng.choice(codes["consultation_category"]),
        "question": "企业未缴纳社会保险,如何维权?",
        "answer": "可向当地社会保险经办机构投诉,工会可协助。",
        "answerer": "咨询员",
        "satisfaction": rng.choice(["satisfied", "fairly", "dissatisfied", ""]),
    }


consultations = register(
    RecordModule(
        key="consultations",
        label="政策咨询",
        model=Consultation,
        form_fields=[*ASKED, "channel", "category", "question", "answer", "answerer", "satisfaction", "remarks"],
        list_columns=["consulted_on", "name", "channel", "category", "answerer"],
        sheet=[
            Section("咨询人", ASKED),
            Section("咨询与答复", ["channel", "category", "question", "answer", "answerer", "satisfaction", "remarks"]),
        ],
        filter_fields=["name", "category"],
        query_fields=["name", "id_number", "consulted_on", "channel", "category", "answerer", "satisfaction"],
        stat_dimensions=["category", "channel", "satisfaction"],
        stat_measures=[count("人次")],
        person=PersonLink(required=False, id_field="id_number"),
        demo_row=demo_row,
    )
)
