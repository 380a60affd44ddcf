"""Sign-in lockout: django-axes refuses a sign-in for an account or an address after too many failures."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, first in AUTHENTICATION_BACKENDS; ModelBackend then checks the password.

    Every sign-in over the web passes its request (the login forms do). authenticate() called without
    one (a shell, a management command) has no address to count, so it goes on to the next backend
    instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
