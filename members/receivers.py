"""Sign-in events into the audit log, and the session's clock and second-factor mark at sign-in.

Connected in members.apps.MembersConfig.ready(). Django sends user_logged_in, user_logged_out and
user_login_failed from every sign-in path (the login page, the admin, the test client); django-axes
sends user_locked_out. A password is changed through set_password() and save() on every path (the
password page, the admin, `changepassword`), so post_save of the user model sees it.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_init, post_save
from simple_history.models import HistoricalRecords

from . import audit, two_factor
from .models import AuditEvent
from .sessions import start_session_clock


def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    start_session_clock(request)
    if two_factor.needs_code_at_sign_in(user):
        request.session[two_factor.PENDING_SESSION_KEY] = True
        detail = "second factor owed"
    else:
        request.session.pop(two_factor.PENDING_SESSION_KEY, None)
        detail = ""
    audit.record(AuditEvent.Kind.LOGIN, request=request, user=user, detail=detail)


def on_logged_out(sender, request, user, **kwargs):
    if request is None:
        return
    reason = getattr(request, "session_end_reason", "")
    detail = {"idle": "session ended: idle", "expired": "session ended: time limit"}.get(reason, "")
    audit.record(AuditEvent.Kind.LOGOUT, request=request, user=user, detail=detail)


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username") or "")
    audit.record(AuditEvent.Kind.LOGIN_FAILED, request=request, username=username)


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit.record(AuditEvent.Kind.LOCKED_OUT, request=request, username=str(username or ""))


def on_user_loaded(sender, instance, **kwargs):
    instance._audit_password_before = instance.password


def on_user_saved(sender, instance, created, **kwargs):
    # set_password() keeps the new password in _password until save() has passed it to the
    # password validators; a hash upgrade at sign-in clears it first, so that is not a change.
    # The first password of an account that had none (just created) is not a change either.
    before = getattr(instance, "_audit_password_before", "")
    instance._audit_password_before = instance.password
    if created or getattr(instance, "_password", None) is None or not (before and is_password_usable(before)):
        return
    request = getattr(HistoricalRecords.context, "request", None)  # set by simple_history's middleware
    actor = getattr(request, "user", None) if request is not None else None
    detail = ""
    if actor is not None and actor.is_authenticated and actor.pk != instance.pk:
        detail = f"changed by {actor.get_username()}"
    audit.record(AuditEvent.Kind.PASSWORD_CHANGED, request=request, user=instance, detail=detail)


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="members.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="members.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="members.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="members.audit.locked_out")
    post_init.connect(on_user_loaded, sender=get_user_model(), dispatch_uid="members.audit.user_loaded")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="members.audit.password_changed")
