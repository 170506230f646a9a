"""`POST /events`: the cabinet's signed events (`cabinet/openapi.yaml`, webhook `cabinetEvent`).

1. A body over 64 KB → 413 (read no further than that).
2. `X-Timestamp` missing or more than ±5 minutes off, `X-Signature` not the HMAC-SHA256 of
   `"{X-Timestamp}.{body}"` with `EVENTS_SECRET` (compared in constant time) → 401.
3. A body that is not an `Event` → 400 with the reason.
4. An `event_id` already received → 204, and nothing is done again.
5. Otherwise the `events` row and its alert rows (`notify/alerts.py`) are committed in one
   transaction, and only then 204: an answer the cabinet sees as delivered means the alert
   exists. An event for a customer with no linked chat is stored with `recipients=0` and
   counted (`cabinet_events_unlinked_total`).

A security alert (`contacts.changed`) names the insurer's hotline: it is read from the cabinet
(`getInsurerContacts`, cached as every reading) before the transaction, and the configured
`SUPPORT_CONTACTS` stand in when the cabinet cannot say.

Problems are `application/problem+json` (RFC 9457), never echoing the body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiohttp import web
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cabinet import CabinetClient, CabinetError
from cabinet.events import InvalidSignature, parse_event, verify
from cabinet.models import ContactsChanged, Event, EventType, PaymentSucceeded, PolicyRenewed
from notify.alerts import Catalogue, Support, enqueue_alerts
from notify.bodies import TooLarge, read_limited
from notify.doorbell import Doorbell
from storage.models import Event as EventRow
from storage.models import RenewalOrder, utcnow

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 64 * 1024
PROBLEMS = "https://cabinet-bot.example/problems/"

EVENTS = Counter(
    "cabinet_events_total",
    "Cabinet events received, by type and outcome (alerted, silent, unlinked, duplicate)",
    ["type", "outcome"],
)
EVENTS_UNLINKED = Counter(
    "cabinet_events_unlinked_total",
    "Cabinet events stored without an alert: the customer has no linked chat",
    ["type"],
)
EVENTS_REFUSED = Counter(
    "cabinet_events_refused_total",
    "Requests to /events refused (too_large, unauthorized, invalid)",
    ["reason"],
)
ALERTS_ENQUEUED = Counter("cabinet_alerts_enqueued_total", "Alert rows made", ["type"])
# What changes a customer's lists in the cabinet: their cached readings become outdated.
_OUTDATES_CACHE = frozenset(EventType)


def too_many_events(_: web.Request, retry_after: int) -> web.Response:
    """The answer to a sender over the per-IP limit of `/events` (it retries later)."""
    return _problem(429, "too_many_requests", "Too many requests", f"Retry in {retry_after} s.")


def service_unavailable(retry_after: int) -> web.Response:
    """What the cabinet gets while the bot cannot take events (Redis down): not stored, retry."""
    return _problem(503, "service_unavailable", "Service unavailable", f"Retry in {retry_after} s.")


def _problem(status: int, code: str, title: str, detail: str | None = None) -> web.Response:
    body: dict[str, Any] = {
        "type": PROBLEMS + code.replace("_", "-"),
        "title": title,
        "status": status,
        "instance": "/events",
        "code": code,
    }
    if detail is not None:
        body["detail"] = detail
    return web.json_response(body, status=status, content_type="application/problem+json")


def _reason(error: ValidationError) -> str:
    """The first problems pydantic found, as "data.claim_id: Field required" (no input)."""
    parts = []
    for item in error.errors(include_input=False, include_url=False)[:3]:
        where = ".".join(str(p) for p in item.get("loc", ()))
        parts.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg", ""))
    return "; ".join(parts)[:500] or "invalid event"


#: Seconds until a request from this address may come again (0: now), counting this one.
RetryAfter = Callable[[web.Request], Awaitable[int]]


@dataclass(frozen=True)
class EventLimits:
    """Per-address budgets: `signed` for the cabinet's authenticated events (its own, higher
    one), `refused` for requests refused as unsigned, forged, stale or too large, so junk from
    an address cannot use up the cabinet's budget."""

    signed: RetryAfter
    refused: RetryAfter


