"""The one Redis connection factory: a real server when REDIS_URL is set, fakeredis otherwise."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str | None) -> Redis:
    """A Redis client; with no URL an in-process fakeredis, so one process needs no server."""
    if url is None:
        from fakeredis import FakeAsyncRedis  # noqa: PLC0415 - only the embedded mode needs it

        return FakeAsyncRedis()
    return Redis.from_url(url, health_check_interval=30, socket_timeout=5, socket_connect_timeout=5)
