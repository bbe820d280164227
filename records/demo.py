"""Demo household files for `make run` (called by `manage.py seed_demo`): a few hundred files
over the streets of 四川, some reported to every level, some returned, some problem files."""

import random
from datetime import date, timedelta

from approvals import services as approvals
from org.models import Code, Module, Unit, User
from records import exports, id_numbers, services
from records.forms import FEMALE_RELATIONS
from records.models import FileCategory, WorkerFile

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "丽华", "国强", "红梅", "明", "静", "军", "敏", "勇", "芳", "杰", "娟"]
EMPLOYERS = ["成都机床厂", "红旗纺织厂", "锦江宾馆", "川西建筑公司", "蜀都百货", "绵阳电子厂", "长虹配套厂", "环卫所"]
FILES_PER_STREET = 25
BUSINESS = [m for m in Module.values if m != Module.UNIT_ADMIN]


def load(password: str) -> str:
    rng = random.Random(2026)
    province = Unit.objects.get(name="四川省总工会")
    codes = _codes()
    streets = Unit.objects.filter(path__startswith=province.path, depth=5).order_by("path")
    clerks = {street.pk: _user(f"clerk_{street.code}", street, password) for street in streets}
    for street in streets:
        for n in range(FILES_PER_STREET):
            _create_file(clerks[street.pk], street, n, codes, rng)
    _likely_duplicates(clerks, codes, rng)
    _move_some(province, password, rng)
    requests = _export_requests()
    return f"{WorkerFile.objects.count()} 份职工档案、{requests} 个批量导出申请"


def _codes() -> dict[str, list[Code]]:
    keys = ["ethnicity", "political_status", "health", "identity", "relation", "hardship_cause", "housing_type"]
    return {key: list(Code.objects.filter(table__key=key).order_by("display_order")) for key in keys}


def _user(username: str, unit: Unit, password: str) -> User:
    user = User.objects.filter(username=username).first() or User(username=username, unit=unit)
    user.modules = BUSINESS
    user.full_name = username
    user.must_change_password = False
    user.unit_confirmed = user.profile_confirmed = True
    user.set_password(password)
    user.save()
    return user


def _person(codes, rng, *, birth: date, female: bool, area: str) -> dict:
    sequence = rng.randrange(0, 99) * 10 + (rng.choice([0, 2, 4, 6, 8]) if female else rng.choice([1, 3, 5, 7, 9]))
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    number = first17 + id_numbers.check_character(first17)
    return {
        "id_number": number,
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "gender": "F" if female else "M",
        "birth_date": birth,
        "ethnicity": codes["ethnicity"][0] if rng.random() < 0.9 else rng.choice(codes["ethnicity"]),
        "political_status": rng.choice(codes["political_status"]),
        "health": rng.choice(codes["health"][:5]),
        "disability_category": None,
        "monthly_income": rng.choice([0, 800, 1200, 1500, 2100]),
        "identity": rng.choice(codes["identity"]),
        "employer_or_school": "",
    }


def _create_file(clerk: User, street: Unit, n: int, codes, rng) -> None:
    area = "510107"
    head = _person(codes, rng, birth=date(1960, 1, 1) + timedelta(days=rng.randrange(0, 12000)), female=n % 3 == 0,
                   area=area)  # fmt: skip
    head["employer_or_school"] = rng.choice(EMPLOYERS)
    members = []
    for _ in range(rng.randrange(0, 4)):
        relation = rng.choice(codes["relation"])
        member = _person(codes, rng, birth=date(1985, 1, 1) + timedelta(days=rng.randrange(0, 9000)),
                         female=relation.value.startswith(FEMALE_RELATIONS), area=area)  # fmt: skip
        member["relation"] = relation
        members.append(member)
    problem = n % 12 == 11  # a problem file now and then: household size that does not add up
    data = {
        "code": f"{street.code}-{n + 1:03d}",
        "category": rng.choice([FileCategory.SUBSISTENCE, FileCategory.NEAR_SUBSISTENCE, FileCategory.ACCIDENT,
                                FileCategory.TEMPORARY]),
        "file_date": date(2026, 1, 1) + timedelta(days=rng.randrange(0, 300)),
        "address": f"{street.name[:-4]}社区{rng.randrange(1, 80)}号",
        "employer": head["employer_or_school"],
        "monthly_income": head["monthly_income"],
        "household_annual_income": rng.randrange(8000, 36000),
        "household_size": len(members) + (2 if problem else 1),
        "hardship_cause": rng.choice(codes["hardship_cause"]),
        "housing_type": rng.choice(codes["housing_type"]),
        "postal_code": street.postal_code or "610041",
    }  # fmt: skip
    try:
        services.file_create(actor=clerk, data=data, head=head, members=members)
    except services.ExistingPerson:
        pass  # a random ID number that happened to repeat: one file fewer


