"""信访接待 declared on the kit (modules-spec §4): its form, list, query, statistics and sheet."""

from datetime import date, timedelta

from records.kit.declaration import CaseProgress, PersonLink, RecordModule, Section, count, register, sum_of
from records.petitions.models import Petition

VISITOR = ["name", "id_number", "gender", "phone", "employer", "address"]


def demo_row(rng, n: int, codes) -> dict:
    collective = n % 7 == 0
    return {
        "name": rng.choice("王李张刘陈杨黄赵") + rng.choice(["建国", "秀英", "志强", "海燕", "丽华"]),
        "gender": rng.choice("MF"),
        "phone": f"138{rng.randrange(10**8):08d}",
        "employer": rng.choice(["成都机床厂", "红旗纺织厂", "川西建筑公司"]),
        "received_on": date.today() - timedelta(days=rng.randrange(0, 120)),
        "channel": rng.choice(codes["petition_channel"]),
        "category": rng.choice(codes["petition_category"]),
        "collective": collective,
        "visitors": rng.randrange(3, 30) if collective else 1,
        "content": "反映企业拖欠工资三个月,要求工会协调。",
        "handling": rng.choice(codes["petition_handling"]),
        "receptionist": "接待员",
    }


petitions = register(
    RecordModule(
        key="petitions",
        label="信访接待",
        model=Petition,
        form_fields=[
            "received_on",
            *VISITOR,
            "channel",
            "collective",
            "visitors",
            "category",
            "content",
            "handling",
            "referred_to",
            "result",
            "receptionist",
            "remarks",
        ],  # fmt: skip
        list_columns=["received_on", "name", "channel", "category", "case_state"],
        sheet=[
            Section("信访人", ["received_on", *VISITOR]),
            Section("信访事项", ["channel", "collective", "visitors", "category", "content"]),
            Section(
                "处理",
                [
                    "handling",
                    "referred_to",
                    "result",
                    "receptionist",
                    "case_state",
                    "accepted_on",
                    "due_on",
                    "closed_on",
                    "remarks",
                ],
            ),
        ],  # fmt: skip
        filter_fields=["name", "category", "case_state"],
        query_fields=[
            "name",
            "id_number",
            "received_on",
            "channel",
            "category",
            "collective",
            "handling",
            "case_state",
        ],  # fmt: skip
        stat_dimensions=["category", "channel", "handling", "case_state", "collective"],
        stat_measures=[count("批次"), sum_of("人次", "visitors")],
        person=PersonLink(required=False, id_field="id_number"),
        cases=CaseProgress(accepted_from="received_on"),
        demo_row=demo_row,
    )
)
