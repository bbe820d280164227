"""技能培训 declared on the kit (modules-spec §8): 培训机构 → 培训班 → 培训学员, three modules of
one permission (技能培训). A class is added only under an institution of the own unit and goes
up after it; trainees are added from their class's page and locked once it is reported. The
statistics count classes, places and trainees, and how many trainees found work afterwards."""

from datetime import date, timedelta

from org.models import Module
from records import id_numbers
from records.kit.declaration import (
    LIST,
    Computed,
    ListKind,
    Parent,
    PersonLink,
    RecordModule,
    Section,
    count,
    count_related,
    register,
    sum_of,
)
from records.training.models import Trainee, TrainingClass, TrainingInstitution
from records.training.services import warn_beyond_planned
from records.training.views import institution_outcome

INSTITUTION = ["name", "registered_on", "qualification", "certified", "address", "contact", "phone", "teachers",
               "employment_base", "subsidised", "description"]  # fmt: skip
CLASS = ["institution", "planned", "session", "training_type", "starts_on", "ends_on", "topic", "description"]
PERSON = ["training_class", "name", "id_number", "gender", "birth_date", "phone", "employer"]
TRAINING = ["category", "education", "certificate", "employed_after", "remarks"]
# 培训后就业 (issue 19 item 6): of a class's trainees on its sheet and lists; of an institution's
# classes the viewer sees on its page (views.institution_outcome).
CLASS_OUTCOME = Computed("employment", "培训后就业", prefetch=("trainees",))
EMPLOYED = {"employed_after": True}


def institution_row(rng, n: int, codes) -> dict:
    return {
        "name": rng.choice(["成都市职工技能培训中心", "武侯区再就业培训学校", "锦江区职业技能培训站"]) + f"{n + 1}",
        "registered_on": date.today() - timedelta(days=rng.randrange(30, 900)),
        "qualification": rng.choice(["职业技能培训", "创业培训", "学历教育"]),
        "certified": rng.random() < 0.6,
        "contact": "培训部",
        "phone": f"028-8{rng.randrange(10**6, 10**7)}",
        "teachers": rng.randrange(3, 40),
        "employment_base": rng.random() < 0.3,
    }


def class_row(rng, n: int, codes) -> dict:
    starts = date.today() - timedelta(days=rng.randrange(0, 240))
    return {
        "planned": rng.randrange(15, 60),
        "session": str(n + 1),
        "training_type": rng.choice(codes["training_type"]),
        "starts_on": starts,
        "ends_on": starts + timedelta(days=rng.randrange(0, 60)),
        "topic": rng.choice(["数控车床操作", "家政服务", "电子商务", "中式烹调", "创业指导"]),
    }


def trainee_row(rng, n: int, codes) -> dict:
    birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 12_000))
    first17 = f"510107{birth:%Y%m%d}{rng.randrange(1000):03d}"
    number = first17 + id_numbers.check_character(first17)
    return {
        "name": rng.choice("王李张刘陈杨黄赵") + rng.choice(["建国", "秀英", "志强", "海燕", "丽华"]),
        "id_number": number,
        "category": rng.choice(codes["trainee_category"]),
        "certificate": rng.random() < 0.5,
        "employed_after": rng.random() < 0.4,
    }


institutions = register(
    RecordModule(
        key="training_institutions",
        label="培训机构",
        permission=Module.TRAINING,
        model=TrainingInstitution,
        form_fields=INSTITUTION,
        list_columns=["name", "qualification", "registered_on", "teachers", "subsidised"],
        lists=[ListKind(LIST, "培训机构管理")],
        sheet=[Section("培训机构", INSTITUTION, wide=["address"])],
        extras=[institution_outcome],
        filter_fields=["name", "certified"],
        query_fields=["name", "registered_on", "qualification", "certified", "employment_base", "subsidised"],
        stat_dimensions=["certified", "employment_base", "subsidised"],
        stat_measures=[
            count("机构数"),
            sum_of("教师人数", "teachers"),
        ],  # its classes are counted where they are seen: the classes' statistics, by 培训机构
        demo_row=institution_row,
    )
)

classes = register(
    RecordModule(
        key="training_classes",
        label="培训班",
        permission=Module.TRAINING,
        model=TrainingClass,
        parent=Parent(field="institution", module="training_institutions", add_label="增加新的培训班信息"),
        form_fields=CLASS,
        list_columns=["institution", "topic", "dates", "training_type", "session"],
        list_extras=[Computed("dates", "培训日期")],
        lists=[ListKind(LIST, "培训班信息填报")],
        sheet=[Section("培训班", CLASS), Section("培训成效", [CLASS_OUTCOME])],
        filter_fields=["topic", "training_type"],
        query_fields=["institution.name", "training_type", "topic", "starts_on"],  # 8.3, with 填报单位 + 包含下级
        stat_dimensions=["training_type"],  # 8.4
        stat_measures=[
            count("班次"),
            sum_of("培训人数", "planned"),
            count_related("学员数", Trainee, "training_class"),
            count_related("培训后就业", Trainee, "training_class", **EMPLOYED),
        ],
        demo_row=class_row,
    )
)

trainees = register(
    RecordModule(
        key="trainees",
        label="培训学员",
        permission=Module.TRAINING,
        model=Trainee,
        parent=Parent(
            field="training_class",
            module="training_classes",
            add_label="增加新的学员信息",
            locked_when_reported=True,
            locked_message="培训班已上报,不能增加、修改或删除其培训学员信息。",
            entered_from_parent=True,
        ),  # fmt: skip
        form_fields=[*PERSON, *TRAINING],
        list_columns=["name", "gender", "training_class", "category", "certificate", "employed_after"],
        lists=[ListKind(LIST, "培训学员信息", new=None)],  # added from the class's page (manual 8.2.3)
        sheet=[Section("学员", PERSON), Section("培训情况", TRAINING)],
        filter_fields=["name", "category", "employed_after"],
        query_fields=[
            "name",
            "id_number",
            "training_class.topic",
            "category",
            "education",
            "certificate",
            "employed_after",
        ],  # fmt: skip
        stat_dimensions=["category", "education", "certificate", "employed_after", "gender"],
        stat_measures=[count("人数")],
        person=PersonLink(required=False, id_field="id_number"),
        after_save=warn_beyond_planned,
        demo_row=trainee_row,
    )
)
