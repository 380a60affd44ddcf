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
    has run) plus the full path with its query string. A cached page holds nothing
    particular to one reader: no CSRF token (the language switcher posts to
    ``core.views.set_language``, which needs none) and no cookie, so the same bytes may
    be kept by the browser and by a shared cache in front of the app servers. A page
    that asks for a CSRF token all the same is served to its reader and never kept.

HTTP caching (for browsers, nginx or a CDN)
    Every page served from here says so: ``Cache-Control: public, max-age=…,
    s-maxage=…, stale-while-revalidate=…`` (``PUBLIC_HTTP_MAX_AGE``,
    ``PUBLIC_HTTP_S_MAXAGE``, ``PUBLIC_HTTP_STALE_WHILE_REVALIDATE``), ``Vary:
    Accept-Language, Cookie``, a weak ``ETag`` made of the generation token and the
    page's key (language, host, path and query), and ``Last-Modified``: the newest
    update, publication or generation bump. A conditional GET whose ``If-None-Match``
    names the current ETag (or, without one, whose ``If-Modified-Since`` is not older
    than Last-Modified) is answered 304 before anything is looked up or rendered.
    A publication changes the token, hence every ETag; the language is in the key, so a
    page in one language never validates another's. Signed-in pages never get here:
    ``core.middleware.PrivatePagesNoStoreMiddleware`` marks them ``private, no-store``.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import DatabaseError
from django.db.models import Max
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from core.outage import is_database_outage

GENERATION_KEY = "public:publication-generation"
TOKEN_KEY = "public:last-generation-token"
GENERATION_BUMPED_AT_KEY = "public:publication-generation-bumped-at"


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
    shared_cache.set(GENERATION_BUMPED_AT_KEY, _now(), None)  # for Last-Modified
    page_cache.invalidate_local()


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


# -- HTTP caching ----------------------------------------------------------------------


def _last_modified() -> float | None:
    """When the public pages last changed, in epoch seconds: the newest notice update, the
    newest publication time that has come (a scheduled notice goes live without an update)
    and the last generation bump (a deletion). Computed once per generation per process;
    never earlier than the change, so If-Modified-Since never hides one."""

    def compute():
        from .models import Notice

        last = Notice.objects.aggregate(last=Max("updated_at"))["last"]
        went_live = (
            Notice.objects.filter(publish_at__lte=timezone.now())
            .order_by("-publish_at")
            .values_list("publish_at", flat=True)
            .first()
        )
        times = [t.timestamp() for t in (last, went_live) if t is not None]
        bumped = shared_cache.get(GENERATION_BUMPED_AT_KEY)
        if bumped is not None:
            times.append(float(bumped))
        return min(max(times), _now()) if times else None

    if page_cache.stale:
        return None  # the database is down: not asked again for every request
    try:
        return page_cache.memo("http:last-modified", compute)
    except DatabaseError as exc:
        if is_database_outage(exc):
            return None  # the database is down: pages are served stale, without a Last-Modified
        raise


def _etag(token: str, key: str) -> str:
    """Weak: the same page in the same generation, whatever the bytes' compression."""
    digest = hashlib.blake2s(f"{token}|{key}".encode(), digest_size=8).hexdigest()
    return f'W/"{token}-{digest}"'


def _http_headers(response, etag: str, last_modified: float | None):
    response["Cache-Control"] = (
        f"public, max-age={_setting('PUBLIC_HTTP_MAX_AGE', 60)}, s-maxage={_setting('PUBLIC_HTTP_S_MAXAGE', 300)}, "
        f"stale-while-revalidate={_setting('PUBLIC_HTTP_STALE_WHILE_REVALIDATE', 600)}"
    )
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _not_modified(request, etag: str) -> bool:
    """RFC 9110: If-None-Match (weak comparison) decides when present; otherwise If-Modified-Since.
    `*` is never answered 304 here (the page might not exist)."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        wanted = etag.removeprefix("W/")
        return wanted in (tag.removeprefix("W/") for tag in parse_etags(if_none_match) if tag != "*")
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is None:
        return False
    last_modified = _last_modified()
    # HTTP dates count whole seconds: two changes within one second look alike to a client that
    # sends only If-Modified-Since (browsers and nginx send the ETag too, which decides).
    return last_modified is not None and int(last_modified) <= since


def _serve(entry, etag: str, last_modified: float | None) -> HttpResponse:
    content, content_type, status, _stored = entry
    response = HttpResponse(content, content_type=content_type, status=status)
    response["X-Public-Cache"] = "hit"
    return _http_headers(response, etag, last_modified)


def _serve_stale(entry, etag: str) -> HttpResponse:
    """A page of the last known generation while the database is down: marked stale, and kept by
    no browser or proxy without asking again (the ETag still spares the bytes once it is back)."""
    response = _serve(entry, etag, None)
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
        token = page_cache.token()
        etag = _etag(token, key)
        if _not_modified(request, etag):
            # The reader (or the proxy) holds this page of this generation: nothing to render.
            response = _http_headers(HttpResponseNotModified(), etag, _last_modified())
            response["X-Public-Cache"] = "not-modified"
            if page_cache.stale:
                response["Cache-Control"] = "no-cache"  # as the stale page itself (`_serve_stale`)
            return response
        entry = page_cache.get(key)
        if entry is not None:
            if page_cache.stale:
                return _serve_stale(entry, etag)
            return _serve(entry, etag, _last_modified())
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
            return _serve_stale(entry, etag)
        # A page that asked for a CSRF token (get_token) is one reader's: served, never kept.
        personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if response.status_code == 200 and not response.streaming and not personal:
            entry = (response.content, response["Content-Type"], response.status_code, _now())
            page_cache.set(key, *entry[:3], token=token)
            return _serve(entry, etag, _last_modified())
        return response

    return wrapper


def csrf_placeholder_context(request) -> dict:
    """Extra context for templates rendered by a cacheable public view: none any more. Public
    pages carry no CSRF token (nothing they post needs one); a page that renders one anyway is
    served to its reader but not cached (see `public_page`)."""
    return {}
