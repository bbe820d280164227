"""Sign-in events go to the audit log (MLPS 2.0: every sign-in and every failure)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.events import SignInEvent
from audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(event=SignInEvent.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(event=SignInEvent.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    audit_record(event=SignInEvent.SIGN_IN_FAILED, request=request, success=False, username=username,
                 unit=_unit_of(username))  # fmt: skip


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(event=SignInEvent.LOCKED_OUT, request=request, success=False, username=username or "",
                 unit=_unit_of(username))  # fmt: skip


def _unit_of(username: str | None):
    """The unit of the account a failed sign-in tried, or None for a name that is no account."""
    users = get_user_model().objects.select_related("unit")
    user = users.filter(username__iexact=username).first() if username else None
    return user.unit if user is not None else None
