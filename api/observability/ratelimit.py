"""Rate limits: a token bucket per client (per API key, else per client address).

``RateLimiter.wait_s(...)`` is 0.0 if a request is admitted, else the seconds to wait
(the middleware answers 429 with ``Retry-After``). Where the buckets live
(``FREIGHT_RATE_LIMIT_URL``):

* ``""`` (default): a file shared by every worker process of the host (``hoststore``), so
  the limit holds across ``--workers N`` with nothing else to run;
* ``file:///path``: that file;
* ``memory:``: per process (N workers admit up to N times the limit);
* ``redis://host:port/db`` or ``rediss://`` (TLS): one Redis shared by several hosts
  (``redisstore``); keys are per database, so services on one database share limits.

If a shared store fails, requests are admitted and the failure logged; the store is then
left alone for ``retry_store_after_s`` (a down Redis costs no time per request).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from api.observability.hoststore import HostStore, host_store_path
from api.observability.redisstore import RateStoreUnavailable, RedisStore
from api.settings import RateLimit, RateLimits

log = logging.getLogger("api.ratelimit")


class Bucket(Protocol):
    async def take(self, who: str) -> float: ...


class MemoryBuckets:
    """Token buckets of this process keyed by client."""

    def __init__(self, limit: RateLimit) -> None:
        self.capacity = float(limit.requests)
        self.rate_per_s = limit.requests / limit.period_s
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take_at(self, who: str, now: float) -> float:
        with self._lock:
            tokens, last = self._state.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate_per_s)
            if tokens >= 1.0:
                self._state[who] = (tokens - 1.0, now)
                if len(self._state) > 100_000:  # forget idle clients, bound memory
                    self._state.clear()
                return 0.0
            self._state[who] = (tokens, now)
            return (1.0 - tokens) / self.rate_per_s

    async def take(self, who: str) -> float:
        return self.take_at(who, time.monotonic())


class HostBuckets:
    """Token buckets in the host's shared file."""

    def __init__(self, limit: RateLimit, store: HostStore) -> None:
        self.capacity = float(limit.requests)
        self.rate_per_s = limit.requests / limit.period_s
        self.store = store

    def take_at(self, who: str, now: float) -> float:
        return self.store.take(who, self.capacity, self.rate_per_s, now)

    async def take(self, who: str) -> float:
        return self.take_at(who, time.time())


class RedisBuckets:
    """Token buckets in a Redis shared by several hosts."""

    def __init__(self, limit: RateLimit, store: RedisStore) -> None:
        self.capacity = float(limit.requests)
        self.rate_per_s = limit.requests / limit.period_s
        self.store = store

    async def take_at(self, who: str, now: float) -> float:
        return await self.store.take(who, self.capacity, self.rate_per_s, now)

    async def take(self, who: str) -> float:
        return await self.take_at(who, time.time())


def make_buckets(
    rates: RateLimits, store_url: str, database_url: str
) -> tuple[Bucket | None, Bucket | None]:
    """(anonymous, keyed) buckets for ``rates`` in the store named by ``store_url``."""
    if not rates.enabled:
        return None, None
    store_url = store_url.strip()
    if store_url in ("memory", "memory:", "process"):
        return _each(rates, MemoryBuckets)
    if store_url.startswith(("redis://", "rediss://")):
        tag = hashlib.sha256(database_url.encode()).hexdigest()[:12]
        redis_store = RedisStore(store_url, prefix=f"freight:rl:{tag}:")
        return _each(rates, lambda limit: RedisBuckets(limit, redis_store))
    if store_url.startswith("file://"):
        host = HostStore(Path(store_url[len("file://") :]))
    elif store_url in ("", "host"):
        host = HostStore(host_store_path(database_url))
    else:
        raise ValueError(
            f"FREIGHT_RATE_LIMIT_URL: cannot use {store_url!r}; expected '' (host file), "
            "'memory:', 'file:///path', 'redis://host:port/db' or 'rediss://host:port/db'"
        )
    return _each(rates, lambda limit: HostBuckets(limit, host))


def _each(
    rates: RateLimits, make: Callable[[RateLimit], Bucket]
) -> tuple[Bucket | None, Bucket | None]:
    anon = make(rates.anonymous) if rates.anonymous is not None else None
    keyed = make(rates.key) if rates.key is not None else None
    return anon, keyed


class RateLimiter:
    """Admission of one request: the key's bucket if it sends ``Authorization: Bearer``,
    else its client address's bucket. ``enabled`` is False when limits are off (the
    middleware then skips the check entirely)."""

    def __init__(
        self, anon: Bucket | None, keyed: Bucket | None, retry_store_after_s: float = 1.0
    ) -> None:
        self.anon = anon
        self.keyed = keyed
        self.enabled = anon is not None or keyed is not None
        self.retry_store_after_s = retry_store_after_s
        self._store_down_until = 0.0

    @classmethod
    def from_settings(cls, rates: RateLimits, store_url: str, database_url: str) -> RateLimiter:
        return cls(*make_buckets(rates, store_url, database_url))

    async def wait_s(self, headers: Mapping[bytes, bytes], client: tuple[str, int] | None) -> float:
        """0.0 if the request is admitted, else the seconds until its bucket has a token."""
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and len(auth) > 7:
            if self.keyed is None:
                return 0.0
            who = "k:" + hashlib.sha256(auth[7:].strip()).hexdigest()[:24]
            return await self._take(self.keyed, who)
        if self.anon is None:
            return 0.0
        return await self._take(self.anon, "a:" + (client[0] if client else "unknown"))

    async def _take(self, bucket: Bucket, who: str) -> float:
        if self._store_down_until and time.monotonic() < self._store_down_until:
            return 0.0
        try:
            return await bucket.take(who)
        except (RateStoreUnavailable, OSError) as exc:  # fail open, loudly
            self._store_down_until = time.monotonic() + self.retry_store_after_s
            log.error(
                "rate limit store unavailable; admitting requests for %.1f s: %s",
                self.retry_store_after_s,
                exc,
            )
            return 0.0
