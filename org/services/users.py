"""Writes of user accounts by a unit admin (manual 18.2.5–18.2.8)."""

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, PositiveSmallIntegerField, ProtectedError, QuerySet, Value, When

from audit.services import audit_record
from org.duties import is_duty_account, is_security_admin
from org.errors import DomainError
from org.events import OrgEvent
from org.models import DISPLAY_TIERS, Module, Unit, User
from org.passwords import password_set
from org.selectors import text_contains, users_of_subtree, users_of_unit
from org.services import second_factor
from org.services.protection import describe, protected_references
from org.services.units import check_exact_order, check_in_scope, display_order_cases
from org.signals import user_deleting

USER_FIELDS = ("username", "full_name", "gender", "phone", "position", "email", "modules")
ONE_ADMIN_CONSTRAINT = "org_user_one_admin_per_unit"
SEARCH_LIMIT = 200


def _locked(user: User) -> User:
    return User.objects.select_for_update().select_related("unit").get(pk=user.pk)


def _check_not_duty_account(user: User) -> None:
    """The three administrators (三员) are kept from the command line only: if the system
    administrator could edit them on these pages, they could take over the auditor's account."""
    if is_duty_account(user):
        raise DomainError(
            f"“{user}”是{user.get_duty_display()}账户,只能由命令行维护,不能在用户管理中修改、删除或重置密码。"
        )


def _check_username_free(username: str, exclude_pk: int | None = None) -> None:
    if User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists():
        raise DomainError(f"登录名“{username}”已被使用(不区分大小写),请换一个。", field="username")


def unit_admin_of(unit: Unit) -> User | None:
    return User.objects.filter(unit=unit, modules__contains=[Module.UNIT_ADMIN]).first()


def _one_admin_error(unit: Unit) -> DomainError:
    admin = unit_admin_of(unit)
    name = f":{admin}" if admin else ""
    return DomainError(f"本单位已有用户管理员{name}。一个单位只能有一个用户管理员。", field="modules")


def _check_one_admin(unit: Unit, modules: list[str], exclude_pk: int | None = None) -> None:
    if Module.UNIT_ADMIN not in modules:
        return
    admin = unit_admin_of(unit)
    if admin is not None and admin.pk != exclude_pk:
        raise _one_admin_error(unit)


def _save(user: User, **save_kwargs) -> None:
    """Save, turning a lost race on the database's uniqueness rules into the same messages
    the checks above give."""
    try:
        with transaction.atomic():
            user.save(**save_kwargs)
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
        if constraint == ONE_ADMIN_CONSTRAINT:
            raise _one_admin_error(user.unit) from None
        if "username" in constraint:
            raise DomainError(f"登录名“{user.username}”已被使用,请换一个。", field="username") from None
        raise


def _validated_password(password: str, user: User) -> str:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="new_password1") from None
    return password


