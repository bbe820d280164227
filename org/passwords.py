"""Password rules of MLPS 2.0 level 3: at least 8 characters (Django's validator), three
character classes, not the user name, none of the last PASSWORD_HISTORY_COUNT passwords, and
a change every PASSWORD_MAX_AGE_DAYS days. `password_set` is the one place a password is set."""

import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import PasswordHistory, User

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含登录名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含登录名。")


def _recent(user: User):
    return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")


def password_set(user: User, raw_password: str, *, remember: bool = True) -> list[str]:
    """Set the password, stamp when, and (with `remember`) add its hash to the history, of
    which only the newest PASSWORD_HISTORY_COUNT rows are kept. The caller saves the user with
    the fields returned, in the same transaction."""
    user.set_password(raw_password)
    user.password_changed_at = timezone.now()
    if remember:
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = _recent(user).values("pk")[: settings.PASSWORD_HISTORY_COUNT]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()
    return ["password", "password_changed_at"]


def password_expired(user: User) -> bool:
    """Older than PASSWORD_MAX_AGE_DAYS. An account whose password was never set through
    `password_set` (password_changed_at null: created by an admin or createsuperuser) counts
    from date_joined, so it cannot escape expiry; migration 0005 stamped every account that
    existed before, so the upgrade expired nobody."""
    changed = user.password_changed_at or user.date_joined
    return changed < timezone.now() - timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)


class RecentPasswordValidator:
    """None of the user's last PASSWORD_HISTORY_COUNT passwords (the history's newest rows, the
    current password normally the first of them) may be chosen again.

    The current password is refused by NewPasswordMixin with its own, more precise message
    (新密码不能与当前密码相同); it is skipped here so the same mistake is not reported twice."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return  # a new account has no history
        for encoded in _recent(user).values_list("password", flat=True)[: settings.PASSWORD_HISTORY_COUNT]:
            # hashers.check_password, not user.check_password: a match must not rehash and
            # save anything, and each row may carry an older hasher's parameters.
            if encoded != user.password and check_password(password, encoded):
                raise ValidationError(self.get_help_text(), code="password_recently_used")

    def get_help_text(self):
        return _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": settings.PASSWORD_HISTORY_COUNT}
