"""The security administrator's work (安全管理员, 三员): account locks, second-factor resets,
and which units sign in with the second factor. Every change is audited."""

from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from org.duties import require_duty
from org.errors import DomainError
from org.events import OrgEvent
from org.models import Duty, Unit, User
from org.selectors import subtree, users_of_subtree


def _in_scope_names(actor: User, usernames: list[str]) -> set[str]:
    """Of `usernames`, those the actor may act on: users of their unit's subtree; for the
    national security administrator also names that are no account (a guessing attack)."""
    known = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    mine = set(users_of_subtree(actor.unit).filter(username__in=usernames).values_list("username", flat=True))
    unknown = set(usernames) - known if actor.unit.depth == 1 else set()
    return mine | unknown


def locked_accounts(actor: User) -> list[AccessAttempt]:
    """Sign-in names locked now by django-axes (AXES_FAILURE_LIMIT failures within the
    cool-off time), newest first."""
    require_duty(actor, Duty.SECURITY)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = list(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")[:500]
    )
    allowed = _in_scope_names(actor, [a.username for a in attempts if a.username])
    for attempt in attempts:
        attempt.unlocks_at = attempt.attempt_time + settings.AXES_COOLOFF_TIME
    return [a for a in attempts if a.username in allowed]


@transaction.atomic
def account_unlock(*, actor: User, username: str, request=None) -> int:
    """解除锁定 before the cool-off time ends: the failures of that sign-in name are forgotten."""
    require_duty(actor, Duty.SECURITY)
    if username not in _in_scope_names(actor, [username]):
        raise DomainError(f"“{username}”不在本单位管辖范围内。", field="username")
    removed = axes_reset(username=username)
    if not removed:
        raise DomainError(f"“{username}”当前没有被锁定。", field="username")
    user = User.objects.filter(username=username).first()
    audit_record(event=OrgEvent.ACCOUNT_UNLOCKED, actor=actor, request=request, obj=user,
                 detail={"username": username, "attempts": removed})  # fmt: skip
    return removed


def user_by_login(actor: User, username: str) -> User:
    """A user of the actor's subtree by exact login name (the reset form's lookup)."""
    require_duty(actor, Duty.SECURITY)
    user = users_of_subtree(actor.unit).select_related("unit").filter(username=username.strip()).first()
    if user is None:
        raise DomainError(f"本单位及下级单位没有登录名为“{username.strip()}”的用户。", field="username")
    return user


def unit_by_code(actor: User, code: str) -> Unit:
    require_duty(actor, Duty.SECURITY)
    unit = subtree(actor.unit).filter(code=code.strip()).first()
    if unit is None:
        raise DomainError(f"本单位及下级单位中没有单位代码为“{code.strip()}”的单位。", field="unit_code")
    return unit


@transaction.atomic
def unit_sign_in_otp_set(*, actor: User, unit: Unit, enabled: bool, request=None) -> Unit:
    """A unit opts in (or out) of the second factor for all its users' sign-in. Users the rule
    requires it of (org.services.second_factor.required_at_sign_in) keep it either way."""
    require_duty(actor, Duty.SECURITY)
    unit = subtree(actor.unit).select_for_update().get(pk=unit.pk)
    unit.sign_in_otp = enabled
    unit.save(update_fields=["sign_in_otp"])
    audit_record(event=OrgEvent.SECURITY_SETTING_CHANGED, actor=actor, request=request, obj=unit,
                 detail={"sign_in_otp": enabled})  # fmt: skip
    return unit


def units_with_sign_in_otp(actor: User):
    return subtree(actor.unit).filter(sign_in_otp=True).order_by("path")[:500]


def policy() -> list[tuple[str, str]]:
    """The security settings in force (environment variables set them; README lists them)."""
    cooloff = int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1))
    return [
        ("连续登录失败锁定", f"{settings.AXES_FAILURE_LIMIT} 次失败后锁定 {cooloff} 分钟"),
        ("空闲超时", f"{settings.SESSION_COOKIE_AGE // 60} 分钟无操作自动退出"),
        ("密码有效期", f"{getattr(settings, 'PASSWORD_MAX_AGE_DAYS', 90)} 天"),
        ("审计日志保存期限", f"{getattr(settings, 'AUDIT_RETENTION_DAYS', 180)} 天"),
        ("下载批量导出数据的动态口令有效时间", f"{settings.BULK_EXPORT_OTP_MINUTES} 分钟"),
    ]
