"""Signed-in sessions end after a time without activity and after a time in all.

The clock starts at sign-in (members.receivers calls start_session_clock); the middleware runs
after Django's AuthenticationMiddleware and MessageMiddleware, so the user is sent to the login
page with a message saying why.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _

LOGIN_AT_SESSION_KEY = "members.login_at"
SEEN_AT_SESSION_KEY = "members.seen_at"
#: The last-seen time is written at most this often (seconds), so a busy session is not saved on
#: every request; the idle limit is exact to within this.
SEEN_RESOLUTION = 60


def start_session_clock(request) -> None:
    now = int(time.time())
    request.session[LOGIN_AT_SESSION_KEY] = now
    request.session[SEEN_AT_SESSION_KEY] = now


def session_end_reason(session, now: float) -> str | None:
    """Why a signed-in session is over ("idle", "expired"), or None while it may go on."""
    login_at = session.get(LOGIN_AT_SESSION_KEY)
    seen_at = session.get(SEEN_AT_SESSION_KEY)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return "expired"  # a session from before these limits, or one not started by a sign-in
    if now - login_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return "expired"
    if now - seen_at >= settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request.session, now)
            if reason is not None:
                return self._end(request, reason)
            if now - request.session[SEEN_AT_SESSION_KEY] >= SEEN_RESOLUTION:
                request.session[SEEN_AT_SESSION_KEY] = int(now)
        return self.get_response(request)

    def _end(self, request, reason: str):
        request.session_end_reason = reason  # the logout receiver notes it in the audit log
        path = request.get_full_path() if request.method == "GET" else None
        logout(request)
        if reason == "idle":
            text = _("You were signed out after %(minutes)s minutes without activity. Please log in again.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
        else:
            text = _("Your session ended after %(hours)s hours. Please log in again.") % {
                "hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600
            }
        messages.info(request, text)
        if path:
            return redirect_to_login(path)
        return redirect(settings.LOGIN_URL)