def _move_some(province: Unit, password: str, rng) -> None:
    """Streets report most files to their county; counties pass some on, the city returns a
    few with a message, and counties return a few to the streets."""
    counties = Unit.objects.filter(path__startswith=province.path, depth=4)
    for street in Unit.objects.filter(path__startswith=province.path, depth=5):
        clerk = User.objects.get(username=f"clerk_{street.code}")
        pks = list(WorkerFile.objects.filter(unit=street).values_list("pk", flat=True))
        chosen = [pk for pk in pks if rng.random() < 0.7]
        approvals.report_rows(actor=clerk, model=WorkerFile, pks=chosen, message="本月新建档案,请审核。")
    for county in counties:
        reviewer = User.objects.filter(unit=county, modules__contains=[Module.FILES]).first() or _user(
            f"reviewer_{county.code}", county, password
        )
        held = list(WorkerFile.objects.filter(holder=county).values_list("pk", flat=True))
        approvals.return_rows(
            actor=reviewer, model=WorkerFile, pks=held[:2], message="家庭住址不完整,请核实后重新上报。"
        )
        approvals.report_rows(actor=reviewer, model=WorkerFile, pks=held[2:12], message="区县审核通过。")
    city = Unit.objects.get(name="成都市总工会")
    reviewer = User.objects.filter(unit=city, modules__contains=[Module.FILES]).first()
    held = list(WorkerFile.objects.filter(holder=city).values_list("pk", flat=True))
    approvals.return_rows(actor=reviewer, model=WorkerFile, pks=held[:3], message="致困原因与收入情况不符,请核实。")


def _likely_duplicates(clerks: dict, codes, rng) -> None:
    """The same worker entered by two streets of 武侯区, once with a mistyped ID number: the
    pair 高级档案管理 → 合并重复档案 finds by name and birth date (sign in as wuhou). Both are
    reported to 武侯区, since an admin merges only files that have reached the unit."""
    streets = Unit.objects.filter(name__in=["浆洗街街道工会", "玉林街道工会"]).order_by("path")
    for n, street in enumerate(streets):
        head = _person(codes, rng, birth=date(1966, 5, 20), female=False, area="510107")
        head |= {"name": "周振华", "employer_or_school": "成都机床厂"}
        data = {
            "code": f"{street.code}-DUP{n + 1}", "category": FileCategory.SUBSISTENCE, "file_date": date(2026, 3, 1),
            "address": f"{street.name[:-4]}社区 6 号", "employer": "成都机床厂", "monthly_income": 900,
            "household_annual_income": 15000, "household_size": 1, "postal_code": "610041",
        }  # fmt: skip
        try:
            file = services.file_create(actor=clerks[street.pk], data=data, head=head, members=[])
        except services.ExistingPerson:
            continue  # the random number repeated: the pair is one file short
        approvals.report_rows(actor=clerks[street.pk], model=WorkerFile, pks=[file.pk], message="疑似重复档案,请核实。")


def _export_requests() -> int:
    """Bulk exports (manual 2.5) in each state, for the demo admins: 浆洗街 exported and ready to
    download, 武侯区 waiting for 成都市, 成都市 rejected by 四川省, 全总 self-approved and waiting
    for the night run. Needs the demo logins of seed_demo; without them there are none."""
    admins = {u.username: u for u in User.objects.filter(username__in=["jiangjie_admin", "wuhou", "chengdu",
                                                                        "sichuan", "quanzong"])}  # fmt: skip
    if len(admins) < 5:
        return 0

    def ask(username, **kwargs):
        admin = admins[username]
        return exports.export_request(actor=admin, kinds=kwargs.pop("kinds", ["hardship", "migrant", "temporary"]),
                                      scope_units=[admin.unit], conditions=kwargs.pop("conditions", {}))  # fmt: skip

    street = ask("jiangjie_admin")
    exports.export_decide(actor=admins["wuhou"], export_id=street.pk, approve=True)
    exports.export_produce(export_id=street.pk)
    ask("wuhou", kinds=["hardship"])
    city = ask("chengdu", conditions={"head_name": "王"})
    exports.export_decide(actor=admins["sichuan"], export_id=city.pk, approve=False,
                          reason="请说明导出用途,并只选择需要的档案类别后重新申请。")  # fmt: skip
    ask("quanzong", kinds=["temporary"])
    return 4
