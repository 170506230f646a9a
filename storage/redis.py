"""The one Redis connection factory: a real server when REDIS_URL is set, fakeredis otherwise."""

from __future__ import annotations

import socket
from typing import Any

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

#: Every key this project writes starts with it.
KEY_PREFIX = "cabinet"

#: Connections per process. When all are busy (a flood of requests), a command waits up to
#: POOL_WAIT seconds for one to come back instead of failing at once, as redis-py's default
#: pool does: a burst is served a little later rather than answered with errors.
POOL_SIZE = 100
POOL_WAIT = 5.0

#: What a Redis that is down, restarting or failing over raises (a command, or the pool's wait).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

#: A command that meets a reset connection (Redis restarted while it sat in the pool) or a
#: refused one is tried again on a new connection three times within about half a second: a
#: restart is not an error for whoever comes first after it.
_RETRY = Retry(ExponentialBackoff(cap=0.3, base=0.05), retries=3, supported_errors=UNAVAILABLE)

# Find a dead peer within about a minute instead of the system's two hours.
_KEEPALIVE = {
    option: value
    for option, value in (
        (getattr(socket, "TCP_KEEPIDLE", None), 30),
        (getattr(socket, "TCP_KEEPINTVL", None), 10),
        (getattr(socket, "TCP_KEEPCNT", None), 3),
    )
    if option is not None
}


class _WaitingPool(BlockingConnectionPool):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(timeout=POOL_WAIT, **kwargs)


def create_redis(url: str | None) -> Redis:
    """A Redis client; with no URL an in-process fakeredis, so one process needs no server."""
    if url is None:
        from fakeredis import FakeAsyncRedis  # noqa: PLC0415 - only the embedded mode needs it

        # The same waiting pool as a server's (fakeredis, too, hands out at most 100).
        return FakeAsyncRedis(connection_pool_class=_WaitingPool, max_connections=POOL_SIZE)
    # No socket_timeout: redis-py then wraps every command in asyncio.wait_for, a new task per
    # command (a third of the bot's CPU per update). Dead peers are found by the connect
    # timeout, TCP keepalive and the idle health check instead.
    pool = _WaitingPool.from_url(
        url,
        max_connections=POOL_SIZE,
        health_check_interval=30,
        socket_connect_timeout=5,
        socket_keepalive=True,
        socket_keepalive_options=_KEEPALIVE,
        retry=_RETRY,
    )
    return Redis.from_pool(pool)  # the client owns the pool: aclose() closes its connections
