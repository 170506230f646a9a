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

RESUBSCRIBE_SECONDS = 1.0


class Doorbell:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self.redis = redis
        self.channel = f"{prefix}:outbox:due"

    async def ring(self) -> None:
        """After the commit of rows that are due now."""
        try:
            await self.redis.publish(self.channel, b"")
        except (RedisError, OSError):
            log.warning("outbox_doorbell_failed")

    async def listen(self, on_ring: Callable[[], None]) -> None:
        """Call `on_ring` at every ring, and once on (re)subscribing, for the rows committed
        while nobody listened; until cancelled, resubscribing after a lost connection."""
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    on_ring()
                    async for _ in pubsub.listen():
                        on_ring()
            except (RedisError, OSError):
                log.warning("outbox_doorbell_lost")
            await asyncio.sleep(RESUBSCRIBE_SECONDS)
