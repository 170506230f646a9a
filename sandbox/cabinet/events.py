"""Events out: every change made by the cabinet's staff is pushed to the bot, signed, until
the bot acknowledges it.

As the contract's `cabinetEvent` webhook says: one event per POST, the exact compact JSON
bytes `{event_id, type, customer_id, occurred_at, data}`, `X-Timestamp` (Unix seconds) and
`X-Signature: sha256=<hex HMAC-SHA256 of "{X-Timestamp}.{body}">`, fresh for every attempt
while the body stays the same. Delivery is at least once: a network error or any answer but
2xx is retried with exponential backoff and full jitter, without end. Order is not promised
(the bot orders by `occurred_at`), though first attempts keep it.

Every event is checked against the contract's `Event` schema when it is recorded: an invalid
one is a bug of the sandbox, and it fails loudly where it was made.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import random
import time
import uuid
from dataclasses import dataclass

import aiohttp
import structlog

from sandbox.cabinet.config import SandboxConfig
from sandbox.cabinet.model import JSON, instant
from sandbox.cabinet.schema import validator

log = structlog.get_logger(__name__)

ATTEMPT_TIMEOUT = 10.0


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass
class Delivery:
    event: JSON
    body: bytes
    status: str = "pending"
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: dt.datetime | None = None

    def render(self) -> JSON:
        return {
            "event": self.event,
            "status": self.status,
            "attempts": self.attempts,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "delivered_at": instant(self.delivered_at) if self.delivered_at else None,
        }


class Outbox:
    """The recorded events and their delivery. Sending runs between :meth:`start` and
    :meth:`stop` (the app's cleanup context); without `events_url` events are only recorded
    and stay `pending`."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._turns: dict[str, asyncio.Lock] = {}

    def emit(self, kind: str, customer_id: str, data: JSON, occurred_at: dt.datetime) -> JSON:
        event = {
            "event_id": str(uuid.uuid4()),
            "type": kind,
            "customer_id": customer_id,
            "occurred_at": instant(occurred_at),
            "data": data,
        }
        problems = [
            error.message for error in validator("#/components/schemas/Event").iter_errors(event)
        ]
        if problems:
            raise ValueError(f"the sandbox made an invalid {kind} event: {problems}")
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        delivery = Delivery(event, body)
        self.deliveries.append(delivery)
        log.info("event_recorded", event_id=event["event_id"], type=kind, customer_id=customer_id)
        self._schedule(delivery)
        return event

    def stats(self) -> JSON:
        return {
            "pending": sum(d.status == "pending" for d in self.deliveries),
            "delivered": sum(d.status == "delivered" for d in self.deliveries),
            "attempts": sum(d.attempts for d in self.deliveries),
        }

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=ATTEMPT_TIMEOUT))
        for delivery in self.deliveries:
            if delivery.status == "pending":
                self._schedule(delivery)

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _schedule(self, delivery: Delivery) -> None:
        if self._session is None or self._config.events_url is None:
            return
        task = asyncio.create_task(self._deliver(delivery, self._session, self._config.events_url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, session: aiohttp.ClientSession, url: str) -> None:
        """First attempts go out in the order the events were made (per customer), so a
        healthy bot sees them in order; retries do not hold the others back."""
        turn = self._turns.setdefault(delivery.event["customer_id"], asyncio.Lock())
        async with turn:
            delivered = await self._attempt(delivery, session, url)
        failures = 0
        while not delivered:
            config = self._config
            ceiling = min(
                config.events_retry_max, config.events_retry_initial * 2 ** min(failures, 30)
            )
            failures += 1
            await asyncio.sleep(random.uniform(0, ceiling))  # noqa: S311 - jitter, not secrecy
            delivered = await self._attempt(delivery, session, url)

    async def _attempt(self, delivery: Delivery, session: aiohttp.ClientSession, url: str) -> bool:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Timestamp": timestamp,
            "X-Signature": sign(self._config.events_secret, timestamp, delivery.body),
        }
        delivery.attempts += 1
        event_id = delivery.event["event_id"]
        try:
            async with session.post(url, data=delivery.body, headers=headers) as response:
                await response.read()
                delivery.last_status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            delivery.last_error = type(exc).__name__
            log.warning("event_delivery_failed", event_id=event_id, error=delivery.last_error)
            return False
        if 200 <= response.status < 300:
            delivery.status = "delivered"
            delivery.delivered_at = dt.datetime.now(dt.UTC)
            log.info("event_delivered", event_id=event_id, attempts=delivery.attempts)
            return True
        delivery.last_error = f"HTTP {response.status}"
        log.warning("event_delivery_failed", event_id=event_id, status=response.status)
        return False
