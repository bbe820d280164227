"""Writes of a user's own account: first sign-in (manual 0.3–0.4) and password changes."""

from django.conf import settings
from django.db import transaction

from audit.services import audit_record
from org.events import OrgEvent
from org.models import Unit, User
from org.passwords import password_expired, password_set

PROFILE_FIELDS = ("full_name", "gender", "phone", "position", "email")
EXPIRY_AUDITED = "_password_expiry_audited"  # session key


def first_sign_in_step(user: User) -> str | None:
    """The URL name of the page the user still has to pass before any other — a first-sign-in
    step, or the password change once the password is older than PASSWORD_MAX_AGE_DAYS — or None."""
    if not user.unit_confirmed:
        return "org:first_unit_confirm"
    if not user.profile_confirmed or user.must_change_password:
        return "org:first_profile"
    if not user.unit.details_confirmed:
        return "org:first_unit_details"
    if password_expired(user):
        return "org:password_change"
    return None


@transaction.atomic
def first_sign_in_confirm_unit(*, actor: User, confirmed: bool, request=None) -> None:
    if confirmed:
        User.objects.filter(pk=actor.pk).update(unit_confirmed=True)
        actor.unit_confirmed = True
    audit_record(
        event=OrgEvent.FIRST_SIGN_IN,
        actor=actor,
        request=request,
        obj=actor.unit,
        success=confirmed,
        detail={"step": "confirm_unit"},
    )


@transaction.atomic
def first_sign_in_complete_profile(*, actor: User, profile: dict, new_password: str | None, request=None) -> None:
    """Save the confirmed personal details and, when given, the new password."""
    for name in PROFILE_FIELDS:
        setattr(actor, name, profile[name])
    actor.profile_confirmed = True
    fields = [*PROFILE_FIELDS, "profile_confirmed"]
    if new_password:
        fields += password_set(actor, new_password)
        actor.must_change_password = False
        fields.append("must_change_password")
    actor.save(update_fields=fields)
    audit_record(event=OrgEvent.FIRST_SIGN_IN, actor=actor, request=request, obj=actor, detail={"step": "profile"})
    if new_password:
        audit_record(event=OrgEvent.PASSWORD_CHANGED, actor=actor, request=request, obj=actor)


@transaction.atomic
def unit_details_complete(*, actor: User, details: dict, request=None) -> Unit:
    """The first user of a unit completes and confirms its details (manual 0.4)."""
    unit = Unit.objects.select_for_update().get(pk=actor.unit_id)
    for name, value in details.items():
        setattr(unit, name, value)
    unit.details_confirmed = True
    unit.save(update_fields=[*details.keys(), "details_confirmed"])
    audit_record(event=OrgEvent.UNIT_CHANGED, actor=actor, request=request, obj=unit, detail={"step": "first_sign_in"})
    return unit


@transaction.atomic
def password_change(*, actor: User, new_password: str, request=None) -> None:
    fields = password_set(actor, new_password)
    actor.must_change_password = False
    actor.save(update_fields=[*fields, "must_change_password"])
    audit_record(event=OrgEvent.PASSWORD_CHANGED, actor=actor, request=request, obj=actor)


def password_expiry_record(*, actor: User, request) -> None:
    """Audit that an expired password forced the change page on the user, once per session:
    the page is reached again after every other page the user tries."""
    if request.session.get(EXPIRY_AUDITED):
        return
    audit_record(
        event=OrgEvent.PASSWORD_EXPIRED,
        actor=actor,
        request=request,
        obj=actor,
        detail={"max_age_days": settings.PASSWORD_MAX_AGE_DAYS},
    )
    request.session[EXPIRY_AUDITED] = True


def mark_default_password(*, user: User) -> None:
    """A user who signed in with the default password must change it, whoever set it."""
    if not user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        user.must_change_password = True
