"""Staff broadcasts: one message to many users, as outbox rows (`notify.outbox`).

Who gets it (`Audience`): every linked user, the holders of a product type, or the users of a
language; always only active users (403 makes a chat inactive), and for the `marketing`
category only those who opted in under Settings (38-ФЗ). `create_broadcast` writes the
`broadcasts` row and one outbox row per recipient in one transaction (INSERTs in chunks): the
workers start on it when it is committed, whole. `progress` counts the rows by outcome and
closes a broadcast whose rows are all final; `cancel` stops the rows not yet sent.

Holders of a product type are found in the cabinet: one `policies` read per linked customer
(through the client's short cache), `HOLDERS_CONCURRENCY` at a time. That is the cost of not
copying the cabinet's policies into this database: about N × the cabinet's latency /
concurrency (10,000 customers at 50 ms: about a minute), paid when the broadcast is counted
and again when it is created. A customer whose policies cannot be read is left out and
counted (`Recipients.unknown`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cabinet import CabinetError, Reading
from cabinet.models import Page, PolicyStatus, PolicySummary, Product
from notify.outbox import enqueue_many
from notify.payload import Button, Payload
from storage.models import AuditRecord, Broadcast, Link, OutboxMessage, User, utcnow

log = structlog.get_logger(__name__)

CATEGORIES = ("service", "marketing")
AUDIENCE_KINDS = ("all", "product", "locale")
PRODUCTS = tuple(product.value for product in Product)
LOCALES = ("ru", "en")  # bot.config.Locale: notify does not import the bot
HOLDING = frozenset({PolicyStatus.ACTIVE, PolicyStatus.EXPIRING})
HOLDERS_CONCURRENCY = 8
CHUNK = 1000
TEXT_LIMIT = 4096  # Telegram's, in characters of the text as shown
CAPTION_LIMIT = 1024
BUTTON_TEXT_LIMIT = 64
FINAL = ("sent", "dead", "blocked", "cancelled")

Category = Literal["service", "marketing"]


class PolicyReader(Protocol):
    """What the product audience needs of the cabinet client (`cabinet.CabinetClient`)."""

    async def policies(
        self, customer_id: str, *, page: int = 1, page_size: int = 20, locale: str = "ru"
    ) -> Reading[Page[PolicySummary]]: ...


class AudienceError(ValueError):
    """An audience or message that cannot be sent; the message says why."""


@dataclasses.dataclass(frozen=True)
class Audience:
    kind: str  # all | product | locale
    value: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in AUDIENCE_KINDS:
            raise AudienceError(f"audience kind must be one of {', '.join(AUDIENCE_KINDS)}")
        if self.kind == "product" and self.value not in PRODUCTS:
            raise AudienceError(f"product must be one of {', '.join(PRODUCTS)}")
        if self.kind == "locale" and self.value not in LOCALES:
            raise AudienceError(f"locale must be one of {', '.join(LOCALES)}")
        if self.kind == "all" and self.value is not None:
            object.__setattr__(self, "value", None)

    @classmethod
    def parse(cls, text: str) -> Audience:
        """`all`, `product:osago`, `locale:en` (the command line's spelling)."""
        kind, _, value = text.strip().partition(":")
        return cls(kind.strip(), value.strip() or None)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value}


@dataclasses.dataclass(frozen=True)
class Recipients:
    chat_ids: list[int]
    unknown: int = 0  # product audience: customers whose policies could not be read


# ------------------------------------------------------------------------------ the message


_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problem: str | None = None
        self.visible: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.problem = self.problem or f"unsupported tag <{tag}>"
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f"unexpected </{tag}>"
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.visible.append(data)


