"""The workers' doorbell: a producer that committed outbox rows someone is waiting for (an
alert, a support answer) rings it, and every worker claims at once instead of at its next poll.

It is Redis pub/sub, so it reaches the workers of every process. A ring carries nothing: the
rows are in the database, and a worker that missed a ring (it was starting, Redis blinked)
finds them at its next poll anyway, so ringing is best effort and never fails the producer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = structlog.get_logger(__name__)

RING_TIMEOUT = 0.5  # a producer never waits longer than this for Redis after its commit
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0  # seconds before subscribing again after a failure


class Doorbell:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self.redis = redis
        self.channel = f"{prefix}:outbox:due"

    async def ring(self) -> None:
        """After the commit of rows that are due now."""
        try:
            async with asyncio.timeout(RING_TIMEOUT):
                await self.redis.publish(self.channel, b"")
        except (RedisError, OSError):  # TimeoutError is an OSError
            log.warning("outbox_doorbell_failed")

    async def listen(self, on_ring: Callable[[], None]) -> None:
        """Call `on_ring` at every ring, and once on subscribing, for the rows committed while
        nobody listened; until cancelled. After a failure it subscribes again, waiting longer
        each time while the failures go on (the workers poll meanwhile)."""
        pause = FIRST_PAUSE
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    on_ring()
                    pause = FIRST_PAUSE
                    async for _ in pubsub.listen():
                        on_ring()
            except (RedisError, OSError):
                log.warning("outbox_doorbell_lost", retry_in=pause)
            except Exception:
                log.exception("outbox_doorbell_failed", retry_in=pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
