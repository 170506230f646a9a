"""The Redis connection pool under a burst: more commands at once than it has connections."""

from __future__ import annotations

import asyncio

import pytest

from storage.redis import POOL_SIZE, create_redis
from tests.conftest import Backend

pytestmark = pytest.mark.backends("servers")  # fakeredis has no pool


async def test_a_burst_beyond_the_pool_waits_for_a_connection(backend: Backend) -> None:
    """Three times more commands than connections, each holding its connection for 0.2 s
    (as a slow command or a busy server would): every one is served, none fails."""
    redis = create_redis(backend.redis_url)
    try:
        results = await asyncio.gather(
            *(redis.blpop([f"empty:{n}"], timeout=0.2) for n in range(POOL_SIZE * 3)),
            return_exceptions=True,
        )
    finally:
        await redis.aclose()
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == [], f"{len(failures)} failed: {failures[:1]}"
