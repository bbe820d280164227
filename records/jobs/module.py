"""职业介绍 declared on the kit (manual ch. 7, modules-spec §7): five modules under the one
permission 职业介绍 — agencies → recruiters (reported, a recruiter after its agency) →
vacancies (locked once their recruiter is reported), and job seekers (from the person's ID
number) → recommendations (added and deleted only). The matching pages are the module's own
(records.jobs.matching)."""

from datetime import date, timedelta
from decimal import Decimal

from org.models import Module
from records.jobs import matching, services
from records.jobs.models import JobAgency, JobSeeker, Recommendation, Recruiter, Vacancy
from records.kit.declaration import ListKind, Parent, PersonLink, RecordModule, Section, count, register, sum_of

AGENCY = ["registered_on", "staff", "name", "qualification", "subsidized"]
RECRUITER = ["agency", "name", "nature", "industry", "contact", "phone", "address", "postcode", "registered_on",
             "profile", "remarks"]  # fmt: skip
VACANCY = ["recruiter", "title", "openings", "trade", "place", "education", "age_from", "age_to", "gender",
           "salary_from", "salary_to", "valid_until", "description"]  # fmt: skip
SEEKER = ["registered_on", "intention", "education", "skills", "certificate", "expected_salary", "place",
          "experience", "employment", "remarks"]  # fmt: skip
PERSON = ["file.code", "file.head_name", "file.head.gender", "file.head.birth_date", "file.phone"]
RECOMMENDATION = ["seeker", "recommended_on", "employer", "success", "phone", "remarks"]
TRADES = ["电工", "焊工", "钳工", "车工", "保洁员", "保安员", "厨师", "收银员", "叉车司机", "育婴员"]
PLACES = ["武侯区", "锦江区", "青羊区", "成华区", "金牛区"]


def _days_ago(rng, most: int) -> date:
    return date.today() - timedelta(days=rng.randrange(0, most))


def agency_row(rng, n: int, codes) -> dict:
    return {
        "registered_on": _days_ago(rng, 700), "staff": rng.randrange(2, 30),
        "name": f"{rng.choice(['社区', '街道', '工会'])}职业介绍所{n + 1}号", "qualification": rng.choice(["", "职业中介许可"]),
        "subsidized": n % 3 == 0,
    }  # fmt: skip


def recruiter_row(rng, n: int, codes) -> dict:
    return {
        "name": rng.choice(["成都机床厂", "红旗纺织厂", "川西建筑公司", "蓉城物业公司", "天府餐饮公司"]),
        "nature": rng.choice(codes["employer_nature"]), "industry": rng.choice(codes["industry"]),
        "contact": "人事部", "phone": f"028{rng.randrange(10**8):08d}", "registered_on": _days_ago(rng, 300),
    }  # fmt: skip


def vacancy_row(rng, n: int, codes) -> dict:
    low = rng.randrange(20, 45) * 100
    return {
        "title": rng.choice(TRADES), "openings": rng.randrange(1, 10), "trade": rng.choice(TRADES),
        "place": rng.choice(PLACES), "education": rng.choice(codes["education"][:5]),
        "age_from": 18, "age_to": rng.choice([45, 50, 55]), "gender": rng.choice(["", "", "M", "F"]),
        "salary_from": Decimal(low), "salary_to": Decimal(low + rng.randrange(5, 20) * 100),
        "valid_until": date.today() + timedelta(days=rng.randrange(10, 120)),
    }  # fmt: skip


def seeker_row(rng, n: int, codes) -> dict:
    return {
        "registered_on": _days_ago(rng, 200), "intention": rng.choice(TRADES),
        "education": rng.choice(codes["education"][:6]), "skills": rng.choice(["", "持证上岗", "十年工龄"]),
        "expected_salary": Decimal(rng.randrange(20, 60) * 100), "place": rng.choice(["", *PLACES]),
    }  # fmt: skip


def recommendation_row(rng, n: int, codes) -> dict:
    return {
        "recommended_on": _days_ago(rng, 60), "employer": rng.choice(["成都机床厂", "蓉城物业公司"]),
        "success": n % 3 == 0, "phone": f"028{rng.randrange(10**8):08d}",
    }  # fmt: skip


