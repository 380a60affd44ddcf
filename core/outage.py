"""When the database cannot be reached: a 503 page that needs no database, in the reader's language.

Django turns an exception raised anywhere in the middleware chain or the view into a response at
the layer where it was raised (``convert_exception_to_response`` wraps every middleware), calling
``handler500`` with the exception still in ``sys.exc_info()``. So a lost database shows up there
whether it failed in the view, in a template, or before the view in the session, authentication,
two-factor or lockout middleware; ``server_error`` (config/urls.py's ``handler500``) answers it with
``templates/503.html`` instead of the plain 500 page:

- 503 with ``Retry-After``, ``Cache-Control: no-store``, never a traceback;
- in the reader's language, decided from the request alone (the language cookie, Accept-Language,
  the site's default: Django's own ``get_language_from_request``), not from a user's profile;
- rendered without a request context, so nothing on it can touch the database (no ``user``, no
  messages), with a fresh CSRF token from the cookie;
- a form posted during the outage is NOT saved, and the page says so and gives every posted text
  back in a labelled textarea, inside a form that sends the same fields to the same address once
  the database is back. Passwords and one-time codes are not echoed (empty inputs to type again);
  files cannot be given back and are named. Fields are echoed only when the post passed the CSRF
  check, so another site cannot post text that a reader then sends with their own token.

Public pages already in the page cache keep being served (stale) by notices.cache; the app
reconnects by itself afterwards (CONN_MAX_AGE with CONN_HEALTH_CHECKS).

An anonymous request for a private page (the sign-in page, mostly) needs no query of its own, so
``DatabaseCheckMiddleware`` checks the connection first: the reader is told at once that signing in
cannot work now, rather than after typing a password.
"""

from __future__ import annotations

import logging
import re
import sys
import time

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .middleware import PRIVATE_PREFIXES

logger = logging.getLogger("meeting_records.outage")

#: Seconds a reader is asked to wait before trying again (the Retry-After header).
RETRY_AFTER_SECONDS = 30
#: The outage is logged at most once per this many seconds per process, not once per request.
LOG_EVERY_SECONDS = 60

#: Posted fields never written back into the page: secrets the browser should not see again.
SECRET_FIELD = re.compile(r"password|passwd|secret|otp|token", re.IGNORECASE)
#: Fields resent but not shown: the form's bookkeeping (formset counts, versions, where to go next).
BOOKKEEPING_FIELD = re.compile(r"(^|-)(TOTAL_FORMS|INITIAL_FORMS|MIN_NUM_FORMS|MAX_NUM_FORMS|id|version|next)$")
#: Values resent but not shown: ids, numbers, dates and choice values, not text anyone typed.
CHOICE_VALUE = re.compile(r"[a-z0-9_:.-]{0,32}")

_last_logged = 0.0


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database cannot be reached or the connection was lost."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        for conn in connections.all(initialized_only=True):
            database = getattr(conn, "Database", None)
            if database is not None and isinstance(exc, database.OperationalError | database.InterfaceError):
                return True
        if isinstance(exc, DatabaseError) and _connection_lost():
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _connection_lost() -> bool:
    """A DatabaseError of a broken connection (psycopg's `broken`, psycopg2's `closed` 2)."""
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is not None and (getattr(raw, "broken", False) or getattr(raw, "closed", 0) == 2):
            return True
    return False


def check_database(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Raise the backend's OperationalError unless the database answers (Django's own health check:
    a kept connection is tested once per request, a lost one reopened)."""
    connection = connections[alias]
    if connection.in_atomic_block:
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()


class DatabaseCheckMiddleware:
    """An anonymous request for a private page (sign-in, password reset) checks the database first,
    so it gets the outage page before anyone types into a form that cannot be saved. Signed-in
    requests reach the database anyway (their session); public pages are served from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PRIVATE_PREFIXES) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            check_database()
        return self.get_response(request)


def server_error(request, *args, **kwargs):
    """handler500: the outage page for a lost database, Django's plain 500 page for anything else."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_outage(exc):
        return database_unavailable(request, exc)
    return defaults.server_error(request, *args, **kwargs)


def reader_language(request) -> str:
    """The reader's language from the request alone: what LocaleMiddleware chose, or the same rules
    (the language cookie, Accept-Language, LANGUAGE_CODE) when it has not run."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = getattr(request, "LANGUAGE_CODE", None)
    if language not in codes:
        language = translation.get_language_from_request(request)
    return language if language in codes else settings.LANGUAGE_CODE


