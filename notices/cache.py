"""The public site's page cache.

Why not `cache_page`? Measured on our 2-core machine (see DESIGN.md), a page under
`cache_page` on Redis serves 0.35 of a trivial view's throughput: one Redis round trip
per request costs too much. A per-process memory cache serves 0.7–0.8. So:

Two levels
    L1  a per-process dict (LRU, bounded by ``PUBLIC_CACHE_MAX_ENTRIES``) of rendered
        pages: bytes, content type, status. A hit costs no I/O at all.
    L2  Django's default cache (Redis when ``REDIS_URL`` is set). Looked up only on an
        L1 miss, so a new worker warms up without rendering; skipped when the default
        cache is the per-process locmem cache (it would only duplicate L1).

Invalidation: the publication generation
    Every cached page is tagged with a *generation token* built from:
      * the newest ``Notice.updated_at`` (every service save touches it, so any
        publish, edit, schedule or withdrawal changes it — on every app server, as it
        lives in the database);
      * a counter in the shared cache that the notice services bump
        (``bump_generation``), which also catches what ``updated_at`` cannot (a
        deletion from the admin);
      * the time of the next scheduled publication (``publish_at`` of the earliest
        scheduled notice still in the future).
    A process re-reads the token at most every ``PUBLIC_CACHE_CHECK_SECONDS`` (default
    2 s: one small aggregate query and one cache get per process, not per request).
    When the token changed, the whole L1 is dropped, and L2 keys, which embed the
    token, are simply never asked for again. So a change reaches every app server
    within the check interval, and the process that made the change (the publisher's)
    sees it at once because the services call ``bump_generation``, which also drops
    the local L1.

Scheduled notices without a cron job
    ``NoticeQuerySet.live()`` shows a scheduled notice once its ``publish_at``
    has passed. The token remembers the next such moment; a request arriving at or
    after it treats the cache as stale before serving anything (a time comparison, no
    I/O), so no cached page outlives the next scheduled publication. L2 entries expire
    at that moment too.

When the database is down
    A token that cannot be read (``core.outage.is_database_outage``) keeps the last one: the
    pages of that generation are served *stale* (``X-Public-Cache: stale``, a ``Warning``
    header, ``Cache-Control: no-cache``), from L1 whatever their age, or from L2 (kept
    ``PUBLIC_CACHE_STALE_SECONDS``, default an hour, past their age for this), and nothing new
    is stored. A process that never read a token (a new worker) takes the last one any process
    read, remembered in the shared cache. The token is tried again every check interval, not on
    every request; once it reads, pages are fresh again. A page past its age that cannot be
    rendered because the database went down meanwhile is served stale too. Anything not kept
    answers the outage page (``core.outage``, 503).

What is cached
    Only GET/HEAD responses with status 200 for requests that carry no session cookie
    and no messages cookie (a signed-in user's page shows their name; a pending
    message must not be served to others). The key is the language (LocaleMiddleware
    has run) plus the full path with its query string. The `{% csrf_token %}` of the
    language switcher is rendered as a placeholder and replaced on every serve with
    the reader's own token, so cached pages never share a CSRF token (``fast_csrf_token``:
    Django's get_token with cheaper randomness).
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils import timezone

from core.outage import is_database_outage

CSRF_PLACEHOLDER = "__public-page-csrf-token-placeholder__"
GENERATION_KEY = "public:publication-generation"
TOKEN_KEY = "public:last-generation-token"


def _now() -> float:
    return time.time()


def _setting(name, default):
    return getattr(settings, name, default)


class PageCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, tuple[bytes, str, int, float]] = OrderedDict()
        self._memo: dict[str, object] = {}
        self._token: str | None = None
        self._next_publish: float | None = None  # epoch seconds
        self._checked_at = 0.0
        self._interval = 0.0  # settings, re-read with the token (LazySettings lookups are not free)
        self._max_age = 600
        #: The token could not be read (the database is down): the last generation's pages are served
        #: stale, whatever their age, and nothing new is stored, until a read succeeds again.
        self.stale = False

    # -- the generation token -------------------------------------------------
    def _read_token(self) -> tuple[str, float | None]:
        from .models import Notice

        now = timezone.now()
        # Two small index lookups (a MIN/MAX with FILTER would scan the whole table).
        last = Notice.objects.aggregate(last=Max("updated_at"))["last"]
        upcoming = (
            Notice.objects.filter(status=Notice.Status.SCHEDULED, publish_at__gt=now)
            .order_by("publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        counter = shared_cache.get(GENERATION_KEY, 0)
        next_ts = upcoming.timestamp() if upcoming else None
        raw = f"{last.isoformat() if last else '-'}|{counter}|{next_ts}"
        return hashlib.blake2s(raw.encode(), digest_size=8).hexdigest(), next_ts

    def token(self) -> str:
        """The current generation token, re-read at most every check interval or when a
        scheduled publication falls due."""
        now = _now()
        due = self._next_publish is not None and now >= self._next_publish
        if self._token is None or due or now - self._checked_at >= self._interval:
            if self.stale and self._token is not None and now - self._checked_at < self._interval:
                return self._token  # down at the last try: tried again after the interval, not per request
            self._interval = _setting("PUBLIC_CACHE_CHECK_SECONDS", 2.0)
            self._max_age = _setting("PUBLIC_CACHE_MAX_AGE", 600)
            try:
                token, next_ts = self._read_token()
            except DatabaseError as exc:
                # The database is down: keep the last known generation (a new process takes the
                # one remembered in the shared cache); with none, the page cannot be served.
                token = (self._token or _remembered_token()) if is_database_outage(exc) else None
                if token is None:
                    raise
                with self._lock:
                    self._token, self._checked_at, self.stale = token, now, True
                return token
            with self._lock:
                changed = token != self._token
                if changed:
                    self._pages.clear()
                    self._memo.clear()
                self._token, self._next_publish, self._checked_at = token, next_ts, now
                self.stale = False
            if changed:
                _remember_token(token)
        return self._token

    def invalidate_local(self):
        with self._lock:
            self._pages.clear()
            self._memo.clear()
            self._token = None
            self.stale = False

    # -- pages --------------------------------------------------------------
    def get(self, key: str):
        token = self.token()
        with self._lock:
            entry = self._pages.get(key)
            # Past its age, a page is rendered again, but kept until then: if the database is down
            # by that time, it is still better than an error (`stale_entry`).
            if entry is not None and (self.stale or _now() - entry[3] < self._max_age):
                self._pages.move_to_end(key)
                return entry
        if _use_shared_cache():
            entry = shared_cache.get(f"public:{token}:{key}")
            if entry is not None and (self.stale or _now() - entry[3] < self._max_age):
                self._store_local(key, entry)
                return entry
        return None

    def stale_entry(self, key: str):
        """The last page kept under `key`, whatever its age, for a page that could not be rendered
        because the database went down; the cache is then stale until the token is read again."""
        with self._lock:
            entry = self._pages.get(key)
        if entry is None and self._token is not None and _use_shared_cache():
            entry = _shared_get(f"public:{self._token}:{key}")
        if entry is not None:
            with self._lock:
                self.stale, self._checked_at = True, _now()
        return entry

    def set(self, key: str, content: bytes, content_type: str, status: int, *, token: str | None):
        """Store a page rendered under `token`; dropped if the generation moved on meanwhile."""
        if token is None or token != self._token or self.stale:
            return
        entry = (content, content_type, status, _now())
        self._store_local(key, entry)
        if _use_shared_cache():
            timeout = _setting("PUBLIC_CACHE_MAX_AGE", 600)
            if self._next_publish is not None:
                timeout = max(1, min(timeout, int(self._next_publish - _now())))
            # Kept past its age (which `get` checks), to be served stale while the database is down.
            timeout += _setting("PUBLIC_CACHE_STALE_SECONDS", 3600)
            shared_cache.set(f"public:{self._token}:{key}", entry, timeout)

    def _store_local(self, key, entry):
        with self._lock:
            self._pages[key] = entry
            self._pages.move_to_end(key)
            limit = _setting("PUBLIC_CACHE_MAX_ENTRIES", 2000)
            while len(self._pages) > limit:
                self._pages.popitem(last=False)

    def memo(self, key: str, compute):
        """A value computed once per generation in this process (e.g. archive counts)."""
        self.token()
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
        return value


page_cache = PageCache()


def _use_shared_cache() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith("LocMemCache") and not backend.endswith("DummyCache")


def _shared_get(key: str):
    """A shared-cache read that is only a fallback while the database is down: if the shared
    cache is down too, there is simply nothing to serve."""
    try:
        return shared_cache.get(key)
    except Exception:  # the outage page is the answer then, not a second error
        return None


def _remembered_token() -> str | None:
    """The generation last read by any process, for a process that has read none itself when the
    database goes down (a new worker): the pages of that generation in the shared cache serve."""
    return _shared_get(TOKEN_KEY) if _use_shared_cache() else None


def _remember_token(token: str) -> None:
    if _use_shared_cache():
        try:
            shared_cache.set(TOKEN_KEY, token, None)
        except Exception:  # only a fallback for an outage; the page is served regardless
            pass


def bump_generation():
    """Tell every app server that public pages changed: called by the notice services."""
    try:
        shared_cache.incr(GENERATION_KEY)
    except ValueError:
        shared_cache.set(GENERATION_KEY, 1, None)
    page_cache.invalidate_local()


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


_CHARS = CSRF_ALLOWED_CHARS
_N = len(_CHARS)
_CSRF_INDEX = {c: i for i, c in enumerate(_CHARS)}
_UNBIASED_BELOW = 256 - 256 % _N  # bytes below this map uniformly onto the 62 characters
_TO_CHAR = bytes(ord(_CHARS[b % _N]) for b in range(256))
_BIASED = bytes(range(_UNBIASED_BELOW, 256))
# Django's masking adds the mask to the secret character by character, modulo 62.
_ADD = {(a, b): _CHARS[(_CSRF_INDEX[a] + _CSRF_INDEX[b]) % _N] for a in _CHARS for b in _CHARS}


def _random_csrf_chars(n: int = CSRF_SECRET_LENGTH) -> str:
    """n random characters of CSRF_ALLOWED_CHARS from os.urandom (the CSPRNG `secrets`
    uses), mapped in C by bytes.translate; the few bytes that would bias the mapping are
    dropped."""
    out = b""
    while len(out) < n:
        out += os.urandom(2 * n).translate(_TO_CHAR, _BIASED)
    return out[:n].decode()


def fast_csrf_token(request) -> str:
    """What django.middleware.csrf.get_token does (same cookie handling, same masked
    64-character token), with cheaper randomness: Django's get_random_string calls
    secrets.choice once per character, which cost as much as the whole rest of a cached
    page's request."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = _random_csrf_chars()
        request.META["CSRF_COOKIE"] = secret
    elif len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_csrf_chars()
    return mask + "".join(map(_ADD.__getitem__, zip(secret, mask, strict=True)))


