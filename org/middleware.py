"""Request-wide rules of accounts: the resolved user, the second factor, first sign-in and the
idle timeout."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from org.services.accounts import first_sign_in_step
from org.services.second_factor import required_at_sign_in

_ALWAYS_OPEN = (
    "logout",
    "org:first_unit_confirm",
    "org:first_profile",
    "org:first_unit_details",
    "org:password_change",
    "org:second_factor",  # its own middleware runs first; first sign-in comes after it
)


class FirstSignInMiddleware:
    """Until a user has passed first sign-in (unit confirmed, details completed, default
    password changed) every page leads to the step still open (manual 0.3–0.4)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            step = first_sign_in_step(user)
            if step is not None and request.path not in self._paths():
                return redirect(step)
        return self.get_response(request)

    def _paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in _ALWAYS_OPEN}
        return self._open_paths


class SecondFactorMiddleware:
    """A user who must sign in with a second factor (org.services.second_factor) reaches no
    page but the second-factor step and sign-out until the session has proved it: the password
    alone opens nothing. Runs before first sign-in, whose steps come after the full sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and required_at_sign_in(user):
            if request.path not in self._paths():
                return redirect_to_login(request.get_full_path(), reverse("org:second_factor"))
        return self.get_response(request)

    def _paths(self) -> set[str]:
        if self._open_paths is None:
            self._open_paths = {reverse("logout"), reverse("org:second_factor")}
        return self._open_paths


class ResolvedUserMiddleware:
    """`request.user` as the user itself from here on, not the two lazy proxies around it
    (AuthenticationMiddleware's, then django_otp's, which adds `otp_device` and `is_verified`).

    Every page reads the user anyway — LoginRequiredMiddleware asks whether it is signed in —
    but each attribute read through the proxies is four Python calls: 4% of a page's CPU."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = resolved(user)
        return self.get_response(request)


def resolved(user):
    """The object behind any number of lazy proxies, each set up on the way."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


class IdleTimeoutMiddleware:
    """A session ends SESSION_COOKIE_AGE (BANGFU_IDLE_TIMEOUT_MINUTES) after the user's last
    request, to within a tenth of it: a request saves the session (a new expiry) once a tenth
    of the timeout, at most a minute, has passed since the last save. Saving on every request
    would cost an UPDATE per request; a fixed minute signed out an active user whose timeout
    was one minute."""

    KEY = "_last_refresh"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()  # the clock sessions expire by
            if now - request.session.get(self.KEY, 0) >= min(60, settings.SESSION_COOKIE_AGE / 10):
                request.session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)
