"""Writes of the help-centre profile (manual 18.3.1)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.services import audit_record
from org.events import OrgEvent
from org.models import HelpCentreProfile, Module, User


def can_edit_help_centre_profile(user: User) -> bool:
    return user.unit.is_help_centre and user.has_module(Module.UNIT_ADMIN)


@transaction.atomic
def help_centre_profile_save(*, actor: User, data: dict, request=None) -> HelpCentreProfile:
    """Create or update the profile of the actor's own unit, which must be a help centre."""
    if not can_edit_help_centre_profile(actor):
        raise PermissionDenied("只有帮扶中心的用户管理员才能填写本帮扶中心信息。")
    profile, created = HelpCentreProfile.objects.update_or_create(unit=actor.unit, defaults=data)
    audit_record(
        event=OrgEvent.HELP_CENTRE_CHANGED,
        actor=actor,
        request=request,
        obj=profile,
        detail={"action": "create" if created else "update"},
    )
    return profile
