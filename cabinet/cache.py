"""A short Redis cache of the cabinet's answers to reads.

Fresh for `fresh_for` seconds (a user paging back and forth does not call the cabinet each
time), then kept up to `keep_for` seconds as the last known data to show, marked with its time,
while the cabinet is unavailable.

One Redis hash per customer (`cabinet:cabinet-cache:v1:{customer_id}`, a field per request), so
that everything cached about a person goes with one DEL when they unlink or withdraw consent.
A change the bot makes (a new order, a message) marks the customer's answers outdated rather
than deleting them: they are no longer fresh, but still the last known data in an outage.
The answers are personal data: they live only in Redis, with a TTL, and never in logs.
Redis failing makes the cache empty, not the cabinet unavailable.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

SHARED_SCOPE = "_shared"  # answers that are the same for everyone (certificate types)
_CHANGED = "~changed"  # the hash field with the time of the scope's last change


@dataclass(frozen=True, slots=True)
class Cached:
    body: bytes
    fetched_at: dt.datetime
    outdated: bool = False  # fetched before a change: only good as the last known data

    def age(self, now: float) -> float:
        return now - self.fetched_at.timestamp()


class ReadCache:
    def __init__(
        self, redis: Redis, *, prefix: str, fresh_for: float = 30.0, keep_for: float = 6 * 3600
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self.fresh_for = fresh_for
        self.keep_for = keep_for

    def key(self, scope: str) -> str:
        return f"{self._prefix}:cabinet-cache:v1:{scope}"

    async def get(self, scope: str, field: str) -> Cached | None:
        try:
            raw, changed = await self._redis.hmget(self.key(scope), [field, _CHANGED])
        except RedisError as exc:
            log.warning("cabinet_cache_unavailable", error=type(exc).__name__)
            return None
        if not isinstance(raw, bytes):
            return None
        stamp, _, body = raw.partition(b"\n")
        outdated = changed is not None and float(changed) >= float(stamp)
        cached = Cached(body, dt.datetime.fromtimestamp(float(stamp), dt.UTC), outdated)
        return cached if cached.age(time.time()) < self.keep_for else None

    async def put(self, scope: str, field: str, body: bytes) -> dt.datetime:
        now = round(time.time(), 3)  # as stored: the time read back is the time returned
        key = self.key(scope)
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hset(key, field, f"{now:.3f}\n".encode() + body)
                pipe.expire(key, int(self.keep_for) + 1)
                await pipe.execute()
        except RedisError as exc:
            log.warning("cabinet_cache_unavailable", error=type(exc).__name__)
        return dt.datetime.fromtimestamp(now, dt.UTC)

    async def forget(self, scope: str) -> None:
        """Raises when Redis is down: unlinking must not report success while data remains."""
        await self._redis.delete(self.key(scope))

    async def outdate(self, scope: str) -> None:
        """After a change (or an attempt at one): the scope's answers are no longer fresh.
        Best effort: a change the cabinet made is not undone by Redis failing."""
        try:
            await self._redis.hset(self.key(scope), _CHANGED, f"{time.time():.3f}")
        except RedisError as exc:
            log.warning("cabinet_cache_unavailable", error=type(exc).__name__)
