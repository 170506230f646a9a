"""The one Redis connection factory: a real server when REDIS_URL is set, fakeredis otherwise."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str | None) -> Redis:
    """A Redis client; with no URL an in-process fakeredis, so one process needs no server."""
    if url is None:
        from fakeredis import FakeAsyncRedis  # noqa: PLC0415 - only the embedded mode needs it

        return FakeAsyncRedis()
    # No socket_timeout: redis-py then wraps every command in asyncio.wait_for, a new task per
    # command (a third of the bot's CPU per update). Dead peers are found by the connect
    # timeout, TCP keepalive and the idle health check instead.
    return Redis.from_url(
        url, health_check_interval=30, socket_connect_timeout=5, socket_keepalive=True
    )