@transaction.atomic
def user_create(*, actor: User, unit: Unit, data: dict, password: str | None = None, request=None) -> User:
    """New account; both the default and an admin-chosen password must be changed at first sign-in."""
    check_in_scope(actor, unit)
    user = User(unit=unit, **{name: data[name] for name in USER_FIELDS}, must_change_password=True)
    _check_username_free(user.username)
    _check_one_admin(unit, user.modules)
    user.set_password(settings.DEFAULT_PASSWORD if password is None else _validated_password(password, user))
    _save(user)
    audit_record(
        event=OrgEvent.USER_CREATED,
        actor=actor,
        request=request,
        obj=user,
        detail={"unit": unit.pk, "modules": user.modules, "default_password": password is None},
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict, request=None) -> User:
    user = _locked(user)
    check_in_scope(actor, user.unit)
    _check_not_duty_account(user)
    if user.pk == actor.pk and Module.UNIT_ADMIN not in data.get("modules", user.modules):
        raise DomainError("不能取消自己的“用户管理”权限。请由上级单位的用户管理员调整。", field="modules")
    if "username" in data:
        _check_username_free(data["username"], exclude_pk=user.pk)
    if "modules" in data:
        _check_one_admin(user.unit, data["modules"], exclude_pk=user.pk)
    modules_before = list(user.modules)
    changed = [name for name, value in data.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        _save(user, update_fields=changed)
    audit_record(event=OrgEvent.USER_CHANGED, actor=actor, request=request, obj=user, detail={"fields": changed})
    # MLPS 2.0 level 3 audits every change of a user's rights as an event of its own, with both
    # sides (in the modules' order: the same set ticked in another order is no change).
    if set(user.modules) != set(modules_before):
        before, after = ([m for m in Module.values if m in modules] for modules in (modules_before, user.modules))
        detail = {"before": before, "after": after}
        audit_record(event=OrgEvent.PERMISSIONS_CHANGED, actor=actor, request=request, obj=user, detail=detail)
    return user


@transaction.atomic
def user_delete(*, actor: User, user: User, request=None) -> None:
    user = _locked(user)
    check_in_scope(actor, user.unit)
    _check_not_duty_account(user)
    if user.pk == actor.pk:
        raise DomainError("不能删除自己的账户。")
    held = protected_references(User.objects.filter(pk=user.pk))
    if held:
        raise DomainError(f"无法删除“{user}”:仍有 {describe(held)} 与该用户关联。")
    try:
        with transaction.atomic():
            user_deleting.send(sender=User, user=user)
            User.objects.filter(pk=user.pk).delete()
    except ProtectedError:
        raise DomainError(f"无法删除“{user}”:刚有新数据与该用户关联,请刷新后重试。") from None
    audit_record(
        event=OrgEvent.USER_DELETED, actor=actor, request=request, obj=user, detail={"username": user.username}
    )


@transaction.atomic
def user_password_reset(*, actor: User, user: User, request=None) -> None:
    """Back to the default password, which the user must change at the next sign-in."""
    user = _locked(user)
    check_in_scope(actor, user.unit)
    _check_not_duty_account(user)
    # The default password stays out of the history: it is the admin's, not a choice of the
    # user's, and would push one of the user's own passwords out of the last five. It cannot be
    # chosen back anyway, being the current password (NewPasswordMixin refuses that).
    fields = password_set(user, settings.DEFAULT_PASSWORD, remember=False)
    user.must_change_password = True
    user.save(update_fields=[*fields, "must_change_password"])
    audit_record(event=OrgEvent.PASSWORD_CHANGED, actor=actor, request=request, obj=user, detail={"reset": True})


def may_reset_otp(actor: User, user: User) -> bool:
    """Who resets a user's second factor (动态口令重置): the security administrator (三员), for
    any user of their unit's subtree; and a unit admin, for users of units strictly below the
    admin's own unit — so a province admin's device is reset by the national admin, a city
    admin's by the province admin. Colleagues of the same unit may not: the second factor would
    otherwise be one colleague's click away. The national unit has no one above it, so its
    admin also resets the national unit's other users. Nobody resets their own devices (a
    stolen password alone must not remove the second factor), and the three administrators'
    devices are reset only by the security administrator or `manage.py reset_otp`."""
    if user.pk == actor.pk or not user.unit.is_within(actor.unit):
        return False
    if is_security_admin(actor):
        return True
    if not actor.has_module(Module.UNIT_ADMIN) or is_duty_account(user):
        return False
    return user.unit_id != actor.unit_id or actor.unit.depth == 1


def has_otp_device(user: User) -> bool:
    """A bound (confirmed) TOTP device: what a reset is for."""
    return second_factor.has_device(user)


@transaction.atomic
def user_otp_reset(*, actor: User, user: User, request=None) -> int:
    """Delete the user's TOTP devices (bound or half-bound) and recovery codes: a lost phone's
    way back. The user binds a new device at the next sign-in; a session verified with the old
    device is no longer verified (django-otp finds its device gone). The number deleted."""
    user = _locked(user)
    if not user.unit.is_within(actor.unit):
        raise DomainError(f"“{user}”不在本单位管辖范围内。")
    if not may_reset_otp(actor, user):
        raise PermissionDenied("只能由安全管理员或上级单位的用户管理员重置该用户的动态口令。")
    return otp_devices_delete(user=user, actor=actor, request=request)


def otp_devices_delete(*, user: User, actor: User | None = None, request=None, by: str = "") -> int:
    """The reset itself, after the caller's permission check: refused when nothing is bound,
    else every device of the user deleted and audited (`by` names an actor that is no user:
    the system administrator's `manage.py reset_otp`). The number deleted."""
    if not has_otp_device(user):
        raise DomainError(f"“{user}”尚未绑定动态口令,无需重置。")
    ids = second_factor.devices_delete(user=user)
    audit_record(
        event=OrgEvent.OTP_DEVICE_RESET, actor=actor, username=by, request=request, obj=user, detail={"devices": ids}
    )
    return len(ids)


def user_search(*, actor: User, name: str, within: Unit | None = None) -> QuerySet[User]:
    """查询人员 by login name or full name, over the admin's subtree or the part of it below
    `within` (a unit of that subtree, chosen with the unit switcher)."""
    within = within or actor.unit
    check_in_scope(actor, within)
    name = name.strip()
    matches = text_contains("username", name) | text_contains("full_name", name)
    return users_of_subtree(within).filter(matches).order_by("unit__path", "display_order", "id")[:SEARCH_LIMIT]


@transaction.atomic
def unit_users_order(
    *, actor: User, unit: Unit, ordered_ids: list[int], tiers: dict[int, int] | None = None, request=None
) -> None:
    """人员排序 (18.2.8): the users' order, and each one's tier (1–6; unchanged where not given)."""
    check_in_scope(actor, unit)
    users = users_of_unit(unit).select_for_update()
    check_exact_order(ordered_ids, set(users.values_list("pk", flat=True)))
    tiers = tiers or {}
    if any(tier not in range(1, DISPLAY_TIERS + 1) for tier in tiers.values()):
        raise DomainError(f"显示层应为 1 到 {DISPLAY_TIERS} 之间的整数。")
    changes = {"display_order": display_order_cases(ordered_ids)}
    if tiers:
        cases = (When(pk=pk, then=Value(tier)) for pk, tier in tiers.items())
        changes["display_tier"] = Case(*cases, default=F("display_tier"), output_field=PositiveSmallIntegerField())
    User.objects.filter(unit=unit).update(**changes)
    detail = {"order": ordered_ids, "tiers": {str(pk): tier for pk, tier in tiers.items()}}
    audit_record(event=OrgEvent.USERS_ORDERED, actor=actor, request=request, obj=unit, detail=detail)


@transaction.atomic
def unit_users_order_reset(*, actor: User, unit: Unit, request=None) -> None:
    """重排人员: back to creation order."""
    check_in_scope(actor, unit)
    User.objects.filter(unit=unit).update(display_order=0, display_tier=1)
    audit_record(event=OrgEvent.USERS_ORDERED, actor=actor, request=request, obj=unit, detail={"reset": True})
