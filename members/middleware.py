"""Refused requests leave a trace: an AuditEvent row and a structured line on "meeting_records.audit".

- 403 (refused): FORBIDDEN, on any path. Stored for signed-in users; for anonymous requests (a
  failed CSRF check, say) only the log line is written, so nobody can fill the table without an
  account.
- 404 to a signed-in user under /meetings/, /rectification/ or /admin/: OUT_OF_SCOPE. Views fetch
  through scoped querysets, so another organisation's meeting or item is a 404 there; a run of
  them from one user is someone trying ids.

Other 404s (a mistyped public address) are not security events and are left to the server log.
"""

import json
import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse

from . import audit, pagecache
from .models import AuditEvent

logger = logging.getLogger("meeting_records.audit")

#: Where a 404 to a signed-in user means an id out of their scope (or not existing at all).
SCOPED_PREFIXES = ("/meetings/", "/rectification/", "/admin/")


def refusal_kind(request, status_code: int) -> str | None:
    """The AuditEvent kind of a response, or None when it is not a refusal worth recording."""
    if status_code == 403:
        return AuditEvent.Kind.FORBIDDEN
    if status_code == 404 and request.path_info.startswith(SCOPED_PREFIXES):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return AuditEvent.Kind.OUT_OF_SCOPE
    return None


class AuditRefusalsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = refusal_kind(request, response.status_code)
        if kind is not None:
            self.record(request, kind, response.status_code)
        return response

    def record(self, request, kind: str, status_code: int) -> None:
        outcome = "forbidden" if kind == AuditEvent.Kind.FORBIDDEN else "not_found"
        detail = f"HTTP {status_code}"
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            line = {
                "event": str(kind),
                "outcome": outcome,
                "user": "",
                "user_id": None,
                "address": audit.client_ip(request),
                "method": request.method,
                "path": request.path[:500],
                "detail": detail,
            }
            logger.info(json.dumps(line, ensure_ascii=False), extra={"audit": line})
            return
        try:
            audit.record(kind, request=request, user=user, detail=detail, outcome=outcome)
        except DatabaseError:  # the response goes out regardless; the failure is logged
            logger.exception("Could not store the audit event %s for %s", kind, request.path)


class PrivatePageCacheMiddleware:
    """Serves a signed-in page again from this process's memory while nothing changed (members.pagecache),
    and says that the records changed after every request that may write.

    It asks for the kept page in `process_view`, after every other middleware had its say (sign-in,
    session limits, second factor), for the views of pagecache.CACHED_VIEWS only; what the view sends
    back (a 200 to a GET, no cookie set, no message added) is kept for the next time."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        watch = pagecache.WriteWatch()
        pagecache.watch_writes(watch)
        try:
            with connection.execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            pagecache.watch_writes(None)
        key = getattr(request, "_private_page_key", None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not pagecache.messages_added(request)
        ):
            pagecache.put(key, response.content, dict(response.items()))
        self.records_changed(request, watch)
        return response

    def records_changed(self, request, watch) -> None:
        """After a request that may have written: a POST, PUT, PATCH or DELETE raises its user's scopes
        (their own and every organisation they see: a bulk update there sends no signal); a write that
        no signal told of and those scopes do not cover (another organisation's, or one that moves a
        record or names who sees it, or by an anonymous request) raises "all"."""
        scopes = None
        if request.method not in self.SAFE_METHODS:
            scopes = pagecache.scopes_written_by(getattr(request, "user", None))
            if scopes is None and getattr(request, "user", None) is not None and not request.user.is_authenticated:
                scopes = set()  # anonymous: only what it wrote counts
            if scopes is None:
                pagecache.records_changed()
                return
        if watch.settle(own_scopes_enough=bool(scopes)):
            pagecache.records_changed()
        elif scopes:
            pagecache.records_changed(scopes)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.view_name not in pagecache.CACHED_VIEWS:
            return None
        key = pagecache.key_for(request)
        if key is None:
            return None
        page = pagecache.get(key)
        if page is None:
            request._private_page_key = key
            return None
        content, headers = page
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