#: A formset row's prefix ("form-3-", "speech-0-"): the label is the field's, whatever the row.
FORMSET_PREFIX = re.compile(r"^(?:[\w]+-\d+-)+")


def field_label(name: str, app_label: str | None) -> str:
    """What a reader calls a posted field: the verbose name of a model field of that name (the
    address's own app first), found in the model registry without touching the database; else
    the name with its underscores as spaces."""
    bare = FORMSET_PREFIX.sub("", name)
    configs = list(apps.get_app_configs())
    configs.sort(key=lambda config: config.label != app_label)
    for config in configs:
        for model in config.get_models():
            try:
                field = model._meta.get_field(bare)
            except Exception:  # FieldDoesNotExist, or a relation without a verbose name
                continue
            verbose = getattr(field, "verbose_name", None)
            if verbose:
                return str(verbose)[:1].upper() + str(verbose)[1:]
    return bare.replace("_", " ")


def _app_label(request) -> str | None:
    try:
        return resolve(request.path_info).namespace or None
    except Resolver404:
        return None


def posted_fields(request) -> dict:
    """What a POST carried, sorted for the outage page: text to show (and resend), bookkeeping to
    resend unseen, secrets to type again, and the names of files that were not kept."""
    shown, kept, secrets, files = [], [], [], []
    if request.method != "POST":
        return {"shown": shown, "kept": kept, "secrets": secrets, "files": files, "posted": False}
    try:
        data, uploads = request.POST, request.FILES
    except Exception:  # an unreadable body: nothing to give back, the page still renders
        return {"shown": shown, "kept": kept, "secrets": secrets, "files": files, "posted": True}
    if _csrf_passes(request):
        app_label = _app_label(request)
        for index, (name, values) in enumerate(data.lists()):
            if name == "csrfmiddlewaretoken":
                continue
            if SECRET_FIELD.search(name):
                secrets.append(name)
                continue
            for number, value in enumerate(values):
                if BOOKKEEPING_FIELD.search(name) or CHOICE_VALUE.fullmatch(value):
                    kept.append({"name": name, "value": value})
                else:
                    lines = value.count("\n") + 1 + len(value) // 80
                    shown.append(
                        {
                            "name": name,
                            "label": field_label(name, app_label),
                            "value": value,
                            "id": f"outage-field-{index}-{number}",
                            "rows": min(20, max(2, lines)),
                        }
                    )
        files = sorted(
            {
                translation.gettext("%(field)s: %(file)s")
                % {"field": field_label(name, app_label), "file": upload.name}
                for name, upload in uploads.items()
            }
        )
    return {"shown": shown, "kept": kept, "secrets": secrets, "files": files, "posted": True}


def _csrf_passes(request) -> bool:
    """Whether the post carries this reader's CSRF token (checked here: the failure may have come
    before CsrfViewMiddleware's check, which runs just before the view)."""
    if getattr(request, "csrf_processing_done", False):
        return True
    try:
        return CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is None
    except Exception:  # a token that cannot be read is a token that does not pass
        return False


def database_unavailable(request, exc: BaseException | None = None) -> HttpResponse:
    """The outage page (503): rendered from the request alone, without touching the database."""
    _log(request, exc)
    language = reader_language(request)
    with translation.override(language):
        context = {
            "LANGUAGE_CODE": language,
            "action": request.get_full_path(),
            "csrf_token": get_token(request),
            "retry_after": RETRY_AFTER_SECONDS,
            **posted_fields(request),
        }
        # No request: no context processor runs, so nothing can ask for the user or the messages.
        content = loader.get_template("503.html").render(context)
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    # Logged above, once a minute: Django would log a traceback for every request of the outage.
    response._has_been_logged = True
    return response


def _log(request, exc) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning(
            "The database cannot be reached (%s: %s): answering 503 (first: %s %s); "
            "further reports from this process are held back for %s s.",
            type(exc).__name__,
            str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            request.method,
            request.path,
            LOG_EVERY_SECONDS,
        )
