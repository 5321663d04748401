"""Token buckets in one Redis shared by several hosts (``redis://`` or TLS ``rediss://``).

redis-py's asyncio client: the bucket update is one Lua script, atomic on the server
(``EVALSHA``, loaded on first use); the request waits without blocking the event loop.
Time is the caller's clock (keep hosts NTP-synced). Every failure (refused, timeout, TLS,
auth, script error) raises :class:`RateStoreUnavailable`; the limiter then admits.
"""

from __future__ import annotations

import asyncio
import hashlib

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError


class RateStoreUnavailable(Exception):
    """A shared bucket store did not answer (the request is admitted, the error logged)."""


_BUCKET_LUA = """
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(v[1]) or cap; local at = tonumber(v[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 1)
return tostring(wait)
"""


class RedisStore:
    """Buckets under ``prefix`` in the Redis at ``url`` (one client per event loop)."""

    def __init__(self, url: str, prefix: str = "freight:rl:", timeout_s: float = 0.5) -> None:
        self.url = url
        self.prefix = prefix
        self.timeout_s = timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: aioredis.Redis | None = None
        self._script: AsyncScript | None = None

    def script(self) -> AsyncScript:
        """The bucket script on the running loop's client (a pool is bound to its loop)."""
        loop = asyncio.get_running_loop()
        if self._script is None or self._loop is not loop:
            self._client = aioredis.Redis.from_url(
                self.url,
                socket_timeout=self.timeout_s,
                socket_connect_timeout=self.timeout_s,
                retry=Retry(NoBackoff(), 1),  # one retry: a pooled connection may be stale
            )
            self._script = self._client.register_script(_BUCKET_LUA)
            self._loop = loop
        assert self._script is not None
        return self._script

    async def take(self, who: str, capacity: float, rate_per_s: float, now: float) -> float:
        """Take one token of ``who``'s bucket: 0.0 if admitted, else the seconds to wait."""
        key = self.prefix + hashlib.blake2b(who.encode(), digest_size=16).hexdigest()
        try:
            reply = await self.script()(
                keys=[key], args=[repr(capacity), repr(rate_per_s), repr(now)]
            )
        except (TimeoutError, RedisError, OSError) as exc:
            raise RateStoreUnavailable(f"redis at {self._where()}: {exc}") from exc
        return float(reply)

    def _where(self) -> str:
        """The URL without credentials (for logs)."""
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