def _csrf_cookie_attributes() -> str:
    """The attributes Django's CsrfViewMiddleware gives its cookie (Max-Age without the
    redundant Expires date), formatted once per process."""
    parts = [f"Max-Age={settings.CSRF_COOKIE_AGE}"] if settings.CSRF_COOKIE_AGE is not None else []
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    parts.append(f"Path={settings.CSRF_COOKIE_PATH}")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    return "; ".join(parts)


_cookie_attributes: str | None = None


def _serve(request, entry) -> HttpResponse:
    global _cookie_attributes
    content, content_type, status, _stored = entry
    response = HttpResponse(content_type=content_type, status=status)
    placeholder = CSRF_PLACEHOLDER.encode()
    if placeholder in content:
        token = fast_csrf_token(request)
        content = content.replace(placeholder, token.encode())
        if not settings.CSRF_USE_SESSIONS:
            # Set the CSRF cookie here, as one preformatted header, instead of letting the
            # middleware build it with SimpleCookie and an Expires date on every request.
            if _cookie_attributes is None:
                _cookie_attributes = _csrf_cookie_attributes()
            response["Set-Cookie"] = f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}; {_cookie_attributes}"
            response["Vary"] = "Cookie"
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    response.content = content
    response["X-Public-Cache"] = "hit"
    return response


