"""Signed-in pages kept in the server's memory until the records change.

The dashboard, a meeting's record, the ledger and the material editor cost 10–20 queries and a
large template each; a user who comes back to one of them before anything changed gets the bytes
made for them last time. `PrivatePageCacheMiddleware` (members.middleware) does the serving.

What makes a page reusable, all in the key:
- the records version: one number in the database (RecordsVersion), raised after every committed
  change (any model's save or delete, a many-to-many change, and any POST, PUT, PATCH or DELETE
  request, which covers bulk updates); every app server reads it once per cached request, so a
  change made through one server is seen by all at once. A number in this process is raised at
  once too (before the commit), so the writer's own next page is never an old one;
- the user, the full address, the language, the day and the quarter hour (what is overdue or due
  changes with time), the CSRF cookie (the page's forms carry a token made from it), the session's
  second-factor device (django-otp);
- never with a message waiting for the user (it would be shown once, and then never), never for a
  request without the CSRF cookie, never for anything but a 200 to a GET.

Pages live in this process only (a bounded LRU of MAX_BYTES): nothing of one user's page is ever in
a shared store, and a key never crosses users. A database or cache failure only means no caching.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

logger = logging.getLogger("meeting_records.pagecache")

#: The pages kept: (app namespace:)url name of each view.
CACHED_VIEWS = frozenset({"dashboard", "meetings:detail", "rectification:ledger", "materials:edit"})
#: Memory one process gives to kept pages (bytes of HTML).
MAX_BYTES = 32 * 1024 * 1024
#: A page is made anew at least this often (seconds), whatever happened: what is overdue, due or
#: scheduled moves with the clock.
TIME_SLOT = 15 * 60
#: Changes to these do not change what the kept pages show (and happen on every sign-in or request).
IGNORED_MODELS = frozenset(
    {
        "sessions.session",
        "members.recordsversion",
        "members.auditevent",
        "admin.logentry",
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",  # its throttling counters move at each code typed
        "otp_static.staticdevice",
        "otp_static.statictoken",
        "outbox.message",
    }
)

_local = {"version": 0}  # raised at once in this process by every change
_lock = threading.Lock()


def enabled() -> bool:
    return getattr(settings, "PRIVATE_PAGE_CACHE", True)


# --- the records version ------------------------------------------------------------------------


def records_version() -> int | None:
    """The shared number (None when the database cannot say)."""
    from .models import RecordsVersion

    try:
        return RecordsVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0
    except DatabaseError:
        return None


def _raise_shared() -> None:
    from .models import RecordsVersion

    try:
        if not RecordsVersion.objects.filter(pk=1).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    RecordsVersion.objects.create(pk=1, value=1)
            except IntegrityError:  # made meanwhile by another process
                RecordsVersion.objects.filter(pk=1).update(value=F("value") + 1)
    except DatabaseError:
        # The change is saved but other servers may keep showing what was before it: forget ours
        # and say so (they forget theirs at the next time slot).
        clear()
        logger.exception("Could not raise the records version: kept pages of other servers may be out of date")


def records_changed() -> None:
    """Call after a change to the records: this process forgets at once, every server after the commit."""
    with _lock:
        _local["version"] += 1
    # Once per transaction (a rolled back one takes its callback with it).
    if not any(entry[1] is _raise_shared for entry in connection.run_on_commit):
        transaction.on_commit(_raise_shared)


def _is_live(model) -> bool:
    # Not a migration's historical model (the table of the version may not exist yet then).
    return model._meta.apps is global_apps


def _on_change(sender, raw=False, **kwargs):
    if _is_live(sender) and sender._meta.label_lower not in IGNORED_MODELS:
        records_changed()


def _on_m2m(sender, action, **kwargs):
    if action.startswith("post_") and _is_live(sender):
        records_changed()


def connect() -> None:
    post_save.connect(_on_change, dispatch_uid="members.pagecache.save")
    post_delete.connect(_on_change, dispatch_uid="members.pagecache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="members.pagecache.m2m")


# --- the kept pages -----------------------------------------------------------------------------

_pages: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
_size = {"bytes": 0}


def clear() -> None:
    with _lock:
        _pages.clear()
        _size["bytes"] = 0


def get(key: str) -> tuple[bytes, dict] | None:
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
        return page


def put(key: str, content: bytes, headers: dict) -> None:
    if len(content) > MAX_BYTES // 8:
        return
    with _lock:
        old = _pages.pop(key, None)
        if old is not None:
            _size["bytes"] -= len(old[0])
        _pages[key] = (content, headers)
        _size["bytes"] += len(content)
        while _size["bytes"] > MAX_BYTES and _pages:
            _key, (dropped, _headers) = _pages.popitem(last=False)
            _size["bytes"] -= len(dropped)


def key_for(request) -> str | None:
    """The key of this request's page, or None when it must be made afresh."""
    if request.method != "GET" or not enabled():
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    shared = records_version()  # read first: a page made after a change is never kept under an older number
    if shared is None:
        return None
    # The secret the page's CSRF tokens are made from: the browser's own cookie, not a new one
    # (CsrfViewMiddleware puts it in META; a new secret is still to be sent to the browser).
    csrf = request.META.get("CSRF_COOKIE")
    if not csrf or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or "messages" in request.COOKIES:
        return None
    session = request.session
    if session.get("_messages"):
        return None
    with _lock:
        local = _local["version"]
    now = time.time()
    parts = (
        str(shared),
        str(local),
        str(user.pk),
        user.get_session_auth_hash(),
        request.get_full_path(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(int(now // TIME_SLOT)),
        csrf,
        str(session.get("otp_device_id", "")),
    )
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def messages_added(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))