class EventsWebhook:
    """The handler of `POST /events`; `add_to(app)` mounts it."""

    def __init__(
        self,
        *,
        secret: bytes,
        session_factory: async_sessionmaker[AsyncSession],
        core: Catalogue,
        strict: bool,
        cabinet: CabinetClient | None = None,
        doorbell: Doorbell | None = None,
        limits: EventLimits | None = None,
        support_contacts: str = "",
    ) -> None:
        self._limits = limits
        self._support_contacts = support_contacts
        self._secret = secret
        self._sessions = session_factory
        self._core = core
        self._strict = strict
        self._cabinet = cabinet
        self._doorbell = doorbell

    def add_to(self, app: web.Application) -> None:
        app.router.add_post("/events", self.handle)

    async def _over(self, request: web.Request, *, signed: bool) -> web.Response | None:
        """429 when the address is over its budget for this kind of request."""
        if self._limits is None:
            return None
        wait = await (self._limits.signed if signed else self._limits.refused)(request)
        if not wait:
            return None
        response = too_many_events(request, wait)
        response.headers["Retry-After"] = str(wait)
        return response

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await read_limited(request, MAX_BODY_BYTES)
        except TooLarge:
            EVENTS_REFUSED.labels("too_large").inc()
            return await self._over(request, signed=False) or _problem(
                413, "payload_too_large", "Payload too large", "Events are limited to 64 KB."
            )
        try:
            verify(
                self._secret,
                timestamp=request.headers.get("X-Timestamp"),
                signature=request.headers.get("X-Signature"),
                body=body,
            )
        except InvalidSignature as exc:
            EVENTS_REFUSED.labels("unauthorized").inc()
            if over := await self._over(request, signed=False):
                return over  # a flood: counted, and logged once a minute by the limit
            log.warning("event_refused", reason=str(exc))
            return _problem(401, "unauthorized", "Invalid signature", str(exc))
        if over := await self._over(request, signed=True):
            return over
        try:
            event = parse_event(body)
        except ValidationError as exc:
            EVENTS_REFUSED.labels("invalid").inc()
            reason = _reason(exc)
            log.warning("event_invalid", reason=reason)
            return _problem(400, "validation_failed", "Invalid event", reason)
        return await self.accept(event)

    async def accept(self, event: Event, *, now: dt.datetime | None = None) -> web.Response:
        """Store the event and its alerts in one transaction; 204 once committed."""
        kind = event.type.value
        support = await self._support() if isinstance(event, ContactsChanged) else None
        async with self._sessions() as session, session.begin():
            if not await _store_once(session, event):
                return self._duplicate(event)
            outcome = await enqueue_alerts(
                session, event, core=self._core, strict=self._strict, now=now, support=support
            )
            await session.execute(
                update(EventRow)
                .where(EventRow.event_id == event.event_id)
                .values(recipients=outcome.enqueued)
            )
            await _record_payment(session, event)
        if outcome.linked == 0:
            EVENTS_UNLINKED.labels(kind).inc()
            EVENTS.labels(kind, "unlinked").inc()
            log.info("event_unlinked", event_id=event.event_id, type=kind)
        else:
            EVENTS.labels(kind, "alerted" if outcome.enqueued else "silent").inc()
            ALERTS_ENQUEUED.labels(kind).inc(outcome.enqueued)
            log.info("event_accepted", event_id=event.event_id, type=kind, alerts=outcome.enqueued)
            if outcome.enqueued and self._doorbell is not None:
                await self._doorbell.ring()
        if self._cabinet is not None and event.type in _OUTDATES_CACHE:
            await self._cabinet.cache.outdate(event.customer_id)
        return web.Response(status=204)

    async def _support(self) -> Support:
        """The insurer's hotline (`getInsurerContacts`), or the configured contacts alone."""
        if self._cabinet is None:
            return Support(None, self._support_contacts)
        try:
            contacts = (await self._cabinet.insurer_contacts()).value
        except CabinetError as exc:
            log.info("insurer_contacts_from_settings", error=type(exc).__name__)
            return Support(None, self._support_contacts)
        return Support(contacts.phone, self._support_contacts)

    @staticmethod
    def _duplicate(event: Event) -> web.Response:
        EVENTS.labels(event.type.value, "duplicate").inc()
        log.info("event_duplicate", event_id=event.event_id, type=event.type.value)
        return web.Response(status=204)


async def _store_once(session: AsyncSession, event: Event) -> bool:
    """Insert the event's row; False if its `event_id` was stored before. A concurrent twin
    waits on the key until the first one commits, then finds it stored."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stored = await session.scalar(
        insert(EventRow)
        .values(
            event_id=event.event_id,
            type=event.type.value,
            customer_id=event.customer_id,
            occurred_at=event.occurred_at,
            received_at=utcnow(),
            recipients=0,
        )
        .on_conflict_do_nothing(index_elements=[EventRow.event_id])
        .returning(EventRow.event_id)
    )
    return stored is not None


async def _record_payment(session: AsyncSession, event: Event) -> None:
    """The renewal order the chat confirmed is paid (`payment.succeeded`, or the renewal
    itself when it arrives first)."""
    if isinstance(event, PaymentSucceeded):
        where = RenewalOrder.order_id == event.data.order_id
    elif isinstance(event, PolicyRenewed):
        where = RenewalOrder.policy_id == event.data.policy_id
    else:
        return
    await session.execute(
        update(RenewalOrder)
        .where(
            where,
            RenewalOrder.customer_id == event.customer_id,
            RenewalOrder.status == "awaiting_payment",
        )
        .values(status="paid", paid_at=event.occurred_at)
    )