job_agencies = register(
    RecordModule(
        key="job_agencies", label="职介机构", model=JobAgency, permission=Module.JOBS,
        form_fields=AGENCY,
        list_columns=["name", "qualification", "registered_on", "staff", "subsidized"],
        sheet=[Section("职介机构", AGENCY)],
        filter_fields=["name", "subsidized"],
        query_fields=["name", "registered_on", "qualification", "subsidized"],
        stat_dimensions=["subsidized"],
        stat_measures=[count("机构数"), sum_of("工作人数", "staff")],
        lists=[ListKind("list", "职介机构管理")],
        demo_row=agency_row,
    )
)  # fmt: skip

recruiters = register(
    RecordModule(
        key="recruiters", label="招聘单位", model=Recruiter, permission=Module.JOBS,
        parent=Parent("agency", "job_agencies", add_label="增加招聘单位"),
        form_fields=RECRUITER,
        list_columns=["name", "agency", "nature", "industry", "phone", "registered_on"],
        sheet=[Section("招聘单位", RECRUITER)],
        filter_fields=["name", "industry"],
        query_fields=["name", "agency.name", "nature", "industry", "registered_on"],
        stat_dimensions=["industry", "nature"],
        stat_measures=[count("单位数")],
        lists=[ListKind("list", "招聘单位信息管理")],
        demo_row=recruiter_row,
    )
)  # fmt: skip

vacancies = register(
    RecordModule(
        key="vacancies", label="招聘职位", model=Vacancy, permission=Module.JOBS,
        parent=Parent(
            "recruiter", "recruiters", add_label="增加招聘职位", locked_when_reported=True,
            locked_message="招聘单位已上报,不能增加、修改或删除其招聘职位",
            delete_message="删除失败,当前招聘单位下有招聘职位信息",
        ),
        form_fields=VACANCY,
        list_columns=["title", "recruiter", "openings", "place", "education", "salary_from", "salary_to"],
        sheet=[Section("招聘职位", VACANCY)],
        filter_fields=["title", "education"],
        query_fields=["title", "trade", "place", "education", "gender", "valid_until", "recruiter.industry"],
        stat_dimensions=["education", "recruiter.industry"],
        stat_measures=[count("职位数"), sum_of("招聘人数", "openings")],
        lists=[ListKind("list", "招聘职位", nav=False)],  # managed from the recruiter's page (7.2.3)
        own_pages=[matching.SEEKERS_FOR_VACANCY],
        extras=[matching.match_link("匹配人才")],
        demo_row=vacancy_row,
    )
)  # fmt: skip

job_seekers = register(
    RecordModule(
        key="job_seekers", label="人才信息", model=JobSeeker, permission=Module.JOBS,
        form_fields=SEEKER,
        list_columns=["file.head_name", "intention", "education", "expected_salary", "employment", "registered_on"],
        sheet=[Section("求职人员", PERSON), Section("求职意向", SEEKER)],
        filter_fields=["file.head_name", "intention", "employment"],
        query_fields=["file.head_name", "intention", "education", "employment", "place", "registered_on"],
        stat_dimensions=["employment", "education", "file.head.gender"],
        stat_measures=[count("人数")],
        person=PersonLink(offer_on_files="增加求职人才信息", timeline_date="registered_on"),
        lists=[ListKind("list", "人才信息管理")],
        own_pages=[matching.VACANCIES_FOR_SEEKER, matching.RECOMMEND],
        extras=[matching.match_link("职位匹配")],
        before_save=services.seeker_waiting,
        demo_row=seeker_row,
    )
)  # fmt: skip

recommendations = register(
    RecordModule(
        key="recommendations", label="推荐信息", model=Recommendation, permission=Module.JOBS,
        parent=Parent(
            "seeker", "job_seekers", add_label="增加推荐信息", entered_from_parent=True,
            delete_message="删除失败,该人才已有推荐信息",
        ),
        editable=False,
        form_fields=RECOMMENDATION,
        # the seeker's name through its file, not str(seeker): one join, not a query a row
        list_columns=["recommended_on", "seeker.file.head_name", "seeker.intention", "employer", "success", "phone"],
        sheet=[
            Section("求职人才", ["seeker.file.head_name", "seeker.intention"]),
            Section("推荐信息", [*RECOMMENDATION[1:4], "vacancy", *RECOMMENDATION[4:]]),
        ],
        filter_fields=["employer", "success"],
        stat_dimensions=["success"],
        stat_measures=[count("推荐次数")],
        lists=[ListKind("list", "推荐信息", nav=False, new=None)],  # added on the seeker's page (7.3.3)
        after_save=services.seeker_follows,
        demo_row=recommendation_row,
    )
)  # fmt: skip