def _serve_stale(request, entry) -> HttpResponse:
    """A page of the last known generation while the database is down: marked stale, and kept by
    no browser or proxy without asking again."""
    response = _serve(request, entry)
    response["X-Public-Cache"] = "stale"
    response["Warning"] = '110 - "Response is Stale"'
    response["Cache-Control"] = "no-cache"
    return response


def public_page(view):
    """Serve a public view from the page cache (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _setting("PUBLIC_CACHE_ENABLED", True) or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        query = request.META.get("QUERY_STRING", "")
        # The host is part of the key: canonical links, og:url, the feed and the sitemap carry
        # absolute addresses built from the request.
        origin = f"{request.scheme}://{request.get_host()}"
        key = f"{getattr(request, 'LANGUAGE_CODE', '')}:{origin}{request.path}?{query}"
        entry = page_cache.get(key)
        if entry is not None:
            if page_cache.stale:
                return _serve_stale(request, entry)
            return _serve(request, entry)
        token = page_cache._token
        request.public_page_cacheable = True
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
        except DatabaseError as exc:
            # The database went down since the token was read: a page kept past its age still serves.
            entry = page_cache.stale_entry(key) if is_database_outage(exc) else None
            if entry is None:
                raise
            return _serve_stale(request, entry)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            entry = (response.content, response["Content-Type"], response.status_code, _now())
            page_cache.set(key, *entry[:3], token=token)
            return _serve(request, entry)
        return response

    return wrapper


def csrf_placeholder_context(request) -> dict:
    """Context for templates rendered by a cacheable public view: the CSRF token is a
    placeholder that `_serve` replaces with the reader's own token."""
    if getattr(request, "public_page_cacheable", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}
