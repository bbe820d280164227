"""三员 (MLPS 2.0 level 3, separation of duties): who holds which administrator duty.

The system administrator keeps units, users and code tables; the security administrator the
security settings, account locks and second-factor resets; the audit administrator reads and
exports the audit log. `User.duty` is one field, so no account holds two of them, and the
model's constraint keeps business modules away from all three. Pages ask these predicates."""

from functools import partial, wraps

from django.core.exceptions import PermissionDenied

from org.models import Duty, User


def holds(user: User, duty: Duty) -> bool:
    return user.is_active and user.duty == duty


def is_system_admin(user: User) -> bool:
    return holds(user, Duty.SYSTEM)


def is_security_admin(user: User) -> bool:
    return holds(user, Duty.SECURITY)


def is_audit_admin(user: User) -> bool:
    return holds(user, Duty.AUDIT)


def is_duty_account(user: User) -> bool:
    """One of the three: maintained only by `manage.py create_duty_admins`, never by the
    user pages, so the system administrator cannot take over the auditor's account."""
    return user.duty != Duty.NONE


def require_duty(user: User, duty: Duty) -> None:
    if not holds(user, duty):
        raise PermissionDenied(f"只有{Duty(duty).label}才能使用此功能。")


def requiring(check):
    """A view decorator from a `check(user)` that raises PermissionDenied (403) for the
    signed-in user. It lives here because org.permissions, which builds its decorators on it
    too, imports this module."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            check(request.user)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def duty_required(duty: Duty):
    """For pages of one duty: 403 for everyone else."""
    return requiring(partial(require_duty, duty=duty))
