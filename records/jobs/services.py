"""What is job placement's own beyond the kit's writes: a job seeker's 就业状态 follows the
recommendations made for them (modules-spec §7.3.3: 推荐结果 成功 → 已就业), and a recommendation
made from the match list (records.jobs.matching) names its vacancy."""

from org.errors import DomainError
from org.models import Code, User
from records.jobs.models import EMPLOYED, EMPLOYMENT, RECOMMENDED, WAITING, JobSeeker, Recommendation, Vacancy
from records.kit import services as kit_services
from records.kit.declaration import get


def employment_code(value: str) -> Code:
    """A value of 就业状态 the rules set by name (seeded by migration 0002)."""
    code = Code.objects.filter(table__key=EMPLOYMENT, value=value).first()
    if code is None:
        raise DomainError(f"代码表“就业状态”缺少“{value}”,请联系系统管理员。")
    return code


def seeker_waiting(row: JobSeeker, actor: User) -> None:
    """RecordModule.before_save of the job seekers: a new seeker without a state is 待业."""
    if row.employment_id is None:
        row.employment = employment_code(WAITING)


def seeker_follows(row: Recommendation, before, actor: User, request) -> None:
    """RecordModule.after_save of the recommendations: a successful one marks its seeker 已就业,
    another one a 待业 seeker 已推荐 (one UPDATE; an employed seeker stays employed)."""
    seekers = JobSeeker.objects.filter(pk=row.seeker_id)
    if row.success:
        seekers.update(employment=employment_code(EMPLOYED))
    else:
        seekers.filter(employment__value=WAITING).update(employment=employment_code(RECOMMENDED))


def recommend(*, actor: User, seeker: JobSeeker, vacancy: Vacancy, request=None) -> Recommendation:
    """推荐 from a match row: a recommendation of `seeker` to `vacancy`'s recruiter, dated today,
    with the recruiter's phone and 推荐结果 成功 as the manual's form defaults it (so the seeker is
    已就业 and leaves the match lists). The kit's create holds the guards: the unit holds 职业介绍
    and sees the seeker; the caller read the vacancy through the visibility selector."""
    recruiter = vacancy.recruiter
    data = {"seeker": seeker, "vacancy": vacancy, "employer": recruiter.name, "phone": recruiter.phone,
            "remarks": f"由职位匹配推荐:{vacancy.title}"}  # fmt: skip
    return kit_services.record_create(actor=actor, module=get("recommendations"), data=data, request=request)
