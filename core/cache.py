"""The shared cache (Redis) as a speed-up the app can do without.

``ResilientRedisCache`` is Django's RedisCache with three changes, so that Redis stopped, restarted
or hung never turns a page into an error:

- A failed call (the server refuses, resets, times out, is loading or out of memory) is a miss:
  ``get`` gives the default, ``get_many`` {}, ``add``/``delete``/``touch``/``has_key`` False,
  ``set``/``delete_many`` nothing, ``set_many`` every key as not stored, and ``incr`` raises
  ValueError, as for a missing key (callers already fall back to ``set``, which does nothing).
- Short socket timeouts (``socket_connect_timeout`` / ``socket_timeout`` in OPTIONS, redis-py's own
  settings), and a circuit breaker: after a failure the process leaves Redis alone for
  ``RETRY_AFTER`` seconds, then one call tries again. So a dead Redis costs one failed connection,
  and a hung one one timeout, per process and per ``RETRY_AFTER`` seconds, not one per cache call.
- One warning per ``WARN_EVERY`` seconds per process while Redis cannot be reached (not one per
  request), and an info line when it answers again. Caching then resumes by itself.

Deletes and increments that could not be made are remembered (up to ``FORGET_AFTER`` keys per
process) and those keys are deleted as soon as Redis answers again, so that what Redis kept from
before the outage does not come back: a session signed out meanwhile (``cached_db`` sessions), a
page generation that moved on. A value merely set during the outage needs no such care here: what
the app caches is a copy of the database (a session, a ledger summary) or a page keyed by its
generation, so an older copy is one the app showed before, and it is replaced or expires.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, OutOfMemoryError, ReadOnlyError, TimeoutError

logger = logging.getLogger("meeting_records.cache")

#: What says "Redis cannot serve this now" rather than "the call is wrong". ConnectionError covers
#: refused and reset connections, authentication, a server still loading its data, a full pool.
FAULTS = (ConnectionError, TimeoutError, OutOfMemoryError, ReadOnlyError)

_DOWN = object()


class _Health:
    """What this process knows of one Redis server. Shared by the cache objects of every thread
    (Django makes one per thread, and runserver one per request), so that the breaker and the
    warning hold for the whole process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.retry_at = 0.0  # while in the future, Redis is not asked
        self.down_since: float | None = None
        self.warned_at: float | None = None
        self.unwritten: set[str] = set()  # keys whose delete or incr failed (with their prefix)


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.warn_every = float(options.pop("WARN_EVERY", 60))
        self.forget_after = int(options.pop("FORGET_AFTER", 10_000))
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, {**params, "OPTIONS": options})
        with _health_lock:
            self._health = _health.setdefault(repr(self._servers), _Health())

    # -- the breaker -------------------------------------------------------------------------
    def _call(self, miss, method, *args, writes=None):
        """`method(*args)`, or `miss` when Redis fails or the breaker is open. `writes` is
        (keys, version) for a delete or incr: the keys are remembered when it cannot be made."""
        health = self._health
        if health.down_since is not None:
            now = time.monotonic()
            with health.lock:
                if now < health.retry_at:
                    self._remember(writes)
                    return miss
                health.retry_at = now + self.retry_after  # this call tries; others skip meanwhile
        try:
            result = method(*args)
        except FAULTS as exc:
            self._failed(exc, writes)
            return miss
        if health.down_since is not None:
            self._recovered()
        return result

    def _remember(self, writes):
        unwritten = self._health.unwritten
        if writes and len(unwritten) < self.forget_after:
            keys, version = writes
            unwritten.update(self.make_and_validate_key(key, version=version) for key in keys)

    def _failed(self, exc, writes):
        health = self._health
        now = time.monotonic()
        with health.lock:
            health.retry_at = now + self.retry_after
            if health.down_since is None:
                health.down_since = now
            self._remember(writes)
            warn = health.warned_at is None or now - health.warned_at >= self.warn_every
            if warn:
                health.warned_at = now
        if warn:
            logger.warning(
                "The shared cache (Redis) cannot be reached: %s. Pages are served without it; trying again every %g s.",
                exc,
                self.retry_after,
            )

    def _recovered(self):
        health = self._health
        with health.lock:
            if health.down_since is None:
                return
            since, health.down_since = health.down_since, None
            stale, health.unwritten = list(health.unwritten), set()
            warned = health.warned_at is not None and health.warned_at >= since
        if stale:
            try:  # a failure here is the next outage's; the keys then expire with their timeout
                self._cache.delete_many(stale)
            except FAULTS:
                pass
        if warned:  # the outage's warning was logged: say that it is over
            logger.info(
                "The shared cache (Redis) answers again after %.0f s; caching resumed (%d keys changed "
                "during the outage dropped).",
                time.monotonic() - since,
                len(stale),
            )

    def ping(self) -> bool:
        """One round trip to Redis through the breaker: False at once while the breaker is open."""
        return bool(self._call(False, lambda: self._cache.get_client().ping()))

    # -- Django's cache API ------------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version, writes=([key], version))

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._call(_DOWN, super().incr, key, delta, version, writes=([key], version))
        if value is _DOWN:
            raise ValueError(f"Key '{key}' not found (the shared cache cannot be reached).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._call(None, super().delete_many, keys, version, writes=(keys, version))

    def clear(self):
        return self._call(False, super().clear)