def html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` as HTML (tags it does not know, unbalanced), or None."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.problem is None and parser.open:
        return f"<{parser.open[-1]}> is not closed"
    return parser.problem


def visible_length(text: str) -> int:
    """The length of an HTML text as the recipient sees it (what Telegram limits)."""
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    return len("".join(parser.visible))


def url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "the button's URL must start with https:// (or http://) and name a host"
    return None


def build_payload(
    text: str,
    *,
    button: tuple[str, str] | None = None,
    photo: str | None = None,
    document: str | None = None,
    paid: bool = False,
) -> Payload:
    """The outbox payload of a broadcast: HTML text (a caption with media), a URL button."""
    payload: Payload = {"text": text}
    if button is not None:
        payload["buttons"] = [[Button(text=button[0], url=button[1])]]
    if photo:
        payload["photo"] = photo
    elif document:
        payload["document"] = document
    if paid:
        payload["paid"] = True
    return payload


def check_payload(payload: Payload) -> None:
    """Refuse what every recipient's send would fail on."""
    text = payload["text"]
    problem = html_problem(text)
    if problem is not None:
        raise AudienceError(f"text: {problem}")
    media = "photo" in payload or "document" in payload
    limit = CAPTION_LIMIT if media else TEXT_LIMIT
    length = visible_length(text)
    if not media and not text.strip():
        raise AudienceError("text: must not be empty")
    if length > limit:
        raise AudienceError(f"text: {length} characters, at most {limit}")
    for row in payload.get("buttons", []):
        for button in row:
            label = button.get("text", "")
            if not 1 <= len(label) <= BUTTON_TEXT_LIMIT:
                raise AudienceError(f"button: its text must be 1–{BUTTON_TEXT_LIMIT} characters")
            url_error = url_problem(button.get("url", ""))
            if url_error:
                raise AudienceError(f"button: {url_error}")


# ------------------------------------------------------------------------------ the audience


async def recipients(
    session: AsyncSession,
    audience: Audience,
    category: str,
    *,
    policies: PolicyReader | None = None,
    concurrency: int = HOLDERS_CONCURRENCY,
) -> Recipients:
    """The chats a broadcast goes to: linked, active, opted in for marketing, in the audience."""
    if category not in CATEGORIES:
        raise AudienceError(f"category must be one of {', '.join(CATEGORIES)}")
    query = (
        select(User.id, Link.customer_id)
        .join(Link, Link.user_id == User.id)
        .where(User.is_active.is_(True))
        .order_by(User.id)
    )
    if category == "marketing":
        query = query.where(User.marketing.is_(True))
    if audience.kind == "locale":
        query = query.where(User.locale == audience.value)
    rows = (await session.execute(query)).all()
    if audience.kind != "product":
        return Recipients([user_id for user_id, _ in rows])
    if policies is None:
        raise AudienceError("the product audience needs the cabinet")
    holders, unknown = await _holders(
        policies, {customer for _, customer in rows}, Product(str(audience.value)), concurrency
    )
    return Recipients([user_id for user_id, customer in rows if customer in holders], unknown)


async def _holders(
    policies: PolicyReader, customers: Iterable[str], product: Product, concurrency: int
) -> tuple[set[str], int]:
    gate = asyncio.Semaphore(concurrency)
    holders: set[str] = set()
    unknown = 0

    async def check(customer: str) -> None:
        nonlocal unknown
        async with gate:
            try:
                page = 1
                while True:
                    reading = await policies.policies(customer, page=page, page_size=100)
                    items = reading.value.items
                    if any(p.product == product and p.status in HOLDING for p in items):
                        holders.add(customer)
                        return
                    if not items or page * reading.value.page_size >= reading.value.total:
                        return
                    page += 1
            except CabinetError as exc:
                unknown += 1
                log.warning("broadcast_holder_unknown", error=type(exc).__name__)

    await asyncio.gather(*(check(customer) for customer in customers))
    return holders, unknown


# ------------------------------------------------------------------------------ the broadcast


async def create_broadcast(
    session: AsyncSession,
    *,
    payload: Payload,
    audience: Audience,
    category: str,
    created_by: int | None = None,
    policies: PolicyReader | None = None,
    chunk: int = CHUNK,
) -> Broadcast:
    """The broadcast and its outbox rows, committed together; an empty audience is `done`."""
    check_payload(payload)
    found = await recipients(session, audience, category, policies=policies)
    now = utcnow()
    broadcast = Broadcast(
        created_by=created_by,
        category=category,
        audience=audience.as_dict(),
        message=dict(payload),
        status="sending" if found.chat_ids else "done",
        total=len(found.chat_ids),
        created_at=now,
        finished_at=None if found.chat_ids else now,
    )
    session.add(broadcast)
    await session.flush()
    for start in range(0, len(found.chat_ids), chunk):
        await enqueue_many(
            session,
            found.chat_ids[start : start + chunk],
            payload,
            kind="broadcast",
            broadcast_id=broadcast.id,
            not_before=now,
        )
    session.add(
        AuditRecord(
            action="broadcast.created",
            actor_id=created_by,
            details={
                "broadcast_id": broadcast.id,
                "audience": audience.as_dict(),
                "category": category,
                "total": broadcast.total,
                "unknown": found.unknown,
            },
        )
    )
    await session.commit()
    log.info(
        "broadcast_created",
        broadcast_id=broadcast.id,
        audience=audience.kind,
        category=category,
        total=broadcast.total,
    )
    return broadcast


@dataclasses.dataclass(frozen=True)
class Progress:
    id: int
    status: str  # sending | done | cancelled
    total: int
    sent: int
    failed: int  # dead: gave up (`last_error` says why)
    blocked: int
    cancelled: int
    pending: int
    eta_seconds: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def final(self) -> bool:
        return self.status != "sending"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "blocked": self.blocked,
            "cancelled": self.cancelled,
            "pending": self.pending,
            "eta_seconds": self.eta_seconds,
        }


async def progress(session: AsyncSession, broadcast_id: int) -> Progress | None:
    """How the broadcast goes (None: no such broadcast). A `sending` broadcast with no row
    left to send becomes `done` here (committed)."""
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        return None
    counts: dict[str, int] = {
        status: int(count)
        for status, count in (
            await session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.broadcast_id == broadcast_id)
                .group_by(OutboxMessage.status)
            )
        ).all()
    }
    pending = sum(count for status, count in counts.items() if status not in FINAL)
    if broadcast.status == "sending" and pending == 0:
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
            .values(status="done", finished_at=utcnow())
        )
        await session.commit()
        broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
        assert broadcast is not None
    done = counts.get("sent", 0) + counts.get("dead", 0) + counts.get("blocked", 0)
    eta = None
    if pending and broadcast.status == "sending":
        eta = await _eta(session, broadcast_id, done, pending)
    return Progress(
        id=broadcast.id,
        status=broadcast.status,
        total=broadcast.total,
        sent=counts.get("sent", 0),
        failed=counts.get("dead", 0),
        blocked=counts.get("blocked", 0),
        cancelled=counts.get("cancelled", 0),
        pending=pending,
        eta_seconds=eta,
        created_at=broadcast.created_at,
        finished_at=broadcast.finished_at,
    )


async def _eta(session: AsyncSession, broadcast_id: int, done: int, pending: int) -> int | None:
    """Seconds left at the rate achieved since the first message went out (None: no rate yet)."""
    first = await session.scalar(
        select(func.min(OutboxMessage.sent_at)).where(OutboxMessage.broadcast_id == broadcast_id)
    )
    if first is None or done < 2:
        return None
    if first.tzinfo is None:  # SQLite's MIN() is a plain string
        first = first.replace(tzinfo=dt.UTC)
    elapsed = (utcnow() - first).total_seconds()
    if elapsed <= 0:
        return None
    return max(1, round(pending / (done / elapsed)))


async def cancel(session: AsyncSession, broadcast_id: int) -> Progress | None:
    """Stop a broadcast: its rows not yet sent become `cancelled` (a row a worker is sending
    at this moment may still go out). A finished broadcast stays as it is."""
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        return None
    if broadcast.status == "sending":
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "pending")
            .values(status="cancelled", claimed_until=None, claimed_by=None)
        )
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
            .values(status="cancelled", finished_at=utcnow())
        )
        await session.commit()
        log.info(
            "broadcast_cancelled",
            broadcast_id=broadcast_id,
            rows=int(result.rowcount or 0),  # type: ignore[attr-defined]
        )
    return await progress(session, broadcast_id)
